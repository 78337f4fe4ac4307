"""MCP over streamable HTTP at /mcp, inside the API app (so api/middleware.py's keys, rate limits and
body cap apply before a request reaches the SDK).

Stateless and JSON responses: every request stands alone, so any worker or replica can answer it
(the sessions of a stateful MCP server live in one process). The SDK's session manager runs once per
app start, in the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

from api.errors import error_response
from api.mcp_server import build_mcp_server
from api.state import AppState
from tools.passage_search import Searcher

_LOCAL_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]


class McpHttp:
    """The ASGI endpoint of /mcp; ``running()`` is entered in the app's lifespan."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.server = build_mcp_server(self._searcher)
        self._running = False

    def _searcher(self) -> Searcher | None:
        return self.state.retriever

    def _security(self) -> TransportSecuritySettings:
        if self.state.settings.api_key_list:
            # A key is required, so a page that rebinds DNS to this host gains nothing.
            return TransportSecuritySettings(enable_dns_rebinding_protection=False)
        # No keys: the API is open to loopback clients, which a rebinding page would be.
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True, allowed_hosts=_LOCAL_HOSTS,
            allowed_origins=[f"http://{host}" for host in _LOCAL_HOSTS],
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        self.server.streamable_http_app(stateless_http=True, json_response=True, transport_security=self._security())
        async with self.server.session_manager.run():
            self._running = True
            try:
                yield
            finally:
                self._running = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._running:
            await error_response(503, "The MCP endpoint is starting; retry shortly.")(scope, receive, send)
            return
        await self.server.session_manager.handle_request(scope, receive, send)
