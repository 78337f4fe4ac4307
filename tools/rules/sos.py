"""Sinusoidal obstruction syndrome with inotuzumab ozogamicin (section "Toxicity"). SOS_RISK is a
warning, never critical: the review advises weighing the risk and, when it is high, considering
blinatumomab or CAR T; not that InO is impossible."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from tools.agents import Agent
from tools.flags import Citation
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, num, rule

# "Older" has no cut-off in the review (41% vs 17% in older vs younger patients going to HSCT [13]);
# 55 is this project's stated assumption (clinical-rules.md section 4).
SOS_OLDER_AGE_YEARS = 55.0
# Pre-HSCT bilirubin at or above the upper limit of normal: OR 7.08 [13].
SOS_BILIRUBIN_X_ULN = 1.0
# SOS 42% with 4-6 cycles vs 19% with 2 [13]; centres limit InO to 2 cycles before HSCT, so a third
# cycle already counts as "more than 2".
SOS_MAX_CYCLES_BEFORE_HSCT = 2
PEDIATRIC_AGE_YEARS = 18.0


class SosRiskFactor(BaseModel):
    """One SOS risk factor the review names, the figure behind it, and how to read it from the profile."""

    model_config = ConfigDict(frozen=True)

    field: str
    label: str  # short, for summaries
    evidence: str
    multivariate: bool  # significant in INO-VATE's multivariate analysis [13]
    citation: Citation
    fact: Callable[[PatientProfile], str | None]  # the patient fact when present, else None


SOS_RISK_FACTORS: tuple[SosRiskFactor, ...] = (
    SosRiskFactor(
        field="prior_hsct",
        label="prior HSCT",
        multivariate=True,
        evidence="prior HSCT (OR 6.02, P=.032) [13]",
        citation=cite("tox-sos-02", 13),
        fact=lambda p: "prior allogeneic HSCT" if p.prior_hsct else None,
    ),
    SosRiskFactor(
        field="dual_alkylator_conditioning",
        label="dual alkylators",
        multivariate=True,
        evidence="conditioning with two alkylators (OR 8.61, P=0.015) [13]",
        citation=cite("tox-sos-02", 13),
        fact=lambda p: "dual-alkylator conditioning planned" if p.dual_alkylator_conditioning else None,
    ),
    SosRiskFactor(
        field="bilirubin_x_uln",
        label="bilirubin >=ULN",
        multivariate=True,
        evidence="pre-HSCT bilirubin at or above the upper limit of normal (OR 7.08, P=.011) [13]",
        citation=cite("tox-sos-02", 13),
        fact=lambda p: (
            f"bilirubin {num(p.bilirubin_x_uln)} x ULN"
            if p.bilirubin_x_uln is not None and p.bilirubin_x_uln >= SOS_BILIRUBIN_X_ULN
            else None
        ),
    ),
    SosRiskFactor(
        field="age_years",
        label="age >=55",
        multivariate=False,
        evidence=(
            "older age (SOS 41% vs 17% in older vs younger patients proceeding to HSCT; the review gives no "
            "age cut-off, and 55 is this project's assumption) [13]"
        ),
        citation=cite("tox-sos-03", 13),
        fact=lambda p: (
            f"age {num(p.age_years)}"
            if p.age_years is not None and p.age_years >= SOS_OLDER_AGE_YEARS
            else None
        ),
    ),
    SosRiskFactor(
        field="hsct_planned",
        label="HSCT planned",
        multivariate=False,
        evidence="HSCT after InO (most SOS in INO-VATE followed HSCT) [11]",
        citation=cite("tox-sos-01", 11),
        fact=lambda p: "HSCT planned after InO" if p.hsct_planned else None,
    ),
    SosRiskFactor(
        field="planned_ino_cycles",
        label=">2 cycles",
        multivariate=False,
        evidence="more than 2 InO cycles (SOS 42% with 4 to 6 cycles vs 19% with 2) [13]",
        citation=cite("tox-sos-04", 13),
        fact=lambda p: (
            f"{p.planned_ino_cycles} InO cycles planned"
            if p.planned_ino_cycles is not None and p.planned_ino_cycles > SOS_MAX_CYCLES_BEFORE_HSCT
            else None
        ),
    ),
)


def sos_factors_present(profile: PatientProfile) -> list[tuple[SosRiskFactor, str]]:
    """The SOS risk factors this patient has, with the fact that shows each."""
    found = [(factor, factor.fact(profile)) for factor in SOS_RISK_FACTORS]
    return [(factor, fact) for factor, fact in found if fact is not None]


def sos_risk_is_high(profile: PatientProfile) -> bool:
    """Judgement call (the review gives no definition of "high risk"): any factor significant in the
    multivariate analysis, or two or more factors of any kind."""
    present = [factor for factor, _ in sos_factors_present(profile)]
    return any(f.multivariate for f in present) or len(present) >= 2


SOS_OUTCOME = Outcome(
    severity="warning",
    text=(
        "SOS occurred in 23 of 164 patients (14.0%) given InO vs 3 of 143 (2.1%) given chemotherapy in "
        "INO-VATE, mostly in those with HSCT before or after InO, and in 3% of those with no HSCT [11]. "
        "Risk factors present: {evidence}."
    ),
    summary="SOS risk with InO: {labels}",
    citations=(cite("tox-sos-01", 11),),
)
SOS_PEDIATRIC = "In children, 11 of 21 (52%) developed SOS after HSCT following InO, 2 of them fatal [15]."
SOS_TWO_CYCLES = "When HSCT follows InO, many centres limit InO to 2 cycles or fewer."
SOS_HIGH_RISK = (
    "No prophylaxis is proven (defibrotide and levocarnitine are under study) [37]; with high SOS risk the "
    "review advises considering blinatumomab or CAR T instead."
)


@rule(
    "SOS_RISK",
    agents=("inotuzumab_ozogamicin",),
    reads=tuple(factor.field for factor in SOS_RISK_FACTORS),
)
def sos_risk(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Any SOS risk factor the review names."""
    present = sos_factors_present(profile)
    if not present:
        return None
    extra, citations = [], [factor.citation for factor, _ in present]
    if profile.age_years is not None and profile.age_years < PEDIATRIC_AGE_YEARS:
        extra.append(SOS_PEDIATRIC)
        citations.append(cite("tox-sos-05", 15))
    if profile.hsct_planned:
        extra.append(SOS_TWO_CYCLES)
        citations.append(cite("tox-sos-04"))
    if sos_risk_is_high(profile):
        extra.append(SOS_HIGH_RISK)
        citations.append(cite("tox-sos-06", 37))
    return Finding(
        outcome=SOS_OUTCOME,
        facts=tuple(fact for _, fact in present),
        extra=tuple(extra),
        extra_citations=tuple(citations),
        values={
            "evidence": "; ".join(factor.evidence for factor, _ in present),
            "labels": ", ".join(factor.label for factor, _ in present),
        },
    )
