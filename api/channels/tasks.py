"""The outbox on PostgreSQL: procrastinate's workers do the work, with their jobs in the same database.

Each server process runs a procrastinate worker (no new service: the replicas and the database they
already share). A webhook that keeps a message defers one ``rrall.work`` job; a worker runs it, and the
job answers and delivers every due row (``ChannelHub.work_once``). Rows are still claimed with leases,
so a job run twice, or two replicas on one row, change nothing; a periodic ``rrall.sweep`` picks up
rows whose job was lost with a killed process, once their lease has run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Protocol

from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

log = logging.getLogger("rrall.channels")
QUEUE = "rrall"


class Work(Protocol):
    def work_once(self) -> bool: ...

    def reclaim(self) -> None: ...


def conninfo(sqlalchemy_url: str) -> str:
    """The libpq URL procrastinate's psycopg pool takes, from the SQLAlchemy one."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _drain(work: Work) -> None:
    while work.work_once():
        pass


class ProcrastinateWorker:
    def __init__(self, work: Work, *, database_url: str, concurrency: int, poll_seconds: float) -> None:
        self.work = work
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.app = App(connector=PsycopgConnector(conninfo=conninfo(database_url)))
        self._defer = App(connector=SyncPsycopgConnector(conninfo=conninfo(database_url)))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

        @self.app.task(name="rrall.work", queue=QUEUE)
        def work_job() -> None:
            _drain(work)

        # croniter reads a sixth field as seconds: every 5 s.
        @self.app.periodic(cron="* * * * * */5", periodic_id="rrall-sweep")
        @self.app.task(name="rrall.sweep", queue=QUEUE, queueing_lock="rrall-sweep")
        def sweep(timestamp: int) -> None:
            work.reclaim()
            _drain(work)

    def start(self) -> None:
        self._defer.open()
        self._thread = threading.Thread(target=self._run, name="procrastinate-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Defer one job to do what is queued; one waiting job is enough (the queueing lock)."""
        try:
            self._defer.configure_task("rrall.work", queue=QUEUE, queueing_lock="rrall-work").defer()
        except AlreadyEnqueued:
            pass
        except Exception:  # the periodic sweep still finds the rows
            log.exception("could not defer the outbox job")

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._defer.close()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        async with self.app.open_async():
            worker = asyncio.create_task(self.app.run_worker_async(
                queues=[QUEUE], concurrency=self.concurrency, install_signal_handlers=False,
                fetch_job_polling_interval=self.poll_seconds, delete_jobs="successful", name="rrall-outbox"))
            stop = asyncio.create_task(self._stopping.wait())
            await asyncio.wait({worker, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not worker.done():
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await worker
            elif worker.exception() is not None:
                log.error("procrastinate worker stopped: %s", worker.exception())
