"""POST /webhooks/{platform} (and GET for subscription handshakes): the messaging platforms' edge.

Order matters and is the same for every platform: off (404) before anything is read, signature
(401) before the body is believed, payload (400), readiness (503, so the platform retries), then
deduplication, and only then the engine.
"""

from __future__ import annotations

import logging
import threading

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.channels.base import BadPayload, Channel, Unauthorized, WebhookRequest
from api.channels.hub import ChannelHub
from api.errors import ApiError, ErrorResponse
from api.state import AppState

router = APIRouter(tags=["webhooks"])
log = logging.getLogger("rrall.channels")
_hub_lock = threading.Lock()

_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "Malformed platform payload"},
    401: {"model": ErrorResponse, "description": "Unsigned, forged or replayed request"},
    403: {"model": ErrorResponse, "description": "A subscription handshake with the wrong verify token"},
    404: {"model": ErrorResponse, "description": "Unknown platform, or its secrets are not configured"},
    503: {"model": ErrorResponse, "description": "The knowledge index is still loading; the platform retries"},
}


def channel_hub(app: FastAPI) -> ChannelHub:
    """One hub per app, built on first use from the app's settings, with its workers started: the
    webhooks and the connections we open ourselves (Socket Mode, long polling) share it, so they
    share deduplication and sessions."""
    with _hub_lock:
        hub: ChannelHub | None = getattr(app.state, "rrall_channels", None)
        if hub is None:
            state: AppState = app.state.rrall
            hub = ChannelHub(state)
            app.state.rrall_channels = hub
    hub.start()
    return hub


def _hub(request: Request) -> ChannelHub:
    return channel_hub(request.app)


async def _incoming(request: Request) -> WebhookRequest:
    return WebhookRequest(
        method=request.method, url=str(request.url), path=request.url.path, query=request.url.query,
        headers={k.lower(): v for k, v in request.headers.items()}, body=await request.body(),
    )


def _channel(request: Request, platform: str) -> tuple[ChannelHub, Channel]:
    hub = _hub(request)
    channel = hub.channel(platform)
    if channel is None:
        raise ApiError(404, f"No webhook for {platform!r}: the platform is unknown or not configured.")
    return hub, channel


@router.post("/webhooks/{platform}", responses=_ERRORS, summary="A messaging platform's webhook")
async def receive(platform: str, request: Request) -> Response:
    hub, channel = _channel(request, platform)
    incoming = await _incoming(request)
    try:
        await run_in_threadpool(channel.verify, incoming)  # Teams may fetch its signing keys
        parsed = channel.parse(incoming)
        if parsed.immediate is not None:
            return parsed.immediate
        if parsed.messages and hub.state.engine is None:
            raise ApiError(503, "The knowledge index is still loading; retry shortly.")
        accepted = await run_in_threadpool(hub.fresh, channel, incoming, parsed.messages)
    except Unauthorized as exc:
        log.warning("%s webhook rejected: %s", platform, exc, extra={"platform": platform})
        raise ApiError(401, "Unsigned, forged or replayed request.") from exc
    except BadPayload as exc:
        raise ApiError(400, f"Malformed {platform} payload: {exc}.") from exc
    if channel.replies_later:  # kept in the inbox already: the workers answer it
        hub.wake()
        return channel.acknowledge(incoming, accepted)
    answered = [(message, await run_in_threadpool(hub.safe_answer, channel, message)) for message in accepted]
    return channel.reply(answered)


@router.get("/webhooks/{platform}", responses=_ERRORS, summary="A platform's subscription handshake")
async def handshake(platform: str, request: Request) -> Response:
    _, channel = _channel(request, platform)
    response = channel.handshake(await _incoming(request))
    if response.status_code >= 400 and response.media_type != "application/json":
        # A platform module's refusal (WhatsApp's wrong verify token) in the common error shape.
        raise ApiError(response.status_code, f"The {platform} subscription check failed: wrong mode or verify token.",
                       code="verification_failed")
    return response
