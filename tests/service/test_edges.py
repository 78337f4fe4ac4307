"""Protocol edges over real HTTP: numbers past float range, the Host check, nosniff, and the WhatsApp
verify refusal, each answered in the common error shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.app import create_app
from assistant.settings import Settings
from tests.live import live_server
from tests.service.conftest import KEY, WIDGET_KEY, service_settings

# 10**309 written out: valid JSON (integers have no size limit), but past the largest float.
HUGE = "1" + "0" * 309


def _error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, object] = response.json()["error"]
    assert error["code"] and error["message"]
    return error


@pytest.fixture(scope="module")
def served(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(service_settings(indexed_data_dir, tmp_path_factory.mktemp("edges"), rate_limit_per_minute=0))
    with live_server(app, wait_ready=True) as base:
        yield base


def _post_raw(base: str, path: str, body: str, method: str = "POST") -> httpx.Response:
    return httpx.request(method, base + path, content=body, headers={"content-type": "application/json"})


@pytest.mark.parametrize("field", ["age_years", "marrow_blasts_pct", "cd22_positive_pct", "bilirubin_x_uln",
                                   "planned_ino_cycles"])
@pytest.mark.parametrize("sign", ["", "-"])
def test_an_integer_past_float_range_is_a_422_naming_the_field_on_every_route(served: str, field: str,
                                                                               sign: str) -> None:
    session_id = httpx.post(f"{served}/v1/chat", json={"message": "what is CRS?"}).json()["session_id"]
    literal = f'{{"{field}": {sign}{HUGE}}}'
    cases = [
        ("POST", "/v1/assess", literal, field),
        ("PATCH", f"/v1/sessions/{session_id}", f'{{"patient": {literal}}}', f"patient.{field}"),
        ("POST", "/v1/tools/assess_patient", f'{{"profile": {literal}}}', f"profile.{field}"),
        ("POST", "/v1/tools/check_eligibility", f'{{"profile": {literal}, "agent": "InO"}}', f"profile.{field}"),
    ]
    for method, path, body, named in cases:
        error = _error(_post_raw(served, path, body, method), 422)
        fields = error["fields"]
        assert isinstance(fields, list) and [f["field"] for f in fields] == [named], (path, fields)
        assert HUGE not in str(error)  # the message says what is wrong without echoing 310 digits


def test_the_session_keeps_its_facts_after_a_refused_huge_number(served: str) -> None:
    chat = httpx.post(f"{served}/v1/chat", json={"message": "45-year-old in first relapse"}).json()
    refused = _post_raw(served, f"/v1/sessions/{chat['session_id']}", f'{{"patient": {{"age_years": {HUGE}}}}}',
                        "PATCH")
    assert refused.status_code == 422
    assert httpx.get(f"{served}/v1/sessions/{chat['session_id']}").json()["patient"]["age_years"] == 45


@pytest.mark.parametrize("path", ["/v1/tools", "/healthz", "/nowhere", "/openapi.json"])
def test_every_response_says_nosniff(served: str, path: str) -> None:
    assert httpx.get(served + path).headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["attacker.test", "attacker.test:8000", "127.0.0.1.attacker.test", "localhost.evil"])
def test_open_mode_refuses_a_foreign_host_in_the_shape(served: str, host: str) -> None:
    error = _error(httpx.get(f"{served}/v1/search", params={"q": "crs"}, headers={"Host": host}), 400)
    assert error["code"] == "invalid_host"


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_open_mode_serves_the_loopback_names(served: str, host: str) -> None:
    assert httpx.get(f"{served}/v1/search", params={"q": "crs"}, headers={"Host": host}).status_code == 200


def test_probes_answer_whatever_the_host(served: str) -> None:
    # Orchestrators probe by address; the probes reveal nothing a rebound name could use.
    assert httpx.get(f"{served}/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200


@pytest.mark.parametrize(("settings", "hosts"), [
    ({}, ["localhost", "127.0.0.1", "[::1]"]),
    ({"public_base_url": "https://Navigator.example.org/rrall"}, ["navigator.example.org", "localhost", "127.0.0.1",
                                                                 "[::1]"]),
    ({"api_keys": KEY}, ["*"]),
    ({"api_keys": KEY, "public_base_url": "https://navigator.example.org"}, ["navigator.example.org", "localhost",
                                                                            "127.0.0.1", "[::1]"]),
    ({"allowed_hosts": "a.example.org, *.b.example.org"}, ["a.example.org", "*.b.example.org"]),
])
def test_allowed_hosts_default_follows_the_mode(settings: dict[str, str], hosts: list[str], tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, **settings).allowed_host_list == hosts


def test_the_public_host_is_served_and_others_are_not(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(load_knowledge=False, public_base_url="https://navigator.example.org")
    with live_server(app) as base:
        assert httpx.get(f"{base}/v1/tools", headers={"Host": "navigator.example.org"}).status_code == 200
        assert httpx.get(f"{base}/v1/tools", headers={"Host": "attacker.test"}).status_code == 400


@pytest.mark.parametrize("host", ["attacker.test", "navigator.internal:8443"])
def test_a_widget_key_does_not_pass_because_origin_equals_host(make_app, host: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(load_knowledge=False, api_keys=KEY, widget_keys=WIDGET_KEY)  # any Host is served
    with live_server(app) as base:
        response = httpx.get(f"{base}/v1/tools", headers={"X-API-Key": WIDGET_KEY, "Host": host,
                                                          "Origin": f"http://{host}"})
    assert _error(response, 403)["code"] == "origin_not_allowed"


def test_a_widget_key_works_from_the_demo_page_on_loopback(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(load_knowledge=False, api_keys=KEY, widget_keys=WIDGET_KEY)
    with live_server(app) as base:
        response = httpx.get(f"{base}/v1/tools", headers={"X-API-Key": WIDGET_KEY, "Origin": base})
    assert response.status_code == 200


@pytest.mark.parametrize("query", [
    {"hub.mode": "subscribe", "hub.verify_token": "a-guess", "hub.challenge": "42"},
    {"hub.mode": "unsubscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"},
])
def test_the_whatsapp_verify_refusal_uses_the_error_shape(make_app, query: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(load_knowledge=False, whatsapp_app_secret=SecretStr("app-secret"),
                   whatsapp_verify_token=SecretStr("verify-me"), whatsapp_access_token=SecretStr("token"))
    with live_server(app) as base:
        response = httpx.get(f"{base}/webhooks/whatsapp", params=query)
    error = _error(response, 403)
    assert error["code"] == "verification_failed" and "42" not in json.dumps(error)
