"""`assistant eval` (retrieval and chat figures) and `assistant ingest` (another article as a source)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.settings import get_settings


@click.command("eval")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--only", type=click.Choice(["retrieval", "chat", "split"]), help="Run one part only.")
@click.option("--failures", is_flag=True, help="Also list the development split's failing items.")
def evaluate(as_json: bool, only: str | None, failures: bool) -> None:
    """Run the evaluation sets and print the figures: development and held-out side by side.

    Retrieval: recall@1, recall@5 and MRR for dense, BM25 and hybrid search. Chat: fact accuracy,
    citation precision and recall, marker resolution, out-of-scope accuracy and scripts passed.
    Split: the same measures on the development set (tuned on) and the five held-out sets (written
    from the review alone); the newest held-out column is the one that counts, the older ones were
    looked at while changing the code.

    Example: assistant eval --only split
    """
    from assistant.cli.knowledge import format_retrieval_scores, retrieval_eval
    from assistant.evaluation import format_report, run_chat_eval
    from assistant.runtime import build_engine

    result: dict[str, object] = {}
    if only in (None, "retrieval"):
        scores = retrieval_eval()
        result["retrieval"] = [s.model_dump() for s in scores]
        if not as_json:
            click.echo(format_retrieval_scores(scores))
    if only in (None, "chat"):
        report = run_chat_eval(build_engine(get_settings()))
        result["chat"] = report.model_dump(mode="json")
        if not as_json:
            click.echo("")
            click.echo(format_report(report))
    if only in (None, "split"):
        from assistant.heldout import (
            HELDOUT_DIRS,
            format_failures,
            format_side_by_side,
            load_development,
            load_heldout,
            run_split,
        )
        from knowledge.pack import default_pack

        engine = build_engine(get_settings())
        splits = [load_development(default_pack()), *(load_heldout(d) for d in HELDOUT_DIRS)]
        reports = [run_split(split, engine, engine.retriever) for split in splits]
        result["split"] = {r.split: r.figures for r in reports}
        if not as_json:
            click.echo("")
            click.echo(format_side_by_side(reports))
            if failures:
                click.echo(format_failures(reports[0]))
    if as_json:
        click.echo(json.dumps(result))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Name of the new source (default: the file name).")
def ingest(file: Path, source: str | None) -> None:
    """Parse a review article (Markdown or plain text) into passages and index them as a named source.

    Example: assistant ingest ../shared/seeds/000_cd4cf317bea96a14.txt --source curran-2020
    """
    from knowledge.index import open_retriever
    from knowledge.ingest import ingest_file

    name = source or file.stem.lower().replace("_", "-").replace(" ", "-")
    document = ingest_file(file, name)
    if not document.passages:
        raise click.UsageError(f"{file}: no passages found; is it a review article in Markdown or text?")
    settings = get_settings()
    retriever = open_retriever(index_dir=settings.index_dir, chroma_url=settings.chroma_url)
    count = retriever.add_source(name, document.passages)
    click.echo(
        f"ingested {file.name} as source {name!r}: {len(document.sections)} sections, {count} passages, "
        f"{len(document.references)} references"
    )


COMMANDS: list[click.Command] = [evaluate, ingest]
