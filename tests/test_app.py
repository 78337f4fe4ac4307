"""The app skeleton: health, readiness and the common error shape."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import Settings


def _client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path), load_knowledge=False))


def test_healthz_answers_ok(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_503_before_the_index_loads(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready"


def test_unknown_route_uses_the_common_error_shape(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        response = client.get("/no-such-thing")
    assert response.status_code == 404
    assert set(response.json()["error"]) >= {"code", "message"}


def test_settings_read_the_rrall_prefix(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RRALL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RRALL_API_KEYS", "a, b,")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.api_key_list == ["a", "b"]
    assert settings.session_database_url.startswith("sqlite:///")
