"""The second-stage ranker: its pure parts, and what it does on the real index."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.rerank import FEATURES, Candidate, LogisticReranker, agent_fit, coverage, feature_matrix
from knowledge.retrieval import HybridRetriever


def _candidate(**overrides: float) -> Candidate:
    values = {"dense_text": 0.5, "dense_question": 0.5, "bm25": 1.0, "bm25_question": 1.0, "coverage": 0.5,
              "agent_fit": 1.0}
    values.update(overrides)
    return Candidate(key="review/x", has_figure=True, fused_rank=1, **values)  # type: ignore[arg-type]


def test_feature_matrix_has_one_column_per_named_feature() -> None:
    matrix = feature_matrix([_candidate(), _candidate(bm25=3.0)], wants_figure=True)
    assert matrix.shape == (2, len(FEATURES))
    # BM25 is read against the pool's best, so the stronger lexical match gets 1.0.
    assert matrix[1, FEATURES.index("bm25_rel")] == 1.0
    assert matrix[0, FEATURES.index("bm25_rel")] == pytest.approx(1 / 3)


def test_figure_fit_needs_a_question_that_wants_a_figure() -> None:
    wanted = feature_matrix([_candidate()], wants_figure=True)[0, FEATURES.index("figure_fit")]
    not_wanted = feature_matrix([_candidate()], wants_figure=False)[0, FEATURES.index("figure_fit")]
    assert (wanted, not_wanted) == (1.0, 0.0)


def test_fit_is_deterministic_and_ranks_the_separable_class_first() -> None:
    rng = np.random.default_rng(7)
    positives = rng.normal(1.0, 0.3, size=(40, 3))
    negatives = rng.normal(-1.0, 0.3, size=(200, 3))
    features = np.vstack([positives, negatives])
    labels = np.r_[np.ones(40), np.zeros(200)]
    first = LogisticReranker.fit(features, labels, steps=500)
    second = LogisticReranker.fit(features, labels, steps=500)
    assert first == second
    scores = first.relevance(features)
    assert scores[:40].min() > scores[40:].max()
    assert ((scores >= 0) & (scores <= 1)).all()


def test_empty_feature_matrix_scores_nothing() -> None:
    model = LogisticReranker(weights=(1.0,) * len(FEATURES), bias=0.0)
    assert model.relevance(np.zeros((0, len(FEATURES)))).shape == (0,)


@pytest.mark.parametrize(
    ("query", "passage", "expected"),
    [
        (["sos", "inotuzumab"], {"sos", "inotuzumab", "hsct"}, 1.0),
        (["sos", "inotuzumab"], {"crs"}, 0.0),
        ([], {"sos"}, 0.0),
    ],
)
def test_coverage_is_the_share_of_the_questions_weighted_terms(query: list[str], passage: set[str],
                                                                expected: float) -> None:
    assert coverage(query, passage, {"sos": 2.0, "inotuzumab": 1.0, "crs": 1.0}) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("named", "concerns", "expected"),
    [((), ("blinatumomab",), 1.0), (("blinatumomab",), ("blinatumomab",), 1.0),
     (("blinatumomab", "tisagenlecleucel"), ("tisagenlecleucel",), 0.5), (("blinatumomab",), (), 0.0)],
)
def test_agent_fit_is_the_share_of_named_agents_the_passage_concerns(
    named: tuple[str, ...], concerns: tuple[str, ...], expected: float
) -> None:
    assert agent_fit(named, concerns) == expected


@pytest.mark.slow
def test_trained_ranker_puts_the_risk_factor_passages_first(real_retriever: HybridRetriever) -> None:
    assert real_retriever._snap.reranker is not None
    hits = real_retriever.search("what raises the risk of VOD after inotuzumab?", k=3)
    assert all(h.relevance is not None and 0 <= h.relevance <= 1 for h in hits)
    assert any("risk factor" in h.text.lower() or "odds ratio" in h.text.lower() for h in hits)


@pytest.mark.slow
def test_questions_are_indexed_beside_the_text(real_retriever: HybridRetriever) -> None:
    signals = real_retriever._snap.signals
    assert signals is not None
    assert len(signals.question_texts) == sum(len(p.questions) for p in real_retriever._snap.everything)
    assert len(signals.question_texts) >= 5 * len(real_retriever._snap.passages["review"])
