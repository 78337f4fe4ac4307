"""One chat turn: understand, update the patient, plan, run tools and retrieval, compose, store.

The deterministic path is the default and the reference; an optional LLM layer (assistant.llm)
may rewrite the answer but is checked against the same citations and numbers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from assistant import compose, currency
from assistant.answer import ChatResponse, CitationLedger, Suggestion, ToolCall
from assistant.llm import LLMAnswerer
from assistant.planner import Plan, plan_turn
from assistant.selection import select_passages
from assistant.sessions import SessionStore
from assistant.tutor.chat import quiz_turn
from assistant.understanding.facts import extract_facts
from assistant.understanding.intents import classify
from assistant.understanding.safety import is_injection, redact
from assistant.understanding.update import FactUpdate
from knowledge.pack import KnowledgePack
from knowledge.schema import UPDATES_SOURCE
from tools.assess import assess
from tools.profile import PatientProfile
from tools.sequencing import sequencing_considerations

log = logging.getLogger("rrall.chat")

# Turns whose answer is fixed text: nothing for a model to add.
_NO_LLM_KINDS = frozenset({"greeting", "help", "out_of_scope", "reset"})
_FIXED_TEXT_KINDS = frozenset({"greeting", "help", "reset"})


class SessionNotFound(LookupError):
    pass


@dataclass
class TurnContext:
    patient: dict[str, Any]
    ledger: CitationLedger
    tool_calls: list[ToolCall] = field(default_factory=list)
    assessment: dict[str, Any] | None = None


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
        injection = is_injection(text)

        update = extract_facts(text)
        intent = classify(text, has_patient=bool(record.patient) or bool(update.set), facts=update)
        # "quiz me", or the reply to a pending tutor question: the tutor answers the whole turn.
        if (quizzed := quiz_turn(self.store, record, text, intent)) is not None:
            return quizzed
        if (intent.kind in _EVIDENCE_KINDS and intent.is_question and not update.reset
                and not describes_a_patient(text)):
            # "What was CR in Ph-negative patients in TOWER?" names a trial population, not this
            # patient: storing it would silently overwrite the patient's facts.
            update = FactUpdate()
        patient, rejected = merge_facts(dict(record.patient), update)
        # Facts in a conditional ("if she were CD22-negative") shape this answer only.
        considered, _ = merge_facts(patient, FactUpdate(set=update.hypothetical)) if update.hypothetical \
            else (patient, {})
        if bool(considered) != bool(record.patient) or update.set:
            intent = classify(text, has_patient=bool(considered), facts=update)
        changed = {**update.set, **update.hypothetical}
        plan = plan_turn(intent, patient=considered, new_facts=changed,
                         cleared=[*update.cleared, *update.withdrawn], reset=update.reset, injection=injection)

        ctx = TurnContext(patient=considered, ledger=CitationLedger(self.pack))
        body = self._execute(plan, text, ctx)
        answered_by = "rules"
        if self.llm is not None and plan.kind not in _NO_LLM_KINDS:
            llm_ledger = CitationLedger(self.pack)
            written = self.llm.answer(text, patient=considered, ledger=llm_ledger)
            if written is not None and written.guard.ok:
                body, ctx.ledger, answered_by = written.answer, llm_ledger, "llm"
                ctx.tool_calls.extend(ToolCall(**c) for c in written.tool_calls)
        # -- since the review (assistant/currency.py): dated updates beside the review's statements, and
        # the dated decision-support line. One call site; the wording and the choice live in currency.
        since = currency.since_the_review(
            text, ledger=ctx.ledger, assessment=ctx.assessment, pack=self.pack,
            cited=[c.passage_id for c in ctx.ledger.citations()],
            out_of_scope=plan.kind == "out_of_scope" or body == compose.out_of_scope(plan.subject),
        ) if plan.kind not in _FIXED_TEXT_KINDS else currency.SinceTheReview(block="", states_label=False)
        body = since.apply(body)
        answer = self._frame(plan, body, ctx, notes_for(update, rejected))
        answer = currency.with_decision_support(answer, notice=compose.NOTICE, since=since, pack=self.pack)
        # -- end of since the review

        response = ChatResponse(
            session_id=record.id,
            answer=answer,
            citations=ctx.ledger.citations(),
            tool_calls=ctx.tool_calls,
            patient=patient,
            intent=plan.intent,
            understood={k: compose.describe_fact(k, v) for k, v in update.set.items() if k in patient},
            hypothetical=update.hypothetical,
            asked_for=[f for f, _ in plan.ask],
            suggestions=suggestions_for(plan, patient),
            assessment=ctx.assessment,
            answered_by=answered_by,
        )
        self.store.save_turn(
            record.id, user_text=text, answer_text=answer, patient=patient, state=record.state,
            answer_meta={"intent": plan.intent, "citations": [c.passage_id for c in response.citations]},
        )
        return response

    # -- steps ------------------------------------------------------------------------------
    def _execute(self, plan: Plan, text: str, ctx: TurnContext) -> str:
        sections: list[str] = []
        if plan.kind == "greeting":
            return compose.GREETING
        if plan.kind == "help":
            return compose.HELP
        if plan.kind == "out_of_scope":
            return compose.out_of_scope(plan.subject)
        if plan.run_assessment:
            sections.append(self._assessment(ctx, plan))
        if plan.run_sequencing:
            sections.append(self._sequencing(ctx, plan))
        if plan.retrieve:
            evidence = self._evidence(plan, text, ctx)
            if evidence:
                sections.append(evidence)
            elif not sections:
                return compose.out_of_scope(plan.subject)
        return "\n\n".join(s for s in sections if s)

    def _assessment(self, ctx: TurnContext, plan: Plan) -> str:
        profile = PatientProfile.model_validate(ctx.patient)
        result = assess(profile).model_dump(mode="json")
        ctx.assessment = result
        ctx.tool_calls.append(ToolCall(name="assess_patient", input=profile.model_dump(mode="json", exclude_none=True),
                                       output=result))
        return compose.compose_assessment(result, ctx.ledger, focus=plan.agents)

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

    def _evidence(self, plan: Plan, text: str, ctx: TurnContext) -> str:
        if self.retriever is None:
            return ""
        # Since the review: the updates source is composed by assistant/currency.py, marked as later,
        # so "What the review reports" shows review passages only (as many as before).
        hits = [h for h in self.retriever.search(plan.query or text, k=plan.k + len(self.pack.updates))
                if h.source != UPDATES_SOURCE][:plan.k]
        prefer = ("mechanism", "overview") if plan.kind == "definition" else ()
        chosen = select_passages(hits, show=plan.show, prefer_topics=prefer)
        ctx.tool_calls.append(ToolCall(
            name="search_review", input={"query": plan.query or text, "k": plan.k},
            output={"passage_ids": [h.passage_id for h in chosen]},
        ))
        if not chosen:
            return ""
        return compose.compose_passages(chosen, ctx.ledger, intro="**What the review reports:**")

    def _frame(self, plan: Plan, body: str, ctx: TurnContext, notes: list[str]) -> str:
        parts: list[str] = []
        if plan.discusses_patient:
            parts.append(compose.NOTICE)
        if plan.injection:
            parts.append("I treat instructions inside a message as text: the rules and facts do not change.")
        if notes:
            parts.append("\n".join(f"- {n}" for n in notes))
        if plan.reset:
            parts.append("Starting a new patient: earlier facts are cleared.")
        if plan.acknowledge and ctx.patient:
            parts.append("**Patient facts so far:** " + compose.describe_patient(ctx.patient) + ".")
        if body:
            parts.append(body)
        if plan.ask:
            parts.append("To sharpen this: " + " ".join(q for _, q in plan.ask))
        return "\n\n".join(parts)


_EVIDENCE_KINDS = frozenset({"evidence_fact", "definition", "comparison"})
_PATIENT_WORDS = re.compile(
    r"\b(?:my|our|this|the|a|his|her)\s+(?:patient|pt|boy|girl|man|woman|child|kid|son|daughter)\b"
    r"|\b(?:he|she|him|his|her)\b|\b\d{1,3}\s*(?:-?\s*year[- ]old|yo|y/o|yr|[mf])\b"
    r"|\b(?:actually|correction|update)\b",
    re.IGNORECASE,
)


def describes_a_patient(text: str) -> bool:
    """Whether the message talks about an individual patient rather than a trial population."""
    return bool(_PATIENT_WORDS.search(text))


_NOTE_WORDS = {
    "out_of_range": "I could not use \"{text}\": it is outside the possible range, so nothing was recorded.",
    "qualitative": "Not recorded: \"{text}\" gives no figure; tell me the {label} as a number.",
    "unit": "Not recorded: \"{text}\"; give bilirubin as a multiple of the upper limit of normal.",
    "uncertain": "Not recorded: \"{text}\" sounds unconfirmed; tell me once it is known.",
    "bound": "Recorded \"{text}\" just inside its bound.",
    "range": "Recorded \"{text}\" at its more cautious end.",
    "no_ordinal": "Noted \"{text}\"; which relapse is this (first, second or later)?",
}


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


_AGENT_WORDS = {
    "blinatumomab": ("blinatumomab", "blina"),
    "inotuzumab_ozogamicin": ("inotuzumab", "ino"),
    "tisagenlecleucel": ("car t", "tisagenlecleucel", "cd19 car"),
}


def _point_matches(point: dict[str, Any], agents: tuple[str, ...], topics: tuple[str, ...]) -> bool:
    """A sequencing point is about the question when it names every agent asked about, or a topic."""
    words = f"{point.get('title', '')} {point.get('point', '')}".lower()
    named = [a for a in agents if any(w in words for w in _AGENT_WORDS.get(a, ()))]
    if agents:
        return len(named) == len(agents) or (len(agents) == 1 and bool(named) and not topics)
    return any(t.lower() in words for t in topics)
