"""BM25 over the indexed passages (bm25s), tokenised with the field's vocabulary (knowledge.normalize).

chromadb's local mode has no sparse index, so the lexical side lives in memory beside it. It is
rebuilt from the passages at every start: a few hundred passages index in milliseconds, which is
cheaper than keeping a second on-disk index in step with the collection.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt

from knowledge.normalize import analyze


class LexicalIndex:
    """Scores every passage for a query; the caller masks and sorts (filters need all scores)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        self._vocab: dict[str, int] = {}
        if texts:
            self._bm25.index([analyze(t) for t in texts], show_progress=False)
            self._vocab = dict(self._bm25.vocab_dict)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of each passage, in the order the texts were given; 0 where no term matches."""
        ids = [self._vocab[t] for t in analyze(query, query=True) if t in self._vocab]
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        result: npt.NDArray[np.float32] = np.asarray(
            self._bm25.get_scores_from_ids(ids), dtype=np.float32
        )
        return result
