"""The connections we open to platforms ourselves (Slack Socket Mode, Telegram long polling), chosen by
configuration (RRALL_SLACK_MODE=socket, RRALL_TELEGRAM_MODE=polling) and run by `assistant serve`
(RRALL_CONNECT_IN_SERVE, on by default) or by `assistant connect slack|telegram` on their own.

They start once the knowledge index is ready: before that there is nothing to answer with, and a
platform that gets no answer would only redeliver.
"""

from __future__ import annotations

import logging
import threading
from typing import Literal

from api.channels.hub import ChannelHub
from api.channels.slack_socket import SlackSocketConnection, socket_mode_configured
from api.channels.telegram_polling import TelegramPolling, polling_configured
from assistant.settings import Settings

log = logging.getLogger("rrall.channels")
Platform = Literal["slack", "telegram"]
PLATFORMS: tuple[Platform, ...] = ("slack", "telegram")


def configured(settings: Settings) -> list[Platform]:
    """The platforms whose outbound connection is switched on and has its secrets."""
    checks = {"slack": socket_mode_configured, "telegram": polling_configured}
    return [p for p in PLATFORMS if checks[p](settings)]


class Connections:
    def __init__(self, hub: ChannelHub, platforms: list[Platform]) -> None:
        self.hub = hub
        self.platforms = platforms
        self._stop = threading.Event()
        self._slack: SlackSocketConnection | None = None
        self._telegram: TelegramPolling | None = None
        self._threads: list[threading.Thread] = []

    def start_when_ready(self, *, poll_seconds: float = 0.5) -> None:
        """Start every connection in the background as soon as the index has loaded."""
        if not self.platforms:
            return
        waiter = threading.Thread(target=self._start_when_ready, args=(poll_seconds,), name="connections",
                                  daemon=True)
        waiter.start()
        self._threads.append(waiter)

    def _start_when_ready(self, poll_seconds: float) -> None:
        while not self.hub.state.ready:
            if self._stop.wait(poll_seconds):
                return
        self.start()

    def start(self) -> None:
        settings = self.hub.state.settings
        if "slack" in self.platforms:
            self._slack = SlackSocketConnection(self.hub, settings)
            self._slack.start()
        if "telegram" in self.platforms:
            self._telegram = TelegramPolling(self.hub, settings)
            poller = threading.Thread(target=self._telegram.run, name="telegram-polling", daemon=True)
            poller.start()
            self._threads.append(poller)

    def wait(self) -> None:
        """Block until ``stop`` (the `assistant connect` process runs until it is told to end)."""
        self._stop.wait()

    def stop(self, *, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._slack is not None:
            self._slack.stop()
        if self._telegram is not None:
            self._telegram.stop()
        for thread in self._threads:
            thread.join(timeout)
