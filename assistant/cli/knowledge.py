"""`assistant index` and `assistant eval-retrieval`: build the search index and measure retrieval."""

from __future__ import annotations

import json
import time

import click

from assistant.settings import get_settings
from knowledge.evaluation import RetrievalScores


@click.command()
@click.option("--rebuild", is_flag=True, help="Drop the stored collection and embed every passage again.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def index(rebuild: bool, as_json: bool) -> None:
    """Build or load the vector index of the knowledge base (it is rebuilt by itself when the pack
    changes; --rebuild forces it).

    Example: assistant index --rebuild
    """
    from knowledge.index import open_retriever

    settings = get_settings()
    started = time.perf_counter()
    retriever = open_retriever(index_dir=settings.index_dir, chroma_url=settings.chroma_url, rebuild=rebuild)
    seconds = time.perf_counter() - started
    result = {
        "passages": len(retriever),
        "sources": retriever.sources,
        "collections": retriever.collection_names,
        "seconds": round(seconds, 2),
        "location": settings.chroma_url or str(settings.index_dir / "chroma"),
    }
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"indexed {result['passages']} passages in {seconds:.1f} s")
    click.echo(f"collections: {', '.join(retriever.collection_names)}")
    click.echo(f"stored at: {result['location']}")


def retrieval_eval() -> list[RetrievalScores]:
    """Recall@1, recall@5 and MRR of the dense, BM25 and hybrid retrievers on the retrieval set."""
    from knowledge.eval import evaluate_retriever
    from knowledge.index import open_retriever

    settings = get_settings()
    retriever = open_retriever(index_dir=settings.index_dir, chroma_url=settings.chroma_url)
    return evaluate_retriever(retriever)


def format_retrieval_scores(scores: list[RetrievalScores]) -> str:
    lines = [f"retrieval ({scores[0].questions} questions)   recall@1  recall@5    MRR"]
    lines += [f"  {s.mode:<28}{s.recall_at_1:>8.3f}{s.recall_at_5:>10.3f}{s.mrr:>7.3f}" for s in scores]
    return "\n".join(lines)


@click.command("eval-retrieval")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--misses", is_flag=True, help="Also list the questions hybrid search misses in its top 5.")
def eval_retrieval(as_json: bool, misses: bool) -> None:
    """Evaluate retrieval (dense, BM25, hybrid) on knowledge/eval/retrieval.yaml.

    Example: assistant eval-retrieval --misses
    """
    scores = retrieval_eval()
    if as_json:
        click.echo(json.dumps([s.model_dump() for s in scores]))
        return
    click.echo(format_retrieval_scores(scores))
    if misses:
        for question in scores[-1].misses:
            click.echo(f"  missed: {question}")


COMMANDS: list[click.Command] = [index, eval_retrieval]
