"""`assistant serve`: refuses an open API off loopback, announces open mode, and starts uvicorn with
JSON logs, trusted proxies and (with several workers) multiprocess metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant.cli import serve as serve_module
from assistant.settings import Settings


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """run(args, **settings) -> (result, uvicorn.run kwargs or None)."""
    import uvicorn

    def run(args: list[str], **settings: Any) -> tuple[Any, dict[str, Any] | None]:
        calls: list[dict[str, Any]] = []
        monkeypatch.setattr(serve_module, "get_settings", lambda: Settings(data_dir=tmp_path, **settings))
        monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
        # setenv first records the variable's state, so whatever serve sets is undone after the test.
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
        result = CliRunner().invoke(serve_module.serve, args)
        return result, (calls[0] if calls else None)

    return run


def test_refuses_a_public_address_without_api_keys(started: Any) -> None:
    result, call = started(["--host", "0.0.0.0"])
    assert result.exit_code == 2 and call is None
    assert "RRALL_API_KEYS" in result.output


def test_serves_a_public_address_with_api_keys(started: Any) -> None:
    result, call = started(["--host", "0.0.0.0"], api_keys="k")
    assert result.exit_code == 0 and call is not None
    assert "open" not in result.output


def test_announces_open_mode_on_loopback(started: Any) -> None:
    result, call = started([])
    assert result.exit_code == 0 and call is not None
    assert "RRALL_API_KEYS is empty" in result.output


def test_starts_uvicorn_with_json_logs_and_trusted_proxies(started: Any) -> None:
    _, call = started(["--workers", "3"], forwarded_allow_ips="10.0.0.5", log_level="DEBUG")
    assert call is not None
    assert call["app"] == "api.app:create_app" and call["factory"] and call["workers"] == 3
    assert call["access_log"] is False  # it would log raw query strings
    assert call["forwarded_allow_ips"] == "10.0.0.5" and call["proxy_headers"]
    assert call["log_config"]["loggers"]["rrall"]["level"] == "DEBUG"


def test_several_workers_share_metrics_through_a_fresh_directory(started: Any, tmp_path: Path) -> None:
    import os

    stale = tmp_path / "metrics-multiproc" / "counter_999.db"
    stale.parent.mkdir()
    stale.write_bytes(b"old run")
    started(["--workers", "2"])
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(stale.parent)
    assert not stale.exists()


def test_one_worker_keeps_metrics_in_memory(started: Any) -> None:
    import os

    started([])
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_refuses_several_workers_each_polling_telegram(started: Any) -> None:
    result, call = started(["--workers", "2"], telegram_mode="polling", telegram_bot_token="1:abc")
    assert result.exit_code == 2 and call is None
    assert "assistant connect telegram" in result.output
    result, call = started(["--workers", "2"], telegram_mode="polling", telegram_bot_token="1:abc",
                           connect_in_serve=False)
    assert result.exit_code == 0 and call is not None
