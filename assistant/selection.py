"""Which retrieved passages an answer shows. Pure.

Fused (RRF) scores order the candidates but say nothing about how well each one answers, so the
choice also reads each retriever's raw signal: a passage joins the answer only when its BM25 score
or dense similarity is close to the best candidate's. A passage whose words match far better than
the fused leader's (a trial name, an odds ratio) is never left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Floors below which a passage is not an answer at all (tuned on the out-of-scope set).
DENSE_FLOOR = 0.45
BM25_FLOOR = 3.0
# How close to the best a further passage must be to be shown.
BM25_CLOSE = 0.75
DENSE_CLOSE = 0.03
# A lexical match this much stronger than the fused leader's leads the answer instead.
LEXICAL_LEAD = 1.4


def _bm25(hit: Any) -> float:
    return float(getattr(hit, "bm25_score", None) or 0.0)


def _dense(hit: Any) -> float:
    return float(getattr(hit, "dense_similarity", None) or 0.0)


def is_relevant(hit: Any) -> bool:
    """A hit answers something when its words matched well or its meaning is close enough."""
    return _dense(hit) >= DENSE_FLOOR or _bm25(hit) >= BM25_FLOOR


def select_passages(hits: Sequence[Any], *, show: int, prefer_topics: Sequence[str] = ()) -> list[Any]:
    pool = [h for h in hits if is_relevant(h)]
    if not pool:
        return []
    if prefer_topics:
        # A definition or mechanism question is best answered by the passage that explains the term.
        preferred = [h for h in pool if set(getattr(h, "topics", ())) & set(prefer_topics)]
        pool = preferred + [h for h in pool if h not in preferred]
    best_bm25 = max(_bm25(h) for h in pool)
    best_dense = max(_dense(h) for h in pool)
    lexical = max(pool, key=_bm25)
    lead = lexical if _bm25(lexical) >= LEXICAL_LEAD * max(_bm25(pool[0]), 1e-9) else pool[0]
    chosen = [lead]
    for hit in pool:
        if len(chosen) >= show:
            break
        if hit in chosen:
            continue
        if _bm25(hit) >= BM25_CLOSE * best_bm25 or _dense(hit) >= best_dense - DENSE_CLOSE:
            chosen.append(hit)
    return chosen
