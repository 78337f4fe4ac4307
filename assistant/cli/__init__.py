"""The ``assistant`` command line. Thin: each command parses, calls one function, prints."""

from __future__ import annotations

import sys

import click

from assistant.cli import assess, audit, chat, connect, database, deliveries, evaluate, knowledge, mcp, quiz, serve


class _Group(click.Group):
    """Turns any stray exception into a one-line error and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # the contract: a one-line error, exit 2
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="rrall-navigator")
def cli() -> None:
    """RR-ALL Navigator: which of blinatumomab, inotuzumab ozogamicin and tisagenlecleucel fits a
    patient with relapsed/refractory B-ALL, and what the evidence says.

    \b
    Examples:
      assistant serve                      # HTTP API, widget and webhooks on 127.0.0.1:8000
      assistant assess --profile p.json    # deterministic assessment of one patient
      assistant index --rebuild            # rebuild the search index
      assistant mcp                        # MCP server on stdio (for an MCP client's config)
    """


for module in (serve, connect, chat, knowledge, evaluate, assess, quiz, mcp, database, audit, deliveries):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    # click exits 2 on usage errors already; keep that status for bad input everywhere.
    cli(standalone_mode=True)
