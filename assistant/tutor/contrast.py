"""What a wrong option gets wrong, in its own terms: "Why B is wrong" starts from what B says, not from
the keyed answer's reason again. Pure: the option's claim against the keyed claim."""

from __future__ import annotations

from assistant.tutor.judge import SHORT_NAME, SYNDROME_WORDS, names
from assistant.tutor.models import Claim, Option, Question
from tools.agents import AGENTS, Agent


def _set(claim: Claim) -> frozenset[Agent]:
    return frozenset(claim.agents or ())


def _agents(question: Question, said: Claim) -> list[str]:
    truth, chosen = _set(question.answer), _set(said)
    extra, missed = chosen - truth, truth - chosen
    unsuitable = question.kind == "unsuitable_agent"
    out = []
    if extra:
        plural = len(extra) > 1
        verb = "can still work for this patient" if unsuitable else \
            f"{'are' if plural else 'is'} within {'their' if plural else 'its'} label for this patient"
        out.append(f"It names {names(extra)}, but {names(extra)} {verb}.")
    if missed:
        what = "cannot work here" if unsuitable else "is off label here"
        out.append(f"It leaves out {names(missed)}, which {what}.")
    if not out and said.code != question.answer.code and said.code:
        out.append("The agents are right, but not the reason given for them.")
    return out


def _label_now(question: Question, said: Claim) -> list[str]:
    """The label-currency question asks which agents are on label today (the updates edition)."""
    truth, chosen = _set(question.answer), _set(said)
    extra, missed = chosen - truth, truth - chosen
    out = []
    if extra:
        out.append(f"It names {names(extra)}, but {names(extra)} {'are' if len(extra) > 1 else 'is'} not on "
                   "label today for this patient.")
    if missed:
        out.append(f"It leaves out {names(missed)}, which {'are' if len(missed) > 1 else 'is'} on label today.")
    return out


def _toxicity(question: Question, said: Claim) -> list[str]:
    truth = frozenset(question.answer.syndromes or ())
    chosen = frozenset(said.syndromes or ())
    agent = SHORT_NAME[question.agent] if question.agent else "this agent"
    out = []
    extra = [SYNDROME_WORDS[s] for s in ("SOS", "CRS", "ICANS") if s in chosen - truth]
    missed = [SYNDROME_WORDS[s] for s in ("SOS", "CRS", "ICANS") if s in truth - chosen]
    if extra:
        out.append(f"It puts {' and '.join(extra)} first, which is not the main concern with {agent} here.")
    if missed:
        out.append(f"It leaves out {' and '.join(missed)}.")
    if said.level and question.answer.level and said.level != question.answer.level:
        out.append(f"It rates the risk {said.level}; for this patient it is {question.answer.level}.")
    return out


def _label(question: Question, said: Claim) -> list[str]:
    truth, out = question.answer, []
    if said.age_out != truth.age_out:
        out.append("It puts the age outside the label, but the age is within it." if said.age_out
                   else "It treats the age as within the label, but it is not.")
    if said.setting_out != truth.setting_out:
        out.append("It calls the disease setting unlabelled, but it is a labelled one." if said.setting_out
                   else "It treats the disease setting as labelled, but it is not.")
    return out


def _factor(question: Question, said: Claim) -> list[str]:
    truth = question.answer
    out = []
    for agent in AGENTS:
        claimed = "against" if agent in (said.agents or ()) else "noted" if agent in (said.noted or ()) else "none"
        actual = "against" if agent in (truth.agents or ()) else "noted" if agent in (truth.noted or ()) else "none"
        if claimed != actual:
            role = {"against": "weighs against", "noted": "is only a note for", "none": "has no bearing on"}
            out.append(f"It says the fact {role[claimed]} {SHORT_NAME[agent]}; in fact it {role[actual]} it.")
    return out


def _evidence(question: Question, said: Claim) -> list[str]:
    truth = question.answer
    if question.kind == "evidence_figure" and said.figure and said.figure != truth.figure:
        return [f"It gives {said.figure}; the figure reported is {truth.figure}."]
    if question.kind == "evidence_trial" and said.trial and said.trial != truth.trial:
        return [f"{said.trial} did not report this figure; {truth.trial} did."]
    return []


_BY_KIND = {"evidence_figure": _evidence, "evidence_trial": _evidence,
            "unsuitable_agent": _agents, "off_label_agents": _agents, "toxicity_concern": _toxicity,
            "label_status": _label, "factor": _factor, "label_now": _label_now}


def what_it_gets_wrong(question: Question, said: Claim) -> list[str]:
    """Sentences on where ``said`` departs from the keyed answer; empty for kinds whose judge already
    answers in the option's own terms (missing fact, sequencing point, evidence)."""
    build = _BY_KIND.get(question.kind)
    return build(question, said) if build else []


def option_label(option: Option | None) -> str:
    return f"{option.key} ({option.text})" if option else "your answer"
