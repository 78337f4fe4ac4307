"""Placeholder; `assistant quiz` is added by its owner."""

import click

COMMANDS: list[click.Command] = []
