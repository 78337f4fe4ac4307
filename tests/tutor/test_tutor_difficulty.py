"""Case difficulty follows the learner's record on the topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.tutor.difficulty import SHAPES, level, with_options
from assistant.tutor.generator import generate
from assistant.tutor.schedule import Review, memories
from assistant.tutor.service import Tutor

T0 = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.mark.parametrize(("results", "expected"), [
    ([], "standard"), ([False], "standard"), ([False, False], "easy"), ([True, False, False], "easy"),
    ([True, True], "standard"), ([True, True, True], "hard"), ([True, True, False, True, True, True], "hard"),
    ([True, False, True, False], "standard"),
])
def test_the_level_follows_the_error_rate(results: list[bool], expected: str) -> None:
    reviews = [Review(topic="cns", at=T0 + timedelta(hours=i), correct=c) for i, c in enumerate(results)]
    assert level(memories(reviews)["cns"]) == expected


def test_fewer_options_keep_the_keyed_one_and_reletter() -> None:
    for seed in range(40):
        q = generate(seed, "sequencing")
        easy = with_options(q, 3)
        assert [o.key for o in easy.options] == list("ABC"[: len(easy.options)])
        assert sum(o.correct for o in easy.options) == 1 and easy.keyed is not None
        assert easy.keyed.text == q.keyed.text if q.keyed else False


def _answer_all(tutor: Tutor, learner: str, topic: str, right: bool, n: int) -> None:
    for seed in range(n):
        stored = tutor.ask(learner, topic=topic, seed=seed, free_text=False)  # type: ignore[arg-type]
        tutor.answer(stored.id, next(o.key for o in stored.question.options if o.correct is right))


def test_a_struggling_learner_gets_easier_cases_and_a_strong_one_harder(tutor: Tutor) -> None:
    _answer_all(tutor, "weak", "sequencing", False, 3)
    _answer_all(tutor, "strong", "toxicity", True, 4)
    easy = tutor.ask("weak", topic="sequencing", seed=99).question
    hard = tutor.ask("strong", topic="toxicity", seed=99).question
    fresh = tutor.ask("new", topic="toxicity", seed=99).question
    assert easy.difficulty == "easy" and len(easy.options) == SHAPES["easy"].options
    assert hard.difficulty == "hard" and hard.free_text  # toxicity questions can be asked in free text
    assert fresh.difficulty == "standard"
    rebuilt = generate(99, "toxicity", free_text=True, distractors=SHAPES["hard"].distractor_facts)
    assert hard.model_copy(update={"difficulty": "standard"}) == rebuilt
