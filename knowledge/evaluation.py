"""Retrieval metrics: recall@k and mean reciprocal rank over a question set. Pure: no I/O.

A question is answered at k when any of its relevant passages is among the first k results
(hit rate, the usual reading of recall@k for question sets where one passage suffices).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field


class EvalQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str = Field(min_length=1, description="The question as a clinician would type it")
    relevant: tuple[str, ...] = Field(min_length=1, description="Passage ids that answer it")


class RetrievalScores(BaseModel):
    mode: str
    questions: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: list[str] = Field(default_factory=list, description="Questions not answered in the top 5")


def first_relevant_rank(ranked_ids: Sequence[str], relevant: Sequence[str]) -> int | None:
    """1-based position of the first relevant id, or None."""
    wanted = set(relevant)
    for rank, passage_id in enumerate(ranked_ids, start=1):
        if passage_id in wanted:
            return rank
    return None


def score_rankings(
    mode: str, questions: Sequence[EvalQuestion], rankings: Sequence[Sequence[str]]
) -> RetrievalScores:
    """Recall@1, recall@5 and MRR of ``rankings[i]`` (ranked passage ids) for ``questions[i]``."""
    if len(questions) != len(rankings) or not questions:
        raise ValueError("need one ranking per question, and at least one question")
    ranks = [first_relevant_rank(r, q.relevant) for q, r in zip(questions, rankings, strict=True)]
    n = len(questions)
    return RetrievalScores(
        mode=mode,
        questions=n,
        recall_at_1=sum(1 for r in ranks if r == 1) / n,
        recall_at_5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1.0 / r for r in ranks if r is not None) / n,
        misses=[q.q for q, r in zip(questions, ranks, strict=True) if r is None or r > 5],
    )


def evaluate(
    questions: Sequence[EvalQuestion],
    search: Callable[[str, str], Sequence[str]],
    *,
    modes: Sequence[str] = ("dense", "bm25", "hybrid"),
) -> list[RetrievalScores]:
    """Score each mode; ``search(question, mode)`` returns ranked passage ids (MRR reads its whole list)."""
    return [score_rankings(mode, questions, [search(q.q, mode) for q in questions]) for mode in modes]
