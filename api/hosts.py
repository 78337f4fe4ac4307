"""The Host header check: Starlette's TrustedHostMiddleware, answering in the common error shape.

A page on a domain the attacker controls can point that domain at 127.0.0.1 (DNS rebinding); the
browser then sends ``Host: attacker.test`` to the loopback service. Refusing Host names the service
is not reached by closes that door, so the open (loopback-only) mode is safe from browsers too.
The hosts allowed come from ``Settings.allowed_host_list``.
"""

from __future__ import annotations

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from api.observability import REJECTED
from api.security import IN_PROCESS_CLIENT, client_host

_PASSED = "host_trusted"
# Load balancers and orchestrators probe by address (Host: 10.0.0.7:8000); the probes reveal nothing.
_PROBES = frozenset({"/healthz", "/readyz"})


class HostGate:
    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.trusted = TrustedHostMiddleware(self._passed, allowed_hosts=allowed_hosts, www_redirect=False)

    async def _passed(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})[_PASSED] = True
        await self.app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette's in-process TestClient always sends "testserver"; nothing reaches it over a network.
        if scope["type"] != "http" or client_host(scope) == IN_PROCESS_CLIENT or scope["path"] in _PROBES:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        refused = False

        async def guarded(message: Message) -> None:
            nonlocal refused
            if state.get(_PASSED):
                await send(message)
            elif message["type"] == "http.response.start" and not refused:
                # Starlette's own refusal is plain text: answer in the common shape instead.
                refused = True
                state["refused"] = True
                REJECTED.labels(reason="invalid_host").inc()
                await error_response(400, "This server is not reached by that Host name; see RRALL_ALLOWED_HOSTS.",
                                     code="invalid_host")(scope, receive, send)

        await self.trusted(scope, receive, guarded)
