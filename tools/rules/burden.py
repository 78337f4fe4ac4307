"""Burden of disease (section "Burden of disease"): blinatumomab and CAR T work best, and CAR T is
safest, with little disease; InO response and toxicity do not depend on burden."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, pct, rule

# TOWER split marrow blasts at 50% (CR/CRh 65% vs 34.4%) [6], and the adult 19-28z series at 50% for
# CRS and neurotoxicity (41% vs 5%, 59% vs 14%) [24]; "at or above" follows the review's ">= 50%".
HIGH_BURDEN_BLASTS_PCT = 50.0
# The 19-28z series defined low burden as <5% marrow blasts (EFS 10.6 vs 5.3 months) [24].
LOW_BURDEN_BLASTS_PCT = 5.0


HIGH_BURDEN_OUTCOMES: dict[Agent, Outcome] = {
    "blinatumomab": Outcome(
        severity="warning",
        text=(
            "response to blinatumomab falls as marrow burden rises: in TOWER, CR/CRh was 65% with <50% "
            "blasts "
            "vs 34.4% with >=50% [6]. The review suggests some cytoreduction before blinatumomab."
        ),
        summary=(
            "Marrow blasts {blasts}: blinatumomab CR/CRh 34.4% with >=50% blasts vs 65% below; consider cytoreduction"
        ),
        citations=(cite("burden-blina-01", 6), cite("table1-burden")),
    ),
    "tisagenlecleucel": Outcome(
        severity="warning",
        text=(
            "high marrow burden raises the risk of severe CRS with CD19 CAR T [40]; in one adult series, "
            "patients with >=50% blasts had more CRS (41% vs 5%) and neurotoxicity (59% vs 14%) [24]."
        ),
        summary="Marrow blasts {blasts}: CAR T CRS 41% vs 5% and neurotoxicity 59% vs 14% with >=50% blasts",
        citations=(cite("burden-cart-02", 24, 40), cite("table1-burden")),
    ),
    "inotuzumab_ozogamicin": Outcome(
        severity="info",
        text=(
            "InO response and toxicity are not related to disease burden [13,41], which the review calls an "
            "attraction of InO when burden is high."
        ),
        summary=(
            "Marrow blasts {blasts}: InO response and toxicity do not depend on disease burden (favourable)"
        ),
        citations=(cite("burden-ino-01", 13, 41), cite("table1-burden")),
    ),
}


@rule(
    "HIGH_DISEASE_BURDEN",
    agents=("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"),
    reads=("marrow_blasts_pct",),
)
def high_disease_burden(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Marrow blasts at or above 50%."""
    blasts_pct = profile.marrow_blasts_pct
    if blasts_pct is None or blasts_pct < HIGH_BURDEN_BLASTS_PCT:
        return None
    blasts = pct(blasts_pct)
    return Finding(
        outcome=HIGH_BURDEN_OUTCOMES[agent], facts=(f"marrow blasts {blasts}",), values={"blasts": blasts}
    )


LOW_BURDEN_OUTCOMES: dict[Agent, Outcome] = {
    "blinatumomab": Outcome(
        severity="info",
        text=(
            "blinatumomab works best with little disease: responses of 80% to 88% in the MRD-positive "
            "setting [34,38]."
        ),
        summary="Low disease burden: blinatumomab responses 80-88% in the MRD-positive setting (favourable)",
        citations=(cite("burden-blina-02", 34, 38), cite("table1-burden")),
    ),
    "tisagenlecleucel": Outcome(
        severity="info",
        text=(
            "in adults given the 19-28z CAR, those starting with <5% marrow blasts had a median EFS of 10.6 vs "
            "5.3 months (P=.01) and a median OS of 20.1 vs 12.4 months (P=.02) [24]; pediatric "
            "tisagenlecleucel responses were seen regardless of burden [18,19]."
        ),
        summary="Low disease burden: adult CAR T EFS 10.6 vs 5.3 mo and OS 20.1 vs 12.4 mo with <5% blasts",
        citations=(cite("burden-cart-01", 18, 19, 24), cite("table1-burden")),
    ),
}


@rule(
    "LOW_DISEASE_BURDEN",
    agents=("blinatumomab", "tisagenlecleucel"),
    reads=("disease_status", "marrow_blasts_pct"),
)
def low_disease_burden(profile: PatientProfile, agent: Agent) -> Finding | None:
    """MRD-positive disease, or marrow blasts below 5%."""
    facts = []
    if profile.disease_status == "mrd_positive":
        facts.append("MRD-positive disease")
    if profile.marrow_blasts_pct is not None and profile.marrow_blasts_pct < LOW_BURDEN_BLASTS_PCT:
        facts.append(f"marrow blasts {pct(profile.marrow_blasts_pct)}")
    if not facts:
        return None
    return Finding(outcome=LOW_BURDEN_OUTCOMES[agent], facts=tuple(facts))
