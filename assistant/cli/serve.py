"""`assistant serve`: the HTTP API, widget and webhooks."""

from __future__ import annotations

import ipaddress
import os
import shutil
from pathlib import Path

import click

from assistant.settings import Settings, get_settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _multiprocess_metrics(settings: Settings, workers: int) -> Path | None:
    """With several workers, prometheus_client keeps each one's values in files that /metrics adds up.

    The variable must be set before a worker imports prometheus_client, i.e. here, before uvicorn
    starts them. A directory the operator chose is left as it is; ours is emptied of the last run's.
    """
    if workers < 2 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    path = settings.data_dir / "metrics-multiproc"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def _check_database(settings: Settings) -> None:
    """SQLite upgrades itself here, once, before the workers start; any other database must already
    be at this version's revision (`assistant db upgrade`), or serving it would break on old tables."""
    from assistant.db.engine import is_sqlite, make_engine
    from assistant.db.migrate import SchemaBehind, ensure_schema

    url = settings.session_database_url
    if is_sqlite(url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        ensure_schema(make_engine(url))
    except SchemaBehind as exc:
        raise click.ClickException(f"refusing to start: {exc}") from exc


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes, sharing the session store and the index.")
def serve(host: str, port: int, workers: int) -> None:
    """Run the HTTP API. Builds the knowledge index on first start if it is missing. With
    RRALL_SLACK_MODE=socket or RRALL_TELEGRAM_MODE=polling it also opens those connections.

    Logs are JSON lines on stderr (RRALL_LOG_LEVEL). Example: assistant serve --port 8000 --workers 4
    """
    import uvicorn

    from api.logs import logging_config

    settings = get_settings()
    if not settings.api_key_list:
        if not _is_loopback(host):
            raise click.UsageError(
                f"refusing to serve an open API on {host}: set RRALL_API_KEYS or bind a loopback address"
            )
        click.echo(f"note: RRALL_API_KEYS is empty, so /v1 is open to clients on this machine ({host})", err=True)
    if settings.connect_in_serve and settings.telegram_mode == "polling" and workers > 1:
        # Each worker would poll, and Telegram answers all but one getUpdates with 409 Conflict.
        raise click.UsageError("Telegram polling needs one poller: use --workers 1, or set "
                               "RRALL_CONNECT_IN_SERVE=false and run `assistant connect telegram` beside it")
    _check_database(settings)
    if metrics_dir := _multiprocess_metrics(settings, workers):
        click.echo(f"note: {workers} workers; /metrics adds up their values kept in {metrics_dir}", err=True)
    uvicorn.run(
        "api.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_config=logging_config(settings.log_level), access_log=False,
        proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
    )


COMMANDS: list[click.Command] = [serve]
