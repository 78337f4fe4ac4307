"""HSCT: InO as a bridge to transplant; CAR T and blinatumomab when HSCT is not feasible or wanted."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize(("feasible", "severity"), [(None, "info"), (True, "info"), (False, "warning")])
def test_hsct_bridge_for_ino_always_warning_when_not_feasible(
    flags_for: Any, feasible: Any, severity: str
) -> None:
    flag = flags_for("inotuzumab_ozogamicin", hsct_feasible=feasible)["HSCT_BRIDGE"]
    assert flag.severity == severity
    assert "22.8%" in flag.message and "51%" in flag.message


@pytest.mark.parametrize(
    ("facts", "fires"),
    [
        ({"hsct_feasible": False}, True),
        ({"hsct_planned": False}, True),
        ({"hsct_feasible": True, "hsct_planned": True}, False),
        ({}, False),
    ],
)
@pytest.mark.parametrize("agent", ["blinatumomab", "tisagenlecleucel"])
def test_hsct_not_needed_when_hsct_not_feasible_or_not_planned(
    flags_for: Any, agent: Agent, facts: dict[str, Any], fires: bool
) -> None:
    flags = flags_for(agent, **facts)
    assert ("HSCT_NOT_NEEDED" in flags) is fires
    if fires:
        assert flags["HSCT_NOT_NEEDED"].severity == "info"


def test_hsct_not_needed_messages_carry_the_review_figures(flags_for: Any) -> None:
    car_t = flags_for("tisagenlecleucel", hsct_feasible=False)["HSCT_NOT_NEEDED"]
    blina = flags_for("blinatumomab", hsct_feasible=False)["HSCT_NOT_NEEDED"]
    for figure in ("29 of 65", "44.6%", "P=.64", "P=.89", "6 months"):
        assert figure in car_t.message
    for figure in ("12 of 36 (33.3%)", "30 of 74 (40.5%)"):
        assert figure in blina.message


def test_hsct_not_needed_never_flags_ino(flags_for: Any) -> None:
    assert "HSCT_NOT_NEEDED" not in flags_for("inotuzumab_ozogamicin", hsct_feasible=False)
