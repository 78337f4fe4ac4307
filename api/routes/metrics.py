"""GET /metrics: Prometheus text format (api/observability.py says what is measured).

Guarded like /v1 (api/middleware.py): an API key when ``RRALL_API_KEYS`` is set (Prometheus sends it
with ``authorization: {credentials: KEY}`` in its scrape config), else local clients only.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import StateDep
from api.errors import ErrorResponse
from api.observability import render_metrics

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus exposition format"},
        401: {"model": ErrorResponse},
    },
    summary="Prometheus metrics",
)
async def metrics(state: StateDep) -> Response:
    # The store is opened inside the count, so a database that is away costs one series, not the scrape.
    body = await run_in_threadpool(render_metrics, lambda: state.store.active_count())
    return Response(body, media_type=CONTENT_TYPE_LATEST)
