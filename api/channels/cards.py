"""Adaptive Cards (schema 1.4, which Teams renders): one card per reply.

Measured before, a Teams reply was the full Markdown answer and a card that repeated it (7-10 KB).
Now the card is the reply: the bottom line and one question in view, the details and the sources
each behind a button (Action.ToggleVisibility), quiz options and follow-ups as buttons, and a short
fallback text for clients that cannot show cards.
"""

from __future__ import annotations

from typing import Any

from api.channels.layout import Layout, compact_markers
from api.channels.render import PLAIN, block

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
DETAILS_ID, SOURCES_ID = "details", "sources"
# Teams shows at most six buttons in a card's action bar; a bot message may be up to about 28 KB.
ACTIONS_LIMIT = 6
MESSAGE_BYTES_LIMIT = 28 * 1024
BUTTON_TITLE_LIMIT = 40
FALLBACK_LIMIT = 1000


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.4", "body": body}
    if actions:
        card["actions"] = actions
    return card


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def answer_card(layout: Layout) -> dict[str, Any]:
    """The whole reply as one card: the bottom line and the question shown, the details and the
    sources behind their own buttons, then the quiz's options and the follow-ups as buttons that post
    their message back (imBack). Its ``fallbackText`` is the short text a client without cards shows."""
    body: list[dict[str, Any]] = []
    if layout.bottom_line:
        body.append(_text("Bottom line", weight="Bolder", size="Medium"))
    body += [_text(compact_markers(line)) for line in layout.lead]
    if layout.question:
        body.append(_text("Question: " + layout.question, weight="Bolder"))
    actions: list[dict[str, Any]] = []
    details = [*layout.details, *([layout.notice] if layout.notice else [])]
    if details:
        body.append({"type": "Container", "id": DETAILS_ID, "isVisible": False, "separator": True,
                     "items": [_text(compact_markers(p), size="Small") for p in details]})
        actions.append(_toggle("Details", DETAILS_ID))
    if layout.sources:
        lines = [f"{s.tag()} " + (f"[{s.label}]({s.url})" if s.url else s.label) for s in layout.sources]
        body.append({"type": "Container", "id": SOURCES_ID, "isVisible": False, "separator": True,
                     "items": [_text("Sources", weight="Bolder"), _text("\n\n".join(lines), size="Small")]})
        actions.append(_toggle("Sources", SOURCES_ID))
    quiz = layout.quiz
    if quiz is not None:
        if layout.quiz_prompt:
            body.append(_text(layout.quiz_prompt, weight="Bolder"))
        body += [_text(f"{n}. {option.text}") for n, option in enumerate(quiz.options, start=1)]
        actions += [_say(str(n), str(n)) for n in range(1, len(quiz.options) + 1)]
    actions += [_say(f.label, f.message) for f in layout.follow_ups]
    card = _card(body, actions[:ACTIONS_LIMIT])
    card["fallbackText"] = fallback_text(layout)
    return card


def fallback_text(layout: Layout) -> str:
    """The bottom line (or the answer's first block) as plain text, for notifications and clients without cards."""
    return "\n".join(block(line, PLAIN) for line in layout.lead)[:FALLBACK_LIMIT]


def _toggle(title: str, target: str) -> dict[str, Any]:
    return {"type": "Action.ToggleVisibility", "title": title, "targetElements": [target]}


def _say(title: str, value: str) -> dict[str, Any]:
    """A button that posts ``value`` back as the user's own message."""
    return {"type": "Action.Submit", "title": title[:BUTTON_TITLE_LIMIT],
            "data": {"msteams": {"type": "imBack", "value": value}}}
