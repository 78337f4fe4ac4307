"""Spaced repetition over topics: Leitner boxes, and weighted sampling by error rate and due-ness.

A right answer moves the topic up one box, a wrong one back to box 1. A topic in box n is due again
after ``BOX_INTERVALS[n-1]`` more questions (counted in questions, not days: a trainee may do ten
in a sitting and then nothing for a week, and the order still makes sense). The next topic is drawn
with weight = error rate x (2 if due else 0.5): weak, due topics come back most, and a mastered one
still now and then. Pure: the store keeps the numbers, this module decides.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from assistant.tutor.models import TOPICS, Topic

BOX_INTERVALS: tuple[int, ...] = (1, 2, 4, 8, 16)
DUE_FACTOR, NOT_DUE_FACTOR = 2.0, 0.5


class TopicState(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic: Topic
    attempts: int = 0
    correct: int = 0
    box: int = Field(default=1, ge=1, le=len(BOX_INTERVALS))
    last_seen: int | None = Field(default=None, description="The learner's question count when last answered")


def record(state: TopicState, *, correct: bool, tick: int) -> TopicState:
    box = min(state.box + 1, len(BOX_INTERVALS)) if correct else 1
    return state.model_copy(update={
        "attempts": state.attempts + 1, "correct": state.correct + int(correct), "box": box, "last_seen": tick,
    })


def error_rate(state: TopicState) -> float:
    # Laplace's rule: 0.5 before any answer, and one lucky answer does not make a topic "mastered".
    return (state.attempts - state.correct + 1) / (state.attempts + 2)


def is_due(state: TopicState, tick: int) -> bool:
    return state.last_seen is None or tick - state.last_seen >= BOX_INTERVALS[state.box - 1]


def weight(state: TopicState, tick: int) -> float:
    return error_rate(state) * (DUE_FACTOR if is_due(state, tick) else NOT_DUE_FACTOR)


def full(states: Mapping[Topic, TopicState]) -> dict[Topic, TopicState]:
    """Every topic, unseen ones at their starting state."""
    return {t: states.get(t) or TopicState(topic=t) for t in TOPICS}


def pick_topic(states: Mapping[Topic, TopicState], tick: int, rng: random.Random) -> Topic:
    every = full(states)
    topic: Topic = rng.choices(TOPICS, weights=[weight(every[t], tick) for t in TOPICS])[0]
    return topic


class TopicProgress(BaseModel):
    topic: Topic
    attempts: int
    correct: int
    accuracy: float | None = Field(description="Share answered correctly; null before any answer")
    box: int = Field(description="Leitner box 1-5: 1 comes back soonest")
    due: bool


class Progress(BaseModel):
    learner_id: str
    questions_asked: int
    answered: int
    correct: int
    accuracy: float | None
    topics: list[TopicProgress]
    due_topics: list[Topic] = Field(description="Topics due for another question, weakest first")
    weakest_topics: list[Topic] = Field(description="Answered topics with the lowest accuracy (up to three)")
    summary: str


def progress(learner_id: str, states: Mapping[Topic, TopicState], asked: int) -> Progress:
    """The learner's standing; "due" is judged for the next question (number ``asked + 1``)."""
    every = full(states)
    tick = asked + 1
    topics = [
        TopicProgress(topic=t, attempts=s.attempts, correct=s.correct,
                      accuracy=round(s.correct / s.attempts, 3) if s.attempts else None, box=s.box,
                      due=is_due(s, tick))
        for t, s in every.items()
    ]
    answered = sum(s.attempts for s in every.values())
    right = sum(s.correct for s in every.values())
    seen = [t for t in topics if t.attempts]
    weakest = [t.topic for t in sorted(seen, key=lambda t: (t.accuracy or 0.0, -t.attempts))[:3]
               if (t.accuracy or 0.0) < 1.0]
    due = [t for t in sorted(TOPICS, key=lambda t: -error_rate(every[t])) if is_due(every[t], tick)]
    return Progress(
        learner_id=learner_id, questions_asked=asked, answered=answered, correct=right,
        accuracy=round(right / answered, 3) if answered else None, topics=topics, due_topics=due,
        weakest_topics=weakest, summary=_summary(seen, answered, right, weakest, due),
    )


def _summary(seen: list[TopicProgress], answered: int, right: int, weakest: list[Topic], due: list[Topic]) -> str:
    if not answered:
        return "No answers yet: every topic is due."
    parts = [f"{right} of {answered} answered correctly ({100 * right / answered:.0f}%) across {len(seen)} of "
             f"{len(TOPICS)} topics."]
    strong = [t.topic for t in seen if t.box >= 3]
    if strong:
        parts.append(f"Secure: {', '.join(strong)}.")
    if weakest:
        parts.append(f"To work on: {', '.join(weakest)}.")
    if due:
        parts.append(f"Due next: {', '.join(due[:4])}.")
    return " ".join(parts)
