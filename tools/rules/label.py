"""FDA label as the review states it (section "Considerations in choosing a novel agent", 2020).

label_status per agent: off_label as soon as one known fact lies outside the label; unknown when
nothing known is outside but a fact the label depends on is missing; otherwise on_label. Off label
is not impossible, so the LABEL_* flags are warnings that say what data exist outside the label.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from tools.agents import Agent
from tools.flags import Citation, LabelStatus
from tools.profile import DiseaseStatus, PatientProfile
from tools.rules.base import Finding, Outcome, cite, num, rule

SETTING_NAMES: dict[DiseaseStatus, str] = {
    "refractory": "refractory disease",
    "first_relapse": "first relapse",
    "second_or_later_relapse": "second or later relapse",
    "mrd_positive": "MRD-positive disease",
}


class Label(BaseModel):
    """One agent's labelled population. Ages are compared in completed years (25.9 counts as 25)."""

    model_config = ConfigDict(frozen=True)

    min_age_years: int | None
    max_age_years: int | None
    settings: tuple[DiseaseStatus, ...]
    wording: str
    citations: tuple[Citation, ...]
    # Later labels name the antigen (InO's 2024 pediatric indication: CD22-positive disease).
    requires_cd22_positive: bool = False


LABELS: dict[Agent, Label] = {
    # "blinatumomab has the widest approval ... pediatric and adult patients with relapsed and
    # MRD-positive B-ALL"; Ph-negative (2014) and Ph-positive (2017) are both covered.
    "blinatumomab": Label(
        min_age_years=None,
        max_age_years=None,
        settings=("refractory", "first_relapse", "second_or_later_relapse", "mrd_positive"),
        wording="relapsed or refractory (Ph-negative or Ph-positive) or MRD-positive B-ALL, any age",
        citations=(cite("label-01"), cite("agent-blina-02")),
    ),
    # Review: InO's approval covers adults only, with R/R B-ALL (first or later relapse).
    "inotuzumab_ozogamicin": Label(
        min_age_years=18,
        max_age_years=None,
        settings=("refractory", "first_relapse", "second_or_later_relapse"),
        wording="adults aged 18 and over with relapsed (first or later) or refractory B-ALL",
        citations=(cite("label-02"), cite("agent-ino-01")),
    ),
    # Review: tisagenlecleucel's approval stops at age 25 and covers refractory B-ALL or a second or
    # later relapse. Table 1 prints "<25 years"; the text and the spec say up to 25, which we follow.
    "tisagenlecleucel": Label(
        min_age_years=None,
        max_age_years=25,
        settings=("refractory", "second_or_later_relapse"),
        wording="patients up to age 25 with refractory B-ALL or in second or later relapse",
        citations=(cite("label-03"), cite("agent-cart-02", 17)),
    ),
}


def age_outside_label(profile: PatientProfile, agent: Agent) -> str | None:
    """The reason the patient's age lies outside the label, or None (inside, or age unknown)."""
    label, age = LABELS[agent], profile.age_years
    if age is None:
        return None
    if label.min_age_years is not None and math.floor(age) < label.min_age_years:
        return f"age {num(age)} is below the labelled minimum of {label.min_age_years} years"
    if label.max_age_years is not None and math.floor(age) > label.max_age_years:
        return f"age {num(age)} is above the labelled maximum of {label.max_age_years} years"
    return None


def setting_outside_label(profile: PatientProfile, agent: Agent) -> str | None:
    status = profile.disease_status
    if status is None or status in LABELS[agent].settings:
        return None
    return f"{SETTING_NAMES[status]} is not a labelled setting"


def label_reads(agent: Agent) -> tuple[str, ...]:
    """The profile fields this agent's label depends on (none for blinatumomab: any age, any setting)."""
    label = LABELS[agent]
    reads = []
    if label.min_age_years is not None or label.max_age_years is not None:
        reads.append("age_years")
    if len(label.settings) < len(SETTING_NAMES):
        reads.append("disease_status")
    return tuple(reads)


def label_status(profile: PatientProfile, agent: Agent) -> tuple[LabelStatus, str]:
    """The agent's label status for this patient and the reason, in words."""
    label = LABELS[agent]
    outside = [r for r in (age_outside_label(profile, agent), setting_outside_label(profile, agent)) if r]
    if outside:
        return "off_label", f"Off label ({label.wording}): {'; '.join(outside)}."
    unknown = [field for field in label_reads(agent) if getattr(profile, field) is None]
    if unknown:
        return "unknown", f"Label ({label.wording}) depends on {' and '.join(unknown)}, not given."
    return "on_label", f"On label ({label.wording})."


LABEL_AGE_OUTCOMES: dict[Agent, Outcome] = {
    "inotuzumab_ozogamicin": Outcome(
        severity="warning",
        text=(
            "inotuzumab ozogamicin is labelled for adults aged 18 and over. Off label is not ruled out: "
            "pediatric series report responses of 67% to 80% with MRD negativity of 71% to 79% [14,15], "
            "and in the COG phase 2 trial (AALL1621, 48 patients) 58.3% reached CR/CRi after cycle 1 [49]."
        ),
        summary=(
            "Age {age}: InO is labelled for adults (18+); pediatric data: 58.3% CR/CRi after cycle 1 (COG)"
        ),
        citations=(cite("label-02"), cite("agent-ino-05", 14, 15, 49)),
    ),
    "tisagenlecleucel": Outcome(
        severity="warning",
        text=(
            "tisagenlecleucel is labelled for patients up to age 25. Adult CD19 CAR T data come from "
            "other products: with the 19-28z CAR, 45 of 53 adults (85%) reached MRD-negative CR, but "
            "22 of those 45 (49%) relapsed [24]."
        ),
        summary=(
            "Age {age}: tisagenlecleucel is labelled up to age 25; adult CD19 CAR T data are from other "
            "products"
        ),
        citations=(cite("label-03"), cite("agent-cart-02", 17), cite("agent-cart-06", 24)),
    ),
}


@rule("LABEL_AGE", agents=("inotuzumab_ozogamicin", "tisagenlecleucel"), reads=("age_years",))
def label_age(profile: PatientProfile, agent: Agent) -> Finding | None:
    """The patient's age is outside the agent's labelled age range."""
    if profile.age_years is None or age_outside_label(profile, agent) is None:
        return None
    age = num(profile.age_years)
    return Finding(outcome=LABEL_AGE_OUTCOMES[agent], facts=(f"age {age}",), values={"age": age})


LABEL_SETTING_OUTCOMES: dict[Agent, Outcome] = {
    "inotuzumab_ozogamicin": Outcome(
        severity="warning",
        text=(
            "inotuzumab ozogamicin is labelled for relapsed (first or later) or refractory B-ALL, not for "
            "MRD-positive disease; of the three agents only blinatumomab is labelled for the MRD-positive "
            "setting."
        ),
        summary=(
            "MRD-positive: outside InO's label (relapsed/refractory B-ALL); blinatumomab is labelled for MRD+"
        ),
        citations=(cite("label-02"), cite("label-01")),
    ),
    "tisagenlecleucel": Outcome(
        severity="warning",
        text="tisagenlecleucel is labelled for refractory B-ALL or second or later relapse (up to age 25).",
        summary="{setting}: outside tisagenlecleucel's label (refractory, or second or later relapse)",
        citations=(cite("label-03"),),
    ),
}


@rule("LABEL_SETTING", agents=("inotuzumab_ozogamicin", "tisagenlecleucel"), reads=("disease_status",))
def label_setting(profile: PatientProfile, agent: Agent) -> Finding | None:
    """The disease setting is outside the label (InO: MRD-positive; tisa-cel: first relapse, MRD-positive)."""
    if profile.disease_status is None or setting_outside_label(profile, agent) is None:
        return None
    setting = SETTING_NAMES[profile.disease_status]
    return Finding(
        outcome=LABEL_SETTING_OUTCOMES[agent],
        facts=(setting,),
        values={"setting": setting[:1].upper() + setting[1:]},
    )
