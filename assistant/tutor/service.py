"""The tutor as the channels use it (HTTP, terminal, chat): ask, answer, progress.

The pure parts (generator, grading, schedule, render) do the work; this class only adds the store.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy.engine import Engine

from assistant.tutor import difficulty, schedule
from assistant.tutor.generator import generate
from assistant.tutor.grading import grade
from assistant.tutor.models import Grade, Topic
from assistant.tutor.render import Explanation, explain
from assistant.tutor.store import StoredQuestion, TutorStore
from knowledge.pack import KnowledgePack, default_pack

MAX_SEED = 2**31 - 1
# An opaque handle the client picks: letters, digits and . _ - only, so an e-mail address or a name
# with spaces cannot be used as one.
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Graded:
    question: StoredQuestion
    grade: Grade
    explanation: Explanation | None = None
    recorded: bool = False


class Tutor:
    def __init__(self, engine: Engine, pack: KnowledgePack | None = None) -> None:
        self.store = TutorStore(engine)
        self.pack = pack or default_pack()

    def ask(self, learner_id: str, *, topic: Topic | None = None, seed: int | None = None,
            free_text: bool | None = None, owner: str = "local") -> StoredQuestion:
        """A new question for the learner. Without a topic the schedule picks one (weak, due topics
        first); without a seed a random one is drawn (it is returned, so the question can be rebuilt)."""
        seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
        memories = schedule.memories(self.store.answers(learner_id, owner=owner))
        if topic is None:
            topic = schedule.pick_topic(memories, datetime.now(UTC), random.Random(f"rrall-tutor-schedule:{seed}"))
        # The learner's record on the topic sets the difficulty; a channel's choice of form wins (buttons).
        level = difficulty.level(memories.get(topic))
        shape = difficulty.SHAPES[level]
        question = generate(seed, topic, free_text=shape.free_text if free_text is None else free_text,
                            distractors=shape.distractor_facts)
        question = difficulty.with_options(question, shape.options).model_copy(update={"difficulty": level})
        return self.store.add_question(learner_id, question, owner=owner)

    def question(self, question_id: str) -> StoredQuestion | None:
        return self.store.question(question_id)

    def answer(self, question_id: str, answer: str, *, owner: str | None = None) -> Graded | None:
        """Grade an answer (None for an unknown question, or, with ``owner``, another principal's).
        A reply that picks no option is returned ungraded (``grade.recognised`` False) and not counted."""
        stored = self.store.question(question_id)
        if stored is None or owner not in (None, stored.owner):
            return None
        verdict = grade(stored.question, answer)
        if not verdict.recognised:
            return Graded(question=stored, grade=verdict)
        recorded = self.store.record_answer(question_id, verdict)
        return Graded(question=stored, grade=verdict, explanation=explain(stored.question, verdict, self.pack),
                      recorded=recorded)

    def progress(self, learner_id: str, *, owner: str | None = "local") -> schedule.Progress | None:
        """``owner=None``: whoever owns it (admin keys, for audit)."""
        found = self.store.learner(learner_id, owner=owner)
        if found is None:
            return None
        _states, asked = found
        return schedule.progress(learner_id, self.store.answers(learner_id, owner=owner), asked)


@lru_cache(maxsize=8)
def tutor_for(engine: Engine) -> Tutor:
    """One tutor per database engine (its tables are created once)."""
    return Tutor(engine)
