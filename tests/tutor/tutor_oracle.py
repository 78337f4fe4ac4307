"""An oracle written straight from the tools' outputs, independent of assistant/tutor/judge.py: what
``assess()``, ``check_eligibility``, ``assess_toxicity``, ``sequencing_considerations`` and the pack
say about one claim of a generated question."""

from __future__ import annotations

import re

from assistant.tutor.models import Claim, Question
from knowledge.pack import default_pack
from tools.assess import assess
from tools.eligibility import check_eligibility
from tools.profile import PatientProfile
from tools.sequencing import sequencing_considerations
from tools.toxicity import assess_toxicity

_RANK = {"baseline": 0, "raised": 1, "high": 2}


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def holds(question: Question, claim: Claim) -> bool:
    if question.fact_ref is not None:
        passage_id, index = question.fact_ref
        fact = default_pack().by_id[passage_id].facts[index]
        if question.kind == "evidence_figure":
            return _numbers(claim.figure or "") == _numbers(fact.value)
        return (claim.trial or "#").replace("-", "").lower() in fact.trial.replace("-", "").replace(" ", "").lower()
    profile = PatientProfile.model_validate(question.profile)
    verdicts = {v.agent: v for v in assess(profile).agents}
    agent = question.agent
    kind = question.kind
    if kind == "label_status":
        assert agent is not None
        codes = {f.code for f in verdicts[agent].flags}
        age, setting = "LABEL_AGE" in codes, "LABEL_SETTING" in codes
        on_label = verdicts[agent].label_status == "on_label"
        return (claim.age_out, claim.setting_out) == (age, setting) and on_label == (not age and not setting)
    if kind == "label_now":  # the current edition, straight from assess()
        return {a for a, v in verdicts.items() if v.label_now.status == "on_label"} == set(claim.agents or ())
    if kind == "off_label_agents":
        return {a for a, v in verdicts.items() if v.label_status == "off_label"} == set(claim.agents or ())
    if kind == "unsuitable_agent":
        out = {a for a, v in verdicts.items() if not v.suitable}
        critical = {f.code for a in out for f in verdicts[a].flags if f.severity == "critical"}
        return out == set(claim.agents or ()) and (claim.code is None or claim.code in critical)
    if kind == "toxicity_concern":
        assert agent is not None
        levels = {r.syndrome: r.level for r in assess_toxicity(profile, agent).risks if r.described_for_agent}
        top = max(_RANK[level] for level in levels.values())
        main = {s for s, level in levels.items() if _RANK[level] == top}
        return set(claim.syndromes or ()) == main and _RANK[claim.level or "baseline"] == top
    if kind == "factor":
        against, noted = set(), set()
        for a, v in verdicts.items():
            flags = [f for f in v.flags if f.code in question.focus_codes]
            if any(f.severity in ("warning", "critical") for f in flags):
                against.add(a)
            elif flags:
                noted.add(a)
        return (against, noted) == (set(claim.agents or ()), set(claim.noted or ()))
    if kind == "missing_fact":
        assert agent is not None
        return claim.field in check_eligibility(profile, agent).missing
    if kind == "sequencing_point":
        return {p.code: p.applies for p in sequencing_considerations(profile).points}[claim.code or ""]
    raise AssertionError(f"no oracle for {kind}")
