"""Retrieval metrics (pure) and the retrieval question set's integrity."""

from __future__ import annotations

import pytest

from knowledge.eval import load_retrieval_set
from knowledge.evaluation import EvalQuestion, evaluate, first_relevant_rank, score_rankings
from knowledge.pack import default_pack


def _q(*relevant: str) -> EvalQuestion:
    return EvalQuestion(q="question", relevant=relevant)


@pytest.mark.parametrize(
    ("ranked", "relevant", "rank"),
    [(["a", "b"], ["a"], 1), (["a", "b", "c"], ["c", "b"], 2), (["a"], ["z"], None), ([], ["a"], None)],
)
def test_first_relevant_rank(ranked: list[str], relevant: list[str], rank: int | None) -> None:
    assert first_relevant_rank(ranked, relevant) == rank


def test_recall_and_mrr_count_the_first_relevant_passage() -> None:
    questions = [_q("a"), _q("b"), _q("c"), _q("d")]
    rankings = [["a"], ["x", "b"], ["x", "x", "x", "x", "x", "c"], ["x"]]
    scores = score_rankings("hybrid", questions, rankings)
    assert scores.recall_at_1 == 0.25
    assert scores.recall_at_5 == 0.5
    assert scores.mrr == pytest.approx((1 + 1 / 2 + 1 / 6) / 4)
    assert len(scores.misses) == 2


def test_evaluate_scores_every_mode() -> None:
    scores = evaluate([_q("a")], lambda query, mode: ["a"] if mode == "bm25" else ["b", "a"])
    assert {s.mode: s.mrr for s in scores} == {"dense": 0.5, "bm25": 1.0, "hybrid": 0.5}


def test_mismatched_rankings_are_refused() -> None:
    with pytest.raises(ValueError):
        score_rankings("dense", [_q("a")], [])


def test_the_retrieval_set_has_at_least_85_distinct_questions() -> None:
    questions = load_retrieval_set()
    assert len(questions) >= 85
    assert len({q.q.lower() for q in questions}) == len(questions)


def test_every_relevant_passage_exists_in_the_pack() -> None:
    known = default_pack().by_id
    unknown = {p for q in load_retrieval_set() for p in q.relevant if p not in known}
    assert not unknown, f"retrieval.yaml names passages the pack lacks: {sorted(unknown)}"
