"""Retrieval quality with the real embedder over the shipped pack (issue 3's thresholds)."""

from __future__ import annotations

import pytest

from knowledge.eval import evaluate_retriever
from knowledge.evaluation import RetrievalScores
from knowledge.retrieval import HybridRetriever

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scores(real_retriever: HybridRetriever) -> dict[str, RetrievalScores]:
    return {s.mode: s for s in evaluate_retriever(real_retriever)}


def test_hybrid_recall_at_5_is_at_least_095(scores: dict[str, RetrievalScores]) -> None:
    assert scores["hybrid"].recall_at_5 >= 0.95, scores["hybrid"].misses


def test_hybrid_mrr_is_at_least_085(scores: dict[str, RetrievalScores]) -> None:
    assert scores["hybrid"].mrr >= 0.85


@pytest.mark.parametrize("single", ["dense", "bm25"])
def test_hybrid_beats_each_single_retriever(scores: dict[str, RetrievalScores], single: str) -> None:
    assert scores["hybrid"].mrr > scores[single].mrr
    assert scores["hybrid"].recall_at_5 >= scores[single].recall_at_5


def test_risk_factors_for_vod_after_inotuzumab_finds_sos_passages_first(
    real_retriever: HybridRetriever,
) -> None:
    hits = real_retriever.search("risk factors for VOD after inotuzumab", k=5)
    assert hits[0].passage_id.startswith("tox-sos-")
    assert {"tox-sos-02", "tox-sos-09"} & {h.passage_id for h in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how long does kymriah manufacturing take", "logistics-cart-01"),
        ("blinatumumab neurotoxicity in TOWER", "tox-icans-02"),
        ("CD22 negative escape on inotuzamab in kids", "antigen-cd22-03"),
    ],
)
def test_brand_names_and_misspellings_reach_the_answer(
    real_retriever: HybridRetriever, query: str, expected: str
) -> None:
    assert expected in [h.passage_id for h in real_retriever.search(query, k=3)]
