"""Over the public API on a live server: GET /v1/sources, and chat answers that say which label
edition they use and cite the updates source with its date and URL beside the review's statement."""

from __future__ import annotations

import httpx

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
