"""Runs a channel's messages through the chat engine: one conversation, one session.

The hub owns what is common to every platform: deduplication, the conversation-to-session link,
quiz replies by number, buttons, the MORE and SOURCES of a paged reply (sent from what the link
holds, with no engine turn), the engine call, and delivery with retries. Platforms that are answered
later go through the inbox and outbox (``api.channels.outbox``): the message is kept before the
webhook is acknowledged, and the turn, the link and the reply messages are written in one
transaction, so a worker that dies at any point loses nothing and sends nothing twice.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.channels.base import BUTTON_PREFIX, Channel, Held, Inbound, Outbound, Rendered, WebhookRequest
from api.channels.delivery import RetryPolicy, scrub_logs, with_retry
from api.channels.layout import held_word
from api.channels.links import ChannelLinks, Link, save_link
from api.channels.outbox import InboxItem, LeaseLost, Outbox, OutboxItem
from api.channels.registry import build_channels
from api.channels.worker import InProcessWorker
from api.state import AppState
from assistant.answer import MESSAGE_MAX_CHARS, ChatResponse, QuizCard
from assistant.db.audit import add_entry
from assistant.db.tables import OWNER_LENGTH
from assistant.engine import ChatEngine, SessionNotFound
from assistant.tutor.chat import LEARNER_KEY, learner_for_channel

if TYPE_CHECKING:
    from api.channels.tasks import ProcrastinateWorker

log = logging.getLogger("rrall.channels")

APOLOGY = "Sorry, I could not answer that just now. Please send your question again in a minute."
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_BUTTON = re.compile("^" + re.escape(BUTTON_PREFIX) + r"(\d{1,2})$")
NOTHING_MORE = "That was the whole answer. Reply SOURCES for its references, or ask your next question."
NO_SOURCES = "The last answer cited no sources."
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


def pressed(text: str, link: Link | None) -> str:
    """What the user chose: a quiz option by number, a button by its held message, or the text as typed."""
    button = _BUTTON.match(text.strip())
    held = link.held if link else None
    if button is not None and held is not None and 1 <= int(button.group(1)) <= len(held.buttons):
        return held.buttons[int(button.group(1)) - 1]
    return quiz_choice(text, link.quiz if link else None)


def held_reply(channel: Channel, message: Inbound, link: Link | None) -> tuple[list[Outbound], Held] | None:
    """MORE or SOURCES after a paged reply: the next held part, or the references, and what stays held.
    None when the message is anything else (or the last reply was not paged): the engine answers it."""
    held = link.held if link else None
    word = held_word(message.text)
    if held is None or not held.paged or word is None:
        return None
    if word == "more":
        if not held.more:
            return [channel.notice(message, NOTHING_MORE)], held
        return [held.more[0]], Held(more=held.more[1:], sources=held.sources, buttons=held.buttons, paged=True)
    return (list(held.sources) or [channel.notice(message, NO_SOURCES)]), held


def _apology() -> ChatResponse:
    return ChatResponse(session_id="", answer=APOLOGY, citations=[], tool_calls=[], patient={}, intent="error")


class ChannelHub:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.channels: dict[str, Channel] = build_channels(state.settings)
        self.later = [name for name, channel in self.channels.items() if channel.replies_later]
        self.policy = RetryPolicy.from_settings(state.settings)
        self._links: ChannelLinks | None = None
        self._outbox: Outbox | None = None
        self._open_lock = threading.Lock()
        self._worker: InProcessWorker | ProcrastinateWorker | None = None
        # Messages of one conversation are answered one at a time, so turns see each other's facts.
        self._conversation_locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        scrub_logs(secret for channel in self.channels.values() for secret in channel.secrets())

    @property
    def links(self) -> ChannelLinks:
        with self._open_lock:
            if self._links is None:
                self._links = ChannelLinks(self.state.store.engine)
                self._links.purge_seen()
            return self._links

    @property
    def outbox(self) -> Outbox:
        with self._open_lock:
            if self._outbox is None:
                lease = timedelta(seconds=self.state.settings.outbox_lease_seconds)
                self._outbox = Outbox(self.state.store.engine, lease=lease,
                                      journal=self.state.settings.data_dir / "outbox-journal")
            return self._outbox

    def channel(self, platform: str) -> Channel | None:
        return self.channels.get(platform)

    # -- accepting ------------------------------------------------------------------------------
    def fresh(self, channel: Channel, request: WebhookRequest, messages: tuple[Inbound, ...]) -> list[Inbound]:
        """The messages not seen before; a repeat is dropped, or rejected when the channel calls it a replay.
        A channel that replies later also has each new message kept in the inbox, in the same transaction."""
        accepted: list[Inbound] = []
        for message in messages:
            if channel.replies_later:
                new = self.outbox.accept(channel.name, message) is not None
            else:
                new = message.event_id is None or self.links.claim(channel.name, message.event_id)
            if new:
                accepted.append(message)
                continue
            log.info("duplicate %s event dropped", channel.name, extra={"platform": channel.name})
            channel.on_duplicate(request)
        return accepted

    def accept(self, channel: Channel, messages: tuple[Inbound, ...]) -> list[Inbound]:
        """The messages not seen before, from a connection we hold open (Socket Mode, long polling):
        the platform redelivers what it thinks was lost, so a repeat is simply dropped. A channel that
        replies later is deduplicated by the inbox when ``answer_and_deliver`` takes the message, the
        same table its webhook uses, so an event seen on both paths is answered once."""
        if channel.replies_later:
            return list(messages)
        accepted = [m for m in messages if m.event_id is None or self.links.claim(channel.name, m.event_id)]
        if len(accepted) < len(messages):
            log.info("duplicate %s event dropped", channel.name, extra={"platform": channel.name})
        return accepted

    # -- answering ------------------------------------------------------------------------------
    def _engine(self) -> ChatEngine:
        engine = self.state.engine
        if engine is None:
            raise NotReady("the knowledge index is still loading")
        return engine

    def _stripe(self, channel: Channel, message: Inbound) -> threading.Lock:
        return self._conversation_locks[zlib.crc32(f"{channel.name}:{message.conversation}".encode()) % _LOCK_STRIPES]

    def _respond(self, channel: Channel, message: Inbound, link: Link | None) -> ChatResponse:
        engine = self._engine()
        text = pressed(message.text.strip() or "help", link)[:MESSAGE_MAX_CHARS]
        try:
            return engine.respond(text, link.session_id if link else self._open(channel, message))
        except SessionNotFound:  # the session expired: this conversation starts a new one
            return engine.respond(text, self._open(channel, message))

    def answer(self, channel: Channel, message: Inbound) -> list[Outbound]:
        """The reply for a channel that answers in the webhook's response (the link is saved at once)."""
        owner = platform_owner(channel.name, message.conversation)
        with self._stripe(channel, message):
            link = self.links.get(channel.name, message.conversation)
            if link is not None and (held := held_reply(channel, message, link)) is not None:
                outbounds, kept = held
                self.links.save(channel.name, message.conversation, session_id=link.session_id, quiz=link.quiz,
                                owner=owner, held=kept)
                return outbounds
            response = self._respond(channel, message, link)
            rendered = channel.render_reply(message, response)
            self.links.save(channel.name, message.conversation, session_id=response.session_id, quiz=response.quiz,
                            owner=owner, held=rendered.held)
        return rendered.now

    def _open(self, channel: Channel, message: Inbound) -> str:
        """A new session for the conversation, owned by it and carrying its tutor learner (progress
        survives new sessions)."""
        learner = learner_for_channel(channel.name, message.conversation)
        owner = platform_owner(channel.name, message.conversation)
        return self.state.store.create(owner=owner, state={LEARNER_KEY: learner}).id

    def safe_answer(self, channel: Channel, message: Inbound) -> list[Outbound]:
        """The rendered answer, or an apology when it failed (the message is kept, not lost)."""
        try:
            return self.answer(channel, message)
        except Exception as exc:
            log.error("could not answer %s conversation %s: %s", channel.name, message.conversation,
                      type(exc).__name__, exc_info=True)
            try:
                self.outbox.keep_unanswered(channel.name, message, repr(exc))
            except Exception:  # the database is down too: the ERROR line above is what remains
                log.exception("could not keep the unanswered %s message", channel.name)
            return channel.render_reply(message, _apology()).now

    def process(self, item: InboxItem) -> list[int]:
        """Answer one claimed inbox message: the turn, the link, the reply messages and the inbox row's
        end commit together. Returns the outbox ids to send (none when another worker took the row)."""
        channel = self.channels.get(item.platform)
        if channel is None:
            return []
        message = item.message
        store = self.state.store
        owner = platform_owner(channel.name, message.conversation)
        with self._stripe(channel, message):
            error: str | None = None
            link = self.links.get(channel.name, message.conversation)
            held = held_reply(channel, message, link)
            with store.deferred() as batch:
                if held is not None and link is not None:  # MORE or SOURCES: no engine turn
                    rendered = Rendered(now=held[0], held=held[1])
                    session_id, quiz = link.session_id, link.quiz
                else:
                    try:
                        response = self._respond(channel, message, link)
                    except NotReady:
                        self.outbox.release("answer", item.id)
                        return []
                    except Exception as exc:
                        log.error("could not answer %s conversation %s: %s", channel.name, message.conversation,
                                  type(exc).__name__, exc_info=True)
                        batch.turns.clear()
                        response, error = _apology(), repr(exc)
                    rendered = channel.render_reply(message, response)
                    session_id, quiz = response.session_id, response.quiz
            queued: list[int] = []

            def also(db: Session) -> None:
                if error is None:
                    save_link(db, channel.name, message.conversation, session_id=session_id, quiz=quiz, owner=owner,
                              held=rendered.held)
                    if held is None:
                        add_entry(db, owner, "continue", "session", session_id)
                queued.extend(self.outbox.answered(db, item, rendered.now, error=error))

            try:
                store.commit(batch, also)
            except LeaseLost:
                log.warning("%s message %d was taken by another worker", channel.name, item.id)
                return []
            except IntegrityError:  # another worker linked this new conversation first: answer again soon
                self.outbox.release("answer", item.id)
                return []
        return queued

    # -- delivering -----------------------------------------------------------------------------
    def deliver(self, item: OutboxItem) -> bool:
        """Send one claimed reply message (with retries); mark it sent, or failed for good."""
        channel = self.channels.get(item.platform)
        if channel is None:
            return False
        error = with_retry(partial(channel.deliver, item.message, item.outbound), policy=self.policy,
                           platform=channel.name, conversation=item.message.conversation)
        if error is None:
            self.outbox.sent(item.id)
            return True
        log.error("reply to %s conversation %s not delivered: %s", channel.name, item.message.conversation, error,
                  extra={"platform": channel.name, "conversation": item.message.conversation})
        self.outbox.failed(item.id, str(error))
        return False

    def work_once(self) -> bool:
        """Claim and do one piece of queued work (send a reply first, then answer a message); False when
        there was none."""
        if not self.later:
            return False
        outbound = self.outbox.claim_outbox(self.later)
        if outbound is not None:
            self.deliver(outbound)
            return True
        if self.state.engine is None:
            return False
        inbound = self.outbox.claim_inbox(self.later)
        if inbound is None:
            return False
        for _ in self.process(inbound):  # its replies go out now, from this worker, in order
            if (claimed := self.outbox.claim_outbox([inbound.platform])) is not None:
                self.deliver(claimed)
        return True

    def answer_and_deliver(self, channel: Channel, message: Inbound) -> None:
        """Accept, answer and deliver one message now, in this thread (what the workers do, in one call)."""
        if self.channels.setdefault(channel.name, channel).replies_later and channel.name not in self.later:
            self.later.append(channel.name)
        if self.outbox.accept(channel.name, message) is None:
            return
        while self.work_once():
            pass

    def reclaim(self) -> None:
        self.outbox.reclaim_dead()

    # -- the workers ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start this process's workers (once), when a platform that replies later is configured."""
        with self._open_lock:
            if self._worker is not None or not self.later:
                return
            settings = self.state.settings
            url = settings.session_database_url
            if make_url(url).get_backend_name() == "postgresql":
                from api.channels.tasks import ProcrastinateWorker

                self._worker = ProcrastinateWorker(self, database_url=url, concurrency=settings.outbox_workers,
                                                   poll_seconds=settings.outbox_poll_seconds)
            else:
                self._worker = InProcessWorker(self, threads=settings.outbox_workers,
                                               poll_seconds=settings.outbox_poll_seconds)
        self._worker.start()

    def wake(self) -> None:
        if self._worker is not None:
            self._worker.wake()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()

    @property
    def in_flight(self) -> int:
        """Messages accepted but not yet answered, and replies not yet delivered (failed ones excluded)."""
        return self.outbox.pending(self.later) if self.later else 0
