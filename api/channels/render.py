"""Turning an answer (Markdown with [n] markers) into what each platform can show.

The engine writes a small Markdown subset: ``**bold**``, ``_italic_``, ``- `` bullets, links. Each
platform gets a ``Style`` that says how to escape text and mark bold, italic and links; plain text
is the style every platform can fall back to. Long answers are split on paragraph boundaries; text
messages are paged instead (``api.channels.pages``), their findings shrunk to one line each.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer import MARKER, ChatResponse, Citation, QuizCard, markers_in, strip_review_refs
from assistant.compose import AGENT_NAMES
from assistant.currency import format_source
from knowledge.pack import default_pack

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|(?<![\w*])_(?P<em>[^_\n]+?)_(?!\w)"
    r"|(?<![\w*])\*(?P<em2>[^*\s][^*\n]*?)\*(?![\w*])"
)
_BULLET = re.compile(r"^\s*[-*•]\s+")
_HEADING = re.compile(r"^#{1,6}\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")
# A trial name short enough to stand as a label ("TOWER", "INO-VATE", "ELIANA"); long descriptions
# such as "pediatric InO series (retrospective and prospective)" fall back to author and year.
_TRIAL_NAME = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,15}$")


@dataclass(frozen=True)
class Style:
    escape: Callable[[str], str]
    bold: Callable[[str], str]
    italic: Callable[[str], str]
    link: Callable[[str, str], str]  # (escaped label, url)
    bullet: str


def _same(text: str) -> str:
    return text


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PLAIN = Style(escape=_same, bold=_same, italic=_same, link=lambda label, url: f"{label} ({url})", bullet="- ")
MARKDOWN = Style(escape=_same, bold=lambda t: f"**{t}**", italic=lambda t: f"_{t}_",
                 link=lambda label, url: f"[{label}]({url})", bullet="- ")
SLACK = Style(escape=_slack_escape, bold=lambda t: f"*{t}*", italic=lambda t: f"_{t}_",
              link=lambda label, url: f"<{url}|{label}>", bullet="• ")
TELEGRAM_HTML = Style(escape=lambda t: html.escape(t, quote=False), bold=lambda t: f"<b>{t}</b>",
                      italic=lambda t: f"<i>{t}</i>",
                      link=lambda label, url: f'<a href="{html.escape(url, quote=True)}">{label}</a>', bullet="• ")
WHATSAPP = Style(escape=_same, bold=lambda t: f"*{t}*", italic=lambda t: f"_{t}_",
                 link=lambda label, url: f"{label} ({url})", bullet="- ")


def inline(text: str, style: Style) -> str:
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(style.escape(text[pos:m.start()]))
        if m["bold"] is not None:
            out.append(style.bold(inline(m["bold"], style)))
        elif m["url"] is not None:
            out.append(style.link(style.escape(m["label"]), m["url"]))
        else:
            out.append(style.italic(style.escape(m["em"] or m["em2"])))
        pos = m.end()
    out.append(style.escape(text[pos:]))
    return "".join(out)


def block(text: str, style: Style) -> str:
    """One paragraph: headings become bold, bullets take the platform's mark, the rest is inline."""
    lines = []
    for line in text.split("\n"):
        if _HEADING.match(line):
            lines.append(style.bold(inline(_HEADING.sub("", line), style)))
        elif _BULLET.match(line):
            lines.append(style.bullet + inline(_BULLET.sub("", line), style))
        else:
            lines.append(inline(line, style))
    return "\n".join(lines)


def styled(markdown: str, style: Style) -> str:
    return "\n\n".join(block(p, style) for p in paragraphs(markdown))


def paragraphs(markdown: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", markdown.strip()) if p.strip()]


# -- citations and quiz -------------------------------------------------------------------------
def short_reference(citation: Citation) -> str:
    """'TOWER (Kantarjian 2017)' for a trial with one paper; 'TOWER: Topp 2014, Kantarjian 2017' when the
    passage cites several (which paper is the trial's is not recorded); the section when none."""
    if citation.source == "updates":
        return update_reference(citation)
    pack = default_pack()
    passage = pack.by_id.get(citation.passage_id)
    trials = [f.trial for f in passage.facts] if passage else []
    trial = trials[0] if trials and _TRIAL_NAME.match(trials[0]) else ""
    papers = [pack.references[r] for r in citation.refs if r in pack.references]
    names = [f"{p.authors.split(',')[0].split()[0]} {p.year}" for p in papers[:2]]
    authors = ", ".join(names) + (f" +{len(papers) - 2}" if len(papers) > 2 else "")
    if trial and len(papers) == 1:
        return f"{trial} ({authors})"
    if trial and authors:
        return f"{trial}: {authors}"
    return trial or authors or citation.section


def update_reference(citation: Citation) -> str:
    """An updates citation as it reads everywhere: "FDA, 2024-03-06" ("..., reported" if secondary)."""
    return format_source(citation.publisher, citation.date, citation.source_kind)


def _source_line(citation: Citation) -> str:
    if citation.source == "updates" and citation.url:
        # A dated update after the review, with the page it was checked against.
        return f"[{citation.marker}] [{update_reference(citation)}]({citation.url}) — {citation.section}"
    reference = short_reference(citation)
    return f"[{citation.marker}] {reference}" + ("" if reference == citation.section else f" — {citation.section}")


def sources_markdown(citations: Sequence[Citation], *, heading: str = "**Sources**") -> str:
    if not citations:
        return ""
    lines = [_source_line(c) for c in citations]
    return heading + "\n" + "\n".join(lines)


def quiz_markdown(quiz: QuizCard | None, answer: str = "") -> str:
    """A quiz card as a numbered list; the user replies with the number."""
    if quiz is None:
        return ""
    lines = [] if quiz.prompt.strip() in answer else [f"**Question:** {quiz.prompt.strip()}"]
    if quiz.options:
        lines += [f"{n}. {option.text}" for n, option in enumerate(quiz.options, start=1)]
        lines.append("_Reply with the number of your answer._")
    return "\n".join(lines)


def answer_markdown(response: ChatResponse, *, with_sources: bool = True, with_quiz: bool = True) -> str:
    """The whole reply in the engine's Markdown: the answer, any quiz, then the sources."""
    parts = [response.answer, quiz_markdown(response.quiz, response.answer) if with_quiz else ""]
    if with_sources:
        parts.append(sources_markdown(response.citations))
    return "\n\n".join(p for p in parts if p.strip())


def plain_text(response: ChatResponse) -> str:
    return styled(answer_markdown(response, with_sources=True).replace("**Sources**", "Sources:"), PLAIN)


def plain_parts(response: ChatResponse, *, limit: int) -> list[str]:
    return split_message(answer_markdown(response).replace("**Sources**", "Sources:"), PLAIN, limit)


# -- length limits ------------------------------------------------------------------------------
def split_message(markdown: str, style: Style, limit: int) -> list[str]:
    """Messages of at most ``limit`` characters, split on paragraph boundaries where possible.

    Each piece is rendered from its own source text, so a split never leaves a tag open.
    """
    messages: list[str] = []
    current = ""
    for p in paragraphs(markdown):
        for joiner, piece in _pieces(p, "\n\n", style, limit):
            if current and len(current) + len(joiner) + len(piece) <= limit:
                current += joiner + piece
            else:
                if current:
                    messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _pieces(text: str, joiner: str, style: Style, limit: int) -> Iterator[tuple[str, str]]:
    rendered = block(text, style)
    if len(rendered) <= limit:
        yield joiner, rendered
        return
    for splitter, inner in ((lambda t: t.split("\n"), "\n"), (SENTENCE_END.split, " "), (str.split, " ")):
        parts = [p for p in splitter(text) if p.strip()]
        if len(parts) > 1:
            for i, part in enumerate(parts):
                yield from _pieces(part, joiner if i == 0 else inner, style, limit)
            return
    # One word longer than a message: cut it (escaping can grow text up to five-fold).
    step = max(1, limit // 6)
    for i in range(0, len(text), step):
        yield (joiner if i == 0 else ""), block(text[i:i + step], style)


def brief_findings(markdown: str, assessment: dict[str, Any] | None) -> str:
    """The details with each finding shrunk to its rule's one-line summary (at most 140 characters, the
    same line a CDS card shows) or, without one, its first sentence; read on a phone, fifteen text
    messages of full findings would not be. The markers each finding carried stay on it."""
    summaries = _summaries(assessment)
    agent = ""
    lines = []
    for line in markdown.split("\n"):
        agent = next((a for a, name in AGENT_NAMES.items() if line.startswith(f"**{name}**")), agent)
        finding = _FINDING.match(line)
        if finding is None:
            lines.append(line)
            continue
        tags = "".join(f"[{m}]" for m in dict.fromkeys(markers_in(line)))
        summary = summaries.get((agent, finding["code"])) or _first_sentence(finding["text"])
        lines.append(f"- {finding['mark']} ({finding['code']}): {strip_review_refs(MARKER.sub('', summary)).strip()} "
                     f"{tags}".rstrip())
    return "\n".join(lines)


_FINDING = re.compile(r"^- (?:\*\*)?(?P<mark>\w+)(?:\*\*)? \((?P<code>[A-Z0-9_]+)\): (?P<text>.*)$")


def _summaries(assessment: dict[str, Any] | None) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for entry in (assessment or {}).get("agents") or []:
        for flag in entry.get("flags") or []:
            if flag.get("summary"):
                out[(str(entry.get("agent")), str(flag.get("code")))] = str(flag["summary"])
    return out


def _first_sentence(line: str) -> str:
    return SENTENCE_END.split(line, maxsplit=1)[0]
