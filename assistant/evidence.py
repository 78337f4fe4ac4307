"""Passages for a question: each part of a multi-part question searched on its own, then interleaved.

Pure orchestration over any retriever with ``search(query, k=...)``; the engine and the evaluation
use this one function, so the figures measure what the chat does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.understanding.parts import split_question, without_set_aside

# A question may say which part of the review it means ("according to the abstract", "per the
# conclusion", "in Table 1"). Those parts are places, not topics, so their passages share no words
# with the question; the part's own passages are put first.
_PART_NAMED = re.compile(
    r"\b(?:(?:according\s+to|per|in|from|by|the|review'?s?|paper'?s?|article'?s?|authors'?)\s+)+(?:the\s+)?"
    r"(?P<part>abstract|intro(?:duction)?|conclusions?|closing\s+(?:section|remarks|paragraph)|table\s*1|table)\b",
    re.IGNORECASE,
)
_SECTION_OF_PART = {"abstract": "Abstract", "intro": "Introduction", "introduction": "Introduction",
                    "conclusion": "Conclusion", "conclusions": "Conclusion", "table": "Table 1", "table1": "Table 1"}
PART_DEPTH = 24


def named_part(question: str) -> str | None:
    """The section of the review a question names as where to look, if any."""
    match = _PART_NAMED.search(question)
    if not match:
        return None
    word = re.sub(r"\s+", "", match.group("part").lower())
    return _SECTION_OF_PART.get(word, "Conclusion" if word.startswith("closing") else None)


class Retriever(Protocol):
    def search(self, query: str, *, k: int = 5, source: str | None = None) -> Sequence[Any]: ...


def retrieve(retriever: Retriever, question: str, *, k: int = 5, source: str | None = None,
             parts: list[str] | None = None) -> list[Any]:
    """The ``k`` best passages for ``question`` (of one ``source`` if named); a question of several
    parts gets the best of each part first, in turn, so no part goes unanswered. A caller that has
    already split the question passes its ``parts``, so the split is done once per turn."""

    part = named_part(question)

    def search(query: str) -> list[Any]:
        query = without_set_aside(query)
        if part is None:
            return list(retriever.search(query, k=k, source=source))
        hits = list(retriever.search(query, k=max(k, PART_DEPTH), source=source))
        return ([h for h in hits if getattr(h, "section", None) == part]
                + [h for h in hits if getattr(h, "section", None) != part])[:k]

    if parts is None:
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
