"""Manufacturing delay and failure for CAR T; the continuous-infusion pump for blinatumomab."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(("rapid", "fires"), [(True, True), (False, False), (None, False)])
def test_manufacturing_delay_when_disease_needs_control_within_weeks(
    flags_for: Any, rapid: Any, fires: bool
) -> None:
    flags = flags_for("tisagenlecleucel", rapidly_progressive=rapid)
    assert ("MANUFACTURING_DELAY" in flags) is fires


def test_manufacturing_delay_states_the_review_figures(flags_for: Any) -> None:
    flag = flags_for("tisagenlecleucel", rapidly_progressive=True)["MANUFACTURING_DELAY"]
    assert flag.severity == "warning"
    for figure in ("4 to 5 weeks", "30 of 83", "7 had a production failure", "10 were not infused", "92"):
        assert figure in flag.message


@pytest.mark.parametrize(("failed", "fires"), [(True, True), (False, False), (None, False)])
def test_prior_manufacturing_failure(flags_for: Any, failed: Any, fires: bool) -> None:
    flags = flags_for("tisagenlecleucel", prior_car_t_manufacturing_failure=failed)
    assert ("PRIOR_MANUFACTURING_FAILURE" in flags) is fires


@pytest.mark.parametrize("agent", ["blinatumomab", "inotuzumab_ozogamicin"])
def test_manufacturing_flags_concern_only_car_t(flags_for: Any, agent: str) -> None:
    flags = flags_for(agent, rapidly_progressive=True, prior_car_t_manufacturing_failure=True)
    assert not {"MANUFACTURING_DELAY", "PRIOR_MANUFACTURING_FAILURE"} & set(flags)


@pytest.mark.parametrize(("prefers_no_pump", "severity"), [(True, "warning"), (None, "info"), (False, None)])
def test_continuous_infusion_by_pump_preference(flags_for: Any, prefers_no_pump: Any, severity: Any) -> None:
    flag = flags_for("blinatumomab", prefers_no_pump=prefers_no_pump).get("CONTINUOUS_INFUSION")
    assert (flag.severity if flag else None) == severity


def test_continuous_infusion_describes_the_schedule(flags_for: Any) -> None:
    flag = flags_for("blinatumomab", prefers_no_pump=True)["CONTINUOUS_INFUSION"]
    for words in ("4 weeks", "pump", "bag changes", "IV access", "ramp-up"):
        assert words in flag.message
