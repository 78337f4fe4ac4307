"""Disease burden at the review's splits: marrow blasts 4.9 / 5 and 49.9 / 50, and MRD-positive."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize(
    ("blasts", "high", "low"),
    [
        (0, False, True),
        (4.9, False, True),
        (5, False, False),
        (49.9, False, False),
        (50, True, False),
        (100, True, False),
    ],
)
@pytest.mark.parametrize("agent", ["blinatumomab", "tisagenlecleucel"])
def test_burden_boundaries_for_t_cell_agents(
    flags_for: Any, agent: Agent, blasts: float, high: bool, low: bool
) -> None:
    flags = flags_for(agent, marrow_blasts_pct=blasts)
    assert ("HIGH_DISEASE_BURDEN" in flags) is high
    assert ("LOW_DISEASE_BURDEN" in flags) is low


@pytest.mark.parametrize(
    ("agent", "severity"),
    [("blinatumomab", "warning"), ("tisagenlecleucel", "warning"), ("inotuzumab_ozogamicin", "info")],
)
def test_high_burden_severity_per_agent(flags_for: Any, agent: Agent, severity: str) -> None:
    assert flags_for(agent, marrow_blasts_pct=50)["HIGH_DISEASE_BURDEN"].severity == severity


def test_low_burden_never_flags_ino(flags_for: Any) -> None:
    assert "LOW_DISEASE_BURDEN" not in flags_for("inotuzumab_ozogamicin", marrow_blasts_pct=1)


def test_mrd_positive_counts_as_low_burden(flags_for: Any) -> None:
    flag = flags_for("blinatumomab", disease_status="mrd_positive")["LOW_DISEASE_BURDEN"]
    assert flag.severity == "info"
    assert flag.message.startswith("MRD-positive disease:") and "80% to 88%" in flag.message


def test_high_burden_messages_carry_the_review_figures(flags_for: Any) -> None:
    blina = flags_for("blinatumomab", marrow_blasts_pct=80)["HIGH_DISEASE_BURDEN"]
    car_t = flags_for("tisagenlecleucel", marrow_blasts_pct=80)["HIGH_DISEASE_BURDEN"]
    assert (
        blina.message.startswith("Marrow blasts 80%:") and "65%" in blina.message and "34.4%" in blina.message
    )
    assert "41% vs 5%" in car_t.message and "59% vs 14%" in car_t.message


def test_low_burden_car_t_states_the_19_28z_survival_figures(flags_for: Any) -> None:
    flag = flags_for("tisagenlecleucel", marrow_blasts_pct=3)["LOW_DISEASE_BURDEN"]
    for figure in ("10.6 vs 5.3 months", "P=.01", "20.1 vs 12.4 months", "P=.02"):
        assert figure in flag.message
