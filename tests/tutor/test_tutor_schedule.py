"""Spaced repetition with FSRS: due dates per topic from the answers, and weak due topics first."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from assistant.tutor.models import TOPICS, Topic
from assistant.tutor.schedule import Memory, Review, box, memories, pick_topic, progress

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _reviews(topic: Topic, results: list[bool], *, start: datetime = T0, gap: timedelta = timedelta(minutes=2)
             ) -> list[Review]:
    return [Review(topic=topic, at=start + i * gap, correct=c) for i, c in enumerate(results)]


def test_a_right_answer_schedules_the_topic_days_ahead_and_a_wrong_one_minutes_ahead() -> None:
    right = memories(_reviews("label", [True]))["label"]
    wrong = memories(_reviews("cns", [False]))["cns"]
    assert right.due is not None and right.due - T0 >= timedelta(days=1)
    assert wrong.due is not None and wrong.due - T0 <= timedelta(minutes=10)
    assert right.attempts == 1 and right.correct == 1 and wrong.correct == 0


def test_intervals_grow_with_each_right_answer_spaced_over_days() -> None:
    reviews, at, intervals = [], T0, []
    for _ in range(4):
        reviews.append(Review(topic="hsct", at=at, correct=True))
        memory = memories(reviews)["hsct"]
        assert memory.due is not None
        intervals.append(memory.due - at)
        at = memory.due
    assert intervals == sorted(intervals) and intervals[-1] > 3 * intervals[0]


def test_a_lapse_brings_a_known_topic_back_soon_and_lowers_its_stability() -> None:
    known = _reviews("toxicity", [True, True], gap=timedelta(days=3))
    before = memories(known)["toxicity"]
    after = memories([*known, Review(topic="toxicity", at=T0 + timedelta(days=9), correct=False)])["toxicity"]
    assert after.stability_days is not None and before.stability_days is not None
    assert after.stability_days < before.stability_days
    assert after.due is not None and after.due - (T0 + timedelta(days=9)) <= timedelta(minutes=10)


def test_due_dates_are_a_pure_function_of_the_answers() -> None:
    reviews = _reviews("antigen", [True, False, True, True], gap=timedelta(hours=20))
    assert memories(reviews) == memories(list(reversed(reviews)))


@pytest.mark.parametrize(("stability", "level"), [(None, 1), (0.5, 1), (1.0, 2), (3.0, 3), (7.0, 4), (21.0, 5)])
def test_the_contract_box_follows_stability(stability: float | None, level: int) -> None:
    assert box(Memory(topic="label", stability_days=stability)) == level


def test_unseen_topics_are_due_and_only_due_topics_are_picked() -> None:
    reviews = [r for t in TOPICS if t != "cns" for r in _reviews(t, [True])]
    now = T0 + timedelta(hours=1)
    rng = random.Random(3)
    assert {pick_topic(memories(reviews), now, rng) for _ in range(50)} == {"cns"}


def test_with_nothing_due_the_topic_due_soonest_comes_next() -> None:
    reviews = [r for t in TOPICS for r in _reviews(t, [t != "burden"])]
    assert pick_topic(memories(reviews), T0 + timedelta(minutes=1), random.Random(1)) == "burden"


def test_weak_due_topics_are_picked_more_than_their_share() -> None:
    # Every topic answered five times, days apart, all due again; toxicity was always wrong.
    reviews = [r for t in TOPICS for r in _reviews(t, [t != "toxicity"] * 5, gap=timedelta(days=30))]
    now = T0 + timedelta(days=3650)
    state = memories(reviews)
    assert all(m.is_due(now) for m in state.values())
    rng = random.Random(20201)
    draws = 3000
    picks = Counter(pick_topic(state, now, rng) for _ in range(draws))
    share, fair = picks["toxicity"] / draws, 1 / len(TOPICS)
    assert share > 0.4 and (share - fair) / math.sqrt(fair * (1 - fair) / draws) > 20
    assert all(picks[t] > 0 for t in TOPICS)


def test_without_the_weighting_the_least_remembered_due_topic_comes_first() -> None:
    reviews = [*_reviews("label", [True]), *_reviews("cns", [True], start=T0 + timedelta(days=1))]
    state = memories(reviews)
    now = T0 + timedelta(days=60)
    rng = random.Random(0)
    # Unseen topics have nothing to recall: they come first, then label (older) before cns.
    seen_only = {t: m for t, m in state.items() if m.attempts}
    picks = {pick_topic(state, now, rng, weak_weighting=False) for _ in range(30)}
    assert picks <= {t for t in TOPICS if t not in seen_only}
    assert state["label"].retrievability(now) < state["cns"].retrievability(now)


def test_progress_summarises_scores_due_dates_and_weak_topics() -> None:
    reviews = [*_reviews("toxicity", [False, True, False]), *_reviews("label", [True, True], gap=timedelta(days=2))]
    now = T0 + timedelta(days=2, minutes=5)
    report = progress("trainee-1", reviews, asked=5, now=now)
    by_topic = {t.topic: t for t in report.topics}
    assert set(by_topic) == set(TOPICS)
    assert by_topic["toxicity"].attempts == 3 and by_topic["toxicity"].accuracy == round(1 / 3, 3)
    assert by_topic["label"].due_at is not None and by_topic["label"].due_at > now and not by_topic["label"].due
    assert report.answered == 5 and report.correct == 3 and report.accuracy == 0.6
    assert report.weakest_topics[0] == "toxicity"
    assert report.due_topics[0] == "toxicity" and "label" not in report.due_topics
    assert "3 of 5 answered correctly" in report.summary and "toxicity" in report.summary


def test_progress_of_a_new_learner_says_everything_is_due() -> None:
    report = progress("new", [], asked=0)
    assert report.accuracy is None and set(report.due_topics) == set(TOPICS)
