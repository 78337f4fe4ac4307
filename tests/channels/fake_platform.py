"""A real HTTP server on loopback standing in for the platforms' APIs, recording every call.

It serves what our side calls: Slack's Web API (``/slack/api/chat.postMessage``) and slash-command
response URLs (``/slack/response/...``), the Telegram Bot API (``/telegram/bot<token>/sendMessage``),
the Bot Framework's token endpoint, signing keys and connector (``/teams/...``), and the Graph API's
messages endpoint (``/graph/<phone_number_id>/messages``). ``fail(path_part, 500, 500)`` makes the
next matching calls fail with those statuses, to test retries; ``slow(path_part, seconds)`` delays them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

TEAMS_KID = "test-key-1"
CONNECTOR_TOKEN = "fake-connector-token"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def data(self) -> dict[str, Any]:
        """The body as a dict, whether it was sent as JSON or as a form."""
        if self.headers.get("content-type", "").startswith("application/json"):
            loaded: dict[str, Any] = json.loads(self.body)
            return loaded
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class FakePlatform:
    private_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _delays: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    # The same routes over HTTPS (Microsoft's identity platform is https only, and msal insists): a
    # self-signed certificate for 127.0.0.1, written to ``ca_file`` for the client to trust.
    _tls_server: ThreadingHTTPServer | None = None
    ca_file: str = ""
    # Slack Socket Mode: the WebSocket URL apps.connections.open hands out (a FakeSocketMode's).
    socket_url: str = ""
    # Telegram long polling: updates waiting to be fetched by getUpdates, oldest first.
    telegram_updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def tls_url(self) -> str:
        assert self._tls_server is not None
        host, port = self._tls_server.server_address[:2]
        return f"https://{host!s}:{port}"

    def start(self) -> FakePlatform:
        handler = type("Handler", (_Handler,), {"platform": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self._tls_server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._tls_server.socket = self._tls_context().wrap_socket(self._tls_server.socket, server_side=True)
        threading.Thread(target=self._tls_server.serve_forever, daemon=True).start()
        return self

    def _tls_context(self) -> ssl.SSLContext:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                .not_valid_after(now + dt.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        folder = tempfile.mkdtemp(prefix="fake-platform-tls-")
        self.ca_file = f"{folder}/cert.pem"
        key_file = f"{folder}/key.pem"
        with open(self.ca_file, "wb") as out:
            out.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(key_file, "wb") as out:
            out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.ca_file, key_file)
        return context

    def stop(self) -> None:
        for server in (self._server, self._tls_server):
            if server is not None:
                server.shutdown()
                server.server_close()

    def fail(self, path_part: str, *statuses: int) -> None:
        with self._lock:
            self._failures.setdefault(path_part, []).extend(statuses)

    def slow(self, path_part: str, seconds: float) -> None:
        """Answer calls whose path contains ``path_part`` only after ``seconds`` (0 to undo)."""
        with self._lock:
            self._delays[path_part] = seconds

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.telegram_updates.append(update)

    def _get_updates(self, body: bytes) -> list[dict[str, Any]]:
        """getUpdates as the Bot API serves it: confirm everything before ``offset``, then wait (briefly,
        for the tests) for an update."""
        asked = {k: v[-1] for k, v in parse_qs(body.decode()).items()} if body and body[:1] != b"{" \
            else (json.loads(body) if body else {})
        offset = int(asked.get("offset") or 0)
        deadline = time.monotonic() + min(float(asked.get("timeout") or 0), 0.5)
        while True:
            with self._lock:
                self.telegram_updates = [u for u in self.telegram_updates if u["update_id"] >= offset]
                if self.telegram_updates or time.monotonic() >= deadline:
                    return list(self.telegram_updates)
            time.sleep(0.02)

    def calls_to(self, path_part: str, where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if path_part in c.path and where(c)]

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**public, "kid": TEAMS_KID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]}]}

    def sign_teams_token(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None) -> str:
        now = int(time.time())
        body = {"iat": now - 5, "nbf": now - 5, "exp": now + 3600, **claims}
        return jwt.encode(body, key or self.private_key, algorithm="RS256", headers={"kid": TEAMS_KID})

    # -- what the server answers ----------------------------------------------------------------
    def _planned_failure(self, path: str) -> int | None:
        with self._lock:
            for part, statuses in self._failures.items():
                if part in path and statuses:
                    return statuses.pop(0)
        return None

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        with self._lock:
            delay = max((s for part, s in self._delays.items() if part in path), default=0.0)
        time.sleep(delay)
        status, ctype, payload = self._planned(path) or self._route(method, path, body)
        with self._lock:
            self.calls.append(Call(method=method, path=path, headers=headers, body=body, status=status))
        return status, ctype, payload

    def _planned(self, path: str) -> tuple[int, str, bytes] | None:
        status = self._planned_failure(path)
        if status is None:
            return None
        return status, "application/json", json.dumps({"ok": False, "error": "fake_failure"}).encode()

    def _route(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        def ok(data: Any) -> tuple[int, str, bytes]:
            return 200, "application/json", json.dumps(data).encode()

        if path.startswith("/slack/api/apps.connections.open"):
            return ok({"ok": True, "url": self.socket_url})
        if path.startswith("/telegram/bot") and path.endswith("/getUpdates"):
            return ok({"ok": True, "result": self._get_updates(body)})
        if path.startswith("/telegram/bot") and path.endswith(("/deleteWebhook", "/answerCallbackQuery")):
            return ok({"ok": True, "result": True})
        if path.startswith("/slack/api/chat.postMessage"):
            return ok({"ok": True, "channel": "C0", "ts": f"{time.time():.6f}"})
        if path.startswith("/slack/response/"):
            return 200, "text/plain", b"ok"
        if path.startswith("/telegram/bot") and path.endswith("/sendMessage"):
            sent = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
            chat_id = int(sent.get("chat_id", "0"))
            return ok({"ok": True, "result": {"message_id": len(self.calls) + 1, "date": int(time.time()),
                                               "chat": {"id": chat_id, "type": "private"}, "text": sent.get("text")}})
        if path == "/teams/jwks" and method == "GET":
            return ok(self.jwks())
        if path == "/botframework.com/v2.0/.well-known/openid-configuration" and method == "GET":
            # What msal reads from the authority before asking for a token (OpenID discovery).
            base = self.tls_url
            return ok({"token_endpoint": f"{base}/teams/token", "issuer": f"{base}/botframework.com/v2.0",
                       "authorization_endpoint": f"{base}/botframework.com/oauth2/v2.0/authorize"})
        if path == "/teams/token" and method == "POST":
            return ok({"token_type": "Bearer", "expires_in": 3600, "access_token": CONNECTOR_TOKEN})
        if path.startswith("/teams/v3/conversations/"):
            return ok({"id": f"reply-{len(self.calls)}"})
        if path.startswith("/graph/") and path.endswith("/messages"):
            to = json.loads(body).get("to")
            return ok({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                       "messages": [{"id": f"wamid.reply{len(self.calls)}"}]})
        return 404, "application/json", b'{"error": "not found"}'


class _Handler(BaseHTTPRequestHandler):
    platform: FakePlatform
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, ctype, payload = self.platform.handle(self.command, urlsplit(self.path).path, headers, body)
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the record instead
        return None
