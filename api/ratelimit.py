"""Rate limits per client address and per key, shared by every worker and replica.

The limiting is the ``limits`` library's sliding-window counter (a weighted count over the current and
the previous window, so a client cannot double its rate at a window edge). Two limits apply to each
identity: ``per_minute`` in any minute and ``burst`` in any second. Where the counts live decides who
shares them (``RRALL_RATE_LIMIT_STORAGE``):

- empty (the default): a table in a SQLite file in the data directory, which every worker on the
  host shares; no extra service;
- a SQLAlchemy URL (``postgresql+psycopg://...``): the same table in that database, shared by replicas;
- ``redis://...`` (and the other ``limits`` storage URLs): ``limits``' own storage, shared by replicas;
- ``memory://``: each process counts for itself.

``limits`` ships no SQL storage; ``SqlStorage`` is that adapter (one upsert per hit). When the storage
fails, requests go ahead (logged): a limiter must not take the service down with it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from math import floor
from pathlib import Path
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.storage.base import SlidingWindowCounterSupport, TimestampedSlidingWindow
from limits.strategies import SlidingWindowCounterRateLimiter
from sqlalchemy import Column, Connection, Float, Integer, MetaData, String, Table, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from assistant.settings import Settings

log = logging.getLogger("rrall.ratelimit")

_metadata = MetaData()
_counters = Table(
    "rrall_rate_limit_counters", _metadata,
    Column("key", String(300), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)
_UPSERT = text(
    "INSERT INTO rrall_rate_limit_counters (key, count, expires_at) VALUES (:key, :amount, :expires_at) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN rrall_rate_limit_counters.expires_at <= :now THEN :amount "
    "ELSE rrall_rate_limit_counters.count + :amount END, "
    "expires_at = CASE WHEN rrall_rate_limit_counters.expires_at <= :now THEN :expires_at "
    "ELSE rrall_rate_limit_counters.expires_at END "
    "RETURNING count"
)
_PURGE_EVERY = 1000  # hits between deletions of expired counters


class SqlStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """Counters in one SQL table (SQLite 3.35+ or PostgreSQL: both have upsert with RETURNING)."""

    STORAGE_SCHEME = None

    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, wrap_exceptions=False)
        sqlite = url.startswith("sqlite")
        self._engine = create_engine(url, pool_pre_ping=not sqlite,
                                     connect_args={"timeout": 10} if sqlite else {})
        if sqlite:
            @event.listens_for(self._engine, "connect")
            def _wal(connection: Any, _: Any) -> None:  # readers never wait for a writer
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")

        self._table_made = False
        self._hits = 0

    def _made(self) -> None:
        # On first use, not at start-up: a database that is down then must not stop the app from starting.
        if not self._table_made:
            _metadata.create_all(self._engine, checkfirst=True)
            self._table_made = True

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        self._made()
        with self._engine.begin() as connection:
            yield connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._tx() as db:
            count = db.execute(_UPSERT, {"key": key, "amount": amount, "now": now,
                                         "expires_at": now + expiry}).scalar_one()
            self._hits += 1
            if self._hits % _PURGE_EVERY == 0:
                db.execute(_counters.delete().where(_counters.c.expires_at <= now))
        return int(count)

    def decr(self, key: str, amount: int = 1) -> None:
        with self._tx() as db:
            db.execute(_counters.update().where(_counters.c.key == key)
                       .values(count=_counters.c.count - amount))

    def _counts(self, *keys: str) -> dict[str, tuple[int, float]]:
        self._made()
        with self._engine.connect() as db:
            rows = db.execute(_counters.select().where(_counters.c.key.in_(keys),
                                                       _counters.c.expires_at > time.time()))
            return {key: (max(0, int(count)), float(expires_at)) for key, count, expires_at in rows}

    def get(self, key: str) -> int:
        return self._counts(key).get(key, (0, 0.0))[0]

    def get_expiry(self, key: str) -> float:
        return self._counts(key).get(key, (0, time.time()))[1]

    def check(self) -> bool:
        with self._engine.connect() as db:
            db.execute(text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with self._tx() as db:
            return int(db.execute(_counters.delete()).rowcount)

    def clear(self, key: str) -> None:
        with self._tx() as db:
            db.execute(_counters.delete().where(_counters.c.key == key))

    # The sliding-window counter, as limits' memory storage computes it, over two reads and one upsert.
    def _window(self, key: str, expiry: int, now: float) -> tuple[str, tuple[int, float, int, float]]:
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        counts = self._counts(previous_key, current_key)
        previous = counts.get(previous_key, (0, 0.0))[0]
        current = counts.get(current_key, (0, 0.0))[0]
        previous_ttl = (1 - (((now - expiry) / expiry) % 1)) * expiry if previous else 0.0
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return current_key, (previous, previous_ttl, current, current_ttl)

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        current_key, (previous, previous_ttl, current, _) = self._window(key, expiry, now)
        weighted_previous = previous * previous_ttl / expiry
        if floor(weighted_previous + current) + amount > limit:
            return False
        current = self.incr(current_key, 2 * expiry, amount)
        if floor(weighted_previous + current) > limit:
            self.decr(current_key, amount)  # another worker won the race: give the entry back
            return False
        return True

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        return self._window(key, expiry, time.time())[1]

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        for window_key in self.sliding_window_keys(key, expiry, time.time()):
            self.clear(window_key)


def open_storage(storage_url: str, data_dir: Path) -> Storage:
    """The storage ``RRALL_RATE_LIMIT_STORAGE`` names (see the module docstring)."""
    if not storage_url:
        data_dir.mkdir(parents=True, exist_ok=True)
        return SqlStorage(f"sqlite:///{data_dir / 'ratelimits.sqlite3'}")
    scheme = storage_url.split("://", 1)[0]
    if scheme.startswith(("sqlite", "postgresql", "mysql")):
        return SqlStorage(storage_url)
    return _sync_storage(storage_url)


def _sync_storage(url: str) -> Storage:
    storage = storage_from_string(url)
    if not isinstance(storage, Storage):  # the async:// schemes; the gate calls synchronously
        raise ValueError(f"RRALL_RATE_LIMIT_STORAGE {url.split('://', 1)[0]}:// is not a synchronous storage")
    return storage


class RateLimits:
    """``take(identity)`` returns 0 when the request may go ahead, else the seconds until it may."""

    def __init__(self, storage: Storage, *, name: str, per_minute: int, burst: int) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._name = name
        self._items: list[RateLimitItem] = []
        if per_minute > 0:
            self._items.append(RateLimitItemPerMinute(per_minute))
            if burst < per_minute:
                self._items.append(RateLimitItemPerSecond(burst))

    @property
    def enabled(self) -> bool:
        return bool(self._items)

    def take(self, identity: str) -> float:
        try:
            for item in self._items:
                if not self._limiter.hit(item, self._name, identity):
                    reset_at = self._limiter.get_window_stats(item, self._name, identity).reset_time
                    return max(0.001, reset_at - time.time())
        except Exception:  # the storage is down: serve, and say so
            log.warning("rate limit storage failed; request let through", exc_info=True)
        return 0.0


def rate_limits(settings: Settings) -> tuple[RateLimits, RateLimits]:
    """The per-address and the per-key limits, over one storage (opened only if either is on)."""
    if not (settings.rate_limit_per_minute or settings.key_rate_limit_per_minute):
        storage = _sync_storage("memory://")
    else:
        storage = open_storage(settings.rate_limit_storage, settings.data_dir)
    return (
        RateLimits(storage, name="address", per_minute=settings.rate_limit_per_minute,
                   burst=settings.rate_limit_burst),
        RateLimits(storage, name="key", per_minute=settings.key_rate_limit_per_minute,
                   burst=settings.key_rate_limit_burst),
    )


def retry_after(wait_seconds: float) -> str:
    """The Retry-After header: whole seconds, at least one."""
    return str(max(1, math.ceil(wait_seconds)))
