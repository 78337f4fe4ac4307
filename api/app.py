"""The FastAPI application, built by a factory so tests can build their own."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.routing import Route

from api.channels.connect import Connections, configured
from api.channels.registry import any_channel_configured
from api.errors import install_error_handlers
from api.mcp_http import McpHttp
from api.middleware import install_middleware
from api.routes import (
    assess,
    cds_hooks,
    chat,
    health,
    metrics,
    openai_compat,
    passages,
    quiz,
    search,
    sessions,
    sources,
    tools,
    vocabulary,
    webhooks,
    widget,
)
from api.state import AppState
from assistant import __version__
from assistant.settings import Settings, get_settings
from assistant.understanding import person_names


def _load(state: AppState) -> None:
    state.load_knowledge()
    # Then the name model (about a second), so the first chat turn does not wait for it. In the same
    # thread: two threads importing numpy-based packages at once can see a half-initialised numpy.
    try:
        person_names.analyzer()
    except Exception:  # the first redaction raises it again, where it is reported
        logging.getLogger("rrall.api").exception("the name model failed to load")


def create_app(settings: Settings | None = None, *, load_knowledge: bool = True) -> FastAPI:
    settings = settings or get_settings()
    state = AppState(settings=settings)
    mcp = McpHttp(state)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if load_knowledge:
            # Load in the background so /healthz answers at once and /readyz reports progress.
            threading.Thread(target=_load, args=(state,), name="index-loader", daemon=True).start()
        # Replies queued before a restart go out without waiting for the next webhook; Slack Socket Mode
        # and Telegram polling, when configured, start once the index is ready and share the one hub.
        hub = webhooks.channel_hub(app) if any_channel_configured(settings) else None
        opened = configured(settings) if settings.connect_in_serve else []
        connections = Connections(webhooks.channel_hub(app), opened) if opened else None
        if connections is not None:
            connections.start_when_ready()
        async with mcp.running():
            yield
        if connections is not None:
            connections.stop()
        if hub is not None:
            hub.stop()

    app = FastAPI(
        title="RR-ALL Navigator",
        version=__version__,
        description=(
            "Decision support for relapsed/refractory B-ALL: blinatumomab, inotuzumab ozogamicin and "
            "tisagenlecleucel, grounded in deterministic rules and cited passages of Curran & O'Brien "
            "(Semin Hematol 2020). Not a substitute for clinical judgement."
        ),
        lifespan=lifespan,
    )
    app.state.rrall = state
    install_error_handlers(app)
    install_middleware(app, settings)
    for module in (health, metrics, search, sources, assess, tools, vocabulary, chat, sessions, quiz, webhooks,
                   widget, openai_compat, passages, cds_hooks):
        app.include_router(module.router)
    app.router.routes.append(Route("/mcp", endpoint=mcp, include_in_schema=False))
    return app
