"""Hybrid retrieval: dense (chromadb) and BM25 (bm25s) rankings fused by reciprocal rank fusion.

A query is normalised first (knowledge.normalize): the embedder sees the user's words plus the full
names of abbreviations and brands; BM25 sees canonical tokens. Each search embeds the query once and
asks every source's collection with the same vector.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from pydantic import BaseModel, Field

from knowledge.fusion import DEFAULT_K, reciprocal_rank_fusion
from knowledge.lexical import LexicalIndex
from knowledge.normalize import analyze, canonical_agent, mentioned_agents, normalize_query
from knowledge.ranking_signals import Signals, build_signals, train_reranker
from knowledge.rerank import FEATURES, LogisticReranker
from knowledge.store import (
    REVIEW_SOURCE,
    IndexedPassage,
    NamedEmbedder,
    content_hash,
    ensure_collection,
    lexical_text,
    record_passage_id,
    validate_source_name,
    where_filter,
)

if TYPE_CHECKING:
    from langchain_core.retrievers import BaseRetriever

Mode = Literal["hybrid", "fused", "dense", "bm25"]
# How deep each retriever's ranking goes into the fusion. Depths of 20, 40 and the whole pack gave
# the same figures on the retrieval set; a bounded dense query keeps chromadb fast as sources grow.
CANDIDATE_DEPTH = 40
# The dense list counts three quarters of the BM25 list in the fusion. MiniLM is a general-domain
# model that has never seen most of the field's shorthand, while BM25 matches canonical terms; on
# knowledge/eval/retrieval.yaml dense alone had MRR 0.74 against BM25's 0.85. At k=60, equal weights
# gave hybrid recall@5 0.961 (losing questions BM25 ranked first and dense ~12th); 0.75 and 0.5 both
# gave 0.984, at every k from 10 to 60, so the milder of the two is used.
DENSE_WEIGHT = 0.75
# How many fused candidates the second stage scores. The answer is nearly always in the first 20 of
# the fused list; scoring more costs little but gives the model more chances to be wrong.
RERANK_DEPTH = 24
RERANK_WEIGHT = 1.0


class SearchHit(BaseModel):
    passage_id: str
    section: str
    text: str
    agents: list[str]
    topics: list[str]
    refs: list[int]
    source: str
    score: float = Field(description="hybrid: fused RRF score; dense: cosine similarity; bm25: BM25 score")
    dense_rank: int | None = Field(default=None, description="1-based rank in the dense list, if in it")
    bm25_rank: int | None = Field(default=None, description="1-based rank in the BM25 list, if in it")
    # Fused scores are ranks, not relevance: callers that must judge "is this an answer at all"
    # read the raw signals instead.
    dense_similarity: float | None = Field(default=None, description="cosine similarity, if ranked densely")
    bm25_score: float | None = Field(default=None, description="BM25 score, if the passage matched a term")
    relevance: float | None = Field(
        default=None, description="hybrid: the second stage's probability that the passage answers the query"
    )


def _key(passage: IndexedPassage) -> str:
    return f"{passage.source}/{passage.passage_id}"


@dataclass(frozen=True)
class _Snapshot:
    """Everything a search reads, replaced as a whole when a source is added (no torn reads)."""

    collections: dict[str, Collection] = field(default_factory=dict)
    passages: dict[str, tuple[IndexedPassage, ...]] = field(default_factory=dict)
    everything: tuple[IndexedPassage, ...] = ()
    by_key: dict[str, IndexedPassage] = field(default_factory=dict)
    lexical: LexicalIndex = field(default_factory=lambda: LexicalIndex([]))
    signals: Signals | None = None
    reranker: LogisticReranker | None = None
    # One BM25 index per source too, so a search of one source scores with that source's own term
    # statistics: adding the updates layer leaves a review-only search exactly as it was.
    lexical_by_source: dict[str, LexicalIndex] = field(default_factory=dict)


class _Signals:
    """Each retriever's rank and raw score per passage, for the hits of one search."""

    def __init__(self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> None:
        self.dense = {key: (rank, score) for rank, (key, score) in enumerate(dense, start=1)}
        self.lexical = {key: (rank, score) for rank, (key, score) in enumerate(lexical, start=1)}

    def hit(self, p: IndexedPassage, score: float, relevance: float | None = None) -> SearchHit:
        dense_rank, similarity = self.dense.get(_key(p), (None, None))
        bm25_rank, bm25_score = self.lexical.get(_key(p), (None, None))
        return SearchHit(
            passage_id=p.passage_id, section=p.section, text=p.text, agents=list(p.agents),
            topics=list(p.topics), refs=list(p.refs), source=p.source, score=round(score, 6),
            dense_rank=dense_rank, bm25_rank=bm25_rank,
            dense_similarity=None if similarity is None else round(similarity, 6),
            bm25_score=None if bm25_score is None else round(bm25_score, 6),
            relevance=None if relevance is None else round(relevance, 6),
        )


class HybridRetriever:
    """Search over the review and any ingested sources. Safe to share between request threads."""

    def __init__(
        self,
        client: ClientAPI,
        embedder: NamedEmbedder,
        *,
        fusion_k: float = DEFAULT_K,
        dense_weight: float = DENSE_WEIGHT,
        cache_dir: Path | None = None,
    ) -> None:
        self.client = client
        self.embedder = embedder
        # Where the fitted second stage is kept between starts (it depends only on what is indexed).
        self.cache_dir = cache_dir
        self.fusion_k = fusion_k
        self.dense_weight = dense_weight
        self._lock = threading.Lock()
        self._snap = _Snapshot()

    # -- building -----------------------------------------------------------------------------
    def attach(self, source: str, collection: Collection, passages: Sequence[IndexedPassage]) -> None:
        """Register a built collection and its passages, and rebuild the in-memory BM25 index."""
        with self._lock:
            old = self._snap
            by_source = {**old.passages, source: tuple(passages)}
            everything = tuple(p for group in by_source.values() for p in group)
            collections = {**old.collections, source: collection}
            keys = [_key(p) for p in everything]
            signals = build_signals(everything, keys, collections, analyze)
            self._snap = _Snapshot(
                collections=collections,
                passages=by_source,
                everything=everything,
                by_key=dict(zip(keys, everything, strict=True)),
                lexical=signals.lexical,
                signals=signals,
                # Fitted once for what is indexed (a second or two on the pack's ~800 questions) and
                # kept beside the index, so workers and restarts load it instead.
                reranker=self._reranker(signals, [c.name for c in collections.values()]) or old.reranker,
                lexical_by_source={
                    **old.lexical_by_source, source: LexicalIndex([lexical_text(p) for p in passages])
                },
            )

    def _reranker(self, signals: Signals, collection_names: list[str]) -> LogisticReranker | None:
        # The key changes with what is indexed and with the model's features, so a stale file is never read.
        key = hashlib.sha256("\0".join([*sorted(collection_names), *FEATURES]).encode()).hexdigest()[:16]
        path = self.cache_dir / f"reranker-{key}.json" if self.cache_dir is not None else None
        if path is not None and path.exists():
            try:
                return LogisticReranker.model_validate_json(path.read_text(encoding="utf-8"))
            except ValueError:
                pass  # a torn or stale file is refitted below
        model = train_reranker(signals)
        if model is not None and path is not None:
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(model.model_dump_json(), encoding="utf-8")
            tmp.replace(path)
        return model

    def add_source(self, name: str, passages: Sequence[Any]) -> int:
        """Index an ingested document's passages (objects with id, section, text, refs) as source ``name``."""
        validate_source_name(name)
        if name == REVIEW_SOURCE:
            raise ValueError(f"source name {REVIEW_SOURCE!r} is reserved for the knowledge pack")
        indexed = [IndexedPassage.from_any(p, source=name) for p in passages]
        # An ingested document carries no agent tags; read them from the text so agent filters work.
        indexed = [
            p if p.agents else p.model_copy(update={"agents": mentioned_agents(p.text)}) for p in indexed
        ]
        ids = [p.passage_id for p in indexed]
        if len(set(ids)) != len(ids):
            raise ValueError(f"source {name!r}: passage ids must be unique")
        collection, _ = ensure_collection(
            self.client, source=name, passages=indexed, embedder=self.embedder,
            source_hash=content_hash(indexed), rebuild=True,
        )
        self.attach(name, collection, indexed)
        return len(indexed)

    # -- reading ------------------------------------------------------------------------------
    @property
    def sources(self) -> list[str]:
        return list(self._snap.passages)

    def count(self, source: str) -> int:
        """How many passages the source has indexed (0 for an unknown source)."""
        return len(self._snap.passages.get(source, ()))

    @property
    def collection_names(self) -> list[str]:
        return [c.name for c in self._snap.collections.values()]

    @property
    def sections(self) -> list[str]:
        return sorted({p.section for p in self._snap.everything})

    @property
    def known_terms(self) -> frozenset[str]:
        """Every BM25 term that some indexed passage contains (what a question can be answered about)."""
        signals = self._snap.signals
        return signals.known_terms if signals is not None else frozenset()

    def __len__(self) -> int:
        return len(self._snap.everything)

    def get(self, passage_id: str, *, source: str | None = None) -> IndexedPassage | None:
        """A passage by id; the review's passage wins if an ingested source reuses the id."""
        for name in ([source] if source else [REVIEW_SOURCE, *self._snap.passages]):
            found = self._snap.by_key.get(f"{name}/{passage_id}")
            if found is not None:
                return found
        return None

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        agents: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
        source: str | None = None,
        mode: Mode = "hybrid",
    ) -> list[SearchHit]:
        """The ``k`` passages that best answer ``query``; filters narrow the candidates first.

        Raises ValueError for an unknown agent, section, source or mode.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        if mode not in ("hybrid", "fused", "dense", "bm25"):
            raise ValueError(f"unknown mode {mode!r}; use hybrid, fused, dense or bm25")
        snap = self._snap
        agent_names = self._resolve_agents(agents or ())
        section_names = self._resolve_sections(sections or ())
        if source is not None and source not in snap.passages:
            raise ValueError(f"unknown source {source!r}; indexed: {', '.join(snap.passages)}")
        allowed = [
            p for p in snap.everything
            if (source is None or p.source == source)
            and (not agent_names or set(agent_names) & set(p.agents))
            and (not section_names or p.section in section_names)
        ]
        if not allowed or not query.strip():
            return []
        depth = max(CANDIDATE_DEPTH, k)
        allowed_keys = {_key(p) for p in allowed}
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        vector = None
        if mode != "bm25":
            vector = self._vector(query)
            dense = self._dense(snap, vector, depth, where_filter(agent_names, section_names), source)
        # The same BM25 scores feed the first stage's lists and the second stage's signals: read them once.
        text_scores = snap.lexical.scores(query) if mode != "dense" and source is None else None
        if mode != "dense":
            lexical = self._bm25(snap, query, depth, allowed_keys, source, scores=text_scores)
        signals = _Signals(dense, lexical)
        if mode in ("dense", "bm25"):
            ranked = dense or lexical
            return [signals.hit(snap.by_key[key], score) for key, score in ranked[:k]]
        question_scores = snap.signals.question_scores(query) if snap.signals else None
        asked = snap.signals.question_ranking(question_scores, depth, allowed_keys) \
            if snap.signals and question_scores is not None else []
        ranked = reciprocal_rank_fusion(
            [[key for key, _ in dense], [key for key, _ in lexical], [key for key, _ in asked]],
            k=self.fusion_k,
            weights=[self.dense_weight, 1.0, self.dense_weight],
        )
        if mode == "fused" or snap.reranker is None or snap.signals is None or vector is None:
            return [signals.hit(snap.by_key[key], score) for key, score in ranked[:k]]
        pool = ranked[: max(RERANK_DEPTH, k)]
        relevance = snap.signals.relevance(snap.reranker, query, vector, [key for key, _ in pool],
                                           text_scores=text_scores, question_scores=question_scores)
        # The second stage re-orders the pool together with the first stage's order (fused by rank
        # again), not alone: on the development split either alone lost questions the other kept.
        by_relevance = sorted(range(len(pool)), key=lambda i: (-relevance[i], i))
        blended = reciprocal_rank_fusion([list(range(len(pool))), by_relevance], k=self.fusion_k,
                                         weights=[1.0, RERANK_WEIGHT])
        order = [i for i, _ in blended]
        return [signals.hit(snap.by_key[pool[i][0]], pool[i][1], float(relevance[i])) for i in order[:k]]

    def _vector(self, query: str) -> list[float]:
        return [float(x) for x in self.embedder([normalize_query(query)])[0]]

    def _dense(
        self, snap: _Snapshot, vector: list[float], depth: int, where: dict[str, Any] | None, source: str | None
    ) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for name, collection in snap.collections.items():
            if source is not None and name != source:
                continue
            # Each passage has its text and its questions as records: ask deep enough that the
            # question records of a few passages cannot crowd the others out.
            records = collection.count()
            result = collection.query(
                query_embeddings=vector, n_results=min(depth * 4, records) or 1,
                where=where, include=["distances"],
            )
            distances = (result["distances"] or [[]])[0]
            # Cosine distance is comparable across collections: they share one embedder. A passage
            # counts at its best record, its text or one of its questions.
            for record_id, d in zip(result["ids"][0], distances, strict=True):
                key = f"{name}/{record_passage_id(record_id)}"
                best[key] = max(best.get(key, -1.0), 1.0 - float(d))
        found = sorted(best.items(), key=lambda item: -item[1])
        return found[:depth]

    def _bm25(
        self, snap: _Snapshot, query: str, depth: int, allowed: set[str], source: str | None = None,
        *, scores: npt.NDArray[np.float32] | None = None,
    ) -> list[tuple[str, float]]:
        index_of, passages = (snap.lexical, snap.everything) if source is None else (
            snap.lexical_by_source[source], snap.passages[source])
        if scores is None:
            scores = index_of.scores(query)
        order = np.argsort(-scores, kind="stable")
        found: list[tuple[str, float]] = []
        for index in order:
            if scores[index] <= 0 or len(found) >= depth:
                break  # a passage sharing no term with the query is not a BM25 match
            key = _key(passages[index])
            if key in allowed:
                found.append((key, float(scores[index])))
        return found

    def _resolve_agents(self, agents: Sequence[str]) -> list[str]:
        resolved = []
        for agent in agents:
            name = canonical_agent(agent)
            if name is None:
                raise ValueError(
                    f"unknown agent {agent!r}; use blinatumomab, inotuzumab_ozogamicin or tisagenlecleucel"
                )
            resolved.append(name)
        return resolved

    def _resolve_sections(self, sections: Sequence[str]) -> list[str]:
        known = {s.lower(): s for s in self.sections}
        resolved = []
        for section in sections:
            if section.lower() not in known:
                raise ValueError(f"unknown section {section!r}; indexed sections: {', '.join(self.sections)}")
            resolved.append(known[section.lower()])
        return resolved

    def as_langchain_retriever(self, k: int = 5, **filters: Any) -> BaseRetriever:
        """This retriever as a langchain-core ``BaseRetriever`` (filters: agents, sections, source, mode)."""
        from knowledge.langchain_retriever import PassageRetriever

        return PassageRetriever(retriever=self, k=k, filters=filters)
