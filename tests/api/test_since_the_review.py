"""Over the public API on a live server: GET /v1/sources, and chat answers that say which label
edition they use and cite the updates source with its date and URL beside the review's statement."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from knowledge.pack import default_pack


def test_sources_lists_the_review_and_the_updates_with_dates_and_counts(chat_server: str) -> None:
    response = httpx.get(f"{chat_server}/v1/sources", timeout=10)
    assert response.status_code == 200
    sources = {s["name"]: s for s in response.json()["sources"]}
    pack = default_pack()
    review, updates = sources["review"], sources["updates"]
    assert (review["kind"], review["passages"], review["current_through"]) == ("review", len(pack), "2020")
    assert review["date_range"]["end"] == "2020"
    assert (updates["kind"], updates["passages"]) == ("updates", len(pack.updates))
    assert updates["date_range"] == {"start": "2021-10-01", "end": "2025-06-26"}
    assert updates["current_through"] == pack.updates.current_through.isoformat()  # type: ignore[union-attr]


def test_sources_is_in_the_openapi_document(chat_server: str) -> None:
    spec = httpx.get(f"{chat_server}/openapi.json", timeout=10).json()
    assert "/v1/sources" in spec["paths"]
    assert "edition" in {p["name"] for p in spec["paths"]["/v1/assess"]["post"].get("parameters", [])}


THROUGH = "knowledge current through 2025-06-26"
# question -> the update it must cite, that update's date, and the review passage shown beside it
QUESTIONS = [
    ("InO in children", "Is inotuzumab ozogamicin approved for children?", "upd-ino-peds-01", "label-02"),
    ("CAR T for adults", "Is there a CAR T option for adults with relapsed ALL?", "upd-brexucel-01", "agent-cart-07"),
    ("blinatumomab consolidation", "Can blinatumomab be used as consolidation?", "upd-blina-consol-01", "label-01"),
    ("E1910", "What did the E1910 trial show?", "upd-blina-consol-02", "label-01"),
    ("REMS", "Is a REMS still required for CAR T cells?", "upd-rems-01", "logistics-cart-01"),
]


def _chat(base: str, message: str, session_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message} | ({"session_id": session_id} if session_id else {})
    response = httpx.post(f"{base}/v1/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _markers_resolve(reply: dict[str, Any]) -> None:
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", reply["answer"])}
    assert markers == {c["marker"] for c in reply["citations"]}


@pytest.mark.parametrize(("name", "question", "update_id", "review_id"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_answers_cite_the_update_with_date_and_url_beside_the_review(
    chat_server: str, name: str, question: str, update_id: str, review_id: str
) -> None:
    reply = _chat(chat_server, question)
    update = default_pack().updates.by_id[update_id]
    cited = {c["passage_id"]: c for c in reply["citations"]}
    assert update_id in cited, f"{name}: cited {list(cited)}"
    citation = cited[update_id]
    assert (citation["source"], citation["date"], citation["url"]) == (
        "updates", update.date.isoformat(), update.source_url)
    assert f"{update.source_name}, {update.date.isoformat()}" in reply["answer"]
    assert f"[{citation['marker']}]" in reply["answer"]
    # The review's own statement is there too, cited as the review.
    assert cited[review_id]["source"] == "review" and cited[review_id]["date"] is None
    assert THROUGH in reply["answer"]
    _markers_resolve(reply)


def test_a_later_trial_is_marked_as_after_the_review(chat_server: str) -> None:
    reply = _chat(chat_server, "What did the E1910 trial show?")
    assert "predates E1910" in reply["answer"] and "After the review (FDA, 2024-06-14)" in reply["answer"]
    assert "84.8%" in reply["answer"]


def test_a_later_trial_without_a_passage_says_the_review_predates_it(chat_server: str) -> None:
    reply = _chat(chat_server, "What did the AALL1731 trial show?")
    assert "predates AALL1731" in reply["answer"]
    assert not [c for c in reply["citations"] if c["source"] == "updates"]


def test_a_child_gets_the_since_the_review_line_for_ino(chat_server: str) -> None:
    reply = _chat(chat_server, "10-year-old in first relapse, CD22 95%. Which agent?")
    assert reply["assessment"]["agents"][1]["label_now"]["changed_by"] == ["upd-ino-peds-01"]
    line = next(x for x in reply["answer"].splitlines() if "Since the review: inotuzumab" in x)
    assert "on label for this patient" in line and "off label in the review's edition" in line
    assert "FDA, 2024-03-06" in line
    assert "outside the FDA label as the review gives it" in reply["answer"]  # the review's status stays
    assert THROUGH in reply["answer"]
    _markers_resolve(reply)


def test_a_30_year_old_hears_of_the_later_car_t_products_and_that_the_review_has_no_data(chat_server: str) -> None:
    reply = _chat(chat_server, "30-year-old in second relapse. Which agent fits?")
    answer = reply["answer"]
    assert "Tisagenlecleucel is outside the FDA label as the review gives it" in answer
    line = next(x for x in answer.splitlines() if "Since the review: two CD19 CAR T" in x)
    assert "brexucabtagene autoleucel and obecabtagene autoleucel" in line and "on label" in line
    assert "FDA, 2021-10-01" in line and "AABB, 2024-11-08, reported (secondary source)" in line
    assert "holds no data on these products" in answer
    assert [a["agent"] for a in reply["assessment"]["agents"]] == [
        "blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"]


def test_an_answer_without_a_label_gets_no_updates(chat_server: str) -> None:
    reply = _chat(chat_server, "What are the risk factors for SOS after inotuzumab?")
    assert "Since the review" not in reply["answer"]
    assert all(c["source"] == "review" for c in reply["citations"])


def test_a_restored_session_keeps_the_updates_citation(chat_server: str) -> None:
    reply = _chat(chat_server, QUESTIONS[0][1])
    session = httpx.get(f"{chat_server}/v1/sessions/{reply['session_id']}", timeout=10).json()
    citations = [c for turn in session["transcript"] for c in turn.get("citations", [])]
    restored = [c for c in citations if c["passage_id"] == "upd-ino-peds-01"]
    assert restored and restored[0]["date"] == "2024-03-06" and restored[0]["url"].startswith("https://")


def test_search_of_the_updates_source_returns_dated_passages(chat_server: str) -> None:
    response = httpx.get(f"{chat_server}/v1/search", params={"q": "REMS removed CAR T", "source": "updates"},
                         timeout=30)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and all(r["source"] == "updates" and r["date"] and r["url"].startswith("https://")
                           for r in results)
    assert results[0]["passage_id"].startswith("upd-rems-")
    review = httpx.get(f"{chat_server}/v1/search", params={"q": "REMS removed CAR T", "source": "review"},
                       timeout=30).json()["results"]
    assert all(r["date"] is None and r["url"] is None for r in review)
