"""The tools' verdict on a claim about a generated patient: does it hold, and why (or why not).

Nothing here decides clinically: every answer is read off ``assess()``, ``assess_toxicity``,
``missing_facts`` and ``sequencing_considerations`` for the vignette's profile. The generator uses
these verdicts to key one option and to keep only distractors the tools refute, and the reasons
become the explanation ("why B is wrong for this patient").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant.compose import describe_fact
from assistant.tutor.models import Cited, Claim, Reason, RiskLevel, Syndrome
from assistant.tutor.vignette import FIELD_PHRASES
from assistant.tutor.whatif import could_raise
from tools.agents import AGENTS, Agent
from tools.assess import DECISIVE_FIELDS, assess, missing_facts
from tools.flags import AgentAssessment, Flag
from tools.profile import PatientProfile
from tools.rules import RULES
from tools.rules.label import LABELS, SETTING_NAMES, age_outside_label, label_reads, setting_outside_label
from tools.sequencing import SequencingPoint, sequencing_considerations
from tools.toxicity import ToxicityReport, ToxicityRisk, assess_toxicity

SHORT_NAME: dict[Agent, str] = {
    "blinatumomab": "blinatumomab",
    "inotuzumab_ozogamicin": "InO",
    "tisagenlecleucel": "tisagenlecleucel",
}
SYNDROME_WORDS: dict[Syndrome, str] = {"SOS": "SOS", "CRS": "CRS", "ICANS": "neurotoxicity (ICANS)"}
# Where the pack says what each agent targets: blinatumomab and tisagenlecleucel CD19, InO CD22.
TARGET_PASSAGES = ("agent-blina-01", "agent-ino-01", "agent-cart-02")
_LEVEL_RANK = {"not_described": -1, "baseline": 0, "raised": 1, "high": 2}


@dataclass(frozen=True)
class Verdict:
    holds: bool
    reason: Reason


def cited(text: str, passages: tuple[str, ...] | list[str] = ()) -> Cited:
    return Cited(text=text, passage_ids=tuple(dict.fromkeys(passages)))


def names(agents: frozenset[Agent] | tuple[Agent, ...] | list[Agent]) -> str:
    """'blinatumomab and tisagenlecleucel', in the fixed agent order."""
    listed = [SHORT_NAME[a] for a in AGENTS if a in agents]
    if not listed:
        return "none of them"
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def passages_of(flags: list[Flag]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.passage_id for f in flags for c in f.citations))


class Case:
    """One profile and the tool outputs about it, each computed once."""

    def __init__(self, profile: PatientProfile) -> None:
        self.profile = profile
        self.verdicts: dict[Agent, AgentAssessment] = {v.agent: v for v in assess(profile).agents}
        self._toxicity: dict[Agent, ToxicityReport] = {}

    def flags(self, agent: Agent, codes: tuple[str, ...] | None = None) -> list[Flag]:
        return [f for f in self.verdicts[agent].flags if codes is None or f.code in codes]

    def toxicity(self, agent: Agent) -> ToxicityReport:
        if agent not in self._toxicity:
            self._toxicity[agent] = assess_toxicity(self.profile, agent)
        return self._toxicity[agent]

    @cached_property
    def points(self) -> dict[str, SequencingPoint]:
        return {p.code: p for p in sequencing_considerations(self.profile).points}

    def unsuitable(self) -> frozenset[Agent]:
        return frozenset(a for a, v in self.verdicts.items() if not v.suitable)

    def off_label(self) -> frozenset[Agent]:
        return frozenset(a for a, v in self.verdicts.items() if v.label_status == "off_label")

    def main_toxicity(self, agent: Agent) -> tuple[frozenset[Syndrome], RiskLevel, list[str]]:
        """The described syndromes at the agent's highest risk level, that level, and the facts raising it."""
        described = [r for r in self.toxicity(agent).risks if r.described_for_agent]
        top = max(_LEVEL_RANK[r.level] for r in described)
        main = [r for r in described if _LEVEL_RANK[r.level] == top]
        facts = list(dict.fromkeys(f.patient_fact for r in main for f in r.risk_factors if f.patient_fact))
        level: RiskLevel = main[0].level  # type: ignore[assignment]  # never not_described here
        return frozenset(r.syndrome for r in main), level, facts

    def factor(self, codes: tuple[str, ...]) -> tuple[frozenset[Agent], frozenset[Agent]]:
        """Agents the flags ``codes`` weigh against (warning or critical), and those given a note only."""
        against, noted = set(), set()
        for agent in AGENTS:
            flags = self.flags(agent, codes)
            if any(f.severity != "info" for f in flags):
                against.add(agent)
            elif flags:
                noted.add(agent)
        return frozenset(against), frozenset(noted)


# -- one judge per kind --------------------------------------------------------------------------
def _label_passages(agent: Agent) -> tuple[str, ...]:
    return tuple(c.passage_id for c in LABELS[agent].citations)


def label_status(case: Case, agent: Agent, claim: Claim) -> Verdict:
    age_out = age_outside_label(case.profile, agent)
    setting_out = setting_outside_label(case.profile, agent)
    wrong = []
    if claim.age_out and not age_out:
        wrong.append(f"Age {case.profile.age_years:g} is inside the label.")
    if not claim.age_out and age_out:
        wrong.append(f"The age is outside the label: {age_out}.")
    if claim.setting_out and not setting_out:
        setting = SETTING_NAMES[case.profile.disease_status] if case.profile.disease_status else "The setting"
        wrong.append(f"{cap(setting)} is a labelled setting.")
    if not claim.setting_out and setting_out:
        wrong.append(f"The disease setting is outside the label: {setting_out}.")
    if wrong:
        flags = passages_of(case.flags(agent, ("LABEL_AGE", "LABEL_SETTING")))
        return Verdict(False, tuple(cited(text, flags + _label_passages(agent)) for text in wrong))
    return Verdict(True, (cited(case.verdicts[agent].label_reason, _label_passages(agent)),))


def off_label_agents(case: Case, claim: Claim) -> Verdict:
    truth, said = case.off_label(), frozenset(claim.agents or ())
    shown = [a for a in AGENTS if a in truth ^ said] or [a for a in AGENTS if a in truth]
    parts = [cited(f"{cap(SHORT_NAME[a])}: {case.verdicts[a].label_reason}", _label_passages(a)) for a in shown]
    if not shown:
        parts = [cited("All three agents are within their labels for this patient.",
                       [p for a in AGENTS for p in _label_passages(a)])]
    return Verdict(truth == said, tuple(parts))


def _flag_sentence(agent: Agent, flag: Flag, text: str) -> Cited:
    return cited(f"{cap(SHORT_NAME[agent])} {text}: {flag.summary}.", passages_of([flag]))


def unsuitable_agent(case: Case, claim: Claim) -> Verdict:
    truth, said = case.unsuitable(), frozenset(claim.agents or ())
    critical = {a: [f for f in case.flags(a) if f.severity == "critical"] for a in truth}
    codes = {f.code for flags in critical.values() for f in flags}
    holds = truth == said and (claim.code is None or claim.code in codes)
    if holds:
        parts = [_flag_sentence(a, critical[a][0], "cannot work") for a in AGENTS if a in truth]
        if not parts:
            p = case.profile
            known = [f"CD19 {p.cd19}"] if p.cd19 else []
            known += [f"CD22 on {p.cd22_positive_pct:g}% of blasts"] if p.cd22_positive_pct is not None else []
            facts = f" ({' and '.join(known)})" if known else ""
            parts = [cited(f"No agent has a critical flag{facts}: no target antigen is known to be absent.",
                           TARGET_PASSAGES)]
        return Verdict(True, tuple(parts))
    parts = []
    for agent in AGENTS:
        if agent in said - truth:
            named = case.flags(agent, (claim.code,)) if claim.code else []
            if named:
                parts.append(_flag_sentence(agent, named[0], f"can still work: {named[0].code} is a "
                                            f"{named[0].severity} here, not a critical flag"))
            else:
                parts.append(cited(f"{cap(SHORT_NAME[agent])} has no critical flag, so it can still work."))
        elif agent in truth - said:
            parts.append(_flag_sentence(agent, critical[agent][0], "cannot work"))
    if truth == said:
        parts.append(cited(f"The critical flag is {', '.join(sorted(codes))}, not {claim.code}."))
    return Verdict(False, tuple(parts))


def risk_passages(risk: ToxicityRisk) -> list[str]:
    """The passages of the review's rates (listed first) and of the risk factors this patient has."""
    present = [c.passage_id for f in risk.risk_factors if f.status == "present" for c in f.citations]
    return list(dict.fromkeys([c.passage_id for c in risk.citations[:2]] + present))


def _described(report: ToxicityReport, syndrome: str) -> bool:
    return any(r.syndrome == syndrome and r.described_for_agent for r in report.risks)


def toxicity_concern(case: Case, agent: Agent, claim: Claim) -> Verdict:
    main, level, facts = case.main_toxicity(agent)
    said = frozenset(claim.syndromes or ())
    report = case.toxicity(agent)
    what = " and ".join(SYNDROME_WORDS[s] for s in ("SOS", "CRS", "ICANS") if s in main)
    because = f" ({'; '.join(facts)})" if facts else " (no risk factor the review names is present)"
    passages = [p for r in report.risks if r.syndrome in main for p in risk_passages(r)]
    parts = []
    not_described = sorted(s for s in said if s not in main and not _described(report, s))
    if not_described:
        words = " or ".join(SYNDROME_WORDS[s] for s in not_described)
        parts.append(cited(f"The review does not describe {words} with {SHORT_NAME[agent]}.", ["table1-toxicity"]))
    if said == main and claim.level and claim.level != level:
        parts.append(cited(f"The risk here is {level}, not {claim.level}."))
    parts.append(cited(f"With {SHORT_NAME[agent]}, the concern is {what}, at a {level} level for this "
                       f"patient{because}.", passages))
    return Verdict(said == main and claim.level == level, tuple(parts))


def factor(case: Case, codes: tuple[str, ...], claim: Claim) -> Verdict:
    against, noted = case.factor(codes)
    said_against, said_noted = frozenset(claim.agents or ()), frozenset(claim.noted or ())
    holds = against == said_against and noted == said_noted
    parts = []
    for agent in AGENTS:
        flags = case.flags(agent, codes)
        claimed = "against" if agent in said_against else "noted" if agent in said_noted else "none"
        actual = "against" if agent in against else "noted" if agent in noted else "none"
        if not holds and claimed == actual:
            continue
        if flags:
            kind = "a warning" if actual == "against" else "a note (info)"
            parts.append(_flag_sentence(agent, flags[0], f"has {flags[0].code} as {kind}"))
        else:
            parts.append(cited(f"{cap(SHORT_NAME[agent])}: no {' or '.join(codes)} flag, so this fact has no "
                               "bearing on it here."))
    return Verdict(holds, tuple(parts))


def readers(agent: Agent, field: str) -> list[str]:
    """What reads ``field`` for ``agent``: its label, and the codes of the rules."""
    codes = [r.code for r in RULES if agent in r.agents and field in r.reads]
    return (["its label"] if field in label_reads(agent) else []) + codes


def missing_fact(case: Case, agent: Agent, claim: Claim) -> Verdict:
    field = claim.field or ""
    phrase = FIELD_PHRASES[field]
    # "The bilirubin" -> "the bilirubin", but "CD19 expression" keeps its capitals.
    label = phrase[:1].lower() + phrase[1:] if phrase[1:2].islower() else phrase
    if field in missing_facts(case.profile, agent):
        flags, label_changes = could_raise(case.profile, agent, field)
        changes = [f"{f.code} ({f.severity})" for f in flags] + (["its label status"] if label_changes else [])
        reading = readers(agent, field)
        # Cite the evidence behind the rules that read the field: the flags it could raise, and any of
        # those rules' flags already raised by other facts (e.g. SOS_RISK from another risk factor).
        present = case.flags(agent, tuple(code for code in reading if code != "its label"))
        parts = [cited(f"Not given in the case: {label}, which {SHORT_NAME[agent]}'s decision depends on "
                       f"({', '.join(reading)}).", passages_of([*flags, *present]))]
        if changes:
            parts.append(cited(f"Once known, it could raise {', '.join(changes)}.", passages_of(flags)))
        return Verdict(True, tuple(parts))
    if field not in DECISIVE_FIELDS[agent]:
        return Verdict(False, (cited(f"No label or rule for {SHORT_NAME[agent]} reads {label}, so it cannot "
                                     "change the answer for this agent."),))
    value = case.profile.model_dump(mode="json")[field]
    return Verdict(False, (cited(f"Already given in the case: {describe_fact(field, value)}."),))


def sequencing_point(case: Case, claim: Claim) -> Verdict:
    point = case.points[claim.code or ""]
    verb = "applies" if point.applies else "does not apply"
    return Verdict(point.applies, (cited(f"{point.title} {verb}: {point.reason}.",
                                         [c.passage_id for c in point.citations]),))
