"""The integration surfaces (MCP at /mcp, CDS Hooks, OpenAI-compatible chat, passages) sit behind the
same gate as the rest of /v1: the API key, the per-key rate limit (429 + Retry-After), the body cap,
and the one error shape for each refusal. Real HTTP, one live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from tests.live import live_server
from tests.service.conftest import KEY, service_settings

CAP = 4096
REQUESTS = [
    ("POST", "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "ping"}),
    ("GET", "/cds-services", None),
    ("POST", "/cds-services/rrall-agent-choice/feedback",
     {"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-01-01T00:00:00Z"}]}),
    ("POST", "/v1/chat/completions", {"model": "rrall-navigator", "messages": [{"role": "user", "content": "hi"}]}),
    ("GET", "/v1/models", None),
    ("GET", "/v1/passages/tox-sos-02", None),
]


@pytest.fixture(scope="module")
def gated(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = service_settings(indexed_data_dir, tmp_path_factory.mktemp("gate"), api_keys=KEY,
                                key_rate_limit_per_minute=1, key_rate_limit_burst=1, rate_limit_per_minute=0)
    with live_server(create_app(settings), wait_ready=True) as base:
        yield base


@pytest.fixture(scope="module")
def capped(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = service_settings(indexed_data_dir, tmp_path_factory.mktemp("cap"), api_keys=KEY, max_body_bytes=CAP)
    with live_server(create_app(settings), wait_ready=True) as base:
        yield base


def _send(base: str, method: str, path: str, body: object, key: str | None) -> httpx.Response:
    headers = {"Accept": "application/json, text/event-stream"}
    if key:
        headers["X-API-Key"] = key
    return httpx.request(method, f"{base}{path}", json=body, headers=headers, timeout=30)


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_without_a_key_is_401_in_the_error_shape(gated: str, method: str, path: str, body: object) -> None:
    response = _send(gated, method, path, body, key=None)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_each_surface_shares_the_keys_rate_limit(gated: str) -> None:
    # Burst 1 per key: the first request passes, every later one (any surface) is refused.
    statuses = [_send(gated, m, p, b, key=KEY) for m, p, b in REQUESTS]
    assert statuses[0].status_code == 200, statuses[0].text
    for refused in statuses[1:]:
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("path", ["/mcp", "/cds-services/rrall-agent-choice", "/v1/chat/completions"])
def test_the_body_cap_applies(capped: str, path: str) -> None:
    response = httpx.post(f"{capped}{path}", content=b"{" + b" " * (CAP + 10) + b"}",
                          headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
