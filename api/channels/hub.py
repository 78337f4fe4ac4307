"""Runs a channel's messages through the chat engine: one conversation, one session.

The hub owns what is common to every platform: deduplication, the conversation-to-session link,
quiz replies by number, the engine call, delivery with retries, and keeping what failed.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Callable
from functools import partial

from api.channels.base import Channel, Inbound, WebhookRequest
from api.channels.delivery import RetryPolicy, scrub_logs, with_retry
from api.channels.links import ChannelLinks, FailedDelivery
from api.channels.registry import build_channels
from api.state import AppState
from assistant.answer import MESSAGE_MAX_CHARS, ChatResponse, QuizCard
from assistant.db.tables import OWNER_LENGTH
from assistant.engine import SessionNotFound

log = logging.getLogger("rrall.channels")

APOLOGY = "Sorry, I could not answer that just now. Please send your question again in a minute."
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_LOCK_STRIPES = 64


class NotReady(RuntimeError):
    """The knowledge index is still loading: there is no engine to answer with yet."""


def platform_owner(platform: str, conversation: str) -> str:
    """The principal of a platform conversation: its sessions are reachable through it alone."""
    return f"platform:{platform}:{conversation}"[:OWNER_LENGTH]


def quiz_choice(text: str, quiz: QuizCard | None) -> str:
    """'2' after a quiz card means the card's second option: send the engine that option's key."""
    match = _CHOICE.match(text)
    if quiz is None or not quiz.options or match is None:
        return text
    number = int(match.group(1))
    return quiz.options[number - 1].key if 1 <= number <= len(quiz.options) else text


class ChannelHub:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.channels: dict[str, Channel] = build_channels(state.settings)
        self.policy = RetryPolicy.from_settings(state.settings)
        self._links: ChannelLinks | None = None
        self._links_lock = threading.Lock()
        # Messages of one conversation are answered one at a time, so turns see each other's facts.
        self._conversation_locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        scrub_logs(secret for channel in self.channels.values() for secret in channel.secrets())

    @property
    def links(self) -> ChannelLinks:
        with self._links_lock:
            if self._links is None:
                self._links = ChannelLinks(self.state.store.engine)
                self._links.purge_seen()
            return self._links

    def channel(self, platform: str) -> Channel | None:
        return self.channels.get(platform)

    def fresh(self, channel: Channel, request: WebhookRequest, messages: tuple[Inbound, ...]) -> list[Inbound]:
        """The messages not seen before; a repeat is dropped, or rejected when the channel calls it a replay."""
        accepted: list[Inbound] = []
        for message in messages:
            if message.event_id is None or self.links.claim(channel.name, message.event_id):
                accepted.append(message)
                continue
            log.info("duplicate %s event dropped", channel.name, extra={"platform": channel.name})
            channel.on_duplicate(request)
        return accepted

    def answer(self, channel: Channel, message: Inbound) -> ChatResponse:
        engine = self.state.engine
        if engine is None:
            raise NotReady("the knowledge index is still loading")
        stripe = zlib.crc32(f"{channel.name}:{message.conversation}".encode()) % _LOCK_STRIPES
        with self._conversation_locks[stripe]:
            link = self.links.get(channel.name, message.conversation)
            text = quiz_choice(message.text.strip() or "help", link.quiz if link else None)[:MESSAGE_MAX_CHARS]
            owner = platform_owner(channel.name, message.conversation)
            try:
                response = engine.respond(text, link.session_id if link else self._new_session(owner))
            except SessionNotFound:  # the session expired: this conversation starts a new one
                response = engine.respond(text, self._new_session(owner))
            self.links.save(channel.name, message.conversation, session_id=response.session_id, quiz=response.quiz,
                            owner=owner)
        return response

    def _new_session(self, owner: str) -> str:
        return self.state.store.create(owner=owner).id

    def safe_answer(self, channel: Channel, message: Inbound) -> ChatResponse:
        """The engine's answer, or an apology when it failed (the message is kept, not lost)."""
        try:
            return self.answer(channel, message)
        except Exception as exc:
            log.error("could not answer %s conversation %s: %s", channel.name, message.conversation,
                      type(exc).__name__, exc_info=True)
            self._keep(channel, message, "answer", repr(exc), {"text": message.text})
            return ChatResponse(session_id="", answer=APOLOGY, citations=[], tool_calls=[], patient={}, intent="error")

    @property
    def in_flight(self) -> int:
        """Answers accepted but not yet delivered (or kept as failed)."""
        return self._in_flight

    def schedule(self, channel: Channel, message: Inbound) -> Callable[[], None]:
        """Count the message as in flight and return the work that answers and delivers it."""
        with self._in_flight_lock:
            self._in_flight += 1
        return partial(self._answer_and_deliver, channel, message)

    def _answer_and_deliver(self, channel: Channel, message: Inbound) -> None:
        try:
            self.answer_and_deliver(channel, message)
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1

    def answer_and_deliver(self, channel: Channel, message: Inbound) -> None:
        """Background work of a channel that replies later: answer, render, deliver, keep failures."""
        response = self.safe_answer(channel, message)
        for outbound in channel.render(response):
            error = with_retry(partial(channel.deliver, message, outbound), policy=self.policy,
                               platform=channel.name, conversation=message.conversation)
            if error is not None:
                log.error("reply to %s conversation %s not delivered: %s", channel.name, message.conversation, error,
                          extra={"platform": channel.name, "conversation": message.conversation})
                self._keep(channel, message, "deliver", str(error), {"outbound": outbound})

    def _keep(self, channel: Channel, message: Inbound, stage: str, error: str, payload: dict[str, object]) -> None:
        try:
            self.links.record_failure(FailedDelivery(
                platform=channel.name, conversation=message.conversation, stage=stage, error=error,
                payload={**payload, "reply_to": message.reply_to, "event_id": message.event_id},
            ))
        except Exception:  # the database is down too: the ERROR line above is what remains
            log.exception("could not keep the failed %s reply for %s", channel.name, message.conversation)

