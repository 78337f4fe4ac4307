"""Second-stage ranking of the fused candidates: how well does each passage answer the question? Pure.

The first stage (BM25 and dense search fused by rank) finds candidates; its fused score is a rank,
not a relevance, so it cannot say "nothing here answers this". This stage scores every candidate
with a small logistic model over signals that each capture one way a passage answers a question:

- ``dense_text``: cosine similarity of the question to the passage text;
- ``dense_question``: the best similarity to one of the questions the passage answers (written
  from the passage in clinicians' words, so a question worded unlike the passage still meets it);
- ``bm25_rel`` and ``bm25_log``: the lexical score against the pool's best, and on its own scale;
- ``bm25_question``: the lexical score of the passage's best-matching question, against the pool's best;
- ``fused_rank``: the first stage's opinion, as 1 / rank;
- ``coverage``: the share of the question's informative terms (weighted by rarity) that the
  passage contains; a passage that answers must contain what the question is about;
- ``figure_fit``: the question asks for a figure and the passage states one;
- ``agent_fit``: the passage concerns the agents the question names (or the question names none).

The model is trained on the pack's own passage questions (each question's passage is the positive,
the other candidates the negatives), never on an evaluation set, so the output is a probability that
the passage answers, calibrated on questions of the field. Its threshold for "nothing answers this"
is chosen on the development split (see ``RELEVANCE_FLOOR``).

Why not a cross-encoder: the issue asks for one whose weights install from a registry package. No
PyPI, npm or Debian package ships cross-encoder weights (every reranker package found downloads its
model from a hub at run time, which this service must never do). The ``Reranker`` protocol lets a
cross-encoder replace this model once one can be installed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

FEATURES: tuple[str, ...] = (
    "dense_text",
    "dense_question",
    "bm25_rel",
    "bm25_log",
    "bm25_question",
    "fused_rank",
    "coverage",
    "figure_fit",
    "agent_fit",
)


@dataclass(frozen=True)
class Candidate:
    """One passage's raw signals for one question."""

    key: str
    dense_text: float
    dense_question: float
    bm25: float
    bm25_question: float
    fused_rank: int
    coverage: float
    has_figure: bool
    agent_fit: float


def feature_matrix(candidates: Sequence[Candidate], *, wants_figure: bool) -> npt.NDArray[np.float64]:
    best_bm25 = max((c.bm25 for c in candidates), default=0.0)
    best_question = max((c.bm25_question for c in candidates), default=0.0)
    rows = [
        [
            c.dense_text,
            c.dense_question,
            c.bm25 / best_bm25 if best_bm25 > 0 else 0.0,
            math.log1p(max(c.bm25, 0.0)),
            c.bm25_question / best_question if best_question > 0 else 0.0,
            1.0 / c.fused_rank,
            c.coverage,
            1.0 if (wants_figure and c.has_figure) else 0.0,
            c.agent_fit,
        ]
        for c in candidates
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(candidates), len(FEATURES))


class Reranker(Protocol):
    def relevance(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...


class LogisticReranker(BaseModel):
    """p(answers) = sigmoid(w . x + b), fitted by gradient descent with a small L2 penalty."""

    model_config = ConfigDict(frozen=True)

    weights: tuple[float, ...]
    bias: float
    features: tuple[str, ...] = FEATURES

    def relevance(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if features.size == 0:
            return np.zeros(0)
        z = features @ np.asarray(self.weights) + self.bias
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return result

    @classmethod
    def fit(
        cls,
        features: npt.NDArray[np.float64],
        labels: npt.NDArray[np.float64],
        *,
        l2: float = 1e-3,
        steps: int = 3000,
        learning_rate: float = 0.5,
    ) -> LogisticReranker:
        """Deterministic: full-batch gradient descent from zero, positives weighted to balance the classes."""
        n, d = features.shape
        positives = max(float(labels.sum()), 1.0)
        negatives = max(float(n - labels.sum()), 1.0)
        sample_weight = np.where(labels > 0, n / (2 * positives), n / (2 * negatives))
        w = np.zeros(d)
        b = 0.0
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(features @ w + b)))
            error = (p - labels) * sample_weight
            w -= learning_rate * (features.T @ error / n + l2 * w)
            b -= learning_rate * float(error.mean())
        return cls(weights=tuple(float(x) for x in w), bias=float(b))


def coverage(query_terms: Sequence[str], passage_terms: set[str], idf: dict[str, float]) -> float:
    """Share of the question's rarity-weighted terms found in the passage (0 when it has none)."""
    terms = list(dict.fromkeys(query_terms))
    total = sum(idf.get(t, 0.0) for t in terms)
    if total <= 0:
        return 0.0
    return sum(idf.get(t, 0.0) for t in terms if t in passage_terms) / total


def agent_fit(query_agents: Sequence[str], passage_agents: Sequence[str]) -> float:
    """1 when the passage concerns every agent named (or none is named), the share otherwise."""
    if not query_agents:
        return 1.0
    return len(set(query_agents) & set(passage_agents)) / len(set(query_agents))
