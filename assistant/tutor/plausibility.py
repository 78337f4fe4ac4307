"""Is a generated case one a clinician could meet? Checked before a question is used.

Builders shape a drawn patient towards their question, and a shaping step can leave a combination no
clinic would see ("no HSCT planned" beside a conditioning regimen, an InO cycle count for a patient
who is not getting InO). The generator discards a draw with any problem and tries the next one, so a
learner never reads such a case. Pure: profile in, list of problems out.
"""

from __future__ import annotations

from typing import Any

from tools.agents import Agent

# Allogeneic transplant is rarely offered beyond about 70 (fitness and transplant-related mortality);
# the tutor keeps its transplant candidates within that.
MAX_TRANSPLANT_AGE = 70
# Morphological relapse or refractory disease means at least 5% marrow blasts; below that is remission.
REMISSION_BLASTS_PCT = 5
_INO: Agent = "inotuzumab_ozogamicin"


def problems(profile: dict[str, Any], *, agent: Agent | None = None) -> list[str]:
    """What makes this case implausible; empty when it is plausible. ``agent``: the agent the question
    names, if any (an InO cycle count belongs only to a case where InO is being given)."""
    p = profile
    out: list[str] = []
    planned, feasible, age = p.get("hsct_planned"), p.get("hsct_feasible"), p.get("age_years")
    if planned is True and feasible is False:
        out.append("HSCT planned for a patient who is not a transplant candidate")
    if p.get("dual_alkylator_conditioning") is True and planned is not True:
        out.append("a conditioning regimen without a planned HSCT")
    if p.get("planned_ino_cycles") is not None:
        if agent is not None and agent != _INO:
            out.append("an InO cycle count in a question about another agent")
        if p.get("cd22_positive_pct") == 0:
            out.append("an InO cycle count for CD22-negative disease, where InO is not given")
    if age is not None and age > MAX_TRANSPLANT_AGE and (planned is True or feasible is True):
        out.append(f"a transplant candidate over {MAX_TRANSPLANT_AGE}")
    blasts, status = p.get("marrow_blasts_pct"), p.get("disease_status")
    if status == "mrd_positive":
        if blasts is not None and blasts >= REMISSION_BLASTS_PCT:
            out.append("MRD-positive disease with morphological blasts")
        if p.get("rapidly_progressive") is True:
            out.append("MRD-positive disease said to need control within weeks")
    if status == "refractory" and blasts is not None and blasts < REMISSION_BLASTS_PCT:
        out.append("refractory disease with fewer than 5% blasts (that is a remission)")
    return out
