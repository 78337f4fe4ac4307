"""A local stand-in for Slack's Socket Mode WebSocket server, on loopback.

Each client that connects gets ``hello``; ``send(envelope)`` pushes an envelope to every connected
client, and the acknowledgements (``{"envelope_id": ...}``) are recorded in ``acks``. Socket Mode's
wire format: https://api.slack.com/apis/socket-mode (envelope_id, type, payload, retry_attempt).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


@dataclass
class FakeSocketMode:
    acks: list[dict[str, Any]] = field(default_factory=list)
    _clients: list[ServerConnection] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=fake"

    def start(self) -> FakeSocketMode:
        self._server = serve(self._handle, "127.0.0.1", 0)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "connection_info": {"app_id": "A0FAKE"}, "debug_info": {"host": "fake"}}))
        with self._lock:
            self._clients.append(connection)
        try:
            for message in connection:
                with self._lock:
                    self.acks.append(json.loads(message))
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._clients.remove(connection)

    def wait_for_client(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._clients:
                    return
            time.sleep(0.02)
        raise AssertionError("no Socket Mode client connected")

    def send(self, envelope: dict[str, Any]) -> None:
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.send(json.dumps(envelope))

    def acked(self, envelope_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [a for a in self.acks if a.get("envelope_id") == envelope_id]
