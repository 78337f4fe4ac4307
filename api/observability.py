"""Prometheus metrics: HTTP requests, tool calls, retrieval, chat turns and sessions.

Metrics are process-wide (prometheus_client's default registry). Under ``assistant serve --workers N``
the CLI sets ``PROMETHEUS_MULTIPROC_DIR`` before the workers start, prometheus_client then keeps each
worker's values in files there, and ``GET /metrics`` on any worker adds them all up. Without it (one
worker, or uvicorn run by hand with several) each worker reports only its own traffic.

Labels are bounded: routes are templates (``/v1/sessions/{session_id}``), never raw paths; tools and
intents come from fixed vocabularies.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event

from assistant.sessions import SessionRow
from assistant.understanding.safety import redact

if TYPE_CHECKING:
    from assistant.answer import ChatResponse
    from assistant.engine import ChatEngine
    from knowledge.retrieval import HybridRetriever

log = logging.getLogger("rrall.chat")

# The *_created series double the output and say only when a label set was first seen.
disable_created_metrics()  # type: ignore[no-untyped-call]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SEARCH_MODES = frozenset({"hybrid", "dense", "bm25"})

HTTP_REQUESTS = Counter(
    "rrall_http_requests", "HTTP requests by method, route template and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "rrall_http_request_duration_seconds", "Time to the end of the response body, by method and route template",
    ["method", "route"], buckets=_LATENCY_BUCKETS,
)
REJECTED = Counter(
    "rrall_requests_rejected", "Requests refused before reaching a route, by reason", ["reason"]
)
TOOL_CALLS = Counter(
    "rrall_tool_calls", "Clinical tool runs by tool and by what asked for them (chat, assess, tools)", ["tool", "via"]
)
RETRIEVAL = Histogram(
    "rrall_retrieval_duration_seconds", "Knowledge-base searches (_count) and their latency, by mode",
    ["mode"], buckets=_LATENCY_BUCKETS,
)
CHAT_TURNS = Counter("rrall_chat_turns", "Chat turns answered, by intent and by who wrote the answer",
                     ["intent", "answered_by"])
SESSIONS_CREATED = Counter("rrall_sessions_created", "Chat sessions created")


@event.listens_for(SessionRow, "after_insert")
def _session_created(*_: Any) -> None:
    # Every creation path (HTTP chat, messaging webhooks) goes through the store.
    SESSIONS_CREATED.inc()


def record_request(*, method: str, route: str, status: int, seconds: float, path_params: dict[str, Any]) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(seconds)
    if status != 200 or method != "POST":
        return
    if route == "/v1/assess":
        TOOL_CALLS.labels(tool="assess_patient", via="assess").inc()
    elif route == "/v1/tools/{name}":  # a 200 means the name is one of the catalogue's
        TOOL_CALLS.labels(tool=str(path_params.get("name")), via="tools").inc()


def observe_retriever(retriever: HybridRetriever) -> HybridRetriever:
    """Time every search, whoever asks (the search route or a chat turn)."""
    search = retriever.search

    def timed(query: str, *args: Any, **kwargs: Any) -> Any:
        mode = str(kwargs.get("mode", "hybrid"))
        start = time.perf_counter()
        try:
            return search(query, *args, **kwargs)
        finally:
            RETRIEVAL.labels(mode=mode if mode in _SEARCH_MODES else "other").observe(time.perf_counter() - start)

    retriever.search = timed  # type: ignore[method-assign]
    return retriever


def observe_engine(engine: ChatEngine) -> ChatEngine:
    """Count each chat turn and the tools it ran; the message itself only at DEBUG, redacted."""
    respond = engine.respond

    def observed(message: str, *args: Any, **kwargs: Any) -> ChatResponse:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("chat message", extra={"text": redact(message)[0]})
        response = respond(message, *args, **kwargs)
        CHAT_TURNS.labels(intent=response.intent, answered_by=response.answered_by).inc()
        for call in response.tool_calls:
            TOOL_CALLS.labels(tool=call.name, via="chat").inc()
        return response

    engine.respond = observed  # type: ignore[method-assign]
    return engine


class _ActiveSessions(Collector):
    """Read at scrape time from the shared store, so it is right whatever the number of workers."""

    def __init__(self, count: Callable[[], int]) -> None:
        self._count = count

    def collect(self) -> Iterator[Metric]:
        try:
            value = self._count()
        except Exception:  # a scrape must not fail because the database is away for a moment
            log.warning("active session count unavailable", exc_info=True)
            return
        yield GaugeMetricFamily("rrall_sessions_active", "Sessions not yet expired", value=value)


def multiprocess_dir() -> str | None:
    # prometheus_client's own switch (read by the library when it is imported), not an RRALL setting.
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render_metrics(active_sessions: Callable[[], int]) -> bytes:
    """The exposition text: this process's metrics, or every worker's in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    scrape_time = CollectorRegistry(auto_describe=False)
    scrape_time.register(_ActiveSessions(active_sessions))
    return generate_latest(registry) + generate_latest(scrape_time)
