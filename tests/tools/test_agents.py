"""Agent names clinicians type."""

from __future__ import annotations

import pytest

from tools.agents import parse_agent


@pytest.mark.parametrize(
    ("typed", "agent"),
    [
        ("blina", "blinatumomab"),
        ("Blincyto", "blinatumomab"),
        ("BiTE", "blinatumomab"),
        ("InO", "inotuzumab_ozogamicin"),
        ("Besponsa", "inotuzumab_ozogamicin"),
        ("inotuzumab_ozogamicin", "inotuzumab_ozogamicin"),
        ("tisa-cel", "tisagenlecleucel"),
        ("Kymriah", "tisagenlecleucel"),
        ("CTL019", "tisagenlecleucel"),
        ("CAR-T", "tisagenlecleucel"),
        ("CD19 CAR T", "tisagenlecleucel"),
    ],
)
def test_agent_synonyms(typed: str, agent: str) -> None:
    assert parse_agent(typed) == agent


@pytest.mark.parametrize("typed", ["rituximab", "", None, 3])
def test_unknown_agent_names_the_known_ones(typed: object) -> None:
    with pytest.raises(ValueError, match="blinatumomab, inotuzumab_ozogamicin, tisagenlecleucel"):
        parse_agent(typed)
