"""Who gets in: API keys over real HTTP, the loopback rule, widget keys bound to origins, CORS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.live import live_server
from tests.service.conftest import KEY, ORIGIN, WIDGET_KEY, service_settings

PROFILE = {"age_years": 34, "disease_status": "first relapse", "marrow_blasts_pct": 80}


@pytest.fixture(scope="module")
def keyed_server(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = service_settings(indexed_data_dir, tmp_path_factory.mktemp("keyed"), api_keys=f"{KEY},second-key",
                                widget_keys=WIDGET_KEY, allowed_origins=ORIGIN)
    with live_server(create_app(settings, load_knowledge=False)) as base:
        yield base


@pytest.fixture(scope="module")
def open_server(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(create_app(service_settings(indexed_data_dir, tmp_path_factory.mktemp("open")),
                                load_knowledge=False)) as base:
        yield base


@pytest.mark.parametrize("headers", [
    {"Authorization": f"Bearer {KEY}"},
    {"X-API-Key": KEY},
    {"authorization": "bearer second-key"},
])
def test_both_header_forms_carry_a_valid_key(keyed_server: str, headers: dict[str, str]) -> None:
    response = httpx.post(f"{keyed_server}/v1/assess", json=PROFILE, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer forged-key"},
    {"X-API-Key": KEY[:-1]},
    {"X-API-Key": KEY + "x"},
    {"Authorization": f"Basic {KEY}"},
])
def test_forged_keys_get_401_in_the_common_shape(keyed_server: str, headers: dict[str, str]) -> None:
    response = httpx.post(f"{keyed_server}/v1/assess", json=PROFILE, headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] in {"invalid_api_key", "unauthorized"}
    assert KEY not in response.text and "forged-key" not in response.text
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_keys_configured_means_loopback_needs_one_too(keyed_server: str) -> None:
    # A reverse proxy on the same host would otherwise open the API to everyone behind it.
    response = httpx.get(f"{keyed_server}/v1/tools")
    assert response.status_code == 401
    assert "X-API-Key" in response.json()["error"]["message"]


def test_probes_widget_and_docs_need_no_key(keyed_server: str) -> None:
    for path in ("/healthz", "/openapi.json"):
        assert httpx.get(keyed_server + path).status_code == 200
    assert httpx.get(f"{keyed_server}/readyz").status_code == 503  # not loading: still no 401


def test_webhooks_are_not_behind_api_keys(keyed_server: str) -> None:
    # Platforms sign their own requests; an unconfigured platform is switched off (404), not 401.
    response = httpx.post(f"{keyed_server}/webhooks/no-such-platform", json={})
    assert response.status_code != 401


def test_open_mode_serves_loopback_clients(open_server: str) -> None:
    assert httpx.post(f"{open_server}/v1/assess", json=PROFILE).status_code == 200


def test_open_mode_refuses_a_client_elsewhere(open_server: str) -> None:
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 (a local proxy), so this is a remote client.
    response = httpx.post(f"{open_server}/v1/assess", json=PROFILE, headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 401
    assert "RRALL_API_KEYS" in response.json()["error"]["message"]


def test_open_mode_refuses_a_remote_asgi_client(tmp_path: Path, indexed_data_dir: Path) -> None:
    app = create_app(service_settings(indexed_data_dir, tmp_path), load_knowledge=False)
    # A loopback Host name, so the Host check passes and the key check is what refuses.
    with TestClient(app, base_url="http://localhost", client=("198.51.100.4", 40000)) as client:
        assert client.get("/v1/tools").status_code == 401
        assert client.get("/metrics").status_code == 401
        assert client.get("/healthz").status_code == 200


def test_widget_key_works_from_an_allowed_origin(keyed_server: str) -> None:
    response = httpx.post(f"{keyed_server}/v1/assess", json=PROFILE,
                          headers={"X-API-Key": WIDGET_KEY, "Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN


@pytest.mark.parametrize("origin", ["https://evil.example.com", "http://intranet.example.org", None])
def test_widget_key_from_another_origin_is_refused(keyed_server: str, origin: str | None) -> None:
    headers = {"X-API-Key": WIDGET_KEY} | ({"Origin": origin} if origin else {})
    response = httpx.post(f"{keyed_server}/v1/assess", json=PROFILE, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in response.headers


def test_widget_key_works_from_the_service_own_origin(keyed_server: str) -> None:
    # The /widget demo page is served by the API itself.
    response = httpx.get(f"{keyed_server}/v1/tools", headers={"X-API-Key": WIDGET_KEY, "Origin": keyed_server})
    assert response.status_code == 200


def test_widget_key_does_not_open_metrics(keyed_server: str) -> None:
    response = httpx.get(f"{keyed_server}/metrics", headers={"X-API-Key": WIDGET_KEY, "Origin": ORIGIN})
    assert response.status_code == 401
    assert httpx.get(f"{keyed_server}/metrics", headers={"X-API-Key": KEY}).status_code == 200


def _preflight(base: str, origin: str, method: str = "POST", path: str = "/v1/chat") -> httpx.Response:
    return httpx.options(base + path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type, x-api-key",
    })


@pytest.mark.parametrize(("method", "path"), [("POST", "/v1/chat"), ("PATCH", "/v1/sessions/s_x"),
                                              ("DELETE", "/v1/sessions/s_x")])
def test_cors_preflight_is_allowed_for_an_allowed_origin(keyed_server: str, method: str, path: str) -> None:
    response = _preflight(keyed_server, ORIGIN, method, path)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-api-key" in response.headers["access-control-allow-headers"].lower()


def test_cors_preflight_is_refused_for_other_origins_in_the_common_shape(keyed_server: str) -> None:
    response = _preflight(keyed_server, "https://evil.example.com")
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    assert response.json()["error"]["code"] == "cors_refused"


def test_openapi_declares_the_key_schemes_and_refusals(keyed_server: str) -> None:
    spec = httpx.get(f"{keyed_server}/openapi.json").json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    chat = spec["paths"]["/v1/chat"]["post"]
    assert {"401", "403", "413", "429"} <= set(chat["responses"])
    assert "Retry-After" in chat["responses"]["429"]["headers"]
    assert "security" not in spec["paths"]["/healthz"]["get"]
