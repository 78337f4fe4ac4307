"""Replies for a phone's text messages: the bottom line and one question now, the rest on request.

A text message that runs to ten segments is read on a ward round as a wall; measured, a third of it
was a list of sources. So an SMS or WhatsApp reply is the bottom line, at most one question and a
footer in one message of at most three SMS segments; "MORE" sends the next part and "SOURCES" the
references, each listed once, every marker shown resolving there. Every agent's verdict is on the
first message; when the reasons of all three do not fit, the last ones read "(reason: MORE)" and
come first in MORE. The details are the brief form, one line per finding (its rule's summary), so
a patient answer is a handful of parts, not fifteen. Pure: no I/O (the hub keeps the held parts on
the conversation).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import gsm0338  # type: ignore[import-untyped]  # noqa: F401  (registers the "gsm03.38" codec)
from anyascii import anyascii

from api.channels.base import Held, Rendered
from api.channels.layout import Layout, compact_markers, layout, without_more_below
from api.channels.render import PLAIN, SENTENCE_END, WHATSAPP, Style, block, inline
from assistant.answer import ChatResponse

# One SMS segment of a concatenated GSM-7 message carries 153 septets; three are 459.
SMS_SEGMENT_SEPTETS = 153
SMS_LIMIT = 3 * SMS_SEGMENT_SEPTETS
# WhatsApp is not split into segments; the same three-segment size keeps the first reply glanceable.
WHATSAPP_LIMIT = 480

# Clinical text outside GSM-7 that must not be transliterated loosely (anyascii turns "μ" into "m",
# which would make micrograms milligrams).
_CLINICAL = {"≥": ">=", "≤": "<=", "μ": "mc", "µ": "mc", "±": "+/-", "×": "x", "→": "->", "–": "-", "—": "-",
             "‘": "'", "’": "'", "“": '"', "”": '"', "•": "-", "…": "...", "\u00a0": " "}


def gsm_septets(text: str) -> int:
    """What a text costs in GSM-7 septets (the characters of the extension table, such as [ ], cost two)."""
    return len(text.encode("gsm03.38"))


def to_gsm(text: str) -> str:
    """Text every phone shows in GSM-7: one character outside it would send the whole message as UCS-2,
    at 67 characters a segment instead of 153."""
    if is_gsm(text):  # nearly every message: nothing to rewrite
        return text
    out = []
    for char in text:
        char = _CLINICAL.get(char, char)
        plain = char if is_gsm(char) else anyascii(unicodedata.normalize("NFC", char)) or "?"
        out.append(plain if is_gsm(plain) else "?")
    return "".join(out)


def is_gsm(text: str) -> bool:
    """Whether every character is in GSM-7 (its basic or extension table)."""
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


# A bottom-line line: "- **Agent**: verdict: reason [1][2]" (assistant.compose writes it).
_VERDICT = re.compile(r"^- (?:\*\*)?(?P<agent>[^*:\n]+?)(?:\*\*)?: "
                      r"(?P<verdict>ruled out|main concern|no finding against it)\b")


@dataclass(frozen=True)
class Surface:
    """How one platform measures and writes a text message."""

    limit: int
    style: Style = PLAIN
    measure: Callable[[str], int] = len
    prepare: Callable[[str], str] = lambda text: text

    def fits(self, text: str) -> bool:
        return self.measure(self.prepare(text)) <= self.limit


SMS = Surface(limit=SMS_LIMIT, measure=gsm_septets, prepare=to_gsm)
WHATSAPP_TEXT = Surface(limit=WHATSAPP_LIMIT, style=WHATSAPP)


@dataclass(frozen=True)
class Paged:
    now: list[str]  # sent for this message
    more: list[str] = field(default_factory=list)  # one per MORE
    sources: list[str] = field(default_factory=list)  # all of them on SOURCES


def paged_reply(response: ChatResponse, surface: Surface) -> Rendered:
    """The reply as text messages: the first now, the rest held on the conversation for MORE and SOURCES."""
    pages = paged(layout(response, brief=True), surface)
    return Rendered(now=[{"text": t} for t in pages.now],
                    held=Held(more=tuple({"text": t} for t in pages.more),
                              sources=tuple({"text": t} for t in pages.sources), paged=True))


def paged(layout: Layout, surface: Surface) -> Paged:
    style = surface.style
    quiz = _quiz_lines(layout, style)
    question = [inline("Q: " + layout.question, style)] if layout.question else []
    lead = [_line(line, layout, style) for line in layout.lead]
    lead = [line for line in lead if line]
    rest: list[str] = []  # lines of the lead that do not fit now, first in MORE
    later = _detail_lines(layout, style)
    source_pages = _source_pages(layout, surface)

    def first(lead_lines: list[str], more_pages: int) -> str:
        return _join([*lead_lines, *question, *quiz], _first_footer(layout, more_pages, bool(source_pages)))

    # Pages of MORE, and how many lead lines fit whole beside the question, the quiz and the footer;
    # an agent's line that does not keeps its verdict on the first message.
    kept, shown = list(lead), list(lead)
    while True:
        more = _pack([*rest, *later], surface, footer=lambda k, n: _more_footer(k, n, bool(source_pages)))
        if surface.fits(first(shown, len(more))) or not kept:
            break
        rest.insert(0, kept.pop())
        shown = kept + [v for v in (_verdict_only(line) for line in rest[:len(lead) - len(kept)]) if v]
    now_text = first(shown, len(more))
    now = [now_text] if surface.fits(now_text) else _pack([*shown, *question, *quiz], surface, footer=None)
    return Paged(now=[surface.prepare(t) for t in now], more=[surface.prepare(t) for t in more],
                 sources=[surface.prepare(t) for t in source_pages])


def _verdict_only(line: str) -> str:
    match = _VERDICT.match(line)
    return f"- {match['agent']}: {match['verdict']} (reason: MORE)" if match else ""


def _line(line: str, layout: Layout, style: Style) -> str:
    text = compact_markers(without_more_below(line) if layout.bottom_line else line)
    return block(text, style)


def _quiz_lines(layout: Layout, style: Style) -> list[str]:
    quiz = layout.quiz
    if quiz is None:
        return []
    lines = [inline(layout.quiz_prompt, style)] if layout.quiz_prompt else []
    lines += [f"{n}. {inline(option.text, style)}" for n, option in enumerate(quiz.options, start=1)]
    lines.append("Reply with the number of your answer." if quiz.options else "Reply with your answer.")
    return lines


def _detail_lines(layout: Layout, style: Style) -> list[str]:
    """The details (brief, from ``paged_reply``) as lines, a blank line between paragraphs, the notice
    last (the first message carries "Decision support only"; the notice adds what the labels are dated by)."""
    out: list[str] = []
    for paragraph in list(layout.details) + ([layout.notice] if layout.notice else []):
        if out:
            out.append("")
        out += [block(compact_markers(line), style) for line in paragraph.split("\n") if line.strip()]
    return out


def _source_pages(layout: Layout, surface: Surface) -> list[str]:
    lines = [f"{s.tag()} {s.label}" + (f" {s.url}" if s.url else "") for s in layout.sources]
    if not lines:
        return []
    return _pack(["Sources:", *lines], surface, footer=lambda k, n: f"({k}/{n})" if n > 1 else "")


def _first_footer(layout: Layout, more_pages: int, has_sources: bool) -> str:
    asks = []
    if more_pages:
        asks.append(f"MORE ({more_pages} part{'s' if more_pages > 1 else ''})")
    if has_sources:
        asks.append("SOURCES")
    lead = "Decision support only. " if layout.notice else ""
    return (lead + "Reply " + " or ".join(asks) + ".") if asks else lead.strip()


def _more_footer(k: int, n: int, has_sources: bool) -> str:
    if k < n:
        return f"({k}/{n}) Reply MORE for the next part."
    return f"({k}/{n}) Reply SOURCES for the references." if has_sources else f"({k}/{n})"


def _join(lines: list[str], footer: str) -> str:
    body = "\n".join(lines).strip("\n")
    return "\n\n".join(p for p in (body, footer) if p)


def _pack(lines: list[str], surface: Surface, *, footer: Callable[[int, int], str] | None) -> list[str]:
    """Lines into as few messages as fit, each with its footer ("(2/5) Reply MORE ..."). The footer's
    length depends on the count, so the count is settled first with the longest footer reserved."""
    if not any(line.strip() for line in lines):
        return []
    guess = 1
    while True:
        widest = max((footer(k, guess) for k in range(1, guess + 1)), key=len) if footer else ""
        bodies = list(_fill(lines, surface, reserve=widest))
        if len(bodies) <= guess:
            break
        guess = len(bodies)
    n = len(bodies)
    return [_join([body], footer(k, n) if footer else "") for k, body in enumerate(bodies, start=1)]


def _fill(lines: list[str], surface: Surface, *, reserve: str) -> Iterator[str]:
    current: list[str] = []
    for line in _units(lines, surface, reserve):
        trial = [*current, line]
        if current and not surface.fits(_join(trial, reserve)):
            # A heading ("Since the review ...:") goes with the lines it introduces.
            carried = [current.pop()] if len(current) > 1 and current[-1].rstrip().endswith(":") else []
            if carried and not surface.fits(_join([*carried, line], reserve)):
                current.append(carried.pop())
            yield "\n".join(current).strip("\n")
            current = [*carried, line] if line.strip() else carried
        elif line.strip() or current:
            current = trial
    if any(line.strip() for line in current):
        yield "\n".join(current).strip("\n")


def _units(lines: list[str], surface: Surface, reserve: str) -> Iterator[str]:
    """Each line, or, when one line is longer than a message, its sentences, then its words."""
    for line in lines:
        if surface.fits(_join([line], reserve)):
            yield line
            continue
        for splitter in (SENTENCE_END.split, str.split):
            pieces = [p for p in splitter(line) if p.strip()]
            if len(pieces) > 1:
                yield from _units(pieces, surface, reserve)
                break
        else:  # one word longer than a message
            step = max(1, surface.limit // 3)
            yield from (line[i:i + step] for i in range(0, len(line), step))
