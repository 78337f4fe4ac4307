"""CDS Hooks over HTTP against the live service: discovery, patient-view with prefetch and with
fhirServer only (a loopback FHIR server answering from the synthetic records), the flags matching
POST /v1/assess for the mapped profile, bad requests, feedback, and the specification's examples."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.fhir.feedback import FeedbackStore
from api.fhir.hooks import CardsResponse
from api.fhir.table import load_mapping
from assistant.runtime import open_store
from assistant.settings import Settings
from tests.integrations.conftest import KEY
from tests.integrations.fhir_bundles import library
from tests.integrations.fhir_server import TOKEN, fhir_app
from tests.live import live_server

RECORDS = library()
IN_SCOPE = [n for n in sorted(RECORDS) if n not in ("out_of_scope_aml", "spec_example_patient")]
HEADERS = {"Authorization": f"Bearer {KEY}"}
SERVICE = "/cds-services/rrall-agent-choice"


@pytest.fixture(scope="module")
def fhir_server() -> Iterator[tuple[str, Any]]:
    app = fhir_app(RECORDS)
    with live_server(app) as base:
        yield f"{base}/fhir", app


def _hook(patient_id: str, **extra: Any) -> dict[str, Any]:
    return {"hook": "patient-view", "hookInstance": f"test-{patient_id}",
            "context": {"userId": "Practitioner/dr-1", "patientId": patient_id}, **extra}


def _call(service: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{service}{SERVICE}", json=body, headers=HEADERS, timeout=30)


def _flag_codes(cards: list[dict[str, Any]]) -> list[str]:
    return sorted(c["source"]["topic"]["code"] for c in cards if c["indicator"] != "info")


def _assessed_codes(service: str, cards: list[dict[str, Any]]) -> list[str]:
    """The warning and critical flags of POST /v1/assess on the profile the card's session holds."""
    session_id = cards[0]["links"][0]["url"].split("session=")[1]
    patient = httpx.get(f"{service}/v1/sessions/{session_id}", headers=HEADERS).json()["patient"]
    assessment = httpx.post(f"{service}/v1/assess", json=patient, headers=HEADERS).json()
    return sorted(f["code"] for a in assessment["agents"] for f in a["flags"] if f["severity"] != "info")


def test_discovery_offers_one_patient_view_service_with_prefetch(service: str) -> None:
    services = httpx.get(f"{service}/cds-services", headers=HEADERS).json()["services"]
    assert [(s["hook"], s["id"]) for s in services] == [("patient-view", "rrall-agent-choice")]
    prefetch = services[0]["prefetch"]
    assert prefetch["patient"] == "Patient/{{context.patientId}}"
    assert set(prefetch) >= {"observations", "conditions", "procedures", "medicationAdministrations",
                             "medicationRequests", "medicationStatements"}
    for code in ("11150-0", "32525-8", "14017-8", "1975-2", "46434-7", "72313-0"):
        assert f"http://loinc.org|{code}" in prefetch["observations"]


@pytest.mark.parametrize("name", IN_SCOPE)
def test_prefetch_call_returns_valid_cards_whose_flags_match_assess(service: str, name: str) -> None:
    record = RECORDS[name]
    response = _call(service, _hook(record.patient_id, prefetch=record.prefetch()))
    assert response.status_code == 200, response.text
    cards = CardsResponse.model_validate(response.json()).model_dump(mode="json")["cards"]
    assert cards[0]["summary"].startswith("Agent choice: ")
    assert _flag_codes(cards) == _assessed_codes(service, cards)


# A search by code cannot find an observation coded by text alone, so that record is left out here.
@pytest.mark.parametrize("name", [n for n in IN_SCOPE if n != "codes_by_text_only"])
def test_fhir_server_only_gives_the_same_cards_as_prefetch(service: str, fhir_server: tuple[str, Any],
                                                           name: str) -> None:
    base, _ = fhir_server
    record = RECORDS[name]
    auth = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 300, "scope": "user/*.read",
            "subject": "rrall"}
    fetched = _call(service, _hook(record.patient_id, fhirServer=base, fhirAuthorization=auth))
    prefetched = _call(service, _hook(record.patient_id, prefetch=record.prefetch()))
    assert fetched.status_code == 200, fetched.text

    def without_links(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in c.items() if k != "links"} for c in cards]

    assert without_links(fetched.json()["cards"]) == without_links(prefetched.json()["cards"])
    assert _flag_codes(fetched.json()["cards"]) == _assessed_codes(service, fetched.json()["cards"])


def test_fhir_queries_carry_the_token_and_the_mapped_codes(service: str, fhir_server: tuple[str, Any]) -> None:
    base, app = fhir_server
    app.state.queries.clear()
    auth = {"access_token": TOKEN, "token_type": "Bearer"}
    assert _call(service, _hook("adult-1", fhirServer=base, fhirAuthorization=auth)).status_code == 200
    observation_query = next(q for q in app.state.queries if q.startswith("/fhir/Observation?"))
    assert "patient=adult-1" in observation_query and "11150-0" in observation_query
    assert "/fhir/Patient/adult-1" in app.state.queries


def test_a_partial_prefetch_is_completed_from_the_fhir_server(service: str, fhir_server: tuple[str, Any]) -> None:
    base, _ = fhir_server
    record = RECORDS["child_refractory_cd22_negative"]
    prefetch = {k: v for k, v in record.prefetch().items() if k in ("patient", "conditions")}
    auth = {"access_token": TOKEN, "token_type": "Bearer"}
    partial = _call(service, _hook(record.patient_id, prefetch=prefetch, fhirServer=base, fhirAuthorization=auth))
    assert "CD22_NEGATIVE" in _flag_codes(partial.json()["cards"])


def test_a_refused_token_leaves_nothing_to_read(service: str, fhir_server: tuple[str, Any]) -> None:
    base, _ = fhir_server
    auth = {"access_token": "not-the-token", "token_type": "Bearer"}
    response = _call(service, _hook("adult-1", fhirServer=base, fhirAuthorization=auth))
    assert response.status_code == 412
    assert "HTTP 401" in response.json()["error"]["message"]


def test_out_of_scope_record_gets_a_single_info_card(service: str) -> None:
    record = RECORDS["out_of_scope_aml"]
    cards = _call(service, _hook(record.patient_id, prefetch=record.prefetch())).json()["cards"]
    assert [c["indicator"] for c in cards] == ["info"]
    assert "No B-cell ALL diagnosis" in cards[0]["summary"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("hookInstance"), "hookInstance"),
        (lambda b: b.update(hook="order-select"), "hook"),
        (lambda b: b["context"].pop("patientId"), "context.patientId"),
        (lambda b: b.update(prefetch=["not", "an", "object"]), "prefetch"),
        (lambda b: b.update(fhirServer="not a url"), "fhirServer"),
        (lambda b: b.update(fhirAuthorization={"access_token": "x", "token_type": "MAC"}),
         "fhirAuthorization.token_type"),
    ],
)
def test_bad_hook_requests_are_400_naming_the_field(service: str, change: Any, field: str) -> None:
    body = _hook("adult-1", prefetch=RECORDS["adult_first_relapse_high_burden"].prefetch())
    change(body)
    response = _call(service, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_hook_request"
    assert field in [f["field"] for f in error["fields"]]


def test_unknown_service_is_404(service: str) -> None:
    response = httpx.post(f"{service}/cds-services/other", json=_hook("adult-1"), headers=HEADERS)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_cds_services_need_the_api_key(service: str) -> None:
    assert httpx.get(f"{service}/cds-services").status_code == 401
    assert httpx.post(f"{service}{SERVICE}", json=_hook("adult-1")).status_code == 401


# The request and feedback examples of the CDS Hooks 2.0 specification (its example FHIR server is
# replaced by the loopback one; the network is loopback only).
SPEC_PATIENT_VIEW = {
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "http://hooks.smarthealthit.org:9080",
    "hook": "patient-view",
    "fhirAuthorization": {"access_token": "some-opaque-fhir-access-token", "token_type": "Bearer",
                          "expires_in": 300, "scope": "user/Patient.read user/Observation.read",
                          "subject": "cds-service4"},
    "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
    "prefetch": {"patientToGreet": {"resourceType": "Patient", "gender": "male", "birthDate": "1925-12-23",
                                    "id": "1288992", "active": True}},
}
SPEC_FEEDBACK = {"feedback": [
    {"card": "4e0a3a1e-3283-4575-ab82-028d55fe2719", "outcome": "accepted",
     "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
     "outcomeTimestamp": "2020-12-11T00:00:00Z"},
    {"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden",
     "overrideReason": {"reason": {"code": "d7aaa0e6-2d0d-4b8b-9e8c-9d1a6e5d4e3b",
                                   "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons",
                                   "display": "Patient refused"},
                        "userComment": "Discussed with the patient"},
     "outcomeTimestamp": "2020-12-11T00:00:00Z"},
]}


def test_spec_patient_view_example_is_answered(service: str, fhir_server: tuple[str, Any]) -> None:
    base, _ = fhir_server
    body = copy.deepcopy(SPEC_PATIENT_VIEW)
    body["fhirServer"] = base
    body["fhirAuthorization"]["access_token"] = TOKEN  # type: ignore[index]
    response = _call(service, body)
    assert response.status_code == 200, response.text
    assert [c["indicator"] for c in response.json()["cards"]] == ["info"]  # no B-ALL Condition for 1288992


def test_spec_example_without_a_reachable_record_is_412(service: str) -> None:
    body = {k: v for k, v in SPEC_PATIENT_VIEW.items() if k not in ("fhirServer", "fhirAuthorization")}
    response = _call(service, body)
    assert response.status_code == 412
    assert "no fhirServer" in response.json()["error"]["message"]


def test_spec_feedback_example_is_stored(service: str, service_settings: Settings) -> None:
    response = httpx.post(f"{service}{SERVICE}/feedback", json=SPEC_FEEDBACK, headers=HEADERS)
    assert response.status_code == 200 and response.json() == {"stored": 2}
    store = FeedbackStore(open_store(service_settings).engine)
    overridden = store.for_card("9368d37b-283f-44a0-93ea-547cebab93ed")
    assert [(f.outcome, (f.overrideReason or {})["userComment"]) for f in overridden] == [
        ("overridden", "Discussed with the patient")]


def test_bad_feedback_is_400_naming_the_field(service: str) -> None:
    body = {"feedback": [{"card": "x", "outcome": "ignored", "outcomeTimestamp": "2020-12-11T00:00:00Z"}]}
    response = httpx.post(f"{service}{SERVICE}/feedback", json=body, headers=HEADERS)
    assert response.status_code == 400
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["feedback.0.outcome"]


def test_passage_url_of_a_card_resolves(service: str) -> None:
    record = RECORDS["child_refractory_cd22_negative"]
    cards = _call(service, _hook(record.patient_id, prefetch=record.prefetch())).json()["cards"]
    url = next(c["source"]["url"] for c in cards if c["indicator"] == "critical")
    passage = httpx.get(url, headers=HEADERS).json()
    assert url.endswith(passage["passage_id"]) and passage["references"][0]["citation"]
    assert httpx.get(f"{service}/v1/passages/no-such-id", headers=HEADERS).status_code == 404


def test_mapping_table_prefetches_exactly_the_mapped_codes() -> None:
    table = load_mapping()
    assert len({str(c) for c in table.observation_codes()}) == len(table.observation_codes())


def test_the_card_link_opens_the_widget_on_the_patients_session(service: str) -> None:
    record = RECORDS["adult_first_relapse_high_burden"]
    cards = _call(service, _hook(record.patient_id, prefetch=record.prefetch())).json()["cards"]
    link = cards[0]["links"][0]["url"]
    page = httpx.get(link)
    assert page.status_code == 200
    assert f'data-session-id="{link.split("session=")[1]}"' in page.text
    assert httpx.get(f"{service}/widget", params={"session": '"><script>'}).status_code == 422


def test_the_same_patient_reopened_keeps_its_session(service: str) -> None:
    record = RECORDS["adult_first_relapse_high_burden"]
    first, again = (_call(service, _hook(record.patient_id, prefetch=record.prefetch())).json()["cards"][0]
                    for _ in range(2))
    assert first["links"] == again["links"]
