"""POST /v1/assess returns both label editions: the review's (label_status) and the current one
(label_now), plus the CAR T products approved after the review. Real HTTP on loopback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from knowledge.pack import default_pack

CURRENT = default_pack().updates.current_through.isoformat()  # type: ignore[union-attr]
AGENTS = ["blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"]

# profile -> (review statuses, current statuses, changed_by per agent, later-approval statuses)
CASES: list[tuple[str, dict[str, Any], tuple[str, ...], tuple[str, ...], dict[str, list[str]], tuple[str, ...]]] = [
    (
        "10-year-old, first relapse, CD22 95%",
        {"age_years": 10, "disease_status": "first_relapse", "cd22_positive_pct": 95},
        ("on_label", "off_label", "off_label"),
        ("on_label", "on_label", "off_label"),
        {"inotuzumab_ozogamicin": ["upd-ino-peds-01"]},
        ("off_label", "off_label"),
    ),
    (
        "40-year-old, refractory",
        {"age_years": 40, "disease_status": "refractory"},
        ("on_label", "on_label", "off_label"),
        ("on_label", "on_label", "off_label"),
        {},
        ("on_label", "on_label"),
    ),
    (
        "30-year-old, second relapse",
        {"age_years": 30, "disease_status": "second_or_later_relapse"},
        ("on_label", "on_label", "off_label"),
        ("on_label", "on_label", "off_label"),
        {},
        ("on_label", "on_label"),
    ),
]


@pytest.mark.parametrize("edition", ["review-2020", "current"])
@pytest.mark.parametrize(("name", "profile", "review", "current", "changed", "later"), CASES, ids=[c[0] for c in CASES])
def test_both_label_editions_for_the_issue_profiles(
    live_server: str, edition: str, name: str, profile: dict[str, Any], review: tuple[str, ...],
    current: tuple[str, ...], changed: dict[str, list[str]], later: tuple[str, ...],
) -> None:
    response = httpx.post(f"{live_server}/v1/assess", params={"edition": edition}, json=profile)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["edition"] == edition
    assert [a["agent"] for a in body["agents"]] == AGENTS  # the review's three, in order, in both editions
    assert tuple(a["label_status"] for a in body["agents"]) == review
    assert tuple(a["label_now"]["status"] for a in body["agents"]) == current
    for agent in body["agents"]:
        assert agent["label_now"]["as_of"] == CURRENT
        assert agent["label_now"]["changed_by"] == changed.get(agent["agent"], [])
    assert [(x["agent"], x["label_status"]) for x in body["later_approvals"]] == list(
        zip(["brexucabtagene_autoleucel", "obecabtagene_autoleucel"], later, strict=True))
    for approval in body["later_approvals"]:
        assert set(approval) == {"agent", "label_status", "approved", "citations"}
        citation = approval["citations"][0]
        assert citation["source"] == "updates" and citation["date"] == approval["approved"]
        assert citation["url"].startswith("https://")
    assert "no data" in body["later_approvals_note"]


def _flag_codes(body: dict[str, Any], agent: str) -> list[str]:
    return [f["code"] for a in body["agents"] if a["agent"] == agent for f in a["flags"]]


def test_the_child_keeps_the_review_age_flag_only_in_the_review_edition(live_server: str) -> None:
    profile = CASES[0][1]
    review = httpx.post(f"{live_server}/v1/assess", json=profile).json()
    current = httpx.post(f"{live_server}/v1/assess", params={"edition": "current"}, json=profile).json()
    assert "LABEL_AGE" in _flag_codes(review, "inotuzumab_ozogamicin")
    assert "LABEL_AGE" not in _flag_codes(current, "inotuzumab_ozogamicin")
    # Nothing but the label rules changes with the edition.
    assert _flag_codes(review, "tisagenlecleucel") == _flag_codes(current, "tisagenlecleucel")


def test_an_unknown_edition_is_a_422_naming_it(live_server: str) -> None:
    response = httpx.post(f"{live_server}/v1/assess", params={"edition": "2024"}, json={"age_years": 10})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] and "edition" in str(error["fields"])
