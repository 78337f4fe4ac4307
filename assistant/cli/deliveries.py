"""`assistant deliveries list|retry`: platform messages not answered and replies not delivered, for good."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, cast

import click

from assistant.db.engine import make_engine
from assistant.settings import get_settings

if TYPE_CHECKING:
    from api.channels.outbox import Outbox


def _outbox() -> Outbox:
    from api.channels.outbox import Outbox  # the channels' edge; imported only for these commands

    settings = get_settings()
    return Outbox(make_engine(settings.session_database_url), lease=timedelta(seconds=settings.outbox_lease_seconds))


@click.group("deliveries")
def deliveries() -> None:
    """What the messaging platforms did not get: messages the engine could not answer ("answer") and
    replies every delivery attempt failed for ("deliver"). A running server sends retried ones.

    \b
    Examples:
      assistant deliveries list
      assistant deliveries retry deliver:12 answer:3
      assistant deliveries retry --all
    """


@deliveries.command("list")
@click.option("--platform", default=None, help="Only this platform (slack, telegram, teams, whatsapp, ...).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def list_command(platform: str | None, as_json: bool) -> None:
    """List what failed for good, oldest first (no message text: its length only)."""
    for f in _outbox().failures(platform):
        size = len(str(f.payload.get("text") or json.dumps(f.payload.get("outbound"))))
        entry = {"id": f"{f.stage}:{f.id}", "platform": f.platform, "conversation": f.conversation[:80],
                 "error": f.error[:200], "created_at": f.created_at.isoformat(), "chars": size}
        if as_json:
            click.echo(json.dumps(entry))
        else:
            click.echo(f"{entry['id']:<14} {f.platform:<9} {entry['conversation']:<30} {f.created_at:%Y-%m-%d %H:%M}"
                       f"  {entry['error']}")


@deliveries.command("retry")
@click.argument("ids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Retry everything that failed.")
def retry_command(ids: tuple[str, ...], retry_all: bool) -> None:
    """Queue failed messages (answer:ID) and replies (deliver:ID) again, as `deliveries list` names them."""
    if not ids and not retry_all:
        raise click.UsageError("name what to retry (deliver:12 answer:3), or pass --all")
    outbox = _outbox()
    chosen: dict[str, list[int]] = {"answer": [], "deliver": []}
    for item in ids:
        stage, _, number = item.partition(":")
        if stage not in chosen or not number.isdigit():
            raise click.BadParameter(f"{item!r} is not answer:ID or deliver:ID", param_hint="IDS")
        chosen[stage].append(int(number))
    count = 0
    for stage, numbers in chosen.items():
        if retry_all or numbers:
            count += outbox.retry(cast(Literal["answer", "deliver"], stage), None if retry_all else numbers)
    click.echo(f"{count} queued again; a running server sends them within RRALL_OUTBOX_POLL_SECONDS")


COMMANDS: list[click.Command] = [deliveries]
