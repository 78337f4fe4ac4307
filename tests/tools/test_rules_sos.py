"""SOS risk with inotuzumab ozogamicin: each factor at its boundary, and what the message states."""

from __future__ import annotations

from typing import Any

import pytest

from tools.profile import PatientProfile
from tools.rules.sos import sos_risk_is_high

INO = "inotuzumab_ozogamicin"


@pytest.mark.parametrize(
    ("facts", "fires"),
    [
        ({"bilirubin_x_uln": 0.99}, False),
        ({"bilirubin_x_uln": 1.0}, True),
        ({"age_years": 54.9}, False),
        ({"age_years": 55}, True),
        ({"planned_ino_cycles": 2}, False),
        ({"planned_ino_cycles": 3}, True),
        ({"planned_ino_cycles": 6}, True),
        ({"prior_hsct": False}, False),
        ({"prior_hsct": True}, True),
        ({"dual_alkylator_conditioning": True}, True),
        ({"hsct_planned": True}, True),
        ({"hsct_planned": False}, False),
        ({}, False),
    ],
)
def test_sos_risk_factor_boundaries(flags_for: Any, facts: dict[str, Any], fires: bool) -> None:
    assert ("SOS_RISK" in flags_for(INO, **facts)) is fires


@pytest.mark.parametrize("agent", ["blinatumomab", "tisagenlecleucel"])
def test_sos_risk_concerns_only_ino(flags_for: Any, agent: str) -> None:
    assert "SOS_RISK" not in flags_for(agent, prior_hsct=True, bilirubin_x_uln=3)


def test_sos_is_a_warning_never_critical_even_with_every_factor(flags_for: Any) -> None:
    flags = flags_for(
        INO,
        prior_hsct=True,
        dual_alkylator_conditioning=True,
        bilirubin_x_uln=2,
        age_years=70,
        hsct_planned=True,
        planned_ino_cycles=6,
    )
    assert flags["SOS_RISK"].severity == "warning"


def test_sos_message_names_the_patient_facts_and_their_odds_ratios(flags_for: Any) -> None:
    flag = flags_for(INO, prior_hsct=True, bilirubin_x_uln=1.4)["SOS_RISK"]
    assert flag.message.startswith("Prior allogeneic HSCT; bilirubin 1.4 x ULN:")
    for figure in (
        "OR 6.02, P=.032",
        "OR 7.08, P=.011",
        "23 of 164 patients (14.0%)",
        "3 of 143 (2.1%)",
        "3%",
    ):
        assert figure in flag.message
    assert "OR 8.61" not in flag.message  # dual alkylators not among this patient's factors


def test_older_age_message_says_55_is_the_projects_assumption(flags_for: Any) -> None:
    flag = flags_for(INO, age_years=60)["SOS_RISK"]
    assert "41% vs 17%" in flag.message and "55 is this project's assumption" in flag.message


def test_cycles_message_gives_42_vs_19_pct(flags_for: Any) -> None:
    assert "42% with 4 to 6 cycles vs 19% with 2" in flags_for(INO, planned_ino_cycles=4)["SOS_RISK"].message


def test_two_cycle_limit_is_advised_when_hsct_follows(flags_for: Any) -> None:
    assert "limit InO to 2 cycles" in flags_for(INO, hsct_planned=True)["SOS_RISK"].message
    assert "limit InO to 2 cycles" not in flags_for(INO, planned_ino_cycles=4)["SOS_RISK"].message


def test_pediatric_figure_only_for_children(flags_for: Any) -> None:
    assert "11 of 21 (52%)" in flags_for(INO, age_years=10, hsct_planned=True)["SOS_RISK"].message
    assert "11 of 21" not in flags_for(INO, age_years=30, hsct_planned=True)["SOS_RISK"].message


@pytest.mark.parametrize(
    ("facts", "high"),
    [
        ({"prior_hsct": True}, True),
        ({"dual_alkylator_conditioning": True}, True),
        ({"bilirubin_x_uln": 1.0}, True),
        ({"age_years": 60}, False),
        ({"hsct_planned": True}, False),
        ({"age_years": 60, "hsct_planned": True}, True),
        ({"planned_ino_cycles": 3, "hsct_planned": True}, True),
    ],
)
def test_high_sos_risk_is_one_multivariate_factor_or_two_of_any(facts: dict[str, Any], high: bool) -> None:
    assert sos_risk_is_high(PatientProfile(**facts)) is high


def test_high_risk_advises_considering_blina_or_car_t(flags_for: Any) -> None:
    assert "considering blinatumomab or CAR T" in flags_for(INO, prior_hsct=True)["SOS_RISK"].message
    assert "considering blinatumomab or CAR T" not in flags_for(INO, age_years=60)["SOS_RISK"].message
