"""CRS and ICANS with the T-cell engaging agents: always raised, warning for CAR T at >=50% blasts."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize("code", ["CRS_RISK", "ICANS_RISK"])
@pytest.mark.parametrize(
    ("agent", "blasts", "severity"),
    [
        ("tisagenlecleucel", None, "info"),
        ("tisagenlecleucel", 49.9, "info"),
        ("tisagenlecleucel", 50, "warning"),
        ("blinatumomab", None, "info"),
        ("blinatumomab", 49.9, "info"),
        ("blinatumomab", 50, "info"),
        ("blinatumomab", 100, "info"),
    ],
)
def test_crs_and_icans_severity_by_burden(
    flags_for: Any, code: str, agent: Agent, blasts: Any, severity: str
) -> None:
    assert flags_for(agent, marrow_blasts_pct=blasts)[code].severity == severity


@pytest.mark.parametrize("code", ["CRS_RISK", "ICANS_RISK"])
def test_crs_and_icans_never_flag_ino(flags_for: Any, code: str) -> None:
    assert code not in flags_for("inotuzumab_ozogamicin", marrow_blasts_pct=90)


def test_car_t_crs_states_77_and_25_pct_and_tocilizumab(flags_for: Any) -> None:
    flag = flags_for("tisagenlecleucel")["CRS_RISK"]
    assert "77%" in flag.message and "25% grade 4" in flag.message and "tocilizumab" in flag.message.lower()


def test_blina_crs_states_4_9_pct_with_ramp_up(flags_for: Any) -> None:
    flag = flags_for("blinatumomab")["CRS_RISK"]
    assert "4.9%" in flag.message and "ramp-up" in flag.message and "dexamethasone" in flag.message


def test_icans_messages_carry_the_review_rates(flags_for: Any) -> None:
    car_t = flags_for("tisagenlecleucel", marrow_blasts_pct=60)["ICANS_RISK"]
    blina = flags_for("blinatumomab", disease_status="mrd_positive")["ICANS_RISK"]
    assert "40% to 45%" in car_t.message and "59%" in car_t.message and "blood-brain barrier" in car_t.message
    assert blina.message.startswith("MRD-positive disease:")
    assert "9.4%" in blina.message and "53%" in blina.message and "13% grade 3-4" in blina.message


def test_high_burden_is_named_as_the_fact_that_raised_car_t_crs(flags_for: Any) -> None:
    assert flags_for("tisagenlecleucel", marrow_blasts_pct=70)["CRS_RISK"].message.startswith(
        "Marrow blasts 70%:"
    )
    assert flags_for("tisagenlecleucel", marrow_blasts_pct=20)["CRS_RISK"].facts == []
