"""Passages for a question: each part of a multi-part question searched on its own, then interleaved.

Pure orchestration over any retriever with ``search(query, k=...)``; the engine and the evaluation
use this one function, so the figures measure what the chat does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from assistant.understanding.parts import split_question


class Retriever(Protocol):
    def search(self, query: str, *, k: int = 5, source: str | None = None) -> Sequence[Any]: ...


def retrieve(retriever: Retriever, question: str, *, k: int = 5, source: str | None = None) -> list[Any]:
    """The ``k`` best passages for ``question`` (of one ``source`` if named); a question of several
    parts gets the best of each part first, in turn, so no part goes unanswered."""

    def search(query: str) -> list[Any]:
        return list(retriever.search(query, k=k, source=source))

    parts = split_question(question)
    if len(parts) == 1:
        return search(question)
    ranked = [search(part) for part in parts]
    chosen: list[Any] = []
    seen: set[str] = set()
    for depth in range(k):
        for hits in ranked:
            if depth < len(hits) and hits[depth].passage_id not in seen and len(chosen) < k:
                seen.add(hits[depth].passage_id)
                chosen.append(hits[depth])
    return chosen
