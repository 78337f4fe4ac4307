"""Slack Block Kit replies: the bottom line first, with buttons; the details and sources after it.

The first message is what a clinician glances at in a channel: the bottom line as a section, the one
question asked back, a quiz's options and the suggested follow-ups as buttons, and a context line
saying what follows. The second message (in the same thread) carries the details and the sources,
each reference listed once. A button's value is the message it sends, so pressing one is a turn like
typing it (``SlackChannel.parse_interaction``). Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from api.channels.base import Outbound
from api.channels.layout import Layout, compact_markers
from api.channels.render import PLAIN, SLACK, block, inline

# Slack's own limits (api.slack.com/reference/block-kit): a section's text, blocks per message, a
# button's label and value, elements in one actions block; and our limit for the fallback text.
SECTION_LIMIT = 3000
BLOCKS_LIMIT = 50
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_LIMIT = 25
TEXT_LIMIT = 3900
QUIZ_ACTION = "quiz_option"
FOLLOW_UP_ACTION = "follow_up"


def slack_messages(layout: Layout) -> list[Outbound]:
    first = _first(layout)
    rest = _details(layout)
    return [first, *rest]


def _first(layout: Layout) -> Outbound:
    blocks: list[dict[str, Any]] = []
    lead = "\n".join(block(compact_markers(line), SLACK) for line in layout.lead)
    heading = "*Bottom line*\n" if layout.bottom_line else ""
    blocks += _sections(heading + lead)
    if layout.question:
        blocks += _sections("*Question:* " + inline(layout.question, SLACK))
    quiz = layout.quiz
    if quiz is not None:
        if layout.quiz_prompt:
            blocks += _sections("*Question:* " + inline(layout.quiz_prompt, SLACK))
        if quiz.options:
            blocks += _sections("\n".join(f"{n}. {inline(o.text, SLACK)}" for n, o in enumerate(quiz.options, 1)))
            blocks.append(_actions([_button(f"Answer {n}", str(n), f"{QUIZ_ACTION}_{n}")
                                    for n in range(1, len(quiz.options) + 1)], "quiz"))
    follow_ups = [f for f in layout.follow_ups if len(f.message) <= BUTTON_VALUE_LIMIT]
    if follow_ups:
        blocks.append(_actions([_button(f.label, f.message, f"{FOLLOW_UP_ACTION}_{n}")
                                for n, f in enumerate(follow_ups[:5], 1)], "follow_ups"))
    said = []
    if layout.notice:
        said.append("Decision support only; the treating team decides.")
    if layout.details or layout.sources:
        said.append("Details and sources follow.")
    if said:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " ".join(said)}]})
    fallback = "\n".join(block(line, PLAIN) for line in layout.lead)
    return {"text": _cut(fallback or "Answer", TEXT_LIMIT), "blocks": blocks[:BLOCKS_LIMIT]}


def _details(layout: Layout) -> list[Outbound]:
    paragraphs = [block(compact_markers(p), SLACK) for p in layout.details]
    if layout.notice:
        paragraphs.append("_" + inline(layout.notice, SLACK) + "_")
    if layout.sources:
        paragraphs.append("*Sources*\n" + "\n".join(
            f"{s.tag()} " + (f"<{s.url}|{inline(s.label, SLACK)}>" if s.url else inline(s.label, SLACK))
            for s in layout.sources))
    if not paragraphs:
        return []
    messages: list[Outbound] = []
    blocks: list[dict[str, Any]] = []
    size = 0
    for section in (s for p in paragraphs for s in _sections(p)):
        text = section["text"]["text"]
        if blocks and (len(blocks) >= BLOCKS_LIMIT or size + len(text) > TEXT_LIMIT):
            messages.append(_message(blocks))
            blocks, size = [], 0
        blocks.append(section)
        size += len(text)
    messages.append(_message(blocks))
    return messages


def _message(blocks: list[dict[str, Any]]) -> Outbound:
    text = "\n\n".join(b["text"]["text"] for b in blocks)
    return {"text": _cut(text, TEXT_LIMIT), "blocks": blocks}


def _sections(text: str) -> list[dict[str, Any]]:
    """One mrkdwn section per 3,000 characters, split between lines (a line longer than that, between words)."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > SECTION_LIMIT:
            if current:
                out.append(current)
                current = ""
            space = line.rfind(" ", 0, SECTION_LIMIT)
            cut = space if space > 0 else SECTION_LIMIT
            out.append(line[:cut])
            line = line[cut:].lstrip()
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            out.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        out.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": t}} for t in out if t.strip()]


def _button(label: str, value: str, action_id: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": _cut(label, BUTTON_TEXT_LIMIT), "emoji": False},
            "value": value, "action_id": action_id}


def _actions(elements: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": elements[:ACTIONS_LIMIT]}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
