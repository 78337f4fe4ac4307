"""What a reply is made of on any platform: the bottom line, one question, the details, the sources
and the follow-ups, read from the engine's ``ChatResponse.parts``.

Each platform arranges these its own way (a text message sends the bottom line and one question and
holds the rest for MORE; Slack puts the details in a thread reply), so the reading is done once,
here, and the platform modules only lay it out. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.channels.render import brief_findings, paragraphs, short_reference, update_reference
from assistant.answer import MARKER, ChatResponse, Citation, QuizCard, Suggestion
from assistant.compose import NOTICE
from assistant.currency import decision_support_line

_RUN_OF_MARKERS = re.compile(r"(?:\[\d+\])+")
# The bottom line's pointer to the details ("(+2 more below)"): on a surface that pages, the details
# are not below but behind MORE, so the pointer is dropped there.
_MORE_BELOW = re.compile(r"\s\(\+\d+ more below\)")

HELD_WORDS = {"more": "more", "next": "more", "sources": "sources", "source": "sources", "refs": "sources",
              "references": "sources"}


@dataclass(frozen=True)
class Source:
    """One reference, listed once with every marker that points at it."""

    markers: tuple[int, ...]
    label: str
    url: str | None = None

    def tag(self) -> str:
        return "[" + ",".join(str(m) for m in self.markers) + "]"


@dataclass(frozen=True)
class Layout:
    lead: tuple[str, ...]  # Markdown lines: the bottom line, or the answer's first block when it has none
    bottom_line: bool  # whether ``lead`` is the engine's bottom line
    notice: str  # the decision-support paragraph ('' when the answer carries none)
    question: str  # the one question asked back ('' when none)
    details: tuple[str, ...]  # Markdown paragraphs after the lead, other questions last
    quiz: QuizCard | None
    quiz_prompt: str  # the quiz's question to show with its options ('' when the lead already asks it)
    follow_ups: tuple[Suggestion, ...]
    sources: tuple[Source, ...]


def is_notice(paragraph: str) -> bool:
    """The decision-support paragraph, in either of its two forms (undated, or dated for labels)."""
    return paragraph.strip() in (NOTICE, decision_support_line())


def layout(response: ChatResponse, *, brief: bool = False) -> Layout:
    """The reply's parts. ``brief``: each finding of the details shrunk to its one-line summary, for a
    phone's text messages (the other surfaces show the details in full)."""
    parts = response.parts
    if parts is not None:
        text, questions, lead = parts.details, list(parts.questions), list(parts.bottom_line)
    else:  # a tutor turn, a help text, an apology: the answer as written
        text, questions, lead = response.answer, [], []
    bottom_line = bool(lead)
    blocks = paragraphs(brief_findings(text, response.assessment) if brief else text)
    notice = next((p for p in blocks if is_notice(p)), "")
    details = [p for p in blocks if p != notice]
    if not lead and details:
        lead = details.pop(0).split("\n")
    quiz, quiz_prompt = response.quiz, ""
    if quiz is not None:
        prompt = quiz.prompt.strip()
        # The tutor writes its question into the answer too: the quiz card carries it once.
        details = [p for p in details if prompt not in p]
        quiz_prompt = "" if prompt in "\n".join(lead) else prompt
    question = questions[0] if questions else ""
    if len(questions) > 1:
        details.append("Also: " + " ".join(questions[1:]))
    return Layout(lead=tuple(lead), bottom_line=bottom_line, notice=notice, question=question,
                  details=tuple(details), quiz=quiz, quiz_prompt=quiz_prompt,
                  follow_ups=tuple(response.suggestions), sources=tuple(sources(response.citations)))


def sources(citations: list[Citation]) -> list[Source]:
    """The references of an answer, each once: passages citing the same papers (or the same update)
    share one line, listed in the order their first marker appears."""
    grouped: dict[tuple[str, str | None], list[int]] = {}
    for citation in sorted(citations, key=lambda c: c.marker):
        if citation.source == "updates":
            key = (update_reference(citation) + f" ({citation.section})", citation.url)
        else:
            reference = short_reference(citation)
            key = (reference if reference != citation.section else f"the review, {citation.section}", None)
        grouped.setdefault(key, []).append(citation.marker)
    return [Source(markers=tuple(markers), label=label, url=url) for (label, url), markers in grouped.items()]


def compact_markers(text: str) -> str:
    """'[1][2][3]' as '[1,2,3]': shorter, and on SMS each bracket costs two characters' worth."""
    return _RUN_OF_MARKERS.sub(lambda m: "[" + ",".join(MARKER.findall(m.group(0))) + "]", text)


def without_more_below(line: str) -> str:
    return _MORE_BELOW.sub("", line)


def held_word(text: str) -> str | None:
    """'MORE' or 'SOURCES' (and their near forms), the words that ask for the held parts of an answer."""
    return HELD_WORDS.get(text.strip().strip(".!?").strip().lower())
