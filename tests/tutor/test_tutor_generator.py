"""Generated questions: reproducible from a seed, keyed by the tools, every distractor refuted by them."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from tutor_oracle import holds

from assistant.tutor.generator import disagreements, generate, topic_for_seed
from assistant.tutor.models import KINDS, TOPICS, Question, Topic

SEEDS = range(300)


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    return [generate(seed) for seed in SEEDS]


def test_keyed_answer_agrees_with_the_tools_and_every_distractor_is_wrong(questions: list[Question]) -> None:
    for q in questions:
        assert holds(q, q.answer), (q.seed, q.kind, q.answer_text)
        for option in q.options:
            assert holds(q, option.claim) is option.correct, (q.seed, q.kind, option.key, option.text)
        if q.options:
            assert sum(o.correct for o in q.options) == 1, q.seed
            assert q.keyed is not None and q.keyed.claim == q.answer


def test_a_fresh_run_of_the_tools_finds_no_disagreement(questions: list[Question]) -> None:
    assert [(q.seed, disagreements(q)) for q in questions if disagreements(q)] == []


def test_three_hundred_seeds_ask_every_kind_and_every_topic(questions: list[Question]) -> None:
    assert set(Counter(q.kind for q in questions)) == set(KINDS)
    assert {q.topic for q in questions} == set(TOPICS)
    assert any(q.free_text for q in questions) and sum(q.free_text for q in questions) < len(questions) / 2


@pytest.mark.parametrize("seed", [0, 7, 123, 2**31 - 1])
@pytest.mark.parametrize("topic", TOPICS)
def test_a_seed_reproduces_the_same_question(seed: int, topic: Topic) -> None:
    assert generate(seed, topic) == generate(seed, topic)


def test_without_a_topic_the_seed_draws_one_and_the_question_is_the_same() -> None:
    for seed in range(20):
        assert generate(seed) == generate(seed, topic_for_seed(seed))


def test_different_seeds_give_different_cases() -> None:
    vignettes = {generate(seed, "antigen").vignette for seed in range(40)}
    assert len(vignettes) >= 38


def test_options_are_lettered_in_order_and_distinct(questions: list[Question]) -> None:
    for q in (q for q in questions if q.options):
        assert [o.key for o in q.options] == list("ABCD"[: len(q.options)])
        assert 3 <= len(q.options) <= 4
        assert len({o.text for o in q.options}) == len(q.options)


def test_the_vignette_states_what_the_rules_read(questions: list[Question]) -> None:
    for q in (q for q in questions if q.profile):
        assert q.profile is not None
        if "marrow_blasts_pct" in q.profile:
            assert f"Marrow blasts {q.profile['marrow_blasts_pct']:g}%" in q.vignette
        if "cd22_positive_pct" in q.profile:
            assert f"CD22 on {q.profile['cd22_positive_pct']:g}% of blasts" in q.vignette
        if "age_years" in q.profile:
            assert re.search(rf"\b{q.profile['age_years']:g}-year-old", q.vignette)


def test_missing_fact_questions_leave_exactly_that_fact_out(questions: list[Question]) -> None:
    for q in (q for q in questions if q.kind == "missing_fact"):
        assert q.profile is not None and q.answer.field not in q.profile


@pytest.mark.parametrize("topic", TOPICS)
def test_multiple_choice_can_be_forced(topic: Topic) -> None:
    for seed in range(15):
        assert generate(seed, topic, free_text=False).options


@pytest.mark.parametrize("topic", ["label", "antigen", "toxicity", "evidence"])
def test_free_text_can_be_forced_where_a_kind_offers_it(topic: Topic) -> None:
    asked = [generate(seed, topic, free_text=True) for seed in range(30)]
    offering = [q for q in asked if q.kind not in ("factor", "sequencing_point", "label_now")]  # multiple choice only
    assert offering and all(q.free_text for q in offering)
