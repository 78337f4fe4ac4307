"""What a missing fact could change: the agent's flags and label status under a few values of it.

The values are probes, not guesses about the patient: each is a value the review's thresholds turn
on (50% and 5% blasts, 90% CD22, age 18, 25 and 55, bilirubin at ULN, more than 2 InO cycles), so
running the rules on them shows which flags the missing fact decides.
"""

from __future__ import annotations

from typing import Any

from tools.agents import Agent
from tools.assess import assess_agent
from tools.flags import Flag
from tools.profile import PatientProfile

PROBES: dict[str, tuple[Any, ...]] = {
    "age_years": (10, 30, 60),
    "disease_status": ("refractory", "first_relapse", "mrd_positive"),
    "marrow_blasts_pct": (2, 80),
    "cd19": ("negative", "dim"),
    "cd22_positive_pct": (0, 50),
    "kmt2a_rearranged": (True,),
    "cns_disease": (True,),
    "extramedullary_disease": (True,),
    "prior_therapies": (("blinatumomab",), ("cd19_car_t",)),
    "prior_hsct": (True,),
    "hsct_planned": (True, False),
    "hsct_feasible": (False,),
    "dual_alkylator_conditioning": (True,),
    "bilirubin_x_uln": (1.5,),
    "planned_ino_cycles": (4,),
    "t_cell_dysfunction": (True,),
    "rapidly_progressive": (True,),
    "prior_car_t_manufacturing_failure": (True,),
    "prefers_no_pump": (True,),
}


def could_raise(profile: PatientProfile, agent: Agent, field: str) -> tuple[list[Flag], bool]:
    """Flags (code and severity) the agent does not have now but would under a probe value of ``field``,
    and whether the label status could change."""
    now = assess_agent(profile, agent)
    have = {(f.code, f.severity) for f in now.flags}
    found: dict[tuple[str, str], Flag] = {}
    label_changes = False
    for value in PROBES.get(field, ()):
        probed = assess_agent(PatientProfile.model_validate({**profile.model_dump(), field: value}), agent)
        label_changes |= probed.label_status != now.label_status
        for flag in probed.flags:
            if (flag.code, flag.severity) not in have:
                found.setdefault((flag.code, flag.severity), flag)
    return list(found.values()), label_changes
