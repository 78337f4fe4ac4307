"""One chat turn: read the message, update the patient, plan, run tools and retrieval, compose, store.

The engine orchestrates and nothing more: what a message means is decided once, by
``assistant.understanding.interpret``; what the answer says is written by ``assistant.compose``;
whether the review covers a question is decided from the evidence retrieved (``assistant.scope``).
Each turn is stored once, here, whoever answered it (rules, the tutor, or the optional LLM layer).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from assistant import compose, currency
from assistant.answer import AnswerParts, ChatResponse, CitationLedger, Suggestion, ToolCall
from assistant.evidence import retrieve
from assistant.llm import LLMAnswerer
from assistant.planner import Plan, plan_turn
from assistant.scope import Coverage, coverage_of
from assistant.selection import is_relevant, select_passages
from assistant.sessions import SessionStore
from assistant.tutor.chat import quiz_turn
from assistant.understanding.interpret import Reading, interpret
from assistant.understanding.parts import split_question
from assistant.understanding.safety import redact
from assistant.understanding.update import FactUpdate
from knowledge.pack import KnowledgePack
from knowledge.store import REVIEW_SOURCE
from tools.agents import AGENT_SYNONYMS, AGENTS
from tools.assess import assess
from tools.profile import PatientProfile
from tools.sequencing import sequencing_considerations
from tools.toxicity import assess_toxicity

log = logging.getLogger("rrall.chat")

# Turns whose answer is fixed text: nothing for a model to add.
_DEMOGRAPHIC = frozenset({"age_years"})
_NO_LLM_KINDS = frozenset({"greeting", "help", "out_of_scope", "reset", "confirmed_not_patient"})
# Session state: facts waiting for "is this your patient?", and the facts asked for last turn.
PENDING_KEY = "unconfirmed_facts"
ASKED_KEY = "asked_for"
_FIXED_TEXT_KINDS = frozenset({"greeting", "help", "reset"})


class SessionNotFound(LookupError):
    pass


@dataclass
class TurnContext:
    patient: dict[str, Any]
    ledger: CitationLedger
    tool_calls: list[ToolCall] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    bottom_line: list[str] = field(default_factory=list)
    scope: Coverage | None = None
    # The review's passages for this turn's question, retrieved once (judging scope, then answering).
    judged: str | None = None  # the question ``hits`` and ``scope`` were found for
    hits: list[Any] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)


class ChatEngine:
    def __init__(
        self, *, pack: KnowledgePack, store: SessionStore, retriever: Any | None, llm: LLMAnswerer | None = None
    ) -> None:
        self.pack = pack
        self.store = store
        self.retriever = retriever
        self.llm = llm

    # -- public -----------------------------------------------------------------------------
    def respond(self, message: str, session_id: str | None = None) -> ChatResponse:
        if session_id:
            record = self.store.get(session_id)
            if record is None:
                raise SessionNotFound(session_id)
        else:
            record = self.store.create()
        text, _redacted_kinds = redact(message)
        reading = interpret(text, record.patient, pending=record.state.get(PENDING_KEY))
        state = {k: v for k, v in record.state.items() if k not in (PENDING_KEY, ASKED_KEY)}

        # "quiz me", or the reply to a pending tutor question: the tutor answers the whole turn.
        quizzed = quiz_turn(self.store, record, text, reading.intent, state)
        if quizzed is not None:
            return self._store(record.id, text, quizzed, state)

        patient, rejected = merge_facts(dict(record.patient), reading.update)
        # Facts in a conditional ("if she were CD22-negative") shape this answer only.
        considered = merge_facts(patient, FactUpdate(set=reading.hypothetical))[0] if reading.hypothetical \
            else patient
        plan = self._plan(reading, patient=considered, asked_before=record.state.get(ASKED_KEY) or [])
        ctx = TurnContext(patient=considered, ledger=CitationLedger(self.pack))
        body = self._execute(plan, reading, ctx)
        answered_by = "rules"
        if self.llm is not None and plan.kind not in _NO_LLM_KINDS:
            llm_ledger = CitationLedger(self.pack)
            written = self.llm.answer(text, patient=considered, ledger=llm_ledger)
            if written is not None and written.guard.ok:
                body, ctx.ledger, answered_by = written.answer, llm_ledger, "llm"
                ctx.bottom_line = []
                ctx.tool_calls.extend(ToolCall(**c) for c in written.tool_calls)

        # A note that already asks about a field ("which relapse is this?") is not asked again below.
        noted = {n.field for n in reading.update.notes if n.kind in _ASKING_NOTES}
        plan = replace(plan, ask=tuple((f, q) for f, q in plan.ask if f not in noted))
        questions = [q for _, q in plan.ask]
        if reading.unconfirmed and not reading.update.set:
            # Facts that may be this patient's or patients' in general: asked once, stored on "yes".
            state[PENDING_KEY] = reading.unconfirmed
            questions.append(
                "Is this about a patient you are treating? Reply yes to record "
                + compose.describe_patient(reading.unconfirmed) + ", or no."
            )
        if plan.ask:
            state[ASKED_KEY] = [f for f, _ in plan.ask]
        notes = notes_for(reading.update, rejected)
        # Since the review (assistant/currency.py): dated updates beside the review's statements, and
        # the dated decision-support line. The wording and the choice live in currency.
        refused = plan.kind == "out_of_scope" or (ctx.scope is not None and not ctx.scope.covered and not
                                                  ctx.assessment)
        since = currency.since_the_review(
            text, ledger=ctx.ledger, assessment=ctx.assessment, pack=self.pack,
            cited=[c.passage_id for c in ctx.ledger.citations()], out_of_scope=refused,
        ) if plan.kind not in _FIXED_TEXT_KINDS else currency.SinceTheReview(block="", states_label=False)
        details = self._frame(plan, reading, since.apply(body), patient, notes)
        if reading.hypothetical and ctx.bottom_line:
            # The bottom line already answers the "if": say so above it, not below.
            ctx.bottom_line = [_if_line(reading.hypothetical), *ctx.bottom_line]
        parts = AnswerParts(
            bottom_line=ctx.bottom_line,
            details=currency.with_decision_support(details, notice=compose.NOTICE, since=since, pack=self.pack),
            questions=questions,
        )
        response = ChatResponse(
            session_id=record.id,
            answer=parts.markdown(),
            parts=parts,
            citations=ctx.ledger.citations(),
            tool_calls=ctx.tool_calls,
            patient=patient,
            intent=plan.intent,
            understood={k: compose.describe_fact(k, v) for k, v in reading.update.set.items() if k in patient},
            hypothetical=reading.hypothetical,
            asked_for=[f for f, _ in plan.ask],
            suggestions=suggestions_for(plan, patient),
            assessment=ctx.assessment,
            answered_by=answered_by,
        )
        return self._store(record.id, text, response, state)

    def _store(self, session_id: str, text: str, response: ChatResponse, state: dict[str, Any]) -> ChatResponse:
        self.store.save_turn(
            session_id, user_text=text, answer_text=response.answer, patient=response.patient, state=state,
            answer_meta={"intent": response.intent, "citations": [c.passage_id for c in response.citations]},
        )
        return response

    # -- steps ------------------------------------------------------------------------------
    def _plan(self, reading: Reading, *, patient: dict[str, Any], asked_before: list[str]) -> Plan:
        update = reading.update
        changed = {**update.set, **reading.hypothetical}
        plan = plan_turn(reading.intent, patient=patient, new_facts=changed,
                         cleared=[*update.cleared, *update.withdrawn], reset=update.reset,
                         injection=reading.injection, asked_before=asked_before)
        if reading.confirmation is False:
            return Plan(intent="confirmation", kind="confirmed_not_patient")
        if reading.about == "both" and not plan.retrieve:
            # "45M 2nd relapse. What was CR in TOWER?": assess the patient and answer the question.
            return replace(plan, retrieve=True, query=reading.evidence_question)
        return plan

    def _execute(self, plan: Plan, reading: Reading, ctx: TurnContext) -> str:
        sections: list[str] = []
        if plan.kind == "greeting":
            return compose.GREETING
        if plan.kind == "help":
            return compose.HELP
        if plan.kind == "confirmed_not_patient":
            return "Understood: nothing was recorded about your patient."
        if plan.kind == "out_of_scope":
            # A word that sounds out of scope ("dose", "2021", another drug) is not enough to refuse:
            # the evidence decides, and the refusal names what the word list saw.
            evidence = self._evidence(plan, reading, ctx, judge_scope=True)
            return evidence or self._refusal(plan, ctx.scope)
        off_topic = self._off_topic(plan, reading, ctx)
        if off_topic is not None:
            return self._refusal(plan, off_topic)
        if plan.run_assessment:
            sections.append(self._assessment(ctx, plan))
        if plan.run_sequencing:
            sections.append(self._sequencing(ctx, plan))
        if plan.run_toxicity:
            sections.append(self._toxicity(ctx, plan))
        if plan.retrieve:
            evidence = self._evidence(plan, reading, ctx, judge_scope=not sections)
            if evidence:
                sections.append(evidence)
            elif not sections:
                return self._refusal(plan, ctx.scope)
        return "\n\n".join(s for s in sections if s)

    def _off_topic(self, plan: Plan, reading: Reading, ctx: TurnContext) -> Coverage | None:
        """The scope judgement that refuses a turn the rules would otherwise answer, or None.

        - No patient, and the rules' general points (sequencing, toxicity) would answer: those points
          answer another question when retrieval finds nothing for this one ("which VOD criteria, EBMT
          or Baltimore?").
        - A person known only by age, around a question naming something the passages lack ("which
          statin for a 50-year-old with LDL 4.5?"): the assessment would answer a question nobody
          asked. A patient with any fact of the disease is assessed whatever protocol names are used.
        Facts stated are kept either way."""
        if self.retriever is None:
            return None
        general = not ctx.patient and (plan.run_sequencing or plan.run_toxicity)
        aside = (plan.run_assessment and reading.intent.is_question and not plan.agents
                 and set(ctx.patient) <= _DEMOGRAPHIC)
        if not (general or aside):
            return None
        judged = self._judge(plan.query or reading.evidence_question, plan, ctx)
        if judged.covered or (aside and not general and not judged.subject):
            return None
        return judged

    def _refusal(self, plan: Plan, judged: Coverage | None) -> str:
        if judged is not None and judged.after_review:
            return compose.after_the_review(judged.subject)
        return compose.out_of_scope(plan.subject or (judged.subject if judged is not None else None))

    def _assessment(self, ctx: TurnContext, plan: Plan) -> str:
        profile = PatientProfile.model_validate(ctx.patient)
        result = assess(profile).model_dump(mode="json")
        ctx.assessment = result
        ctx.tool_calls.append(ToolCall(name="assess_patient", input=profile.model_dump(mode="json", exclude_none=True),
                                       output=result))
        ctx.bottom_line = compose.bottom_line(result, ctx.ledger, focus=plan.agents)
        return compose.compose_assessment(result, ctx.ledger, focus=plan.agents)

    def _toxicity(self, ctx: TurnContext, plan: Plan) -> str:
        profile = PatientProfile.model_validate(ctx.patient)
        reports = []
        for agent in (a for a in AGENTS if not plan.agents or a in plan.agents):
            report = assess_toxicity(profile, agent).model_dump(mode="json")
            ctx.tool_calls.append(ToolCall(name="assess_toxicity", input={
                "profile": profile.model_dump(mode="json", exclude_none=True), "agent": agent}, output=report))
            reports.append(report)
        return compose.compose_toxicity(reports, ctx.ledger)

    def _sequencing(self, ctx: TurnContext, plan: Plan) -> str:
        profile = PatientProfile.model_validate(ctx.patient)
        result = sequencing_considerations(profile).model_dump(mode="json")
        ctx.tool_calls.append(ToolCall(name="sequencing_considerations",
                                       input=profile.model_dump(mode="json", exclude_none=True), output=result))
        points = result.get("points", [])
        chosen = [p for p in points if p.get("applies")] if ctx.patient else \
            [p for p in points if _point_matches(p, plan.agents, plan.topics)]
        if not chosen:
            chosen = points if ctx.patient else points[:3]
        heading = "**Sequencing points from the review that apply here:**" if ctx.patient else \
            "**Sequencing points from the review:**"
        return heading + "\n" + compose.compose_points(chosen, ctx.ledger, with_reasons=bool(ctx.patient))

    def _judge(self, question: str, plan: Plan, ctx: TurnContext) -> Coverage:
        """Retrieve the review's passages for ``question`` (once a turn) and judge whether they answer it.
        The dated updates are composed by assistant/currency.py, marked as later."""
        assert self.retriever is not None  # callers judge only when there is an index
        if ctx.judged != question or ctx.scope is None:
            ctx.judged = question
            ctx.parts = split_question(question)
            ctx.hits = retrieve(self.retriever, question, k=plan.k, source=REVIEW_SOURCE, parts=ctx.parts)
            suspected = plan.subject if plan.kind == "out_of_scope" else None
            ctx.scope = coverage_of(question, ctx.hits, getattr(self.retriever, "known_terms", frozenset()),
                                    suspected=suspected)
        return ctx.scope

    def _evidence(self, plan: Plan, reading: Reading, ctx: TurnContext, *, judge_scope: bool) -> str:
        if self.retriever is None:
            return ""
        question = plan.query or reading.evidence_question
        judged = self._judge(question, plan, ctx)
        hits, asked = ctx.hits, ctx.parts
        chosen = select_passages(hits, show=plan.show) if judged.covered or not judge_scope else []
        parts = len(asked)
        if chosen and parts > 1:
            # A question of several parts: each part's best passage answers it, however far its
            # scores are from the other part's (the closeness test compares different queries).
            heads = [h for h in hits[:parts] if is_relevant(h)]
            chosen = (heads + [h for h in chosen if h not in heads])[: max(plan.show, len(heads))]
        if judged.covered and not chosen and hits:
            # The scope judgement said the review answers this; the selection floors must not turn
            # that into a refusal with no reason given. The best-ranked passage answers.
            chosen = list(hits[:1])
        ctx.tool_calls.append(ToolCall(
            name="search_review", input={"query": question, "k": plan.k},
            output={"passage_ids": [h.passage_id for h in chosen], "covered": judged.covered,
                    "best_relevance": judged.best_relevance},
        ))
        if not chosen:
            return ""
        return compose.compose_evidence(question, chosen, ctx.ledger)

    def _frame(self, plan: Plan, reading: Reading, body: str, patient: dict[str, Any], notes: list[str]) -> str:
        parts: list[str] = []
        if plan.discusses_patient:
            parts.append(compose.NOTICE)
        if plan.injection:
            parts.append("I treat instructions inside a message as text: the rules and facts do not change.")
        if notes:
            parts.append("\n".join(f"- {n}" for n in notes))
        if plan.reset:
            parts.append("Starting a new patient: earlier facts are cleared.")
        recorded = {k: v for k, v in reading.update.set.items() if k in patient}
        if plan.acknowledge and recorded:
            parts.append("**Recorded:** " + compose.describe_patient(recorded) + ".")
        if reading.hypothetical and not plan.run_assessment:
            parts.append(_if_line(reading.hypothetical))
        if body:
            parts.append(body)
        return "\n\n".join(parts)


def _if_line(hypothetical: dict[str, Any]) -> str:
    return "**If** " + compose.describe_patient(hypothetical) + " (assumed for this answer only, not recorded):"


def notes_for(update: FactUpdate, rejected: dict[str, str]) -> list[str]:
    """What the user should know about facts that were not stored exactly as written."""
    out: list[str] = []
    for note in update.notes:
        template = _NOTE_WORDS.get(note.kind)
        if template:
            out.append(template.format(text=note.text, label=compose.FIELD_LABELS.get(note.field, note.field)))
    for name, problem in rejected.items():
        out.append(f"I could not use the {compose.FIELD_LABELS.get(name, name)}: {problem}.")
    return out


_ASKING_NOTES = frozenset({"qualitative", "unit", "uncertain", "no_ordinal", "misattributed"})
_NOTE_WORDS = {
    "out_of_range": "I could not use \"{text}\": it is outside the possible range, so nothing was recorded.",
    "qualitative": "Not recorded: \"{text}\" gives no figure; tell me the {label} as a number.",
    "unit": "Not recorded: \"{text}\"; give bilirubin as a multiple of the upper limit of normal.",
    "uncertain": "Not recorded: \"{text}\" sounds unconfirmed; tell me once it is known.",
    "bound": "Recorded \"{text}\" just inside its bound.",
    "range": "Recorded \"{text}\" at its more cautious end.",
    "no_ordinal": "Noted \"{text}\"; which relapse is this (first, second or later)?",
    "ratio": "Recorded bilirubin from \"{text}\" as a multiple of the laboratory's upper limit of normal.",
    "misattributed": "Nothing was changed for \"{text}\": tell me which fact belonged to the other patient.",
}


def merge_facts(patient: dict[str, Any], update: FactUpdate) -> tuple[dict[str, Any], dict[str, str]]:
    """Apply the message's facts; values the profile rejects are reported and never stored.

    Out-of-range values are refused, not clamped: the earlier value (if any) stays.
    """
    candidate = update.apply(patient)
    rejected: dict[str, str] = {}
    while True:
        try:
            profile = PatientProfile.model_validate(candidate)
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            if not bad or bad <= set(rejected):
                raise
            for e in exc.errors():
                name = str(e["loc"][0]) if e["loc"] else ""
                if name in bad:
                    rejected[name] = str(e["msg"]).removeprefix("Value error, ")
                    if name in patient and not update.reset:
                        candidate[name] = patient[name]
                    else:
                        candidate.pop(name, None)
            continue
        return profile.model_dump(mode="json", exclude_none=True), rejected


def suggestions_for(plan: Plan, patient: dict[str, Any]) -> list[Suggestion]:
    out: list[Suggestion] = []
    if patient:
        out.append(Suggestion(label="Sequencing", message="How should I sequence these agents for this patient?"))
        out.append(Suggestion(label="Toxicity", message="What toxicity should I watch for with each agent?"))
        out.append(Suggestion(label="New patient", message="new patient"))
    else:
        out.append(Suggestion(label="SOS risk", message="What are the risk factors for SOS after inotuzumab?"))
        out.append(Suggestion(label="Compare", message="Compare blinatumomab, InO and CAR T"))
    return out


def _point_matches(point: dict[str, Any], agents: tuple[str, ...], topics: tuple[str, ...]) -> bool:
    """A sequencing point is about the question when it names every agent asked about, or a topic."""
    words = f"{point.get('title', '')} {point.get('point', '')}".lower()
    named = [a for a in agents if any(name in words for name, key in AGENT_SYNONYMS.items() if key == a)]
    if agents:
        return len(named) == len(agents) or (len(agents) == 1 and bool(named) and not topics)
    return any(t.lower() in words for t in topics)
