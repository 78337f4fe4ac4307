"""The clinical tools over real HTTP: GET /v1/tools and POST /v1/tools/{name}."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tools.catalog import CATALOG


def test_list_tools_with_their_schemas(live_server: str) -> None:
    tools = httpx.get(f"{live_server}/v1/tools").json()
    assert [t["name"] for t in tools] == list(CATALOG)
    by_name = {t["name"]: t for t in tools}
    assert "agent" in by_name["check_eligibility"]["input_schema"]["properties"]
    assert "agent" not in by_name["compare_agents"]["input_schema"]["properties"]
    assert by_name["assess_patient"]["output_schema"]["title"] == "Assessment"


@pytest.mark.parametrize(
    ("name", "body", "key"),
    [
        ("assess_patient", {"profile": {"age_years": 30}}, "agents"),
        ("check_eligibility", {"profile": {"cd19": "negative"}, "agent": "blina"}, "verdict"),
        ("assess_toxicity", {"profile": {"prior_hsct": True}, "agent": "InO"}, "risks"),
        ("compare_agents", {"profile": {"marrow_blasts_pct": 80}}, "rows"),
        ("sequencing_considerations", {"profile": {"kmt2a_rearranged": True}}, "points"),
    ],
)
def test_each_tool_runs_over_http(live_server: str, name: str, body: dict[str, Any], key: str) -> None:
    response = httpx.post(f"{live_server}/v1/tools/{name}", json=body)
    assert response.status_code == 200, response.text
    assert key in response.json()


def test_agent_synonym_is_normalised(live_server: str) -> None:
    body = {"profile": {}, "agent": "tisa-cel"}
    assert (
        httpx.post(f"{live_server}/v1/tools/check_eligibility", json=body).json()["agent"]
        == "tisagenlecleucel"
    )


def test_unknown_tool_is_404_listing_the_known_ones(live_server: str) -> None:
    response = httpx.post(f"{live_server}/v1/tools/assess_everything", json={"profile": {}})
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert all(name in message for name in CATALOG)


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("check_eligibility", {"profile": {}, "agent": "rituximab"}, "agent"),
        ("check_eligibility", {"profile": {}}, "agent"),
        ("compare_agents", {"profile": {}, "agent": "blina"}, "agent"),
        ("assess_patient", {"profile": {"marrow_blasts_pct": 101}}, "profile.marrow_blasts_pct"),
        ("assess_patient", {}, "profile"),
        ("assess_patient", {"profile": [1]}, "profile"),
    ],
)
def test_invalid_tool_arguments_give_422_naming_the_field(
    live_server: str, name: str, body: dict[str, Any], field: str
) -> None:
    response = httpx.post(f"{live_server}/v1/tools/{name}", json=body)
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]


@pytest.mark.parametrize("content", [b"{", b"[]", b'"x"'])
def test_malformed_tool_bodies_give_4xx(live_server: str, content: bytes) -> None:
    response = httpx.post(
        f"{live_server}/v1/tools/assess_patient",
        content=content,
        headers={"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500 and "error" in response.json()
