"""What /readyz checks: every part a chat turn needs, each by name, so a 503 says which one is down.

A check is a named callable that raises (any exception) when its part cannot serve. The defaults are
the knowledge index, the session database and, when ``RRALL_CHROMA_URL`` is set, the Chroma server.
Other parts (a delivery queue) register their own with ``readiness_for(app).add(name, check)``.
Checks run in worker threads with a time limit: a database that hangs is as down as one that refuses.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import text

from api.state import AppState

Check = Callable[[], None]
CHECK_TIMEOUT_SECONDS = 3.0
_lock = threading.Lock()


class NotReady(Exception):
    """Raised by a check whose part is not ready yet (as opposed to broken)."""


@dataclass
class Readiness:
    checks: list[tuple[str, Check]] = field(default_factory=list)

    def add(self, name: str, check: Check) -> None:
        self.checks = [(n, c) for n, c in self.checks if n != name] + [(name, check)]

    async def problems(self) -> dict[str, str]:
        """Each failing part's name and what is wrong with it; empty when everything is ready."""
        results = await asyncio.gather(*(_run(check) for _, check in self.checks))
        return {name: problem for (name, _), problem in zip(self.checks, results, strict=True) if problem}


async def _run(check: Check) -> str | None:
    try:
        await asyncio.wait_for(run_in_threadpool(check), timeout=CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:  # a readiness probe reports every failure, it never raises one
        return describe(exc)
    return None


def describe(exc: BaseException) -> str:
    """A one-line account of a failure: the exception's type and the first line of its message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    summary = f"{type(exc).__name__}: {first}" if first and not isinstance(exc, NotReady) else first
    return summary[:300] or type(exc).__name__


def readiness_for(app: FastAPI) -> Readiness:
    """The app's checks, built with the defaults on first use."""
    with _lock:
        readiness: Readiness | None = getattr(app.state, "rrall_readiness", None)
        if readiness is None:
            readiness = default_readiness(app.state.rrall)
            app.state.rrall_readiness = readiness
        return readiness


def default_readiness(state: AppState) -> Readiness:
    readiness = Readiness()
    readiness.add("index", lambda: _index(state))
    readiness.add("database", lambda: _database(state))
    if state.settings.chroma_url:
        readiness.add("chroma", _chroma(state))
    return readiness


def _index(state: AppState) -> None:
    if state.load_error:
        raise NotReady(f"the knowledge index failed to load: {state.load_error}")
    if not state.ready:
        raise NotReady("the knowledge index is still loading")


def _database(state: AppState) -> None:
    with state.store.engine.connect() as connection:  # opening the store also connects
        connection.execute(text("SELECT 1"))


def _chroma(state: AppState) -> Check:
    from knowledge.index import chroma_client

    client: list[Any] = []  # built on the first success: the constructor itself calls the server

    def check() -> None:
        if not client:
            client.append(chroma_client(index_dir=state.settings.index_dir, chroma_url=state.settings.chroma_url))
        client[0].heartbeat()

    return check
