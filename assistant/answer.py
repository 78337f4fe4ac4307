"""What a chat turn returns (the body of ``POST /v1/chat``), and the citation ledger behind it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, Field

from knowledge.pack import KnowledgePack
from knowledge.schema import UPDATES_SOURCE

MESSAGE_MAX_CHARS = 4000
# Review reference numbers written inline by tools, e.g. "[6]" or "[13,41]" or "[64-66]". In a chat
# answer [n] means a citation marker, so these are removed; the citation entry carries the refs.
_REVIEW_REFS = re.compile(r"\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\]")


def strip_review_refs(text: str) -> str:
    return _REVIEW_REFS.sub("", text)


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=MESSAGE_MAX_CHARS, description="The user's message")
    session_id: str | None = Field(default=None, max_length=64, description="Continue this session")


class Citation(BaseModel):
    marker: int
    passage_id: str
    section: str
    text: str
    refs: list[int]
    references: list[str] = Field(default_factory=list, description="The full reference for each of refs")
    source: str = Field(default="review", description="review (the 2020 review) or updates (what changed since)")
    date: dt.date | None = Field(default=None, description="An update's regulatory or publication date")
    url: str | None = Field(default=None, description="The page an update was checked against")
    publisher: str | None = Field(default=None, description="Who states an update, e.g. FDA")
    source_kind: str | None = Field(
        default=None, description="An update's kind of source: regulator, label, publication or secondary"
    )


class ToolCall(BaseModel):
    name: str
    input: dict[str, Any]
    output: dict[str, Any]


class Suggestion(BaseModel):
    label: str
    message: str


class QuizOption(BaseModel):
    key: str = Field(description="What the user replies to choose it: 'A', 'B', ... (or its number 1, 2, ...)")
    text: str


class QuizCard(BaseModel):
    """A tutor question shown in a chat: options render as buttons (widget) or a numbered list (messaging)."""

    id: str
    topic: str
    kind: str
    prompt: str
    options: list[QuizOption] = Field(default_factory=list, description="Empty for a free-text question")


class AnswerParts(BaseModel):
    """The answer in the parts every surface arranges its own way (a text message sends the bottom
    line and one question; the widget shows all of it)."""

    bottom_line: list[str] = Field(
        default_factory=list, description="For a patient: one Markdown line per agent, what decides it"
    )
    details: str = Field(default="", description="Markdown: the evidence or the assessment in full")
    questions: list[str] = Field(default_factory=list, description="Questions back to the user, asked last")

    def markdown(self) -> str:
        blocks = []
        if self.bottom_line:
            blocks.append("**Bottom line**\n" + "\n".join(self.bottom_line))
        if self.details:
            blocks.append(self.details)
        if self.questions:
            blocks.append("**To sharpen this:** " + " ".join(self.questions))
        return "\n\n".join(blocks)


class ChatResponse(BaseModel):
    session_id: str
    answer: str = Field(description="Markdown with inline citation markers like [1]")
    parts: AnswerParts | None = Field(default=None, description="The answer's bottom line, details and questions")
    citations: list[Citation]
    tool_calls: list[ToolCall]
    patient: dict[str, Any] = Field(description="The patient facts gathered so far in this session")
    intent: str = Field(description="What the message was understood to ask")
    understood: dict[str, str] = Field(default_factory=dict, description="Facts read from this message")
    hypothetical: dict[str, Any] = Field(
        default_factory=dict, description="Facts assumed for this answer only ('if she were CD22-negative')"
    )
    asked_for: list[str] = Field(default_factory=list, description="Facts the assistant asked for")
    suggestions: list[Suggestion] = Field(default_factory=list)
    assessment: dict[str, Any] | None = Field(default=None, description="The assessment, when one was run")
    answered_by: str = Field(default="rules", description="rules (deterministic) or llm")
    quiz: QuizCard | None = Field(default=None, description="A tutor question awaiting the next message")


class CitationLedger:
    """Numbers passages in order of first use, so [n] in the text always resolves."""

    def __init__(self, pack: KnowledgePack) -> None:
        self._pack = pack
        self._markers: dict[str, int] = {}

    def marker(self, passage_id: str) -> int:
        if passage_id not in self._markers:
            if self._pack.citable(passage_id) is None:
                raise KeyError(f"unknown passage {passage_id}")
            self._markers[passage_id] = len(self._markers) + 1
        return self._markers[passage_id]

    def markers(self, passage_ids: list[str] | tuple[str, ...]) -> str:
        known = [p for p in dict.fromkeys(passage_ids) if self._pack.citable(p) is not None]
        return "".join(f"[{self.marker(p)}]" for p in known)

    def cite(self, text: str, passage_ids: list[str] | tuple[str, ...]) -> str:
        """``text`` with one marker run at its end: every sentence of a block rests on the same
        passages, and repeating "[9][10][11]" after each of them only makes the answer harder to read."""
        text = " ".join(strip_review_refs(text).split())
        tag = self.markers(passage_ids)
        return _attach(text, tag) if tag and text else text

    # The tutor's renderer still calls it by its first name.
    cite_each_sentence = cite

    def citations(self) -> list[Citation]:
        ordered = sorted(self._markers.items(), key=lambda kv: kv[1])
        return [citation_for(self._pack, passage_id, marker) for passage_id, marker in ordered]


def citation_for(pack: KnowledgePack, passage_id: str, marker: int) -> Citation:
    update = pack.updates.by_id.get(passage_id)
    if update is not None:
        return Citation(
            marker=marker, passage_id=passage_id, section=update.section, text=update.text, refs=[],
            source=UPDATES_SOURCE, date=update.date, url=update.source_url, publisher=update.source_name,
            source_kind=update.source_kind,
        )
    passage = pack.by_id[passage_id]
    return Citation(
        marker=marker,
        passage_id=passage_id,
        section=passage.section,
        text=passage.text,
        refs=list(passage.refs),
        references=[pack.references[r].citation for r in passage.refs if r in pack.references],
    )


def citations_for(pack: KnowledgePack, passage_ids: list[str]) -> list[Citation]:
    """Citations of a stored answer, whose markers were numbered 1, 2, ... in ``passage_ids`` order.

    A passage no longer in the pack is left out; the others keep the marker the answer's text uses.
    """
    return [
        citation_for(pack, pid, n) for n, pid in enumerate(passage_ids, start=1) if pack.citable(pid) is not None
    ]


def _attach(sentence: str, tag: str) -> str:
    # Marker goes before the closing punctuation: "... 14.0% [3]."
    if sentence and sentence[-1] in ".!?":
        return f"{sentence[:-1]} {tag}{sentence[-1]}"
    return f"{sentence} {tag}"


MARKER = re.compile(r"\[(\d+)\]")


def markers_in(text: str) -> list[int]:
    return [int(m) for m in MARKER.findall(text)]
