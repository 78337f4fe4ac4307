"""POST /v1/chat and /v1/sessions over real HTTP, as clients use them."""

from __future__ import annotations

import json
import re

import httpx
import pytest


def _chat(base: str, message: str, session_id: str | None = None) -> dict:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    response = httpx.post(f"{base}/v1/chat", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_answer_matches_the_contract_and_every_marker_resolves(chat_server: str) -> None:
    data = _chat(chat_server, "What were the CR/CRi rates with inotuzumab in INO-VATE?")
    assert set(data) >= {"session_id", "answer", "citations", "tool_calls", "patient"}
    assert data["session_id"].startswith("s_")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", data["answer"])}
    assert markers, data["answer"]
    assert markers == {c["marker"] for c in data["citations"]}
    assert "73.8%" in data["answer"]
    for citation in data["citations"]:
        assert set(citation) >= {"marker", "passage_id", "section", "text", "refs"}


def test_patient_facts_carry_over_between_messages(chat_server: str) -> None:
    first = _chat(chat_server, "45-year-old in first relapse, CD19 positive")
    second = _chat(chat_server, "CD22 is 95% and marrow blasts 80%. Which agent?", first["session_id"])
    assert second["session_id"] == first["session_id"]
    assert second["patient"]["age_years"] == 45
    assert second["patient"]["cd22_positive_pct"] == 95
    assert second["assessment"]["agents"][1]["agent"] == "inotuzumab_ozogamicin"


def test_session_can_be_read_and_erased(chat_server: str) -> None:
    data = _chat(chat_server, "30 year old, refractory, CNS disease")
    sid = data["session_id"]
    session = httpx.get(f"{chat_server}/v1/sessions/{sid}").json()
    assert session["patient"]["cns_disease"] is True
    assert [t["role"] for t in session["transcript"]] == ["user", "assistant"]
    assert httpx.delete(f"{chat_server}/v1/sessions/{sid}").status_code == 204
    assert httpx.get(f"{chat_server}/v1/sessions/{sid}").status_code == 404
    gone = httpx.post(f"{chat_server}/v1/chat", json={"message": "hello", "session_id": sid})
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


def test_streaming_sends_tokens_then_the_final_object(chat_server: str) -> None:
    tokens: list[str] = []
    final: dict | None = None
    with httpx.stream("POST", f"{chat_server}/v1/chat", json={"message": "What is CRS?"},
                      headers={"Accept": "text/event-stream"}, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = json.loads(line.split(":", 1)[1])
                if event == "token":
                    tokens.append(payload["text"])
                elif event == "final":
                    final = payload
    assert final is not None and len(tokens) > 3
    assert "".join(tokens) == final["answer"]


@pytest.mark.parametrize(("body", "field"), [
    ({"message": ""}, "message"),
    ({"message": "x" * 4001}, "message"),
    ({"text": "hello"}, "message"),
    ({"message": 5}, "message"),
])
def test_invalid_chat_bodies_get_422_naming_the_field(chat_server: str, body: dict, field: str) -> None:
    response = httpx.post(f"{chat_server}/v1/chat", json=body)
    assert response.status_code == 422
    assert field in [f["field"] for f in response.json()["error"]["fields"]]


def test_malformed_json_is_a_400_not_a_500(chat_server: str) -> None:
    response = httpx.post(f"{chat_server}/v1/chat", content=b'{"message": ',
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_out_of_range_fact_is_refused_not_clamped(chat_server: str) -> None:
    data = _chat(chat_server, "marrow blasts 150%")
    assert "marrow_blasts_pct" not in data["patient"]
    assert "could not use" in data["answer"].lower()


def test_corrected_fact_is_used_by_the_next_answer(chat_server: str) -> None:
    first = _chat(chat_server, "45-year-old in first relapse, CD19 positive, CD22 60%, marrow blasts 80%. Which agent?")
    ino = first["assessment"]["agents"][1]
    assert "CD22_PARTIAL" in [f["code"] for f in ino["flags"]]
    sid = first["session_id"]
    patched = httpx.patch(f"{chat_server}/v1/sessions/{sid}",
                          json={"patient": {"cd22_positive_pct": 95, "marrow_blasts_pct": None}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["patient"]["cd22_positive_pct"] == 95
    assert "marrow_blasts_pct" not in patched.json()["patient"]
    second = _chat(chat_server, "Which agent fits this patient now?", sid)
    assert second["patient"]["cd22_positive_pct"] == 95
    assert "CD22_PARTIAL" not in [f["code"] for f in second["assessment"]["agents"][1]["flags"]]


@pytest.mark.parametrize(("patient", "field"), [
    ({"cd22_positive_pct": 150}, "patient.cd22_positive_pct"),
    ({"cd19": "sometimes"}, "patient.cd19"),
    ({"cd22_postive_pct": 95}, "patient.cd22_postive_pct"),
])
def test_invalid_fact_correction_gets_422_naming_the_field(chat_server: str, patient: dict, field: str) -> None:
    sid = _chat(chat_server, "30 year old, refractory")["session_id"]
    response = httpx.patch(f"{chat_server}/v1/sessions/{sid}", json={"patient": patient})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]
    assert httpx.get(f"{chat_server}/v1/sessions/{sid}").json()["patient"]["age_years"] == 30


def test_correcting_an_unknown_session_is_404(chat_server: str) -> None:
    response = httpx.patch(f"{chat_server}/v1/sessions/s_nope", json={"patient": {"age_years": 30}})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_restored_transcript_resolves_each_answers_markers(chat_server: str) -> None:
    data = _chat(chat_server, "What were the CR/CRi rates with inotuzumab in INO-VATE?")
    session = httpx.get(f"{chat_server}/v1/sessions/{data['session_id']}").json()
    answer = session["transcript"][1]
    assert answer["text"] == data["answer"]
    assert answer["citations"] == data["citations"]
    assert session["transcript"][0]["citations"] == []
