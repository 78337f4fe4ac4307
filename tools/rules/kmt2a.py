"""KMT2A-rearranged B-ALL (sections "Antigen expression" and "Remaining challenges"): poor response
even to the novel agents, with a different concern for each target."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, rule

_LINEAGE_SWITCH_TEXT = (
    "after CD19-directed therapy, KMT2A-rearranged B-ALL has undergone lineage switch to acute myeloid leukemia "
    "in published reports [64-66]; the review counts KMT2A-R among the subsets with poor response even to "
    "the novel agents."
)

KMT2A_OUTCOMES: dict[Agent, Outcome] = {
    "inotuzumab_ozogamicin": Outcome(
        severity="warning",
        text=(
            "KMT2A-R blasts more often have partial CD22 expression and lower antigen density [47]; among "
            "InO-treated patients the KMT2A-R subgroup was less likely to express CD22 and had the lowest "
            "MRD-negative rate and the shortest median progression-free survival of the cytogenetic "
            "subgroups [47,63]."
        ),
        summary="KMT2A-R: less CD22, lowest MRD-negative rate and shortest PFS with InO",
        citations=(cite("challenge-kmt2a-01", 47, 63), cite("antigen-kmt2a-01", 47)),
    ),
    "blinatumomab": Outcome(
        severity="warning",
        text=_LINEAGE_SWITCH_TEXT,
        summary="KMT2A-R: lineage switch to AML reported after CD19-directed therapy such as blinatumomab",
        citations=(cite("challenge-kmt2a-02", 64, 65, 66),),
    ),
    "tisagenlecleucel": Outcome(
        severity="warning",
        text=_LINEAGE_SWITCH_TEXT,
        summary="KMT2A-R: lineage switch to AML reported after CD19-directed therapy such as CD19 CAR T",
        citations=(cite("challenge-kmt2a-02", 64, 65, 66),),
    ),
}


@rule(
    "KMT2A_REARRANGED",
    agents=("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"),
    reads=("kmt2a_rearranged",),
)
def kmt2a_rearranged(profile: PatientProfile, agent: Agent) -> Finding | None:
    """KMT2A rearrangement present."""
    if profile.kmt2a_rearranged is not True:
        return None
    return Finding(outcome=KMT2A_OUTCOMES[agent], facts=("KMT2A rearrangement",))
