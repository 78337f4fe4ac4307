"""T-cell dysfunction: against the T-cell dependent agents, favourable for InO."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize(
    ("agent", "severity"),
    [("blinatumomab", "warning"), ("tisagenlecleucel", "warning"), ("inotuzumab_ozogamicin", "info")],
)
def test_t_cell_dysfunction_severity_per_agent(flags_for: Any, agent: Agent, severity: str) -> None:
    assert flags_for(agent, t_cell_dysfunction=True)["T_CELL_DYSFUNCTION"].severity == severity


@pytest.mark.parametrize("value", [False, None])
def test_no_t_cell_flag_without_dysfunction(flags_for: Any, value: Any) -> None:
    assert "T_CELL_DYSFUNCTION" not in flags_for("blinatumomab", t_cell_dysfunction=value)


def test_car_t_t_cell_message_gives_30_of_83(flags_for: Any) -> None:
    assert "30 of 83" in flags_for("tisagenlecleucel", t_cell_dysfunction=True)["T_CELL_DYSFUNCTION"].message
