"""Learner progress in SQL: questions are kept to be graded later, a first answer counts once, and the
schedule picks topics from what is stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from assistant.sessions import SessionStore
from assistant.tutor.service import Tutor


def test_a_question_is_kept_and_graded_later_by_another_tutor(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    asked = Tutor(SessionStore(url, ttl=timedelta(hours=1)).engine).ask("trainee-1", topic="cns", seed=4)
    later = Tutor(SessionStore(url, ttl=timedelta(hours=1)).engine)  # a restart, or another worker
    keyed = asked.question.keyed
    assert keyed is not None
    graded = later.answer(asked.id, keyed.key)
    assert graded is not None and graded.grade.correct and graded.recorded
    progress = later.progress("trainee-1")
    assert progress is not None and progress.correct == 1 and progress.questions_asked == 1


def test_only_the_first_answer_counts(tutor: Tutor) -> None:
    stored = tutor.ask("t", topic="burden", seed=1)
    wrong = next(o for o in stored.question.options if not o.correct)
    first = tutor.answer(stored.id, wrong.key)
    again = tutor.answer(stored.id, next(o.key for o in stored.question.options if o.correct))
    assert first is not None and first.recorded and not first.grade.correct
    assert again is not None and again.grade.correct and not again.recorded
    progress = tutor.progress("t")
    assert progress is not None and (progress.answered, progress.correct) == (1, 0)


def test_a_reply_that_picks_no_option_is_not_counted(tutor: Tutor) -> None:
    stored = tutor.ask("t", topic="sequencing", seed=2)
    graded = tutor.answer(stored.id, "maybe")
    assert graded is not None and not graded.grade.recognised and graded.explanation is None
    progress = tutor.progress("t")
    assert progress is not None and progress.answered == 0


def test_unknown_question_and_learner(tutor: Tutor) -> None:
    assert tutor.answer("q_nothing", "A") is None
    assert tutor.progress("nobody") is None


def test_per_topic_scores_accumulate(tutor: Tutor) -> None:
    for seed in range(3):
        stored = tutor.ask("t2", topic="toxicity", seed=seed, free_text=False)
        tutor.answer(stored.id, next(o.key for o in stored.question.options if not o.correct))
    stored = tutor.ask("t2", topic="label", seed=9, free_text=False)
    tutor.answer(stored.id, next(o.key for o in stored.question.options if o.correct))
    progress = tutor.progress("t2")
    assert progress is not None
    by_topic = {t.topic: t for t in progress.topics}
    assert (by_topic["toxicity"].attempts, by_topic["toxicity"].correct, by_topic["toxicity"].box) == (3, 0, 1)
    assert (by_topic["label"].attempts, by_topic["label"].box) == (1, 2)  # FSRS: first stability 2.3 days
    tox_due, label_due = by_topic["toxicity"].due_at, by_topic["label"].due_at
    assert tox_due is not None and label_due is not None
    assert label_due - tox_due > timedelta(days=1)  # missed: back in the sitting; right: days later
    assert progress.weakest_topics[0] == "toxicity" and progress.questions_asked == 4


def test_without_a_topic_the_schedule_brings_back_the_weak_one(tutor: Tutor) -> None:
    # Answer one question per topic, all right except toxicity; then let the schedule choose.
    from assistant.tutor.models import TOPICS

    for i, topic in enumerate(TOPICS):
        stored = tutor.ask("t3", topic=topic, seed=i, free_text=False)
        pick = next(o for o in stored.question.options if o.correct is (topic != "toxicity"))
        tutor.answer(stored.id, pick.key)
    chosen = [tutor.ask("t3", seed=100 + i).question.topic for i in range(40)]
    assert chosen.count("toxicity") > 40 / len(TOPICS) * 2
