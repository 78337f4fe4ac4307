"""CD19 and CD22 rules at their boundaries: CD22 0 / 89.9 / 90, CD19 negative / dim / positive."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize(
    ("cd22_pct", "negative", "partial"),
    [
        (0, True, False),
        (0.1, False, True),
        (40, False, True),
        (89, False, True),
        (89.9, False, True),
        (90, False, False),
        (100, False, False),
    ],
)
def test_cd22_expression_boundaries(flags_for: Any, cd22_pct: float, negative: bool, partial: bool) -> None:
    flags = flags_for("inotuzumab_ozogamicin", cd22_positive_pct=cd22_pct)
    assert ("CD22_NEGATIVE" in flags) is negative
    assert ("CD22_PARTIAL" in flags) is partial


def test_cd22_negative_is_critical_and_makes_ino_unsuitable(flags_for: Any) -> None:
    flag = flags_for("inotuzumab_ozogamicin", cd22_positive_pct=0)["CD22_NEGATIVE"]
    assert flag.severity == "critical"
    assert flag.message.startswith("CD22-positive blasts 0%:") and "INO-VATE" in flag.message


def test_cd22_below_90_pct_flags_partial_expression_with_the_aall1621_figures(flags_for: Any) -> None:
    flag = flags_for("inotuzumab_ozogamicin", cd22_positive_pct=75)["CD22_PARTIAL"]
    assert flag.severity == "warning"
    for figure in ("75%", "5 of 164", "(3%)", "40%, 79% and 83%", "6.5%, 34% and 48%", "CD19-directed"):
        assert figure in flag.message


@pytest.mark.parametrize("agent", ["blinatumomab", "tisagenlecleucel", "inotuzumab_ozogamicin"])
def test_cd22_rules_concern_only_ino(flags_for: Any, agent: Agent) -> None:
    flags = flags_for(agent, cd22_positive_pct=0)
    assert ("CD22_NEGATIVE" in flags) is (agent == "inotuzumab_ozogamicin")


@pytest.mark.parametrize(
    ("agent", "cd19", "code", "severity"),
    [
        ("blinatumomab", "negative", "CD19_NEGATIVE", "critical"),
        ("tisagenlecleucel", "negative", "CD19_NEGATIVE", "critical"),
        ("blinatumomab", "dim", "CD19_DIM", "info"),
        ("tisagenlecleucel", "dim", "CD19_DIM", "warning"),
    ],
)
def test_cd19_rules_and_severities(flags_for: Any, agent: Agent, cd19: str, code: str, severity: str) -> None:
    assert flags_for(agent, cd19=cd19)[code].severity == severity


@pytest.mark.parametrize("cd19", ["positive", "dim", "negative"])
def test_cd19_never_flags_ino(flags_for: Any, cd19: str) -> None:
    assert not {"CD19_NEGATIVE", "CD19_DIM"} & set(flags_for("inotuzumab_ozogamicin", cd19=cd19))


@pytest.mark.parametrize("agent", ["blinatumomab", "tisagenlecleucel"])
def test_cd19_positive_raises_no_cd19_flag(flags_for: Any, agent: Agent) -> None:
    assert not {"CD19_NEGATIVE", "CD19_DIM"} & set(flags_for(agent, cd19="positive"))


def test_cd19_dim_states_the_antigen_load_figures(flags_for: Any) -> None:
    car_t = flags_for("tisagenlecleucel", cd19="dim")["CD19_DIM"]
    blina = flags_for("blinatumomab", cd19="dim")["CD19_DIM"]
    assert "15%" in car_t.message and "HR 2.99" in car_t.message and "[18]" in car_t.message
    assert "[42]" in blina.message
