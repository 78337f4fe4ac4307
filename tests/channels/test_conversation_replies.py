"""A three-turn patient conversation as each platform delivers it: golden files, and every message
within its platform's limits (an SMS within three GSM-7 segments and 480 characters).

The turns are saved engine answers (fixtures/chat_response_turn{1,2,3}.json: a 45-year-old man in
first relapse with 80% blasts, CD19-positive, CD22 on 60%; then CNS3 disease and "which agent now?";
then the SOS risk with InO before transplant), so the goldens move only when a renderer does.
Regenerate with ``pytest tests/channels --update-channel-golden`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.channels import blocks, cards
from api.channels.base import Channel, Inbound, Rendered
from api.channels.generic import GenericChannel
from api.channels.pages import SMS_LIMIT, WHATSAPP_LIMIT, gsm_septets
from api.channels.slack import SlackChannel
from api.channels.teams import TeamsChannel
from api.channels.telegram import CALLBACK_DATA_LIMIT, MESSAGE_LIMIT, TelegramChannel
from api.channels.twilio_sms import TwilioChannel
from api.channels.whatsapp import WhatsAppChannel
from tests.channels.harness import MESSAGE_BREAK, chat_response, check_golden, platform_settings

TURNS = ("turn1", "turn2", "turn3")
PLATFORMS: dict[str, tuple[type[Channel], str]] = {
    "sms": (TwilioChannel, "+14155550100"),
    "twilio_whatsapp": (TwilioChannel, "whatsapp:+14155550100"),
    "whatsapp": (WhatsAppChannel, "106540352242922:14155550100"),
    "slack": (SlackChannel, "T0RRALL01:C0WARD:1796641493.839815"),
    "telegram": (TelegramChannel, "5550100"),
    "teams": (TeamsChannel, "a:1ward"),
    "generic": (GenericChannel, "ward-7"),
}


def _rendered(platform: str, turn: str, tmp_path: Path) -> Rendered:
    kind, conversation = PLATFORMS[platform]
    channel = kind(platform_settings(tmp_path, "http://fake.invalid"))
    return channel.render_reply(Inbound(conversation=conversation, text="..."), chat_response(turn))


def _texts(platform: str, rendered: Rendered) -> dict[str, list[Any]]:
    held = rendered.held
    return {"now": rendered.now, "more": list(held.more) if held else [], "sources": list(held.sources) if held else []}


def _golden_text(parts: dict[str, list[Any]]) -> str:
    if all(isinstance(o, dict) and set(o) == {"text"} for part in parts.values() for o in part):
        sections = [f"=== {name} {n} ===\n{o['text']}" for name, part in parts.items()
                    for n, o in enumerate(part, start=1)]
        return MESSAGE_BREAK.join(sections) + "\n"
    return json.dumps(parts, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("turn", TURNS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_conversation_matches_golden(platform: str, turn: str, tmp_path: Path, update_channel_golden: bool) -> None:
    parts = _texts(platform, _rendered(platform, turn, tmp_path))
    check_golden(f"conversation_{platform}_{turn}", _golden_text(parts), update=update_channel_golden)


@pytest.mark.parametrize("turn", TURNS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_message_is_within_its_platforms_limits(platform: str, turn: str, tmp_path: Path) -> None:
    parts = _texts(platform, _rendered(platform, turn, tmp_path))
    messages = [o for part in parts.values() for o in part]
    assert parts["now"]
    LIMITS[platform](messages)


def _sms(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        text = message["text"]
        assert gsm_septets(text) <= SMS_LIMIT and len(text) <= 480, text


def _whatsapp(messages: list[dict[str, Any]]) -> None:
    assert all(len(m["text"]) <= WHATSAPP_LIMIT for m in messages)


def _slack(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        found = message["blocks"]
        assert len(message["text"]) <= blocks.TEXT_LIMIT and 0 < len(found) <= blocks.BLOCKS_LIMIT
        for block in found:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= blocks.SECTION_LIMIT
            if block["type"] == "actions":
                assert len(block["elements"]) <= blocks.ACTIONS_LIMIT
                for element in block["elements"]:
                    assert len(element["text"]["text"]) <= blocks.BUTTON_TEXT_LIMIT
                    assert len(element["value"]) <= blocks.BUTTON_VALUE_LIMIT


def _telegram(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        assert len(message["text"]) <= MESSAGE_LIMIT
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            assert all(len(button["callback_data"].encode()) <= CALLBACK_DATA_LIMIT for button in row)


def _teams(messages: list[dict[str, Any]]) -> None:
    [activity] = messages  # one card, no second copy of the answer
    assert len(json.dumps(activity).encode()) <= cards.MESSAGE_BYTES_LIMIT and "text" not in activity
    [attachment] = activity["attachments"]
    assert len(attachment["content"].get("actions", [])) <= cards.ACTIONS_LIMIT
    assert 0 < len(attachment["content"]["fallbackText"]) <= cards.FALLBACK_LIMIT


def _generic(messages: list[dict[str, Any]]) -> None:
    [reply] = messages
    assert reply["answer"] and reply["citations"]


LIMITS = {"sms": _sms, "twilio_whatsapp": _whatsapp, "whatsapp": _whatsapp, "slack": _slack, "telegram": _telegram,
          "teams": _teams, "generic": _generic}
