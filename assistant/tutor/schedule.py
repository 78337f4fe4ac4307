"""Spaced repetition per learner and topic with FSRS (the scheduler Anki uses), and the next topic.

Each topic is one FSRS card. Its memory state (stability, difficulty, due date) is not stored: it is
replayed from the learner's answers (topic, time, right or wrong) each time, so the store keeps only
facts and a change of FSRS parameters applies to every learner at once. A right answer is rated Good,
a wrong one Again: a missed topic comes back within the sitting (ten minutes), a known one days later.

The next topic is drawn among the topics due now (unseen ones are due), weighted by error rate, so weak
due topics come first; with nothing due, the one the learner would forget first. The weighting is kept
because it earns its place on simulated learners who answer only what is due (weakest topic's recall
0.272 against 0.248 without it; benchmarks/tutor_schedule.py, figures in the README). Pure: answers in,
decisions out.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from fsrs import Card, Rating, Scheduler, State
from pydantic import BaseModel, ConfigDict, Field

from assistant.tutor.models import TOPICS, Topic

# No fuzzing: the same answers always give the same due dates. One relearning step of ten minutes
# brings a missed topic back in the same sitting, and a single learning step means a first right answer
# already schedules the topic days ahead (a topic is a family of cases, not one flashcard to drill).
SCHEDULER = Scheduler(enable_fuzzing=False, learning_steps=(timedelta(minutes=10),),
                      relearning_steps=(timedelta(minutes=10),))
WEAK_TOPIC_WEIGHTING = True
# Stability (days) at which a topic moves up one "box", for the contract's 1-5 level.
BOX_STABILITY_DAYS: tuple[float, ...] = (1.0, 3.0, 7.0, 21.0)


class Review(NamedTuple):
    topic: Topic
    at: datetime
    correct: bool


class TopicState(BaseModel):
    """Counts as the store keeps them (``box`` and ``last_seen`` are no longer read)."""

    model_config = ConfigDict(frozen=True)

    topic: Topic
    attempts: int = 0
    correct: int = 0
    box: int = 1
    last_seen: int | None = None


def record(state: TopicState, *, correct: bool, tick: int) -> TopicState:
    return state.model_copy(update={"attempts": state.attempts + 1, "correct": state.correct + int(correct),
                                    "last_seen": tick})


class Memory(BaseModel):
    """One topic's FSRS state for one learner, replayed from the answers."""

    model_config = ConfigDict(frozen=True)

    topic: Topic
    attempts: int = 0
    correct: int = 0
    due: datetime | None = Field(default=None, description="None: never answered, so due now")
    stability_days: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None

    def retrievability(self, now: datetime) -> float:
        """FSRS's probability of recall now; 0 for a topic never answered."""
        if self.last_review is None or self.stability_days is None:
            return 0.0
        return float(SCHEDULER.get_card_retrievability(self._card(), now))

    def is_due(self, now: datetime) -> bool:
        return self.due is None or self.due <= now

    def _card(self) -> Card:
        return Card(state=State.Review, stability=self.stability_days, difficulty=self.difficulty,
                    due=self.due or datetime.now(UTC), last_review=self.last_review)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def memories(reviews: Iterable[Review]) -> dict[Topic, Memory]:
    """Every topic's memory after these answers (in time order), unseen topics included."""
    cards: dict[Topic, Card] = {}
    counts: dict[Topic, tuple[int, int]] = {}
    for review in sorted(reviews, key=lambda r: _aware(r.at)):
        card = cards.get(review.topic) or Card(card_id=1, due=_aware(review.at))
        cards[review.topic], _ = SCHEDULER.review_card(card, Rating.Good if review.correct else Rating.Again,
                                                       _aware(review.at))
        attempts, right = counts.get(review.topic, (0, 0))
        counts[review.topic] = (attempts + 1, right + int(review.correct))
    out: dict[Topic, Memory] = {}
    for topic in TOPICS:
        found = cards.get(topic)
        attempts, right = counts.get(topic, (0, 0))
        out[topic] = Memory(topic=topic) if found is None else Memory(
            topic=topic, attempts=attempts, correct=right, due=found.due, stability_days=found.stability,
            difficulty=found.difficulty, last_review=found.last_review)
    return out


def error_rate(memory: Memory) -> float:
    # Laplace's rule: 0.5 before any answer, and one lucky answer does not make a topic "mastered".
    return (memory.attempts - memory.correct + 1) / (memory.attempts + 2)


def box(memory: Memory) -> int:
    """A 1-5 level from FSRS stability (the contract's Leitner-style ``box``): 1 comes back soonest."""
    if memory.stability_days is None:
        return 1
    return 1 + sum(memory.stability_days >= s for s in BOX_STABILITY_DAYS)


def pick_topic(topics: Mapping[Topic, Memory], now: datetime, rng: random.Random, *,
               weak_weighting: bool = WEAK_TOPIC_WEIGHTING) -> Topic:
    every = {t: topics.get(t) or Memory(topic=t) for t in TOPICS}
    due = [t for t in TOPICS if every[t].is_due(now)]
    if not due:  # nothing due, but the learner wants a question: the topic they would forget first
        least: Topic = min(TOPICS, key=lambda t: (every[t].retrievability(now), every[t].due or now))
        return least
    if weak_weighting:
        chosen: Topic = rng.choices(due, weights=[error_rate(every[t]) for t in due])[0]
        return chosen
    lowest = min(every[t].retrievability(now) for t in due)
    return rng.choice([t for t in due if every[t].retrievability(now) == lowest])


class TopicProgress(BaseModel):
    topic: Topic
    attempts: int
    correct: int
    accuracy: float | None = Field(description="Share answered correctly; null before any answer")
    box: int = Field(description="Level 1-5 from the FSRS stability (1: under a day ... 5: three weeks or more)")
    due: bool
    due_at: datetime | None = Field(default=None, description="When FSRS brings the topic back; null: never seen")
    stability_days: float | None = Field(default=None, description="FSRS stability: days until recall falls to 90%")


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


def progress(learner_id: str, reviews: Iterable[Review], asked: int, *, now: datetime | None = None) -> Progress:
    """The learner's standing at ``now`` (default: the current time)."""
    now = now or datetime.now(UTC)
    every = memories(reviews)
    topics = [
        TopicProgress(topic=t, attempts=m.attempts, correct=m.correct,
                      accuracy=round(m.correct / m.attempts, 3) if m.attempts else None, box=box(m),
                      due=m.is_due(now), due_at=m.due,
                      stability_days=None if m.stability_days is None else round(m.stability_days, 2))
        for t, m in every.items()
    ]
    answered = sum(m.attempts for m in every.values())
    right = sum(m.correct for m in every.values())
    seen = [t for t in topics if t.attempts]
    weakest = [t.topic for t in sorted(seen, key=lambda t: (t.accuracy or 0.0, -t.attempts))[:3]
               if (t.accuracy or 0.0) < 1.0]
    due = [t for t in sorted(TOPICS, key=lambda t: -error_rate(every[t])) if every[t].is_due(now)]
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
