"""assess_toxicity: SOS, CRS and neurotoxicity (ICANS) for one agent: the rates the review reports,
and which of the risk factors it names this patient has, lacks, or has not been asked about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.agents import Agent
from tools.assess import agent_flags
from tools.flags import Citation, Flag
from tools.profile import PatientProfile
from tools.rules.base import cite, merge_citations
from tools.rules.burden import HIGH_BURDEN_BLASTS_PCT
from tools.rules.sos import SOS_RISK_FACTORS, sos_risk_is_high

Syndrome = Literal["SOS", "CRS", "ICANS"]
FactorStatus = Literal["present", "absent", "unknown"]
RiskLevel = Literal["not_described", "baseline", "raised", "high"]

SYNDROME_NAMES: dict[Syndrome, str] = {
    "SOS": "sinusoidal obstruction syndrome",
    "CRS": "cytokine release syndrome",
    "ICANS": "immune effector cell-associated neurotoxicity syndrome",
}
_TOXICITY_FLAGS: dict[Syndrome, str] = {"SOS": "SOS_RISK", "CRS": "CRS_RISK", "ICANS": "ICANS_RISK"}


class RiskFactor(BaseModel):
    model_config = ConfigDict(frozen=True)

    factor: str
    status: FactorStatus
    patient_fact: str | None = Field(description="What in the profile shows the factor, when present")
    evidence: str
    citations: list[Citation]


class ToxicityRisk(BaseModel):
    model_config = ConfigDict(frozen=True)

    syndrome: Syndrome
    name: str
    described_for_agent: bool = Field(description="Whether the review describes this toxicity with the agent")
    level: RiskLevel
    review_rates: list[str]
    risk_factors: list[RiskFactor]
    citations: list[Citation]


class ToxicityReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    agent: Agent
    risks: list[ToxicityRisk] = Field(description="SOS, CRS and ICANS, in that order")
    flags: list[Flag] = Field(description="The assessment's toxicity flags for this agent")


def _sos_factors(profile: PatientProfile) -> list[RiskFactor]:
    factors = []
    for f in SOS_RISK_FACTORS:
        fact = f.fact(profile)
        status: FactorStatus = (
            "present" if fact else "unknown" if getattr(profile, f.field) is None else "absent"
        )
        factors.append(
            RiskFactor(
                factor=f.label, status=status, patient_fact=fact, evidence=f.evidence, citations=[f.citation]
            )
        )
    return factors


def _factor(
    profile: PatientProfile,
    name: str,
    field: str,
    test: Callable[[object], bool],
    fact: str,
    evidence: str,
    citation: Citation,
) -> RiskFactor:
    value = getattr(profile, field)
    status: FactorStatus = "unknown" if value is None else "present" if test(value) else "absent"
    return RiskFactor(
        factor=name,
        status=status,
        patient_fact=fact if status == "present" else None,
        evidence=evidence,
        citations=[citation],
    )


def _high_burden(profile: PatientProfile, evidence: str, citation: Citation) -> RiskFactor:
    blasts = profile.marrow_blasts_pct
    return _factor(
        profile,
        "marrow blasts >=50%",
        "marrow_blasts_pct",
        lambda v: isinstance(v, float) and v >= HIGH_BURDEN_BLASTS_PCT,
        f"marrow blasts {blasts:g}%" if blasts is not None else "",
        evidence,
        citation,
    )


def _mrd_setting(profile: PatientProfile) -> RiskFactor:
    return _factor(
        profile,
        "MRD-positive setting",
        "disease_status",
        lambda v: v == "mrd_positive",
        "MRD-positive disease",
        "neurotoxicity up to 53% (13% grade 3-4) in the MRD-positive setting [34]",
        cite("tox-icans-02", 34),
    )


_BURDEN_TABLE1 = "Table 1 names disease burden as the risk factor (no blinatumomab figure given)"

# The review's rates per (agent, syndrome); an empty list means the review does not describe it.
REVIEW_RATES: dict[tuple[Agent, Syndrome], tuple[list[str], list[Citation]]] = {
    ("inotuzumab_ozogamicin", "SOS"): (
        [
            "INO-VATE: 23 of 164 (14.0%) with InO vs 3 of 143 (2.1%) with chemotherapy [11]",
            "3% in patients with no HSCT before or after InO [11]",
            "children: 11 of 21 (52%) after HSCT following InO, 2 fatal [15]",
            "InO with mini-hyper-CVD: 9 of 59 (15%) before the InO dose was reduced; no further cases after "
            "[58]",
        ],
        [cite("tox-sos-01", 11), cite("tox-sos-05", 15), cite("combo-02", 58), cite("combo-03", 58)],
    ),
    ("tisagenlecleucel", "CRS"): (
        ["77% any grade, 25% grade 4 [21]", "tocilizumab usually brings rapid improvement [35]"],
        [cite("tox-crs-01", 21), cite("tox-icans-03", 35)],
    ),
    ("tisagenlecleucel", "ICANS"): (
        [
            "40% to 45% [21,29]",
            "tocilizumab does not cross the blood-brain barrier well; neurotoxicity can follow CRS [36]",
        ],
        [cite("tox-icans-01", 21, 29), cite("tox-icans-03", 36)],
    ),
    ("blinatumomab", "CRS"): (
        [
            "4.9% in TOWER with dose ramp-up and dexamethasone premedication [6]",
            "high in early dose-finding trials [28]",
        ],
        [cite("tox-crs-02", 6, 28)],
    ),
    ("blinatumomab", "ICANS"): (
        [
            "9.4% in R/R disease [6]",
            "up to 53% (13% grade 3-4) in the MRD-positive setting [34]",
            "no neurotoxicity deaths reported",
        ],
        [cite("tox-icans-02", 6, 34)],
    ),
}


def _risk_factors(profile: PatientProfile, agent: Agent, syndrome: Syndrome) -> list[RiskFactor]:
    if syndrome == "SOS":
        return _sos_factors(profile) if agent == "inotuzumab_ozogamicin" else []
    if agent == "tisagenlecleucel":
        evidence = {
            "CRS": "CRS 41% vs 5% with >=50% blasts [24]; high burden, severe CRS [40]",
            "ICANS": "neurotoxicity 59% vs 14% with >=50% blasts [24]",
        }[syndrome]
        return [_high_burden(profile, evidence, cite("burden-cart-02", 24, 40))]
    if agent == "blinatumomab":
        factors = [_high_burden(profile, _BURDEN_TABLE1, cite("table1-toxicity"))]
        return [*factors, _mrd_setting(profile)] if syndrome == "ICANS" else factors
    return []


def _level(
    profile: PatientProfile, syndrome: Syndrome, described: bool, factors: list[RiskFactor]
) -> RiskLevel:
    if not described:
        return "not_described"
    if syndrome == "SOS" and sos_risk_is_high(profile):
        return "high"
    return "raised" if any(f.status == "present" for f in factors) else "baseline"


def assess_toxicity(profile: PatientProfile, agent: Agent) -> ToxicityReport:
    """The review's rates of SOS, CRS and ICANS for ``agent`` and this patient's risk factors."""
    risks = []
    for syndrome in ("SOS", "CRS", "ICANS"):
        rates, citations = REVIEW_RATES.get((agent, syndrome), ([], [cite("table1-toxicity")]))
        described = bool(rates)
        factors = _risk_factors(profile, agent, syndrome)
        risks.append(
            ToxicityRisk(
                syndrome=syndrome,
                name=SYNDROME_NAMES[syndrome],
                described_for_agent=described,
                level=_level(profile, syndrome, described, factors),
                review_rates=rates,
                risk_factors=factors,
                citations=merge_citations(
                    [*citations, *(c for f in factors for c in f.citations), cite("table1-toxicity")]
                ),
            )
        )
    flags = [f for f in agent_flags(profile, agent) if f.code in _TOXICITY_FLAGS.values()]
    return ToxicityReport(agent=agent, risks=risks, flags=flags)
