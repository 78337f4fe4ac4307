"""Telegram: a bot webhook, answered with ``sendMessage`` in HTML parse mode.

Telegram sends the secret given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token``; without
it configured the platform is off. Answers are HTML with only the tags Telegram allows (b, i, a),
everything else escaped, and split at 4,096 characters on paragraph boundaries. The last message
carries an inline keyboard: a quiz's options by number and the suggested follow-ups. A pressed
button comes back as a ``callback_query``; its data is the option's number, or ``button:N`` for a
follow-up (callback data holds 64 bytes, so the follow-up's message is held on the conversation).

The Bot API is called through python-telegram-bot (its ``Bot`` only, none of its application
framework). It is asyncio-only, so each delivery runs its own short event loop in the worker
thread that delivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from api.channels import render
from api.channels.base import (
    BUTTON_PREFIX,
    BadPayload,
    Channel,
    DeliveryError,
    Held,
    Inbound,
    Outbound,
    Parsed,
    Rendered,
    Unauthorized,
    WebhookRequest,
    all_set,
    require_signature,
)
from assistant.answer import ChatResponse
from assistant.settings import Settings

MESSAGE_LIMIT = 4096
# Telegram's limits: callback data bytes, and a button label we keep readable on a phone.
CALLBACK_DATA_LIMIT = 64
BUTTON_TEXT_LIMIT = 60
_COMMAND = re.compile(r"^/(\w+)(?:@\w+)?\s*")


class TelegramChannel(Channel):
    name = "telegram"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """The webhook (long polling needs no secret token; see telegram_polling.py)."""
        return all_set(settings.telegram_bot_token, settings.telegram_secret_token)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        assert settings.telegram_bot_token is not None
        self._token = settings.telegram_bot_token.get_secret_value()
        secret = settings.telegram_secret_token
        self._secret = secret.get_secret_value() if secret is not None else None
        self._base_url = settings.telegram_api_url.rstrip("/") + "/bot"

    def secrets(self) -> list[str]:
        return [self._token, *([self._secret] if self._secret else [])]

    def verify(self, request: WebhookRequest) -> None:
        if self._secret is None:
            raise Unauthorized("no secret token configured (long polling only)")
        require_signature(self._secret, request.header("x-telegram-bot-api-secret-token"))

    def bot(self, request: HTTPXRequest) -> Bot:
        """The SDK's Bot on our API base URL, over ``request`` (one per event loop)."""
        return Bot(self._token, base_url=self._base_url, request=request, get_updates_request=request)

    def parse(self, request: WebhookRequest) -> Parsed:
        return self.parse_update(request.json_object())

    def parse_update(self, update: dict[str, Any]) -> Parsed:
        """One Update, as the webhook receives it or getUpdates returns it."""
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            raise BadPayload("update_id must be an integer")
        if isinstance(update.get("callback_query"), dict):
            return _pressed(update_id, update["callback_query"])
        message = update.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("text"), str):
            return Parsed()  # edits, channel posts, stickers: nothing to answer
        chat = message.get("chat")
        if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
            raise BadPayload("message.chat.id must be an integer")
        if (message.get("from") or {}).get("is_bot"):
            return Parsed()
        thread = message.get("message_thread_id")
        conversation = str(chat["id"]) + (f":{thread}" if isinstance(thread, int) else "")
        return Parsed(messages=(Inbound(
            conversation=conversation, text=_user_text(message["text"]), event_id=str(update_id),
            reply_to={"chat_id": chat["id"], "thread_id": thread if isinstance(thread, int) else None},
        ),))

    def render(self, response: ChatResponse) -> list[Outbound]:
        return self.render_reply(Inbound(conversation="", text=""), response).now

    def render_reply(self, message: Inbound, response: ChatResponse) -> Rendered:
        text = render.answer_markdown(response, with_quiz=True)
        outbounds: list[Outbound] = [{"text": part}
                                     for part in render.split_message(text, render.TELEGRAM_HTML, MESSAGE_LIMIT)]
        rows: list[list[dict[str, str]]] = []
        if response.quiz is not None and response.quiz.options:
            rows.append([{"text": str(n), "callback_data": str(n)} for n in range(1, len(response.quiz.options) + 1)])
        follow_ups = [s.message for s in response.suggestions[:5]]
        rows += [[{"text": _label(s.label), "callback_data": f"{BUTTON_PREFIX}{n}"}]
                 for n, s in enumerate(response.suggestions[:5], start=1)]
        if rows and outbounds:
            outbounds[-1]["reply_markup"] = {"inline_keyboard": rows}
        if "callback_query_id" in message.reply_to and outbounds:
            outbounds[0]["answer_callback"] = message.reply_to["callback_query_id"]
        return Rendered(now=outbounds, held=Held(buttons=tuple(follow_ups)) if follow_ups else None)

    def deliver(self, message: Inbound, outbound: Outbound) -> None:
        try:
            asyncio.run(self._send(message, outbound))
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
            raise DeliveryError("sendMessage: flood control", retryable=True, retry_after=seconds) from exc
        except BadRequest as exc:  # a NetworkError subclass, but resending the same text cannot help
            raise DeliveryError(f"sendMessage refused: {exc.message}", retryable=False) from exc
        except NetworkError as exc:
            raise DeliveryError(f"sendMessage: {exc.message}", retryable=True) from exc
        except TelegramError as exc:
            raise DeliveryError(f"sendMessage: {type(exc).__name__}", retryable=False) from exc

    async def _send(self, message: Inbound, outbound: Outbound) -> None:
        request = HTTPXRequest(connection_pool_size=1, read_timeout=10, connect_timeout=5)
        bot = self.bot(request)
        async with request:  # no Bot.initialize(): it would call getMe before every answer
            if outbound.get("answer_callback"):
                with contextlib.suppress(TelegramError):  # stops the spinner; an expired one costs nothing
                    await bot.answer_callback_query(outbound["answer_callback"])
            keyboard = outbound.get("reply_markup")
            markup = InlineKeyboardMarkup.de_json(keyboard, bot) if keyboard else None
            await bot.send_message(chat_id=message.reply_to["chat_id"], text=outbound["text"],
                                   parse_mode=ParseMode.HTML, message_thread_id=message.reply_to.get("thread_id"),
                                   reply_markup=markup)


def _pressed(update_id: int, query: dict[str, Any]) -> Parsed:
    """A pressed inline button: its data is what the user chose, in the chat of the message it sits on."""
    data, message = query.get("data"), query.get("message")
    if not isinstance(data, str) or not isinstance(query.get("id"), str):
        raise BadPayload("callback_query needs id and data")
    chat = message.get("chat") if isinstance(message, dict) else None
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        raise BadPayload("callback_query.message.chat.id must be an integer")
    thread = message.get("message_thread_id") if isinstance(message, dict) else None
    thread = thread if isinstance(thread, int) else None
    return Parsed(messages=(Inbound(
        conversation=str(chat["id"]) + (f":{thread}" if thread is not None else ""), text=data[:CALLBACK_DATA_LIMIT],
        event_id=str(update_id),
        reply_to={"chat_id": chat["id"], "thread_id": thread, "callback_query_id": query["id"]},
    ),))


def _label(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT_LIMIT else text[:BUTTON_TEXT_LIMIT - 1].rstrip() + "…"


def _user_text(text: str) -> str:
    """'/start' and '/help' ask for help; '/ask@bot question' is the question."""
    match = _COMMAND.match(text)
    if match is None:
        return text.strip()
    if match.group(1) in ("start", "help"):
        return "help"
    return text[match.end():].strip()
