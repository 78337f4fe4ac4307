"""Placeholder; `assistant assess` is added by its owner."""

import click

COMMANDS: list[click.Command] = []
