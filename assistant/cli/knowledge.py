"""`assistant index`, `assistant eval-retrieval` and `assistant pack-fidelity`: build the search index,
measure retrieval, and measure how faithfully the pack carries the review's words."""

from __future__ import annotations

import json
import time
from pathlib import Path

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


@click.command("pack-fidelity")
@click.argument("review", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--lost", is_flag=True, help="Also list the review sentences no passage carries.")
def pack_fidelity(review: Path, as_json: bool, lost: bool) -> None:
    """How much of the review's wording the knowledge pack keeps (knowledge/fidelity.py): the share of
    each review sentence's content words its passage contains verbatim, and the sentences no passage
    carries.

    Example: assistant pack-fidelity ../shared/seeds/000_cd4cf317bea96a14.txt --lost
    """
    from knowledge.fidelity import closeness, measure, review_sentences
    from knowledge.ingest import ingest_file
    from knowledge.pack import default_pack

    sentences = review_sentences(ingest_file(review, "review"))
    passages = [(p.id, p.text) for p in default_pack().passages]
    report = measure(sentences, passages)
    close = closeness(sentences, passages)
    mean_closeness = sum(c.share for c in close) / len(close) if close else 0.0
    result = {"sentences": report.sentences, "lost": len(report.lost), "fidelity": round(report.fidelity, 3),
              "mean_closeness": round(mean_closeness, 3), "closest": round(close[0].share, 3) if close else 0.0}
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"review sentences {report.sentences}: carried {len(report.carried)}, lost {len(report.lost)}; "
               f"content words kept verbatim {report.fidelity:.1%}")
    click.echo(f"passage sentences: mean share of four-word runs the review also has {mean_closeness:.2f}, "
               f"closest {result['closest']:.2f}")
    if lost:
        for sentence, closest in report.lost:
            click.echo(f"  lost (closest {closest}): {sentence}")


COMMANDS: list[click.Command] = [index, eval_retrieval, pack_fidelity]
