"""The naive-RAG peer on the same questions: the review cut into 800-character chunks, MiniLM, top 5.

    python benchmarks/naive_rag_peer.py [--seed ../shared/seeds/000_cd4cf317bea96a14.txt]

What a team would get by pointing a generic retrieval pipeline at the review: fixed-size chunks of
the article's own text (so its exact wording, which favours the peer on questions that ask for a
term), embedded with the same MiniLM model, and the five nearest chunks. Beside it, this project's
retrieval (passages in our own words with their questions, BM25 and dense fused, a second stage,
multi-part questions split). Both are scored by the held-out split's measure: a question counts when
every asked-for fact appears in the text of the five results. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from assistant.evidence import retrieve
from assistant.heldout import HELDOUT_DIRS, load_development, load_heldout, missing_groups
from knowledge.embedder import MiniLMEmbeddingFunction
from knowledge.index import open_retriever
from knowledge.pack import default_pack

CHUNK = 800
DEFAULT_SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_cd4cf317bea96a14.txt"


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """Consecutive 800-character pieces of the article (no overlap, no respect for sentences)."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="the review as text")
    args = parser.parse_args()
    embedder = MiniLMEmbeddingFunction()
    pieces = chunks(args.seed.read_text(encoding="utf-8"))
    matrix = np.asarray(embedder.encode(pieces))
    with tempfile.TemporaryDirectory(prefix="rrall-peer-") as tmp:
        ours = open_retriever(index_dir=Path(tmp) / "index")
        for split in (load_development(default_pack()), *(load_heldout(d) for d in HELDOUT_DIRS)):
            peer_ok = ours_ok = 0
            for item in split.questions:
                query = np.asarray(embedder.encode([item.question]))[0]
                top = np.argsort(-(matrix @ query))[:5]
                peer_ok += not missing_groups(" ".join(pieces[i] for i in top), item.must_state)
                found = retrieve(ours, item.question, k=5)
                ours_ok += not missing_groups(" ".join(h.text for h in found), item.must_state)
            n = len(split.questions)
            print(f"{split.name:<12} n={n:<4} "
                  f"naive RAG peer facts@5 {peer_ok / n:6.1%}   this project {ours_ok / n:6.1%}   "
                  f"difference {(ours_ok - peer_ok) / n * 100:+.1f} points")


if __name__ == "__main__":
    main()
