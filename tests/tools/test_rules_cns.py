"""CNS and extramedullary disease: severity per agent as the review weighs them."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize(
    ("agent", "code", "severity"),
    [
        ("blinatumomab", "CNS_DISEASE", "warning"),
        ("inotuzumab_ozogamicin", "CNS_DISEASE", "warning"),
        ("tisagenlecleucel", "CNS_DISEASE", "info"),
        ("blinatumomab", "EXTRAMEDULLARY_DISEASE", "warning"),
        ("inotuzumab_ozogamicin", "EXTRAMEDULLARY_DISEASE", "info"),
        ("tisagenlecleucel", "EXTRAMEDULLARY_DISEASE", "info"),
    ],
)
def test_cns_and_emd_severity_per_agent(flags_for: Any, agent: Agent, code: str, severity: str) -> None:
    flags = flags_for(agent, cns_disease=True, extramedullary_disease=True)
    assert flags[code].severity == severity


@pytest.mark.parametrize("value", [False, None])
@pytest.mark.parametrize("agent", ["blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"])
def test_no_cns_or_emd_flag_without_the_finding(flags_for: Any, agent: Agent, value: Any) -> None:
    flags = flags_for(agent, cns_disease=value, extramedullary_disease=value)
    assert not {"CNS_DISEASE", "EXTRAMEDULLARY_DISEASE"} & set(flags)


def test_cns_messages_state_the_review_facts(flags_for: Any) -> None:
    ino = flags_for("inotuzumab_ozogamicin", cns_disease=True)["CNS_DISEASE"]
    blina = flags_for("blinatumomab", cns_disease=True)["CNS_DISEASE"]
    car_t = flags_for("tisagenlecleucel", cns_disease=True)["CNS_DISEASE"]
    assert "2 of 28" in ino.message and "CNS-directed therapy" in ino.message
    assert "[8,50]" in blina.message
    assert "[48]" in car_t.message


def test_emd_ino_message_states_4_of_8(flags_for: Any) -> None:
    assert (
        "4 of 8 patients (50%)"
        in flags_for("inotuzumab_ozogamicin", extramedullary_disease=True)["EXTRAMEDULLARY_DISEASE"].message
    )
