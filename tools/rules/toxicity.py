"""Cytokine release syndrome and neurotoxicity (ICANS) with blinatumomab and tisagenlecleucel (section
"Toxicity"). Both are raised for every patient given these agents: they are what to prepare for.
SOS with inotuzumab ozogamicin is in sos.py."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, pct, rule

# CRS and ICANS with tisagenlecleucel are raised to warning at the burden split the adult 19-28z series
# used for them (>=50% blasts: CRS 41% vs 5%, neurotoxicity 59% vs 14%) [24].
CAR_T_TOXICITY_BLASTS_PCT = 50.0


def _high_burden(profile: PatientProfile) -> bool:
    blasts = profile.marrow_blasts_pct
    return blasts is not None and blasts >= CAR_T_TOXICITY_BLASTS_PCT


def _blasts_fact(profile: PatientProfile) -> tuple[str, ...]:
    """High marrow burden is the patient fact that raises these risks; below 50% nothing patient-specific
    fired the flag (it is raised for every patient given the agent)."""
    blasts = profile.marrow_blasts_pct
    return (f"marrow blasts {pct(blasts)}",) if blasts is not None and _high_burden(profile) else ()


CRS_OUTCOMES: dict[tuple[Agent, bool], Outcome] = {
    ("tisagenlecleucel", False): Outcome(
        severity="info",
        text=(
            "CRS is common with tisagenlecleucel: 77% had CRS of some grade and 25% grade 4 [21]. IL-6 "
            "receptor blockade with tocilizumab usually brings rapid improvement [35]."
        ),
        summary="CRS with tisagenlecleucel: 77% any grade, 25% grade 4; tocilizumab for treatment",
        citations=(cite("tox-crs-01", 21), cite("tox-icans-03", 35), cite("table1-toxicity")),
    ),
    ("tisagenlecleucel", True): Outcome(
        severity="warning",
        text=(
            "CRS is common with tisagenlecleucel: 77% had CRS of some grade and 25% grade 4 [21], and high "
            "marrow burden raises the risk of severe CRS [40]: in one adult series CRS was 41% with >=50% "
            "blasts vs 5% below [24]. Tocilizumab usually brings rapid improvement [35]."
        ),
        summary="CRS with tisagenlecleucel: 77% (25% grade 4); higher with >=50% blasts (41% vs 5%)",
        citations=(
            cite("tox-crs-01", 21),
            cite("burden-cart-02", 24, 40),
            cite("tox-icans-03", 35),
            cite("table1-toxicity"),
        ),
    ),
    ("blinatumomab", False): Outcome(
        severity="info",
        text=(
            "CRS was frequent in early dose-finding studies of blinatumomab [28]; with dose ramp-up and "
            "dexamethasone premedication only 4.9% had CRS in TOWER [6]."
        ),
        summary="CRS with blinatumomab: 4.9% in TOWER with dose ramp-up and dexamethasone premedication",
        citations=(cite("tox-crs-02", 6, 28), cite("table1-toxicity")),
    ),
}
CRS_OUTCOMES[("blinatumomab", True)] = CRS_OUTCOMES[("blinatumomab", False)]
BLINA_BURDEN_NOTE = (
    "Table 1 of the review names disease burden as the risk factor for CRS and ICANS with blinatumomab."
)


@rule("CRS_RISK", agents=("blinatumomab", "tisagenlecleucel"), reads=("marrow_blasts_pct",))
def crs_risk(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Always for the T-cell engaging agents; warning for tisagenlecleucel with >=50% blasts."""
    high = _high_burden(profile)
    extra = (BLINA_BURDEN_NOTE,) if high and agent == "blinatumomab" else ()
    return Finding(outcome=CRS_OUTCOMES[(agent, high)], facts=_blasts_fact(profile), extra=extra)


_CAR_T_ICANS = (
    "neurotoxicity (ICANS) occurred in 40% to 45% of patients in tisagenlecleucel trials [21,29]. "
    "Tocilizumab does not cross the blood-brain barrier well, so neurotoxicity can follow even after CRS "
    "has resolved [36]."
)
ICANS_OUTCOMES: dict[tuple[Agent, bool], Outcome] = {
    ("tisagenlecleucel", False): Outcome(
        severity="info",
        text=_CAR_T_ICANS,
        summary="Neurotoxicity (ICANS) with tisagenlecleucel: 40-45%; can follow CRS even after tocilizumab",
        citations=(cite("tox-icans-01", 21, 29), cite("tox-icans-03", 36), cite("table1-toxicity")),
    ),
    ("tisagenlecleucel", True): Outcome(
        severity="warning",
        text=_CAR_T_ICANS
        + " In one adult series, neurotoxicity was 59% with >=50% marrow blasts vs 14% below [24].",
        summary="ICANS with tisagenlecleucel: 40-45%; higher with >=50% blasts (59% vs 14%)",
        citations=(
            cite("tox-icans-01", 21, 29),
            cite("burden-cart-02", 24),
            cite("tox-icans-03", 36),
            cite("table1-toxicity"),
        ),
    ),
    ("blinatumomab", False): Outcome(
        severity="info",
        text=(
            "neurotoxicity occurred in 9.4% of patients with R/R disease given blinatumomab [6] and in up to "
            "53% (13% grade 3-4) in the MRD-positive setting [34]; no neurotoxicity deaths have been seen "
            "with blinatumomab."
        ),
        summary=(
            "Neurotoxicity with blinatumomab: 9.4% in R/R disease, up to 53% (13% grade 3-4) if MRD-positive"
        ),
        citations=(cite("tox-icans-02", 6, 34), cite("table1-toxicity")),
    ),
}
ICANS_OUTCOMES[("blinatumomab", True)] = ICANS_OUTCOMES[("blinatumomab", False)]


@rule(
    "ICANS_RISK", agents=("blinatumomab", "tisagenlecleucel"), reads=("marrow_blasts_pct", "disease_status")
)
def icans_risk(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Always for the T-cell engaging agents; warning for tisagenlecleucel with >=50% blasts."""
    high = _high_burden(profile)
    facts = _blasts_fact(profile)
    if agent == "blinatumomab" and profile.disease_status == "mrd_positive":
        facts = ("MRD-positive disease", *facts)
    extra = (BLINA_BURDEN_NOTE,) if high and agent == "blinatumomab" else ()
    return Finding(outcome=ICANS_OUTCOMES[(agent, high)], facts=facts, extra=extra)
