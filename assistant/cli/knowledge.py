"""Placeholder; `assistant index`, `ingest` and `eval` are added by their owners."""

import click

COMMANDS: list[click.Command] = []
