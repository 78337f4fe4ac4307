"""The quiz inside a chat: "quiz me (on toxicity)" asks a question; the next message is graded.

The pending question's id lives in the session's ``state`` (stored with each turn), so any worker can
grade the reply. The learner is the one a messaging channel put in the session's state when it opened
it (derived from the platform and the conversation, so progress carries across that conversation's
sessions); otherwise it is derived from the session id. No personal data either way.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from assistant.answer import ChatResponse, QuizCard, QuizOption, Suggestion, ToolCall
from assistant.sessions import SessionRecord, SessionStore
from assistant.tutor.models import Topic
from assistant.tutor.service import Graded, tutor_for
from assistant.tutor.store import StoredQuestion
from assistant.understanding.intents import Intent

STATE_KEY = "quiz"
LEARNER_KEY = "learner_id"
_SKIP = re.compile(r"^\s*(?:skip|stop|cancel|quit|exit|end|pass)(?:\s+(?:the\s+)?(?:quiz|question))?\s*[.!]?\s*$",
                   re.IGNORECASE)
# The words that name a topic in "quiz me on ..."; the earliest one in the message wins.
_TOPIC_PATTERNS: tuple[tuple[Topic, str], ...] = (
    ("toxicity", r"\b(?:toxicit\w*|side[\s-]effects?|sos|vod|crs|cytokine|icans|neurotox\w*)"),
    ("label", r"\b(?:label\w*|fda|approv\w*|indication\w*)"),
    ("antigen", r"\b(?:antigen\w*|cd19|cd22|kmt2a|lineage)"),
    ("burden", r"\b(?:burden|blasts?|debulk\w*)\b"),
    ("cns", r"\b(?:cns|extra[\s-]?medullary|emd|brain)\b"),
    ("hsct", r"\b(?:hsct|transplant\w*|allo\w*)"),
    ("logistics", r"\b(?:logistic\w*|pump|manufactur\w*|infusion|t[\s-]cells?)"),
    ("sequencing", r"\b(?:sequenc\w*|order\w*|combination\w*|bridg\w*)"),
    ("evidence", r"\b(?:evidence|trials?|figures?|data|recall|numbers|studies|study)\b"),
)
_TOPIC_WORDS = tuple((topic, re.compile(words, re.IGNORECASE)) for topic, words in _TOPIC_PATTERNS)


def learner_for_session(session_id: str) -> str:
    return "chat-" + hashlib.sha256(session_id.encode()).hexdigest()[:16]


def learner_for_channel(platform: str, conversation: str) -> str:
    """One learner per messaging conversation, whichever session it is in (a hash: no user id kept)."""
    return f"{platform[:12]}-" + hashlib.sha256(f"{platform}:{conversation}".encode()).hexdigest()[:20]


def learner_of(record: SessionRecord) -> str:
    chosen = record.state.get(LEARNER_KEY)
    return chosen if isinstance(chosen, str) and chosen else learner_for_session(record.id)


def topic_in(text: str) -> Topic | None:
    found = [(m.start(), topic) for topic, pattern in _TOPIC_WORDS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def card(stored: StoredQuestion) -> QuizCard:
    """The question as the chat's quiz card. The card's prompt is the question alone: the answer text
    carries the case and the question, and clients show the card under it (messaging skips a prompt
    the answer already contains)."""
    q = stored.question
    return QuizCard(id=stored.id, topic=q.topic, kind=q.kind, prompt=q.prompt,
                    options=[QuizOption(key=o.key, text=o.text) for o in q.options])


def quiz_turn(
    store: SessionStore, record: SessionRecord, text: str, intent: Intent, state: dict[str, Any]
) -> ChatResponse | None:
    """The whole turn when the message asks for a quiz or answers a pending question; None otherwise.

    Like any other turn handler it returns the response and leaves storing the turn to the engine;
    ``state`` (the session's state for this turn) is updated in place with the pending question."""
    pending: dict[str, Any] = record.state.get(STATE_KEY) or {}
    if intent.kind != "quiz" and not pending:
        return None
    tutor = tutor_for(store.engine)
    fields: dict[str, Any]
    if intent.kind == "quiz":
        # Options render as buttons (widget) or a numbered list (messaging): the chat asks multiple choice.
        stored = tutor.ask(learner_of(record), topic=topic_in(text), free_text=False, owner=record.owner)
        state[STATE_KEY] = {"question_id": stored.id}
        fields = {"answer": f"{stored.question.vignette}\n\n**{stored.question.prompt}**", "quiz": card(stored),
                  "intent": "quiz",
                  "tool_calls": [ToolCall(name="tutor_question", input={"topic": stored.question.topic},
                                          output={"question_id": stored.id, "seed": stored.question.seed})]}
    elif _SKIP.match(text):
        state.pop(STATE_KEY, None)
        fields = {"answer": "Question skipped. Say \"quiz me\" (or \"quiz me on toxicity\") for another.",
                  "intent": "quiz_skipped"}
    else:
        fields = _graded(tutor.answer(str(pending.get("question_id", "")), text, owner=record.owner), state)
    return ChatResponse.model_validate(
        {"citations": [], "tool_calls": [], **fields, "session_id": record.id, "patient": record.patient})


def _graded(graded: Graded | None, state: dict[str, Any]) -> dict[str, Any]:
    if graded is None:
        state.pop(STATE_KEY, None)
        return {"answer": "That question is no longer available. Say \"quiz me\" for a new one.", "intent": "quiz"}
    if graded.explanation is None:  # the reply picked no option: ask again, the question stays pending
        n = len(graded.question.question.options)
        return {"answer": f"Reply with the letter or the number (1-{n}) of an option, or \"skip\".",
                "quiz": card(graded.question), "intent": "quiz"}
    state.pop(STATE_KEY, None)
    topic = graded.question.question.topic
    rule_outputs = [o.model_dump(mode="json") for o in graded.question.question.rule_outputs]
    return {
        "answer": graded.explanation.markdown, "citations": graded.explanation.citations, "intent": "quiz_answer",
        "tool_calls": [ToolCall(name="tutor_grade", input={"question_id": graded.question.id},
                                output={"correct": graded.grade.correct, "rule_outputs": rule_outputs})],
        "suggestions": [Suggestion(label="Another question", message=f"quiz me on {topic}"),
                        Suggestion(label="Any topic", message="quiz me")],
    }
