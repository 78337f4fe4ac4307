"""The embedded queue worker: threads in each server process that answer the inbox and send the outbox.

It needs nothing but the session database (SQLite by default). Any number of processes can run it
over one database: rows are claimed with leases (``api.channels.outbox``). With PostgreSQL the same
work runs on procrastinate's workers instead (``api.channels.tasks``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

log = logging.getLogger("rrall.channels")


class Work(Protocol):
    def work_once(self) -> bool: ...

    def reclaim(self) -> None: ...


class InProcessWorker:
    def __init__(self, work: Work, *, threads: int, poll_seconds: float) -> None:
        self.work = work
        self.threads = threads
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._running: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.threads):
            thread = threading.Thread(target=self._run, args=(n == 0,), name=f"outbox-worker-{n}", daemon=True)
            thread.start()
            self._running.append(thread)

    def wake(self) -> None:
        """New work was queued: stop waiting for the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for thread in self._running:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _run(self, reclaims: bool) -> None:
        while not self._stop.is_set():
            try:
                if reclaims:
                    self.work.reclaim()
                while not self._stop.is_set() and self.work.work_once():
                    pass
            except Exception:  # the database is down, say: log it and try again at the next poll
                log.exception("outbox worker failed; retrying")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
