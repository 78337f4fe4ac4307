"""Case difficulty from the learner's record on the topic.

A learner who keeps missing a topic gets easier cases (three options, multiple choice, one distractor
fact in the vignette); one who answers it reliably gets harder ones (an answer in their own words where
the kind allows it, and more distractor facts to sift). Until a topic has two answers it is standard.
Pure: the topic's memory in, the shape of the next case out.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal

from assistant.tutor.models import Question
from assistant.tutor.schedule import Memory, error_rate

Level = Literal["easy", "standard", "hard"]


@dataclass(frozen=True)
class Shape:
    options: int  # at most this many options (the keyed one included)
    distractor_facts: int  # facts in the vignette beyond those the question turns on
    free_text: bool | None  # True: ask in free text where the kind allows; None: the seed decides


SHAPES: dict[Level, Shape] = {
    "easy": Shape(options=3, distractor_facts=1, free_text=False),
    "standard": Shape(options=4, distractor_facts=2, free_text=None),
    "hard": Shape(options=4, distractor_facts=3, free_text=True),
}
# Error rates are Laplace-smoothed (see schedule.error_rate): 0.5 means no evidence either way.
EASY_FROM, HARD_UP_TO, MIN_ANSWERS, MIN_ANSWERS_HARD = 0.55, 0.25, 2, 3


def level(memory: Memory | None) -> Level:
    if memory is None or memory.attempts < MIN_ANSWERS:
        return "standard"
    rate = error_rate(memory)
    if rate >= EASY_FROM:
        return "easy"
    if rate <= HARD_UP_TO and memory.attempts >= MIN_ANSWERS_HARD:
        return "hard"
    return "standard"


def with_options(question: Question, most: int) -> Question:
    """The question with at most ``most`` options: the keyed one and the first distractors, relettered."""
    if len(question.options) <= most:
        return question
    keep = [o for o in question.options if o.correct or o.key in {d.key for d in
            [d for d in question.options if not d.correct][: most - 1]}]
    options = tuple(o.model_copy(update={"key": k}) for k, o in zip(string.ascii_uppercase, keep, strict=False))
    return question.model_copy(update={"options": options})
