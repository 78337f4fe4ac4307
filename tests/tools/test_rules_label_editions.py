"""Label editions: the review's (2020) and the current one, as data with a cited passage each."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from profile_strategies import profiles

from knowledge.pack import default_pack
from tools.agents import AGENTS
from tools.assess import assess
from tools.profile import PatientProfile
from tools.rules.label import label_status
from tools.rules.label_editions import (
    CD19_CAUTION,
    EDITION_LABELS,
    EDITIONS,
    edition_status,
    label_now,
    later_approvals,
    later_approvals_note,
)

INO = "inotuzumab_ozogamicin"
R_R = {"disease_status": "first_relapse"}


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        ({"age_years": 10, "cd22_positive_pct": 95, **R_R}, "on_label"),
        ({"age_years": 1, "cd22_positive_pct": 95, **R_R}, "on_label"),
        ({"age_years": 0.9, "cd22_positive_pct": 95, **R_R}, "off_label"),  # below the minimum of 1
        ({"age_years": 10, "cd22_positive_pct": 0, **R_R}, "off_label"),  # the pediatric label is CD22-positive
        ({"age_years": 10, **R_R}, "unknown"),  # CD22 not given
        ({"age_years": 17.9, "cd22_positive_pct": 5, **R_R}, "on_label"),  # 17 in completed years
        ({"age_years": 10, "cd22_positive_pct": 95, "disease_status": "mrd_positive"}, "off_label"),
        ({"age_years": 40, **R_R}, "on_label"),  # the adult population is the review's
        ({"cd22_positive_pct": 95, **R_R}, "unknown"),
    ],
)
def test_ino_current_label(facts: dict[str, Any], status: str) -> None:
    assert edition_status(PatientProfile(**facts), INO, "current")[0] == status


def test_every_edition_rule_cites_its_passage() -> None:
    pack = default_pack()
    for edition in EDITIONS:
        for agent in AGENTS:
            for label in EDITION_LABELS[edition][agent]:
                assert label.citations
                for citation in label.citations:
                    assert pack.citable(citation.passage_id) is not None
                    if citation.source == "updates":
                        update = pack.updates.by_id[citation.passage_id]
                        assert (citation.date, citation.url) == (update.date, update.source_url)
                        assert f"label:{agent}" in update.supersedes


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_the_review_edition_is_the_review_label(profile: PatientProfile) -> None:
    for agent in AGENTS:
        assert edition_status(profile, agent, "review-2020")[0] == label_status(profile, agent)[0]


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_only_ino_changes_and_changed_by_names_the_update_exactly_when_it_does(profile: PatientProfile) -> None:
    for agent in AGENTS:
        now, review = label_now(profile, agent), label_status(profile, agent)[0]
        assert bool(now.changed_by) == (now.status != review)
        if agent != INO:
            assert now.status == review
    result = assess(profile)
    assert [a.agent for a in result.agents] == list(AGENTS)


@settings(max_examples=200, deadline=None)
@given(profiles)
def test_editions_differ_only_in_label_flags(profile: PatientProfile) -> None:
    review, current = assess(profile), assess(profile, edition="current")
    for a, b in zip(review.agents, current.agents, strict=True):
        assert [f for f in a.flags if f.code != "LABEL_AGE"] == [f for f in b.flags if f.code != "LABEL_AGE"]
        assert (a.label_status, a.label_now) == (b.label_status, b.label_now)


def test_an_infant_gets_the_current_age_flag_citing_the_update() -> None:
    profile = PatientProfile(age_years=0.5, cd22_positive_pct=95, **R_R)
    entry = next(a for a in assess(profile, edition="current").agents if a.agent == INO)
    flag = next(f for f in entry.flags if f.code == "LABEL_AGE")
    assert "minimum of 1 year (FDA, 2024-03-06)" in flag.summary
    assert flag.citations[0].source == "updates" and flag.citations[0].passage_id == "upd-ino-peds-01"


@pytest.mark.parametrize(
    ("facts", "brexu", "obe"),
    [
        ({"age_years": 40, "disease_status": "refractory"}, "on_label", "on_label"),
        ({"age_years": 17, "disease_status": "refractory"}, "off_label", "off_label"),
        ({"age_years": 40, "disease_status": "mrd_positive"}, "off_label", "off_label"),
        ({"age_years": 40}, "unknown", "unknown"),
    ],
)
def test_later_approvals_are_labelled_for_adults_with_r_r_disease(facts: dict[str, Any], brexu: str, obe: str) -> None:
    found = later_approvals(PatientProfile(**facts))
    assert [(x.agent, x.label_status) for x in found] == [
        ("brexucabtagene_autoleucel", brexu), ("obecabtagene_autoleucel", obe)]
    assert [x.approved.isoformat() for x in found] == ["2021-10-01", "2024-11-08"]


@pytest.mark.parametrize(
    ("facts", "caution"),
    [({"cd19": "negative"}, True), ({"prior_therapies": ["blinatumomab"]}, True),
     ({"prior_therapies": ["cd19_car_t"]}, True), ({"cd19": "positive"}, False), ({}, False)],
)
def test_the_cd19_caution_is_stated_when_the_facts_call_for_it(facts: dict[str, Any], caution: bool) -> None:
    note = later_approvals_note(PatientProfile(**facts))
    assert "no data" in note
    assert (CD19_CAUTION in note) == caution
