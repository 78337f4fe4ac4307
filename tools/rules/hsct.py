"""Eligibility and need for HSCT (section "Eligibility and need for HSCT"): InO usually bridges to a
transplant; CAR T, and perhaps blinatumomab, can give durable remission without one."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, rule

_BRIDGE = (
    "InO responses are usually short, so it is typically a bridge to definitive therapy, often HSCT: in "
    "pooled trial data 2-year OS was 22.8% with InO overall vs 51% for patients going straight to HSCT in "
    "remission [55]."
)

HSCT_BRIDGE_OUTCOMES: dict[bool, Outcome] = {
    False: Outcome(
        severity="info",
        text=_BRIDGE,
        summary="InO is usually a bridge to HSCT: 2-year OS 22.8% overall vs 51% going straight to HSCT",
        citations=(cite("hsct-ino-01", 55),),
    ),
    # Not an HSCT candidate: the usual route to a durable remission after InO is closed.
    True: Outcome(
        severity="warning",
        text=(
            _BRIDGE + " CAR T, and potentially blinatumomab, may give durable remission without HSCT; in "
            "first relapse, mini-hyper-CVAD plus InO (with or without blinatumomab) gave 6 "
            "patients (13%) durable MRD-negative remission without HSCT [59]."
        ),
        summary=(
            "Not an HSCT candidate: InO usually bridges to HSCT (2-year OS 22.8% vs 51% with direct HSCT)"
        ),
        citations=(cite("hsct-ino-01", 55), cite("combo-04", 59)),
    ),
}


@rule("HSCT_BRIDGE", agents=("inotuzumab_ozogamicin",), reads=("hsct_feasible",))
def hsct_bridge(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Always for InO; a warning when the patient is not an HSCT candidate."""
    not_feasible = profile.hsct_feasible is False
    facts = ("not an HSCT candidate",) if not_feasible else ()
    return Finding(outcome=HSCT_BRIDGE_OUTCOMES[not_feasible], facts=facts)


HSCT_NOT_NEEDED_OUTCOMES: dict[Agent, Outcome] = {
    "tisagenlecleucel": Outcome(
        severity="info",
        text=(
            "CD19 CAR T has the strongest data for durable remission without HSCT: in ELIANA, 29 of 65 "
            "responders (44.6%) stayed in remission with no further therapy [20]; in adults given the 19-28z "
            "CAR, EFS and OS did not differ significantly with or without HSCT among MRD-negative responders "
            "(P=.64 and P=.89) [24]. "
            "B-cell recovery, especially before 6 months, predicts CD19-positive relapse [21], so one "
            "strategy "
            "is CAR T in place of HSCT, keeping HSCT for early B-cell recovery or CD19-negative relapse."
        ),
        summary="No HSCT: 29 of 65 (44.6%) CAR T responders in ongoing remission without further therapy",
        citations=(cite("hsct-cart-01", 20), cite("hsct-cart-02", 24), cite("hsct-cart-03", 21)),
    ),
    "blinatumomab": Outcome(
        severity="info",
        text=(
            "whether HSCT is needed after blinatumomab is less clear: 12 of 36 (33.3%) without HSCT were in "
            "continued CR vs 30 of 74 (40.5%) with HSCT [38], and 6 of 11 without HSCT remained in CR at a "
            "median 31 months in an earlier study [54]."
        ),
        summary=(
            "No HSCT: continued CR after blinatumomab 12 of 36 (33.3%) without HSCT vs 30 of 74 (40.5%) with"
        ),
        citations=(cite("hsct-blina-01", 38, 54),),
    ),
}


@rule("HSCT_NOT_NEEDED", agents=("blinatumomab", "tisagenlecleucel"), reads=("hsct_feasible", "hsct_planned"))
def hsct_not_needed(profile: PatientProfile, agent: Agent) -> Finding | None:
    """HSCT not feasible, or not planned (not wanted)."""
    facts = []
    if profile.hsct_feasible is False:
        facts.append("not an HSCT candidate")
    if profile.hsct_planned is False:
        facts.append("HSCT not planned")
    if not facts:
        return None
    return Finding(outcome=HSCT_NOT_NEEDED_OUTCOMES[agent], facts=tuple(facts))
