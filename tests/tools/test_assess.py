"""assess(): shape, order, suitability and the missing-fields list."""

from __future__ import annotations

import datetime as dt

import pytest

from tools.agents import AGENTS
from tools.assess import assess, missing_facts
from tools.profile import PROFILE_FIELDS, PatientProfile


def test_all_three_agents_in_fixed_order_even_for_an_empty_profile() -> None:
    assert [a.agent for a in assess(PatientProfile()).agents] == list(AGENTS)


def test_flags_are_listed_most_serious_first() -> None:
    verdict = assess(PatientProfile(cd19="negative", marrow_blasts_pct=80, kmt2a_rearranged=True)).agents[2]
    ranks = [{"critical": 0, "warning": 1, "info": 2}[f.severity] for f in verdict.flags]
    assert ranks == sorted(ranks) and verdict.flags[0].code == "CD19_NEGATIVE"


def test_critical_flag_makes_only_that_agent_unsuitable() -> None:
    result = assess(PatientProfile(cd22_positive_pct=0))
    assert [a.suitable for a in result.agents] == [True, False, True]


def test_missing_lists_unknown_decisive_fields_in_profile_order() -> None:
    missing = assess(PatientProfile()).missing
    assert missing == [f for f in PROFILE_FIELDS if f in missing]
    assert "ph_positive" not in missing  # no rule or label depends on it
    assert {"age_years", "disease_status", "cd19", "cd22_positive_pct", "prior_therapies"} <= set(missing)


def test_nothing_missing_once_every_decisive_field_is_given() -> None:
    full = PatientProfile(
        age_years=30,
        disease_status="refractory",
        marrow_blasts_pct=10,
        cd19="positive",
        cd22_positive_pct=95,
        kmt2a_rearranged=False,
        cns_disease=False,
        extramedullary_disease=False,
        prior_therapies=[],
        prior_hsct=False,
        hsct_planned=True,
        hsct_feasible=True,
        dual_alkylator_conditioning=False,
        bilirubin_x_uln=0.5,
        planned_ino_cycles=2,
        t_cell_dysfunction=False,
        rapidly_progressive=False,
        prior_car_t_manufacturing_failure=False,
        prefers_no_pump=False,
    )
    assert assess(full).missing == []


@pytest.mark.parametrize(
    ("agent", "must_include", "must_exclude"),
    [
        ("blinatumomab", {"cd19", "prefers_no_pump"}, {"age_years", "cd22_positive_pct", "bilirubin_x_uln"}),
        (
            "inotuzumab_ozogamicin",
            {"age_years", "cd22_positive_pct", "bilirubin_x_uln"},
            {"cd19", "prefers_no_pump"},
        ),
        (
            "tisagenlecleucel",
            {"age_years", "cd19", "rapidly_progressive"},
            {"cd22_positive_pct", "prefers_no_pump"},
        ),
    ],
)
def test_missing_per_agent_names_only_that_agents_facts(
    agent: str, must_include: set[str], must_exclude: set[str]
) -> None:
    missing = set(missing_facts(PatientProfile(), agent))  # type: ignore[arg-type]
    assert must_include <= missing and not (must_exclude & missing)


def test_as_of_is_recorded_and_labels_stay_the_reviews() -> None:
    result = assess(PatientProfile(age_years=30), as_of=dt.date(2025, 1, 1))
    assert result.as_of == dt.date(2025, 1, 1)
    assert "2020" in result.label_basis


def test_json_matches_the_contract_field_for_field() -> None:
    body = assess(PatientProfile(marrow_blasts_pct=80)).model_dump(mode="json")
    assert {"profile", "agents", "missing"} <= set(body)
    for agent in body["agents"]:
        assert {"agent", "label_status", "suitable", "flags"} <= set(agent)
        for flag in agent["flags"]:
            assert {"code", "severity", "message", "citations"} <= set(flag)
            # The contract's two fields, plus the source fields of the updates issue (an addition).
            assert all(set(c) == {"passage_id", "refs", "source", "date", "url", "publisher", "source_kind"}
                       for c in flag["citations"])
            assert all(c["source"] == "review" for c in flag["citations"])
