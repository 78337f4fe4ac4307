"""Transcript retention: purge expired sessions and transcripts past ``RRALL_TRANSCRIPT_RETENTION_DAYS``
every ``RRALL_PURGE_INTERVAL_SECONDS``, in the background for as long as the app runs.

With several workers each runs the purge; it is idempotent (a DELETE of rows past a cutoff), so the
only cost is a few extra queries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from api.state import AppState
from assistant.settings import Settings

log = logging.getLogger("rrall.retention")

Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]


async def purge_once(state: AppState) -> int:
    erased = await run_in_threadpool(lambda: state.store.purge())
    log.info("purge done", extra={"sessions_erased": erased})
    return erased


async def purge_periodically(state: AppState, interval_seconds: float) -> None:
    while True:
        try:
            await purge_once(state)
        except Exception:  # a database hiccup must not end the schedule
            log.exception("transcript purge failed; retrying at the next interval")
        await asyncio.sleep(interval_seconds)


def install_retention(app: FastAPI, settings: Settings) -> None:
    """Run the purge beside the app's own lifespan (which loads the index), without replacing it."""
    inner: Lifespan = app.router.lifespan_context
    state: AppState = app.state.rrall

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as inner_state:
            task = asyncio.create_task(purge_periodically(state, settings.purge_interval_seconds))
            try:
                yield inner_state
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
