"""Token buckets, one per client address and one per key, held in this worker process.

A bucket holds up to ``burst`` tokens and refills at ``per_minute / 60`` tokens a second; a request
takes one. The buckets live in memory, so with ``--workers N`` a client may get up to N times the
configured rate (each worker keeps its own); put a shared limit at the load balancer when that
matters. ``limits`` (the maintained library) offers fixed and moving windows but no token bucket,
and a bucket is what lets a page burst a few requests and still caps the sustained rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    """``take(key)`` returns 0 when the request may go ahead, else the seconds until it may."""

    def __init__(
        self,
        *,
        per_minute: int,
        burst: int,
        max_tracked: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._max_tracked = max_tracked
        # key -> (tokens, when they were counted); least recently seen first, so the oldest is
        # dropped when too many clients are tracked (a dropped bucket starts full again).
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> float:
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self._max_tracked:
                self._buckets.popitem(last=False)
            return wait


def retry_after(wait_seconds: float) -> str:
    """The Retry-After header: whole seconds, at least one."""
    return str(max(1, math.ceil(wait_seconds)))
