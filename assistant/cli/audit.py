"""`assistant audit`: who read, changed or erased which session, learner or question."""

from __future__ import annotations

import json

import click

from assistant.db.audit import AuditLog
from assistant.db.engine import make_engine
from assistant.settings import get_settings


@click.command("audit")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000), help="Entries to show.")
@click.option("--principal", default=None, help="Only this principal (e.g. api_key:3f2a9c1d).")
@click.option("--resource-id", default=None, help="Only this session, learner or question id.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def audit(limit: int, principal: str | None, resource_id: str | None, as_json: bool) -> None:
    """Print the audit log, latest first. It holds ids and principals, never message text.

    \b
    Example:
      assistant audit --resource-id s_3q2... --json
    """
    log = AuditLog(make_engine(get_settings().session_database_url))
    for entry in log.entries(limit=limit, principal=principal, resource_id=resource_id):
        if as_json:
            click.echo(json.dumps({"at": entry.at.isoformat(), "principal": entry.principal, "action": entry.action,
                                   "resource": entry.resource, "resource_id": entry.resource_id,
                                   "outcome": entry.outcome}))
        else:
            click.echo(f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.principal:<40} {entry.action:<8} {entry.resource:<8} "
                       f"{entry.resource_id}  {entry.outcome}")


COMMANDS: list[click.Command] = [audit]
