"""`assistant connect slack|telegram`: the platform's outbound connection as its own process."""

from __future__ import annotations

import signal
from types import FrameType

import click

from assistant.settings import get_settings

_NEEDS = {
    "slack": "RRALL_SLACK_MODE=socket, RRALL_SLACK_APP_TOKEN (xapp-...) and RRALL_SLACK_BOT_TOKEN",
    "telegram": "RRALL_TELEGRAM_MODE=polling and RRALL_TELEGRAM_BOT_TOKEN",
}


@click.command()
@click.argument("platform", type=click.Choice(sorted(_NEEDS)))
def connect(platform: str) -> None:
    """Answer a messaging platform over a connection this machine opens: Slack Socket Mode or Telegram
    long polling. No public HTTPS endpoint is needed. Runs until interrupted (Ctrl-C or SIGTERM).

    Set RRALL_CONNECT_IN_SERVE=false when `assistant serve` runs beside it, so only one process
    holds the connection. Example: RRALL_TELEGRAM_MODE=polling assistant connect telegram
    """
    from api.channels.connect import Connections, configured
    from api.channels.hub import ChannelHub
    from api.state import AppState

    settings = get_settings()
    chosen = next((p for p in configured(settings) if p == platform), None)
    if chosen is None:
        raise click.UsageError(f"{platform} is not set up for an outbound connection: set {_NEEDS[platform]}")
    state = AppState(settings=settings)
    click.echo("loading the knowledge index...", err=True)
    state.load_knowledge()
    if not state.ready:
        raise click.ClickException(f"the knowledge index did not load: {state.load_error}")
    connections = Connections(ChannelHub(state), [chosen])

    def _end(signum: int, _frame: FrameType | None) -> None:
        connections.stop()

    signal.signal(signal.SIGTERM, _end)
    signal.signal(signal.SIGINT, _end)
    connections.start()
    click.echo(f"connected to {platform}; answering until stopped", err=True)
    connections.wait()
    connections.stop()


COMMANDS: list[click.Command] = [connect]
