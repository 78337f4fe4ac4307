"""`assistant quiz`: case questions from the clinical rules in the terminal, graded with cited
explanations; `--coverage N` prints which flag codes and sequencing points N seeds exercise."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.answer import Citation
from assistant.settings import get_settings
from assistant.tutor.coverage import FLAG_CODES, POINT_CODES, coverage, render
from assistant.tutor.models import TOPICS
from assistant.tutor.service import LEARNER_ID, MAX_SEED, Tutor
from assistant.tutor.store import StoredQuestion

_QUIT = {"q", "quit", "exit", ":q"}


def render_question(stored: StoredQuestion, number: int, count: int) -> str:
    q = stored.question
    lines = [f"Question {number} of {count} · {q.topic} · {q.kind.replace('_', ' ')} (seed {q.seed})", "",
             q.vignette, "", q.prompt]
    lines += [f"  {i}. [{o.key}] {o.text}" for i, o in enumerate(q.options, start=1)]
    if q.free_text:
        lines.append("  (answer in your own words)")
    return "\n".join(lines)


def render_sources(citations: list[Citation]) -> str:
    lines = ["Sources:"]
    for c in citations:
        refs = f" refs {', '.join(str(r) for r in c.refs)}" if c.refs else ""
        lines.append(f"  [{c.marker}] {c.section} ({c.passage_id}{refs}): {c.text}")
    return "\n".join(lines)


def _coverage(seeds: int, as_json: bool) -> None:
    result = coverage(seeds)
    if as_json:
        codes = {c: {"questions": result.questions[c], "kinds": dict(result.kinds[c])} for c in (*FLAG_CODES,
                                                                                                   *POINT_CODES)}
        click.echo(json.dumps({"seeds": seeds, "codes": codes, "by_kind": dict(result.by_kind),
                               "missing": result.missing, "disagreements": result.disagreements}, indent=2))
    else:
        click.echo(render(result))
    if result.missing or result.disagreements:
        raise click.exceptions.Exit(1)


def _ask_one(tutor: Tutor, stored: StoredQuestion) -> bool:
    """Prompt until the answer is graded; False when the learner quits."""
    while True:
        try:
            text = click.prompt("answer", prompt_suffix="> ", default="", show_default=False)
        except (EOFError, click.exceptions.Abort):
            return False
        if text.strip().lower() in _QUIT:
            return False
        if not text.strip():
            continue
        graded = tutor.answer(stored.id, text[:500])
        if graded is None or graded.explanation is None:
            n = len(stored.question.options)
            click.echo(f"Type the number (1-{n}) or the letter of an option, or 'quit'.")
            continue
        click.echo("\n" + graded.explanation.markdown + "\n")
        if graded.explanation.citations:
            click.echo(render_sources(graded.explanation.citations) + "\n")
        return True


@click.group(name="quiz", invoke_without_command=True)
@click.option("--topic", type=click.Choice(TOPICS), help="Ask on one topic; default: spaced repetition picks.")
@click.option("--learner", default="local", show_default=True,
              help="Learner id kept in the local database (letters, digits, . _ -; no personal data).")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), help="First seed; question i uses seed+i (reproducible).")
@click.option("--count", type=click.IntRange(1, 100), default=10, show_default=True, help="Questions to ask.")
@click.option("--coverage", "coverage_seeds", type=click.IntRange(1, 100_000),
              help="Print the coverage table over seeds 0..N-1 and exit (status 1 if a code is missed).")
@click.option("--json", "as_json", is_flag=True, help="With --coverage: print the table as JSON.")
@click.pass_context
def quiz(ctx: click.Context, topic: str | None, learner: str, seed: int | None, count: int,
         coverage_seeds: int | None, as_json: bool) -> None:
    """Practise choosing and sequencing blinatumomab, InO and tisagenlecleucel on generated cases.

    Each question is a patient drawn at random and answered by the same rules the assistant advises
    with. Type the option's number or letter, or an answer in your own words; 'quit' leaves.

    \b
    Examples:
      assistant quiz                        # ten questions, weak topics first
      assistant quiz --topic toxicity --count 3
      assistant quiz --coverage 500         # which rules 500 seeds exercise
      assistant quiz export --anki cases.apkg --count 200
    """
    if ctx.invoked_subcommand is not None:
        return
    if coverage_seeds is not None:
        _coverage(coverage_seeds, as_json)
        return
    if not LEARNER_ID.match(learner):
        raise click.BadParameter("use letters, digits, '.', '_' or '-' (at most 64), no personal data",
                                 param_hint="--learner")
    from assistant.runtime import open_store

    tutor = Tutor(open_store(get_settings()).engine)
    chosen = next((t for t in TOPICS if t == topic), None)
    for i in range(count):
        stored = tutor.ask(learner, topic=chosen, seed=None if seed is None else (seed + i) % (MAX_SEED + 1))
        click.echo(render_question(stored, i + 1, count))
        if not _ask_one(tutor, stored):
            break
    progress = tutor.progress(learner)
    if progress is not None:
        click.echo(f"Progress ({learner}): {progress.summary}")


@quiz.command(name="export")
@click.option("--anki", "path", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The .apkg file to write.")
@click.option("--count", type=click.IntRange(1, 10_000), default=100, show_default=True, help="Cases in the deck.")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), default=0, show_default=True,
              help="First seed; case i uses seed+i, so the same options give the same deck.")
@click.option("--topic", type=click.Choice(TOPICS), help="Only this topic; default: topics drawn from the seeds.")
def export(path: Path, count: int, seed: int, topic: str | None) -> None:
    """Write generated cases with their cited explanations as an Anki deck.

    \b
    Example:
      assistant quiz export --anki rrall-cases.apkg --count 200
    """
    from assistant.tutor import anki
    from assistant.tutor.generator import generate
    from knowledge.pack import default_pack

    chosen = next((t for t in TOPICS if t == topic), None)
    questions = [generate((seed + i) % (MAX_SEED + 1), chosen, free_text=False) for i in range(count)]
    anki.write(anki.deck(questions, default_pack()), path)
    click.echo(f"Wrote {count} cases to {path}")


COMMANDS: list[click.Command] = [quiz]
