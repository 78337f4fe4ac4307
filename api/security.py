"""Who may call /v1 and /metrics: API keys, public widget keys bound to origins, and the loopback rule.

- ``RRALL_API_KEYS`` set: every request needs one of them, as ``Authorization: Bearer KEY`` or
  ``X-API-Key: KEY``, from any address (a reverse proxy on the same host must not open the API).
- ``RRALL_API_KEYS`` empty: the API is open to clients on this machine only; anyone else gets 401.
- ``RRALL_WIDGET_KEYS``: public keys shipped in a page's script tag. They grant /v1 (not /metrics)
  only to requests whose ``Origin`` is one of ``RRALL_ALLOWED_ORIGINS`` or the service's own origin
  (the /widget demo page: the public base URL's origin, or Origin equal to Host on a loopback name).
  The origin check is what a browser enforces; a widget key is not a secret.

Keys are compared as SHA-256 digests with ``hmac.compare_digest`` against every configured key, so
the time taken says nothing about how much of a key matched. Keys never appear in logs or errors:
a principal is named by the first 8 hex digits of its key's digest.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import Scope

from assistant.settings import LOOPBACK_HOSTS, Settings

_LOOPBACK_NAMES = frozenset(h.strip("[]") for h in LOOPBACK_HOSTS)

PrincipalKind = Literal["api_key", "widget_key", "local"]

# Starlette's in-process TestClient reports this host; nothing reaches it over a network.
IN_PROCESS_CLIENT = "testclient"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    key_id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.key_id}" if self.key_id else self.kind


@dataclass(frozen=True)
class Denial:
    status: int
    code: str
    message: str


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _matches(digest: bytes, known: list[bytes]) -> bool:
    found = False
    for candidate in known:  # no early exit: every key is compared every time
        found |= hmac.compare_digest(digest, candidate)
    return found


class ConflictingKeys(ValueError):
    """Both headers carry a key and they differ (RFC 6750: one method per request)."""


def presented_key(headers: Headers) -> str | None:
    """The key a request carries, as ``X-API-Key`` or as an ``Authorization: Bearer`` token."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" else ""
    header = headers.get("x-api-key", "").strip()
    if bearer and header and not hmac.compare_digest(_digest(bearer), _digest(header)):
        raise ConflictingKeys
    return header or bearer or None


def client_host(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def is_local(host: str | None) -> bool:
    """Loopback, a Unix socket (no address) or the in-process test client."""
    if host is None or host == IN_PROCESS_CLIENT:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def own_origin(scope: Scope, headers: Headers) -> str:
    """The origin the service is reached at, as a browser on its own pages would send it."""
    host = headers.get("host")
    return f"{scope.get('scheme', 'http')}://{host}".lower() if host else ""


class KeyChecker:
    def __init__(self, settings: Settings) -> None:
        self._api = [_digest(k) for k in settings.api_key_list]
        self._widget = [_digest(k) for k in settings.widget_key_list]
        self._origins = {o.lower() for o in settings.allowed_origin_list}
        self._public_origin = origin_of(settings.public_base_url)

    @property
    def open(self) -> bool:
        """No API keys: /v1 is open to local clients only."""
        return not self._api

    def authenticate(self, scope: Scope, headers: Headers, *, widget_allowed: bool) -> Principal | Denial:
        try:
            key = presented_key(headers)
        except ConflictingKeys:
            return Denial(401, "invalid_api_key", "Send one API key, either as Bearer token or as X-API-Key, not two.")
        if key is not None:
            digest = _digest(key)
            key_id = digest.hex()[:8]
            if _matches(digest, self._api):
                return Principal("api_key", key_id)
            if widget_allowed and _matches(digest, self._widget):
                origin = headers.get("origin", "").rstrip("/").lower()
                if origin and self._origin_allowed(origin, scope, headers):
                    return Principal("widget_key", key_id)
                shown = origin or "a request without an Origin header"
                return Denial(403, "origin_not_allowed",
                              f"This widget key works only from the allowed origins; {shown} is not one of them.")
        if self.open and is_local(client_host(scope)):
            return Principal("local")
        if key is not None:
            return Denial(401, "invalid_api_key", "The API key is not valid.")
        if self.open:
            return Denial(401, "unauthorized",
                          "This server has no API keys configured (RRALL_API_KEYS), so it answers only "
                          "clients on its own machine.")
        return Denial(401, "unauthorized",
                      "An API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.")

    def _origin_allowed(self, origin: str, scope: Scope, headers: Headers) -> bool:
        if origin in self._origins or (self._public_origin and origin == self._public_origin):
            return True
        # The /widget demo page on this machine. Origin equal to Host proves nothing by itself (a
        # rebound DNS name sends both), so it counts only for the loopback names.
        own = own_origin(scope, headers)
        return bool(own) and origin == own and urlsplit(own).hostname in _LOOPBACK_NAMES
