"""Label editions: the FDA labels as the review states them (2020) and as they stand now.

Label rules only. Each edition is data: per agent, the labelled populations, each citing the passage
it comes from. The "current" edition is as of the latest date in the updates source
(knowledge/updates); nothing else the review says becomes "current" here.

- review-2020: the review's labels (tools.rules.label.LABELS), one population per agent.
- current: InO adds children aged 1 and over with CD22-positive R/R disease (FDA, 2024-03-06); the
  adult population is the review's. Blinatumomab's consolidation approval (2024) is frontline, outside
  the R/R profile, so it belongs in answers, not here. Tisagenlecleucel's ALL indication is unchanged
  (the Novartis label, row U7 of label-updates.md).
- later approvals: brexucabtagene and obecabtagene autoleucel, adults with R/R B-cell precursor ALL.
  The review holds no data on them, so no flag, toxicity or sequencing rule applies beyond the label.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Literal

from knowledge.pack import default_pack
from knowledge.schema import LaterAgent
from tools.agents import Agent
from tools.flags import Flag, LabelNow, LabelStatus, LaterApproval
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, cite_update, num, render
from tools.rules.label import LABELS, SETTING_NAMES, Label

Edition = Literal["review-2020", "current"]
EDITIONS: tuple[Edition, ...] = ("review-2020", "current")
_RELAPSED_OR_REFRACTORY = ("refractory", "first_relapse", "second_or_later_relapse")

EDITION_LABELS: dict[Edition, dict[Agent, tuple[Label, ...]]] = {
    "review-2020": {agent: (label,) for agent, label in LABELS.items()},
    "current": {
        "blinatumomab": (LABELS["blinatumomab"],),
        "inotuzumab_ozogamicin": (
            LABELS["inotuzumab_ozogamicin"],
            # FDA, 2024-03-06: pediatric patients 1 year and older, R/R CD22-positive B-cell precursor ALL.
            Label(
                min_age_years=1,
                max_age_years=17,
                settings=_RELAPSED_OR_REFRACTORY,
                wording="children aged 1 year and over with relapsed or refractory CD22-positive B-ALL",
                citations=(cite_update("upd-ino-peds-01"),),
                requires_cd22_positive=True,
            ),
        ),
        # Unchanged since the review (Novartis label, U7): up to 25, refractory or second or later relapse.
        "tisagenlecleucel": (LABELS["tisagenlecleucel"],),
    },
}

# Both later CAR T products: adults with relapsed or refractory B-cell precursor ALL.
LATER_LABELS: dict[LaterAgent, tuple[Label, str]] = {
    "brexucabtagene_autoleucel": (
        Label(min_age_years=18, max_age_years=None, settings=_RELAPSED_OR_REFRACTORY,
              wording="adults with relapsed or refractory B-cell precursor ALL",
              citations=(cite_update("upd-brexucel-01"),)),
        "upd-brexucel-01",
    ),
    "obecabtagene_autoleucel": (
        Label(min_age_years=18, max_age_years=None, settings=_RELAPSED_OR_REFRACTORY,
              wording="adults with relapsed or refractory B-cell precursor ALL (reported)",
              citations=(cite_update("upd-obecel-01"),)),
        "upd-obecel-01",
    ),
}

# Computed once: the updates each agent's current label cites, and each later product's approval date.
_UPDATED_BY: dict[Agent, tuple[str, ...]] = {
    agent: tuple(c.passage_id for label in labels for c in label.citations if c.source == "updates")
    for agent, labels in EDITION_LABELS["current"].items()
}
_APPROVED: dict[str, dt.date] = {pid: default_pack().updates.by_id[pid].date for _, pid in LATER_LABELS.values()}

LATER_APPROVALS_NOTE = (
    "Approved after the review: the review holds no data on these products, so no flag, toxicity or "
    "sequencing rule applies to them beyond the label."
)
# Not a rule: the shared CD19 target makes these review findings relevant to any CD19 CAR T.
CD19_CAUTION = (
    "Caution, not a rule: both are CD19-directed, so the review's findings on CD19-negative disease and "
    "on relapse after earlier CD19-directed therapy bear on them too."
)
CD19_CAUTION_CITATIONS = (cite("seq-03"), cite("antigen-cd19-04"))


@cache
def current_as_of() -> dt.date:
    """The date the "current" edition stands at: the latest date in the updates source."""
    latest = default_pack().updates.current_through
    if latest is None:  # the shipped pack always has updates; a bare test pack has none
        raise LookupError("the updates source is empty")
    return latest


def _outside(profile: PatientProfile, label: Label) -> list[str]:
    reasons = []
    age = profile.age_years
    if age is not None and label.min_age_years is not None and math.floor(age) < label.min_age_years:
        reasons.append(f"age {num(age)} is below {label.min_age_years}")
    if age is not None and label.max_age_years is not None and math.floor(age) > label.max_age_years:
        reasons.append(f"age {num(age)} is above {label.max_age_years}")
    if profile.disease_status is not None and profile.disease_status not in label.settings:
        reasons.append(f"{SETTING_NAMES[profile.disease_status]} is not a labelled setting")
    if label.requires_cd22_positive and profile.cd22_positive_pct == 0:
        reasons.append("the blasts are CD22-negative")
    return reasons


def _unknown(profile: PatientProfile, label: Label) -> list[str]:
    reads = []
    if label.min_age_years is not None or label.max_age_years is not None:
        reads.append("age_years")
    if len(label.settings) < len(SETTING_NAMES):
        reads.append("disease_status")
    if label.requires_cd22_positive:
        reads.append("cd22_positive_pct")
    return [field for field in reads if getattr(profile, field) is None]


def population_status(profile: PatientProfile, labels: tuple[Label, ...]) -> tuple[LabelStatus, str]:
    """On label when one population fits; off when every one is ruled out by a known fact."""
    words = " or ".join(label.wording for label in labels)
    outside = [_outside(profile, label) for label in labels]
    if all(outside):
        return "off_label", f"Off label ({words}): {'; '.join(r for rs in outside for r in rs)}."
    fitting = [label for label, out in zip(labels, outside, strict=True) if not out]
    if any(not _unknown(profile, label) for label in fitting):
        return "on_label", f"On label ({words})."
    missing = sorted({f for label in fitting for f in _unknown(profile, label)})
    return "unknown", f"Label ({words}) depends on {' and '.join(missing)}, not given."


def edition_status(profile: PatientProfile, agent: Agent, edition: Edition) -> tuple[LabelStatus, str]:
    return population_status(profile, EDITION_LABELS[edition][agent])


def edition_reads(agent: Agent, edition: Edition) -> tuple[str, ...]:
    """The profile fields the agent's label reads in this edition."""
    return tuple(dict.fromkeys(f for label in EDITION_LABELS[edition][agent]
                               for f in _unknown(PatientProfile(), label)))


def label_now(profile: PatientProfile, agent: Agent, *, review: LabelStatus | None = None) -> LabelNow:
    """The current edition's status; ``changed_by`` names the updates behind a difference from 2020.
    ``review``: the review edition's status, when the caller has it already."""
    status, _ = edition_status(profile, agent, "current")
    if review is None:
        review, _ = edition_status(profile, agent, "review-2020")
    changed = [] if status == review else list(_UPDATED_BY[agent])
    return LabelNow(status=status, as_of=current_as_of(), changed_by=changed)


def later_approvals(profile: PatientProfile) -> list[LaterApproval]:
    out = []
    for agent, (label, passage_id) in LATER_LABELS.items():
        status, _ = population_status(profile, (label,))
        out.append(LaterApproval(agent=agent, label_status=status, approved=_APPROVED[passage_id],
                                 citations=list(label.citations)))
    return out


def later_approvals_note(profile: PatientProfile) -> str:
    """The plain statement about later agents, plus the CD19 caution when the patient's facts call for it."""
    if profile.cd19 == "negative" or profile.had("blinatumomab") or profile.had("cd19_car_t"):
        return f"{LATER_APPROVALS_NOTE} {CD19_CAUTION}"
    return LATER_APPROVALS_NOTE


# The LABEL_AGE wording in the current edition, for agents whose age range changed after the review.
CURRENT_LABEL_AGE_OUTCOMES: dict[Agent, Outcome] = {
    "inotuzumab_ozogamicin": Outcome(
        severity="warning",
        text=(
            "inotuzumab ozogamicin is labelled for adults with R/R B-ALL and, since the FDA's 2024 pediatric "
            "approval, for children aged 1 year and over with R/R CD22-positive B-ALL."
        ),
        summary="Age {age}: below InO's current labelled minimum of 1 year (FDA, 2024-03-06)",
        citations=(cite_update("upd-ino-peds-01"), cite("label-02")),
    ),
}


def edition_flags(profile: PatientProfile, agent: Agent, flags: list[Flag], edition: Edition) -> list[Flag]:
    """The agent's flags in this edition: the review's LABEL_AGE gives way to the current one where
    the age range changed. Every other flag is the review's in both editions."""
    if edition == "review-2020" or agent not in CURRENT_LABEL_AGE_OUTCOMES:
        return flags
    kept = [flag for flag in flags if flag.code != "LABEL_AGE"]
    age = profile.age_years
    labels = EDITION_LABELS["current"][agent]
    if age is None or not all(any(r.startswith("age ") for r in _outside(profile, label)) for label in labels):
        return kept
    outcome = CURRENT_LABEL_AGE_OUTCOMES[agent]
    flag = render("LABEL_AGE", Finding(outcome=outcome, facts=(f"age {num(age)}",), values={"age": num(age)}))
    return [*kept, flag]
