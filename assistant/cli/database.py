"""`assistant db upgrade|status`: the session database's schema, migrated by Alembic."""

from __future__ import annotations

import json

import click

from assistant.db.engine import make_engine
from assistant.db.migrate import status, upgrade
from assistant.settings import get_settings


@click.group("db")
def db() -> None:
    """The session database (RRALL_DATABASE_URL): its schema revision and migrations.

    \b
    Examples:
      assistant db status              # the database's revision and the one this version needs
      assistant db upgrade             # migrate to it (PostgreSQL: before starting the new version)
    """


def _report(found_current: str | None, head: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"current": found_current, "head": head, "up_to_date": found_current == head}))
    else:
        state = "up to date" if found_current == head else "behind"
        click.echo(f"database revision {found_current or 'none (empty)'}; this version needs {head}: {state}")


@db.command("upgrade")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def upgrade_command(as_json: bool) -> None:
    """Apply every migration the database is missing (one transaction; safe to run twice)."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    found = upgrade(make_engine(settings.session_database_url))
    _report(found.current, found.head, as_json)


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def status_command(as_json: bool) -> None:
    """Show the database's revision; exit status 1 when it is behind this version."""
    settings = get_settings()
    found = status(make_engine(settings.session_database_url))
    _report(found.current, found.head, as_json)
    if not found.up_to_date:
        raise SystemExit(1)


COMMANDS: list[click.Command] = [db]
