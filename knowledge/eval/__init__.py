"""The project's evaluation sets, as reviewable YAML beside this module."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from knowledge.evaluation import EvalQuestion, RetrievalScores, evaluate
from knowledge.store import REVIEW_SOURCE

if TYPE_CHECKING:
    from knowledge.retrieval import HybridRetriever

RETRIEVAL_SET = Path(__file__).resolve().parent / "retrieval.yaml"
MRR_DEPTH = 20


def load_retrieval_set(path: Path = RETRIEVAL_SET) -> list[EvalQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [EvalQuestion.model_validate(item) for item in data["questions"]]


def evaluate_retriever(
    retriever: HybridRetriever, questions: list[EvalQuestion] | None = None
) -> list[RetrievalScores]:
    """Recall@1, recall@5 and MRR of the dense, BM25 and hybrid modes on the retrieval set."""
    questions = questions if questions is not None else load_retrieval_set()

    def search(query: str, mode: str) -> list[str]:
        # MRR looks past the top 5, so rank deeper than any answer shows. The set's answers are review
        # passages and the chat's "What the review reports" searches the review alone, so the review is
        # what is measured; the dated updates layer has its own tests (tests/knowledge/test_updates_source.py).
        hits = retriever.search(query, k=MRR_DEPTH, mode=mode, source=REVIEW_SOURCE)  # type: ignore[arg-type]
        return [hit.passage_id for hit in hits]

    return evaluate(questions, search)
