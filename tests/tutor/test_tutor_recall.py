"""Evidence recall from the pack's structured facts: the keyed figure is the pack's, distractors are not."""

from __future__ import annotations

import pytest

from assistant.tutor.generator import generate
from assistant.tutor.models import Question
from assistant.tutor.recall import TRIALS, canonical_trials, numbers, recallable, unit
from knowledge.pack import default_pack


@pytest.fixture(scope="module")
def recall_questions() -> list[Question]:
    return [generate(seed, "evidence") for seed in range(200)]


def test_recallable_figures_are_written_in_their_passage() -> None:
    pack = default_pack()
    assert len(recallable()) >= 60
    for r in recallable():
        assert r.fact.value in pack.by_id[r.passage_id].text, (r.passage_id, r.fact.value)


@pytest.mark.parametrize("value", ["P=.032", "NCT03564678", "one-fourth", "95% CI 1.32-9.81"])
def test_p_values_trial_numbers_and_words_are_not_asked(value: str) -> None:
    from knowledge.schema import EvidenceFact

    assert unit(EvidenceFact(trial="t", population="p", outcome="o", value=value)) is None


def test_the_famous_figures_are_among_them() -> None:
    asked = {(canonical_trials(r.fact.trial).pop() if canonical_trials(r.fact.trial) else "", r.fact.value)
             for r in recallable()}
    assert ("INO-VATE", "73.8%") in asked  # CR/CRi with InO
    assert ("TOWER", "7.7 months") in asked  # overall survival with blinatumomab


def test_keyed_figure_is_the_facts_and_no_distractor_shares_a_number(recall_questions: list[Question]) -> None:
    pack = default_pack()
    for q in recall_questions:
        assert q.fact_ref is not None
        passage_id, index = q.fact_ref
        fact = pack.by_id[passage_id].facts[index]
        if q.kind == "evidence_figure":
            assert q.answer.figure == fact.value
            taken = set(numbers(fact.value)) | set(numbers(fact.comparator or ""))
            for option in q.options:
                if not option.correct:
                    assert not taken & set(numbers(option.claim.figure or "")), (q.seed, option.text)
        else:
            assert q.answer.trial in canonical_trials(fact.trial)
            assert {o.claim.trial for o in q.options} <= set(TRIALS)


def test_the_explanation_cites_the_facts_passage(recall_questions: list[Question]) -> None:
    for q in recall_questions:
        assert q.fact_ref is not None and q.answer_reason[0].passage_ids == (q.fact_ref[0],)
        assert q.rule_outputs[0].tool == "pack" and q.rule_outputs[0].code == q.fact_ref[0]
