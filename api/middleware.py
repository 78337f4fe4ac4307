"""Service hardening around every request: request ids, JSON request logs and metrics, CORS, API keys,
rate limits and the request-size cap; plus the periodic transcript purge in the app's lifespan.

The layers, outermost first (pure ASGI, so streamed responses pass through untouched):

1. ``RequestObserver``: request id (the client's ``X-Request-ID`` or a new one, echoed back), one
   JSON log line and the HTTP metrics per request, whatever answered it (a route or a layer below);
   a 405's ``Allow`` lists every method the path documents, not only the first route's; and
   ``X-Content-Type-Options: nosniff`` on every response, so a browser never reads JSON as a page.
2. ``HostGate`` (api/hosts.py): the Host header must be one of ``RRALL_ALLOWED_HOSTS`` (Starlette's
   TrustedHostMiddleware), so a rebound DNS name cannot reach the loopback-only API.
3. CORS (only when ``RRALL_ALLOWED_ORIGINS`` is set): exactly those origins; a refused preflight
   gets the common error shape.
4. ``AccessGate`` on /v1, /metrics, /mcp and /cds-services: the client address's limit first (so floods of forged
   keys are throttled too), then the key (api/security.py), then the key's own bucket.
5. ``BodyLimit``: reads at most ``RRALL_MAX_BODY_BYTES`` of the body, counted on the bytes that
   actually arrive (a missing or false Content-Length changes nothing), before any route runs; so an
   oversize request stores nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from api.hosts import HostGate
from api.logs import REQUEST_ID, request_id_from
from api.observability import REJECTED, record_request
from api.openapi import GATED_PREFIXES, DocumentedMethods, install_openapi
from api.ratelimit import RateLimits, rate_limits, retry_after
from api.retention import install_retention
from api.security import Denial, KeyChecker, client_host
from assistant.settings import Settings

log = logging.getLogger("rrall.http")

# Load balancers and Prometheus call these every few seconds: logged at DEBUG unless they fail.
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Added innermost first: Starlette wraps each new middleware around the ones before it."""
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessGate, settings=settings)
    if settings.allowed_origin_list:
        app.add_middleware(
            JsonCORSMiddleware,
            allow_origins=settings.allowed_origin_list,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Accept", "X-Request-ID", "Last-Event-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(HostGate, allowed_hosts=settings.allowed_host_list)
    app.add_middleware(RequestObserver)
    install_openapi(app, settings)
    install_retention(app, settings)


def route_template(scope: Scope) -> str:
    """The matched route's path template; a bounded label for requests that reached no route."""
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    if scope.get("state", {}).get("refused"):
        return "<refused>"
    if scope["method"] == "OPTIONS" and "access-control-request-method" in Headers(scope=scope):
        return "<cors-preflight>"
    return "<unmatched>"


class RequestObserver:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.methods = DocumentedMethods()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get("x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        status = 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = MutableHeaders(scope=message)
                headers.append("X-Request-ID", request_id)
                headers["X-Content-Type-Options"] = "nosniff"
                if status == 405 and (allow := self.methods.allow(scope["app"], scope["path"])):
                    headers["Allow"] = allow
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - start
            route = route_template(scope)
            record_request(method=scope["method"], route=route, status=status, seconds=seconds,
                           path_params=scope.get("path_params", {}))
            fields = {"method": scope["method"], "path": route, "status": status,
                      "duration_ms": round(seconds * 1000, 1), "client": client_host(scope)}
            if principal := scope.get("state", {}).get("principal"):
                fields["principal"] = principal
            quiet = route in _PROBES and status < 400
            log.log(logging.DEBUG if quiet else logging.INFO, "request", extra=fields)
            REQUEST_ID.reset(token)


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight in the common error shape instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return error_response(400, f"CORS preflight refused: {refused} not allowed.", code="cors_refused",
                              headers=headers)


class AccessGate:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.keys = KeyChecker(settings)
        self.per_client, self.per_key = rate_limits(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/v1" or path.startswith(GATED_PREFIXES)):
            await self.app(scope, receive, send)
            return
        wait = await _taken(self.per_client, client_host(scope) or "local")
        if wait:
            await _refuse(scope, receive, send, _too_many("this client address", wait))
            return
        headers = Headers(scope=scope)
        outcome = self.keys.authenticate(scope, headers, widget_allowed=path.startswith("/v1"))
        if isinstance(outcome, Denial):
            extra = {"WWW-Authenticate": 'Bearer realm="rrall"'} if outcome.status == 401 else None
            await _refuse(scope, receive, send, _denied(outcome, extra))
            return
        scope.setdefault("state", {})["principal"] = outcome.label
        if outcome.key_id and (wait := await _taken(self.per_key, outcome.key_id)):
            await _refuse(scope, receive, send, _too_many("this key", wait))
            return
        await self.app(scope, receive, send)


async def _taken(limits: RateLimits, identity: str) -> float:
    # The counts live in a database: off the event loop, so one slow round trip stalls no other request.
    return await run_in_threadpool(limits.take, identity) if limits.enabled else 0.0


async def _refuse(scope: Scope, receive: Receive, send: Send, response: Response) -> None:
    """Answer for the layer that refused; the request never reaches a route."""
    scope.setdefault("state", {})["refused"] = True
    await response(scope, receive, send)


def _denied(denial: Denial, headers: dict[str, str] | None) -> Response:
    REJECTED.labels(reason=denial.code).inc()
    return error_response(denial.status, denial.message, code=denial.code, headers=headers)


def _too_many(whose: str, wait: float) -> Response:
    REJECTED.labels(reason="rate_limited").inc()
    seconds = retry_after(wait)
    return error_response(429, f"Too many requests from {whose}; retry after {seconds} s.",
                          headers={"Retry-After": seconds})


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None and not declared.strip().isdigit():
            await _refuse(scope, receive, send, error_response(400, "Content-Length is not a number."))
            return
        if declared is not None and int(declared) > self.max_bytes:
            await _refuse(scope, receive, send, self._too_large())
            return
        if scope["method"] in _BODYLESS and declared is None and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away before sending its body: nothing to answer
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await _refuse(scope, receive, send, self._too_large())
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    def _too_large(self) -> Response:
        REJECTED.labels(reason="payload_too_large").inc()
        return error_response(413, f"The request body is larger than {self.max_bytes} bytes.")


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the buffered body to the app once, then pass through (disconnects for streaming)."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = dict(await receive())
        return message

    return replay
