"""Which facts a vignette states: those its question turns on, plus a few realistic distractors.

A case is written as a short presentation, not a checklist of every profile field. After a question is
built on the fully drawn patient, the fields it turns on are read off its rule outputs (each rule names
the fields it reads); the rest are left unknown except for a couple of distractors, and the question
is built again on that smaller patient, so the tools judge exactly what the learner reads.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from assistant.tutor.models import Kind, Question
from tools.assess import DECISIVE_FIELDS
from tools.rules import RULES_BY_CODE
from tools.rules.label import label_reads
from tools.sequencing import POINTS

# Every presentation opens with these: who, which setting, after what, and the marrow.
CORE = frozenset({"age_years", "disease_status", "marrow_blasts_pct", "prior_therapies"})
_ANTIGEN = frozenset({"cd19", "cd22_positive_pct", "kmt2a_rearranged", "prior_therapies", "t_cell_dysfunction",
                      "prior_car_t_manufacturing_failure"})
KIND_FIELDS: dict[Kind, frozenset[str]] = {
    "label_status": frozenset({"age_years", "disease_status"}),
    "off_label_agents": frozenset({"age_years", "disease_status"}),
    "unsuitable_agent": _ANTIGEN,
    "toxicity_concern": frozenset(),  # read off the agent's rules below
    "factor": frozenset(),
    "missing_fact": frozenset(),
    "sequencing_point": _ANTIGEN | frozenset().union(*(p.reads for p in POINTS)),
    "evidence_figure": frozenset(),
    "evidence_trial": frozenset(),
}
# Facts a clinician mentions in passing that seldom decide anything: the distractors are drawn from here.
# Transplant conditioning and InO cycle counts are not: they only make sense where a transplant or InO
# is in question.
DISTRACTORS = ("ph_positive", "cns_disease", "extramedullary_disease", "kmt2a_rearranged", "bilirubin_x_uln",
               "t_cell_dysfunction", "prefers_no_pump", "cd19", "cd22_positive_pct", "prior_hsct")
DISTRACTOR_COUNT = 2


def _rule_reads(codes: Iterable[str]) -> set[str]:
    return {f for code in codes if code in RULES_BY_CODE for f in RULES_BY_CODE[code].reads}


def turns_on(question: Question) -> frozenset[str]:
    """The profile fields the question's answer and options depend on."""
    fields = set(CORE) | KIND_FIELDS.get(question.kind, frozenset())
    codes = {o.code for o in question.rule_outputs} | set(question.focus_codes)
    codes |= {o.claim.code for o in question.options if o.claim.code}
    fields |= _rule_reads(codes)
    agent = question.agent
    if question.kind == "toxicity_concern" and agent is not None:
        fields |= _rule_reads(c for c in ("SOS_RISK", "CRS_RISK", "ICANS_RISK")
                              if agent in RULES_BY_CODE[c].agents)
    if question.kind in ("label_status", "missing_fact") and agent is not None:
        fields |= set(label_reads(agent))
    if question.kind == "missing_fact" and agent is not None:
        # Every other fact the agent's decision reads is given, so the one left out is the only gap.
        fields |= set(DECISIVE_FIELDS[agent]) - {question.answer.field or ""}
        fields |= {o.claim.field for o in question.options if o.claim.field}
    return frozenset(fields)


def stated(question: Question, rng: random.Random, *, distractors: int = DISTRACTOR_COUNT) -> frozenset[str]:
    """What the vignette will state: the fields the question turns on and ``distractors`` more."""
    needed = turns_on(question)
    pool = [f for f in DISTRACTORS if f not in needed]
    return needed | frozenset(rng.sample(pool, k=min(distractors, len(pool))))
