"""Structured logs: one JSON object per line, carrying the request id of the request being served.

What may be logged at INFO is metadata (method, route template, status, timing, client address, a
key's short digest). Chat text appears only at DEBUG and only after redaction; the route template
(``/v1/sessions/{session_id}``) is logged rather than the raw path, and never the query string,
which can hold a search or a patient detail.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("rrall_request_id", default=None)
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged.
# (uvicorn adds ``color_message``, the same text with terminal colour codes.)
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "color_message",
}


def request_id_from(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is a sane token, else a fresh one."""
    if header and _CLIENT_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in entry:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn (``log_config=``): JSON for our loggers and uvicorn's.

    Uvicorn's access log is left out on purpose: it prints raw paths with query strings. Our own
    request log (``rrall.http``) replaces it.
    """
    level = level.upper()
    stream = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        # Other libraries reach the root handler, which drops their chatter by its own level: some
        # (bm25s) set DEBUG on their logger when they are imported, after this configuration.
        "handlers": {"json": stream, "libraries": {**stream, "level": "WARNING"}},
        "root": {"handlers": ["libraries"], "level": "WARNING"},
        "loggers": {
            "rrall": {"handlers": ["json"], "level": level, "propagate": False},
            # Uvicorn's DEBUG is connection chatter; its INFO says where it listens.
            "uvicorn": {"handlers": ["json"], "level": "INFO" if level == "DEBUG" else level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
