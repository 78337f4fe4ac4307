"""`assistant chat` (interactive, multi-turn) and `assistant ask` (one question)."""

from __future__ import annotations

import json

import click

from assistant.answer import ChatResponse
from assistant.settings import get_settings


def _render(response: ChatResponse) -> str:
    lines = [response.answer, ""]
    if response.quiz is not None and response.quiz.options:
        lines += [f"  {i}. {option.text}" for i, option in enumerate(response.quiz.options, start=1)]
        lines += ["  (reply with the number or letter)", ""]
    if response.citations:
        lines.append("Sources:")
        for c in response.citations:
            refs = f" refs {', '.join(str(r) for r in c.refs)}" if c.refs else ""
            lines.append(f"  [{c.marker}] {c.section} ({c.passage_id}{refs}): {c.text}")
    return "\n".join(lines)


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the same object as POST /v1/chat.")
def ask(question: str, as_json: bool) -> None:
    """Ask one question and print the cited answer.

    Example: assistant ask "What are the risk factors for SOS after inotuzumab?"
    """
    from assistant.runtime import build_engine

    if not question.strip() or len(question) > 4000:
        raise click.UsageError("QUESTION must be 1 to 4,000 characters")
    response = build_engine(get_settings()).respond(question)
    click.echo(json.dumps(response.model_dump(mode="json"), indent=2) if as_json else _render(response))


@click.command()
def chat() -> None:
    """Talk to the assistant in the terminal; patient facts carry over between messages.

    Type "new patient" to start over, "quit" or Ctrl-D to leave.
    """
    from assistant.runtime import build_engine

    engine = build_engine(get_settings())
    session_id: str | None = None
    click.echo("RR-ALL Navigator. Describe a patient or ask about the evidence. 'quit' leaves.")
    while True:
        try:
            message = click.prompt("you", prompt_suffix="> ", default="", show_default=False)
        except (EOFError, click.exceptions.Abort):
            click.echo("")
            return
        if message.strip().lower() in {"quit", "exit", ":q"}:
            return
        if not message.strip():
            continue
        if len(message) > 4000:
            click.echo("error: a message is at most 4,000 characters", err=True)
            continue
        response = engine.respond(message, session_id)
        session_id = response.session_id
        click.echo("\n" + _render(response) + "\n")


COMMANDS: list[click.Command] = [chat, ask]
