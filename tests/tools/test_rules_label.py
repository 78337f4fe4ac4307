"""Label status and the LABEL_AGE / LABEL_SETTING flags at the label's boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import AGENTS, Agent
from tools.profile import PatientProfile
from tools.rules.label import label_status


@pytest.mark.parametrize(
    ("agent", "facts", "status"),
    [
        # InO: adults 18+ with relapsed or refractory disease.
        ("inotuzumab_ozogamicin", {"age_years": 17, "disease_status": "first_relapse"}, "off_label"),
        ("inotuzumab_ozogamicin", {"age_years": 17.9, "disease_status": "first_relapse"}, "off_label"),
        ("inotuzumab_ozogamicin", {"age_years": 18, "disease_status": "first_relapse"}, "on_label"),
        ("inotuzumab_ozogamicin", {"age_years": 80, "disease_status": "refractory"}, "on_label"),
        ("inotuzumab_ozogamicin", {"age_years": 40, "disease_status": "second_or_later_relapse"}, "on_label"),
        ("inotuzumab_ozogamicin", {"age_years": 40, "disease_status": "mrd_positive"}, "off_label"),
        ("inotuzumab_ozogamicin", {"age_years": 40}, "unknown"),
        ("inotuzumab_ozogamicin", {"disease_status": "refractory"}, "unknown"),
        ("inotuzumab_ozogamicin", {"age_years": 12}, "off_label"),
        ("inotuzumab_ozogamicin", {"disease_status": "mrd_positive"}, "off_label"),
        # Tisagenlecleucel: up to 25, refractory or second or later relapse.
        ("tisagenlecleucel", {"age_years": 25, "disease_status": "refractory"}, "on_label"),
        ("tisagenlecleucel", {"age_years": 25.9, "disease_status": "refractory"}, "on_label"),
        ("tisagenlecleucel", {"age_years": 26, "disease_status": "refractory"}, "off_label"),
        ("tisagenlecleucel", {"age_years": 0, "disease_status": "second_or_later_relapse"}, "on_label"),
        ("tisagenlecleucel", {"age_years": 10, "disease_status": "first_relapse"}, "off_label"),
        ("tisagenlecleucel", {"age_years": 10, "disease_status": "mrd_positive"}, "off_label"),
        ("tisagenlecleucel", {"age_years": 10}, "unknown"),
        ("tisagenlecleucel", {"age_years": 30}, "off_label"),
        # Blinatumomab: every setting, any age.
        ("blinatumomab", {}, "on_label"),
        ("blinatumomab", {"age_years": 2, "disease_status": "mrd_positive"}, "on_label"),
        ("blinatumomab", {"age_years": 90, "disease_status": "refractory", "ph_positive": True}, "on_label"),
    ],
)
def test_label_status_follows_the_review_label(agent: Agent, facts: dict[str, Any], status: str) -> None:
    assert label_status(PatientProfile(**facts), agent)[0] == status


@pytest.mark.parametrize(
    ("agent", "age", "fires"),
    [
        ("inotuzumab_ozogamicin", 17, True),
        ("inotuzumab_ozogamicin", 18, False),
        ("tisagenlecleucel", 25, False),
        ("tisagenlecleucel", 26, True),
        ("blinatumomab", 1, False),
        ("blinatumomab", 99, False),
    ],
)
def test_label_age_flag_at_the_age_bounds(flags_for: Any, agent: Agent, age: float, fires: bool) -> None:
    assert ("LABEL_AGE" in flags_for(agent, age_years=age)) is fires


def test_label_age_message_states_the_bound(flags_for: Any) -> None:
    ino = flags_for("inotuzumab_ozogamicin", age_years=12)["LABEL_AGE"]
    car_t = flags_for("tisagenlecleucel", age_years=40)["LABEL_AGE"]
    assert ino.severity == car_t.severity == "warning"
    assert ino.message.startswith("Age 12:") and "18 and over" in ino.message and "58.3%" in ino.message
    assert car_t.message.startswith("Age 40:") and "up to age 25" in car_t.message


@pytest.mark.parametrize(
    ("agent", "status", "fires"),
    [
        ("inotuzumab_ozogamicin", "mrd_positive", True),
        ("inotuzumab_ozogamicin", "first_relapse", False),
        ("inotuzumab_ozogamicin", "refractory", False),
        ("tisagenlecleucel", "first_relapse", True),
        ("tisagenlecleucel", "mrd_positive", True),
        ("tisagenlecleucel", "second_or_later_relapse", False),
        ("tisagenlecleucel", "refractory", False),
        ("blinatumomab", "mrd_positive", False),
    ],
)
def test_label_setting_flag_outside_the_labelled_settings(
    flags_for: Any, agent: Agent, status: str, fires: bool
) -> None:
    assert ("LABEL_SETTING" in flags_for(agent, disease_status=status)) is fires


def test_label_setting_message_names_the_labelled_settings(flags_for: Any) -> None:
    flag = flags_for("tisagenlecleucel", disease_status="first_relapse")["LABEL_SETTING"]
    assert flag.message.startswith("First relapse:")
    assert "refractory B-ALL or second or later relapse" in flag.message


@pytest.mark.parametrize("agent", AGENTS)
def test_label_reason_is_given_for_every_status(agent: Agent) -> None:
    for facts in ({}, {"age_years": 30, "disease_status": "first_relapse"}, {"age_years": 20}):
        status, reason = label_status(PatientProfile(**facts), agent)
        assert reason and reason[0].isupper(), (status, reason)
