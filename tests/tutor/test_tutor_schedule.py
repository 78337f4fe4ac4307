"""Spaced repetition: Leitner boxes move as expected and weak topics come back more often."""

from __future__ import annotations

import math
import random
from collections import Counter

from assistant.tutor.models import TOPICS, Topic
from assistant.tutor.schedule import (
    BOX_INTERVALS,
    TopicState,
    is_due,
    pick_topic,
    progress,
    record,
    weight,
)


def _answered(topic: Topic, results: list[bool], start: int = 1) -> TopicState:
    state = TopicState(topic=topic)
    for tick, correct in enumerate(results, start=start):
        state = record(state, correct=correct, tick=tick)
    return state


def test_a_right_answer_moves_up_a_box_and_a_wrong_one_back_to_box_1() -> None:
    state = _answered("label", [True, True, True])
    assert state.box == 4 and state.attempts == 3 and state.correct == 3
    assert record(state, correct=False, tick=9).box == 1
    assert _answered("label", [True] * 10).box == len(BOX_INTERVALS)


def test_a_topic_is_due_after_its_boxs_interval() -> None:
    state = _answered("cns", [True, True], start=1)  # box 3, last seen at question 2
    interval = BOX_INTERVALS[state.box - 1]
    assert not is_due(state, 2 + interval - 1)
    assert is_due(state, 2 + interval)
    assert is_due(TopicState(topic="cns"), 0)  # never seen


def test_a_weak_topic_weighs_more_than_a_strong_one() -> None:
    weak, strong = _answered("toxicity", [False] * 4), _answered("label", [True] * 4)
    assert weight(weak, 5) > 10 * weight(strong, 5)


def test_the_schedule_favours_weak_topics() -> None:
    # Toxicity answered wrong five times, every other topic right five times: with a fixed seed,
    # toxicity must be picked far above its fair share of 1/9.
    states = {t: _answered(t, [t != "toxicity"] * 5) for t in TOPICS}
    rng = random.Random(20201)
    draws = 3000
    picks = Counter(pick_topic(states, 6, rng) for _ in range(draws))
    share = picks["toxicity"] / draws
    fair = 1 / len(TOPICS)
    z = (share - fair) / math.sqrt(fair * (1 - fair) / draws)
    assert share > 0.5 and z > 20
    assert all(picks[t] > 0 for t in TOPICS)  # mastered topics still come back now and then


def test_a_learner_who_keeps_missing_a_topic_sees_it_most() -> None:
    rng = random.Random(7)
    states: dict[Topic, TopicState] = {}
    asked: Counter[Topic] = Counter()
    for tick in range(1, 201):
        topic = pick_topic(states, tick, rng)
        asked[topic] += 1
        states[topic] = record(states.get(topic) or TopicState(topic=topic), correct=topic != "sequencing", tick=tick)
    assert asked.most_common(1)[0][0] == "sequencing"
    assert asked["sequencing"] > 3 * (200 - asked["sequencing"]) / (len(TOPICS) - 1)


def test_progress_summarises_scores_due_and_weak_topics() -> None:
    states = {"toxicity": _answered("toxicity", [False, True, False]), "label": _answered("label", [True, True], 4)}
    report = progress("trainee-1", states, asked=5)
    by_topic = {t.topic: t for t in report.topics}
    assert set(by_topic) == set(TOPICS)
    assert by_topic["toxicity"].attempts == 3 and by_topic["toxicity"].accuracy == round(1 / 3, 3)
    assert report.answered == 5 and report.correct == 3 and report.accuracy == 0.6
    assert report.weakest_topics[0] == "toxicity"
    assert report.due_topics[0] == "toxicity" and "label" not in report.due_topics
    assert "3 of 5 answered correctly" in report.summary and "toxicity" in report.summary


def test_progress_of_a_new_learner_says_everything_is_due() -> None:
    report = progress("new", {}, asked=0)
    assert report.accuracy is None and set(report.due_topics) == set(TOPICS)
