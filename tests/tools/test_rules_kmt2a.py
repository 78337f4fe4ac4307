"""KMT2A rearrangement: a warning for all three agents, with the concern proper to each target."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import AGENTS, Agent


@pytest.mark.parametrize("agent", AGENTS)
@pytest.mark.parametrize(("kmt2a", "fires"), [(True, True), (False, False), (None, False)])
def test_kmt2a_flag_fires_only_when_rearranged(flags_for: Any, agent: Agent, kmt2a: Any, fires: bool) -> None:
    flags = flags_for(agent, kmt2a_rearranged=kmt2a)
    assert ("KMT2A_REARRANGED" in flags) is fires
    if fires:
        assert flags["KMT2A_REARRANGED"].severity == "warning"


def test_kmt2a_messages_differ_by_target(flags_for: Any) -> None:
    ino = flags_for("inotuzumab_ozogamicin", kmt2a_rearranged=True)["KMT2A_REARRANGED"]
    blina = flags_for("blinatumomab", kmt2a_rearranged=True)["KMT2A_REARRANGED"]
    assert "CD22" in ino.message and "[47,63]" in ino.message
    assert "lineage switch" in blina.message and "[64-66]" in blina.message
