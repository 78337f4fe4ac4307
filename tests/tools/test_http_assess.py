"""POST /v1/assess over real HTTP (uvicorn on loopback): the contract's shape, and 4xx JSON errors
naming the problem for every kind of bad input; never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tools.assess import assess
from tools.profile import PatientProfile

PROFILE = {
    "age_years": 34,
    "disease_status": "first relapse",
    "marrow_blasts_pct": 80,
    "cd22_positive_pct": 85,
}


def test_valid_profile_gives_the_contract_body_field_for_field(live_server: str) -> None:
    response = httpx.post(f"{live_server}/v1/assess", json=PROFILE)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body == assess(PatientProfile(**PROFILE)).model_dump(mode="json")
    assert [a["agent"] for a in body["agents"]] == [
        "blinatumomab",
        "inotuzumab_ozogamicin",
        "tisagenlecleucel",
    ]
    for agent in body["agents"]:
        assert agent["label_status"] in {"on_label", "off_label", "unknown"}
        assert isinstance(agent["suitable"], bool)
        for flag in agent["flags"]:
            assert {"code", "severity", "message", "citations"} <= set(flag)
            assert all(
                isinstance(c["passage_id"], str) and isinstance(c["refs"], list) for c in flag["citations"]
            )
    assert body["profile"]["disease_status"] == "first_relapse"  # normalised
    assert isinstance(body["missing"], list)


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        (
            {"marrow_blasts_pct": 150},
            "marrow_blasts_pct",
            "marrow_blasts_pct must be between 0 and 100, got 150",
        ),
        ({"age_years": -3}, "age_years", "between 0 and 120"),
        ({"age_years": "old"}, "age_years", "must be a number"),
        ({"cns_disease": "maybe"}, "cns_disease", "must be true or false"),
        ({"disease_status": "remission"}, "disease_status", "must be one of"),
        ({"prior_therapies": ["rituximab"]}, "prior_therapies", "unknown therapy 'rituximab'"),
        ({"planned_ino_cycles": 9}, "planned_ino_cycles", "whole number from 1 to 6"),
        ({"marrow_blast_pct": 80}, "marrow_blast_pct", "unknown field"),
    ],
)
def test_invalid_profiles_give_422_naming_the_field(
    live_server: str, body: Any, field: str, fragment: str
) -> None:
    response = httpx.post(f"{live_server}/v1/assess", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert any(f["field"] == field and fragment in f["problem"] for f in error["fields"]), error
    assert fragment in error["message"] or field in error["message"]


@pytest.mark.parametrize("body", [[1, 2], "a string", 42, None, True])
def test_non_object_json_gives_422_in_plain_words(live_server: str, body: Any) -> None:
    response = httpx.post(
        f"{live_server}/v1/assess", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"age_years": ', "application/json"),
        (b"{'age_years': 30}", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"age_years=30", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
    ],
)
def test_malformed_bodies_give_a_4xx_json_error_never_500(
    live_server: str, content: bytes, content_type: str
) -> None:
    response = httpx.post(f"{live_server}/v1/assess", content=content, headers={"content-type": content_type})
    assert 400 <= response.status_code < 500, response.text
    assert {"code", "message"} <= set(response.json()["error"])


def test_openapi_documents_the_assess_route(live_server: str) -> None:
    spec = httpx.get(f"{live_server}/openapi.json").json()
    operation = spec["paths"]["/v1/assess"]["post"]
    assert {"200", "422"} <= set(operation["responses"])
    assert "PatientProfile" in json.dumps(operation["requestBody"])
