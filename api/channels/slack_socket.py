"""Slack over Socket Mode: an outbound WebSocket instead of a public webhook.

For servers that cannot take inbound HTTPS (a hospital's on-premises network), Slack delivers the same
Events API bodies and slash commands over a WebSocket that we open (``apps.connections.open`` with the
app-level token, then slack_sdk's Socket Mode client). Each envelope is acknowledged at once, then
parsed by the Slack channel's own parser and answered through the hub, so deduplication (Slack
redelivers an envelope it thinks was lost), the conversation-to-session link and delivery
(``chat.postMessage`` in the thread) are exactly the webhook's.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin.client import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from api.channels.base import all_set
from api.channels.hub import ChannelHub
from api.channels.slack import SlackChannel
from assistant.settings import Settings

log = logging.getLogger("rrall.channels")


def socket_mode_configured(settings: Settings) -> bool:
    return settings.slack_mode == "socket" and all_set(settings.slack_app_token, settings.slack_bot_token)


class SlackSocketConnection:
    """One Socket Mode connection feeding the hub. ``start`` connects; ``stop`` closes."""

    def __init__(self, hub: ChannelHub, settings: Settings) -> None:
        assert settings.slack_app_token is not None and settings.slack_bot_token is not None
        self.hub = hub
        self.channel = SlackChannel(settings)
        web = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                        timeout=10)
        self.client = SocketModeClient(app_token=settings.slack_app_token.get_secret_value(), web_client=web,
                                       logger=logging.getLogger("rrall.channels.slack_socket"))
        self.client.socket_mode_request_listeners.append(self._on_request)

    def start(self) -> None:
        self.client.connect()
        log.info("slack socket mode connected", extra={"platform": "slack"})

    def stop(self) -> None:
        self.client.close()

    def _on_request(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        payload: dict[str, Any] = request.payload or {}
        if request.type == "slash_commands":
            fallback = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            parsed = self.channel.parse_command(payload, fallback_id=fallback)
        elif request.type == "events_api":
            parsed = self.channel.parse_event(payload)
        elif request.type == "interactive":  # a button pressed
            parsed = self.channel.parse_interaction(payload)
        else:
            parsed = None
        # Acknowledge first: Slack redelivers an envelope that is not acknowledged within seconds. A
        # slash command's help text goes back in the acknowledgement, as the webhook's HTTP response does.
        immediate = parsed.immediate if parsed is not None else None
        body = json.loads(bytes(immediate.body)) if immediate is not None else None
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=body))
        if parsed is None or not parsed.messages:
            return
        for message in self.hub.accept(self.channel, parsed.messages):
            self.hub.answer_and_deliver(self.channel, message)
