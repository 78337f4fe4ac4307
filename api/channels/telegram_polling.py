"""Telegram by long polling (``getUpdates``) instead of a webhook: no public endpoint needed.

The Bot API holds each ``getUpdates`` call open until an update arrives or the timeout passes; the next
call's ``offset`` confirms everything before it, so an update is fetched again only when we did not get
to confirm it (a crash, a lost response). Each update goes through the Telegram channel's own parser
and the hub, so deduplication (by update id), the conversation-to-session link and delivery
(``sendMessage``) are exactly the webhook's. A webhook, if one is set, is removed first: Telegram
refuses ``getUpdates`` while one exists.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from telegram.error import Conflict, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from api.channels.base import BadPayload, all_set
from api.channels.hub import ChannelHub
from api.channels.telegram import TelegramChannel
from assistant.settings import Settings

log = logging.getLogger("rrall.channels")
_RETRY_SECONDS = 2.0


def polling_configured(settings: Settings) -> bool:
    return settings.telegram_mode == "polling" and all_set(settings.telegram_bot_token)


class TelegramPolling:
    """``run`` polls until ``stop`` is called; answers are worked off by a small thread pool."""

    def __init__(self, hub: ChannelHub, settings: Settings, *, workers: int = 4) -> None:
        self.hub = hub
        self.channel = TelegramChannel(settings)
        self.timeout = settings.telegram_poll_timeout_seconds
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="telegram-answer")

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            asyncio.run(self._poll())
        finally:
            self._pool.shutdown(wait=True)

    async def _poll(self) -> None:
        request = HTTPXRequest(connection_pool_size=2, read_timeout=self.timeout + 10, connect_timeout=5)
        bot = self.channel.bot(request)
        offset: int | None = None
        async with request:
            await bot.delete_webhook(drop_pending_updates=False)
            log.info("telegram long polling started", extra={"platform": "telegram"})
            while not self._stop.is_set():
                try:
                    updates = await bot.get_updates(offset=offset, timeout=self.timeout,
                                                    allowed_updates=["message", "callback_query"])
                except (NetworkError, Conflict, TelegramError) as exc:
                    log.warning("getUpdates failed: %s", type(exc).__name__, extra={"platform": "telegram"})
                    await asyncio.sleep(_RETRY_SECONDS)
                    continue
                for update in updates:
                    offset = update.update_id + 1
                    self._dispatch(update.to_dict())

    def _dispatch(self, update: dict[str, object]) -> None:
        try:
            parsed = self.channel.parse_update(update)
        except BadPayload as exc:
            log.warning("malformed telegram update skipped: %s", exc, extra={"platform": "telegram"})
            return
        for message in self.hub.accept(self.channel, parsed.messages):
            self._pool.submit(self.hub.answer_and_deliver, self.channel, message)
