"""The in-memory side of ranking: each passage's vectors, terms and questions, read once per snapshot.

The chromadb collections hold every passage's text embedding and the embeddings of the questions it
answers. For the second stage (``knowledge.rerank``) those vectors are loaded into matrices once,
when a source is attached, so scoring a candidate is a dot product rather than another query. The
questions also get a BM25 index of their own: a question typed by a user is worded like the
questions written for a passage far more often than like its text.

``train_reranker`` fits the second stage on the pack's own questions: each question is asked as a
query against everything, its own passage is the positive, the other candidates are negatives. The
signals that come from the questions themselves are computed leaving that question out, so the
model learns how much a *similar* question is worth, not how much the same question is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.fusion import reciprocal_rank_fusion
from knowledge.lexical import LexicalIndex
from knowledge.normalize import TERM_WORD, mentioned_agents, phrase_acronyms
from knowledge.rerank import Candidate, LogisticReranker, agent_fit, coverage, feature_matrix
from knowledge.store import IndexedPassage, lexical_text, record_passage_id

FloatMatrix = npt.NDArray[np.float64]

# A question wants a figure when it asks how often, how many, what share, a rate, a survival...
_WANTS_FIGURE = re.compile(
    r"\b(?:rates?|how\s+(?:often|many|common|much|long|frequent\w*)|what\s+(?:share|fraction|proportion|percent\w*"
    r"|number)|proportion|percent\w*|%|median|odds|hazard|survival|os|efs|rfs|incidence|frequency|cr|cri|crh|"
    r"response|remission|mrd[\s-]?neg\w*|risk|figures?|numbers?|times|weeks|months|years?|when)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"\d(?:[\d.,]*)\s*(?:%|percent|months?|weeks?|years?|days?|patients|of\s+\d)|\b(?:OR|HR|P)\s*[=<]?\s*\.?\d"
)



def wants_figure(query: str) -> bool:
    return bool(_WANTS_FIGURE.search(query))


def has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text))


@dataclass
class Signals:
    keys: list[str]
    text_vectors: FloatMatrix  # one row per passage (zero where the store gave none)
    question_vectors: FloatMatrix  # one row per question
    question_owner: npt.NDArray[np.int64]  # passage index of each question
    question_texts: list[str]
    lexical: LexicalIndex
    question_lexical: LexicalIndex
    terms: list[set[str]]
    idf: dict[str, float]
    figures: list[bool]
    agents: list[tuple[str, ...]]
    analyze: Callable[..., list[str]]

    known_terms: frozenset[str] = frozenset()  # every term some indexed passage contains
    position: dict[str, int] = field(default_factory=dict)  # key -> row of the matrices

    def question_scores(self, query: str) -> FloatMatrix:
        """The BM25 score of every indexed question for ``query`` (both stages read it: compute once)."""
        return self.question_lexical.scores(query).astype(np.float64)

    # -- the first stage's third list -----------------------------------------------------------
    def question_ranking(self, question_scores: FloatMatrix, depth: int, allowed: set[str]) -> list[tuple[str, float]]:
        """Passages by the BM25 score of their best-matching question (``question_scores`` from
        ``question_scores(query)``)."""
        if not len(self.question_owner):
            return []
        per_passage = self._max_per_passage(question_scores)
        order = np.argsort(-per_passage, kind="stable")
        found: list[tuple[str, float]] = []
        for index in order:
            if per_passage[index] <= 0 or len(found) >= depth:
                break
            if self.keys[index] in allowed:
                found.append((self.keys[index], float(per_passage[index])))
        return found

    def _max_per_passage(self, question_scores: npt.NDArray[np.float64], *, leave_out: int = -1) -> FloatMatrix:
        best = np.full(len(self.keys), -np.inf)
        scores = question_scores.copy()
        if leave_out >= 0:
            scores[leave_out] = -np.inf
        np.maximum.at(best, self.question_owner, scores)
        return best

    # -- the second stage -------------------------------------------------------------------------
    def candidates(
        self,
        query: str,
        vector: npt.NDArray[np.float64],
        indices: Sequence[int],
        *,
        leave_out: int = -1,
        text_scores: npt.NDArray[np.float32] | None = None,
        question_scores: FloatMatrix | None = None,
    ) -> list[Candidate]:
        """Each passage's raw signals; the BM25 scores may be handed in when the caller has them already."""
        text_sims = self.text_vectors[list(indices)] @ vector if len(indices) else np.zeros(0)
        question_sims = (
            self._max_per_passage(self.question_vectors @ vector, leave_out=leave_out)
            if len(self.question_owner) else np.full(len(self.keys), -np.inf)
        )
        bm25 = self.lexical.scores(query) if text_scores is None else text_scores
        if question_scores is None and len(self.question_owner):
            question_scores = self.question_scores(query)
        bm25_question = (
            self._max_per_passage(question_scores, leave_out=leave_out)
            if question_scores is not None else np.zeros(len(self.keys))
        )
        query_terms = self.analyze(query, query=True)
        named = mentioned_agents(query)
        out = []
        for row, index in enumerate(indices):
            text_sim = float(text_sims[row])
            question_sim = float(question_sims[index])
            out.append(
                Candidate(
                    key=self.keys[index],
                    dense_text=text_sim,
                    # A passage without questions (an ingested source) is judged by its text alone.
                    dense_question=question_sim if np.isfinite(question_sim) else text_sim,
                    bm25=float(bm25[index]),
                    bm25_question=max(float(bm25_question[index]), 0.0),
                    fused_rank=row + 1,
                    coverage=coverage(query_terms, self.terms[index], self.idf),
                    has_figure=self.figures[index],
                    agent_fit=agent_fit(named, self.agents[index]),
                )
            )
        return out

    def relevance(
        self,
        model: LogisticReranker,
        query: str,
        vector: Sequence[float],
        keys: Sequence[str],
        *,
        text_scores: npt.NDArray[np.float32] | None = None,
        question_scores: FloatMatrix | None = None,
    ) -> FloatMatrix:
        indices = [self.position[key] for key in keys]
        found = self.candidates(query, np.asarray(vector, dtype=np.float64), indices,
                                text_scores=text_scores, question_scores=question_scores)
        return model.relevance(feature_matrix(found, wants_figure=wants_figure(query)))


def _vectors(collections: Mapping[str, Any], keys: list[str]) -> tuple[FloatMatrix, list[tuple[int, FloatMatrix]]]:
    """Text vectors in ``keys`` order, and (passage index, vector) for every question record."""
    position = {key: i for i, key in enumerate(keys)}
    text: dict[int, FloatMatrix] = {}
    questions: list[tuple[int, FloatMatrix]] = []
    for source, collection in collections.items():
        records = collection.get(include=["embeddings", "metadatas"])
        embeddings = records.get("embeddings")
        if embeddings is None:
            continue
        for record_id, embedding, meta in zip(records["ids"], embeddings, records["metadatas"] or [], strict=False):
            index = position.get(f"{source}/{record_passage_id(record_id)}")
            if index is None:
                continue
            vector = np.asarray(embedding, dtype=np.float64)
            if (meta or {}).get("record") == "question":
                questions.append((index, vector))
            else:
                text[index] = vector
    dims = next(iter(text.values())).shape[0] if text else 1
    matrix = np.zeros((len(keys), dims))
    for index, vector in text.items():
        matrix[index] = vector
    return matrix, questions


def build_signals(
    passages: Sequence[IndexedPassage],
    keys: list[str],
    collections: Mapping[str, Any],
    analyze: Callable[..., list[str]],
) -> Signals:
    text_vectors, question_records = _vectors(collections, keys)
    # Question text in record order: the same order as the store wrote them for each passage.
    question_texts: list[str] = []
    owners: list[int] = []
    vectors: list[FloatMatrix] = []
    by_passage: dict[int, list[FloatMatrix]] = {}
    for index, vector in question_records:
        by_passage.setdefault(index, []).append(vector)
    for index, passage in enumerate(passages):
        stored = by_passage.get(index, [])
        for number, question in enumerate(passage.questions[: len(stored)]):
            question_texts.append(question)
            owners.append(index)
            vectors.append(stored[number])
    terms = [set(analyze(lexical_text(p))) for p in passages]
    document_frequency: dict[str, int] = {}
    for passage_terms in terms:
        for term in passage_terms:
            document_frequency[term] = document_frequency.get(term, 0) + 1
    n = max(len(passages), 1)
    # (terms of three letters or more: two-letter pieces would let a compound read as known, "cartox" as
    # "cart"+"ox"), and the words as written, so a misspelling is matched to "transplant" even where
    # the analysis names it "hsct"
    words = {word for p in passages for text in (p.text, *p.questions) for word in TERM_WORD.findall(text)}
    alone = {t for word in words for t in analyze(word) if len(t) >= 3} | {w.lower() for w in words if len(w) >= 4}
    idf = {t: float(np.log(1 + (n - df + 0.5) / (df + 0.5))) for t, df in document_frequency.items()}
    return Signals(
        keys=keys,
        text_vectors=text_vectors,
        question_vectors=np.vstack(vectors) if vectors else np.zeros((0, text_vectors.shape[1])),
        question_owner=np.asarray(owners, dtype=np.int64),
        question_texts=question_texts,
        # An abbreviation of a phrase some passage spells out is a known term too ("PFS"), and so is
        # every word a passage or its questions use, read alone: in context "antibody-drug conjugate"
        # folds into the drug's name, but "the CD22 conjugate" uses a word the review uses.
        known_terms=frozenset(idf).union(*(analyze(a) for p in passages for a in phrase_acronyms(p.text)), alone),
        position={key: i for i, key in enumerate(keys)},
        lexical=LexicalIndex([lexical_text(p) for p in passages]),
        question_lexical=LexicalIndex(question_texts),
        terms=terms,
        idf=idf,
        figures=[has_figure(p.text) for p in passages],
        agents=[tuple(p.agents) for p in passages],
        analyze=analyze,
    )


TRAINING_DEPTH = 24


def training_rows(signals: Signals) -> tuple[FloatMatrix, FloatMatrix]:
    """Features and labels from the passages' own questions, each asked with itself left out."""
    rows: list[FloatMatrix] = []
    labels: list[float] = []
    for q_index, (owner, question) in enumerate(zip(signals.question_owner, signals.question_texts, strict=True)):
        vector = signals.question_vectors[q_index]
        text_rank = np.argsort(-(signals.text_vectors @ vector), kind="stable")[:TRAINING_DEPTH]
        question_sims = signals._max_per_passage(signals.question_vectors @ vector, leave_out=q_index)
        question_rank = np.argsort(-question_sims, kind="stable")[:TRAINING_DEPTH]
        bm25_rank = np.argsort(-signals.lexical.scores(question), kind="stable")[:TRAINING_DEPTH]
        asked = signals._max_per_passage(
            signals.question_lexical.scores(question).astype(np.float64), leave_out=q_index
        )
        asked_rank = [int(i) for i in np.argsort(-asked, kind="stable")[:TRAINING_DEPTH] if asked[i] > 0]
        # The same three lists, weighted as at query time (dense lists at 0.75 of the lexical ones).
        fused = reciprocal_rank_fusion(
            [list(text_rank), list(bm25_rank), asked_rank, list(question_rank)], weights=[0.375, 1.0, 0.75, 0.375]
        )
        pool = [int(i) for i, _ in fused[:TRAINING_DEPTH]]
        if int(owner) not in pool:
            pool.append(int(owner))
        found = signals.candidates(question, vector, pool, leave_out=q_index)
        rows.append(feature_matrix(found, wants_figure=wants_figure(question)))
        labels.extend(1.0 if index == int(owner) else 0.0 for index in pool)
    if not rows:
        return np.zeros((0, 0)), np.zeros(0)
    return np.vstack(rows), np.asarray(labels)


def train_reranker(signals: Signals) -> LogisticReranker | None:
    """The second stage fitted on the passages' questions; None when there are too few to learn from
    (an index of ingested documents only keeps the fused order)."""
    if len(signals.question_owner) < 50:
        return None
    features, labels = training_rows(signals)
    if not len(labels) or labels.sum() == 0:
        return None
    return LogisticReranker.fit(features, labels)
