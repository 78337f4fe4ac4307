"""`assistant serve`: the HTTP API, widget and webhooks."""

from __future__ import annotations

import ipaddress

import click

from assistant.settings import get_settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Run the HTTP API. Builds the knowledge index on first start if it is missing.

    Example: assistant serve --port 8000
    """
    import uvicorn

    settings = get_settings()
    if not settings.api_key_list:
        if not _is_loopback(host):
            raise click.UsageError(
                f"refusing to serve an open API on {host}: set RRALL_API_KEYS or bind a loopback address"
            )
        click.echo(f"note: RRALL_API_KEYS is empty, so /v1 is open to clients on this machine ({host})", err=True)
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


COMMANDS: list[click.Command] = [serve]
