"""Line-level parsing of a converted review: markup cleaning, sentences, bracketed citations, the
author line and the reference list.

Pure functions used by ``knowledge.ingest`` (which handles the document's structure).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

# A bracketed group of integers and ranges: [3], [11,13], [29–31], [18,21–25], [64-66].
CITATION = re.compile(r"\[\s*(\d+(?:\s*[–—-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–—-]\s*\d+)?)*)\s*\]")
# Without a known reference count, a longer bracketed span is not a citation range.
MAX_RANGE_SPAN = 100

_LATEX = re.compile(r"\$([^$]+)\$")
_LATEX_SYMBOLS = (("\\geq", "≥"), ("\\leq", "≤"), ("\\ge", "≥"), ("\\le", "≤"), ("\\times", "×"),
                  ("\\pm", "±"), ("\\%", "%"))
_TAGS = re.compile(r"</?(?:sup|sub|span|br|em|strong|i|b)\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_EMPHASIS = re.compile(r"(?<![\\*\w])(\*\*?|__?)(?=\S)(.+?)(?<=\S)\1(?![*\w])")
_ESCAPE = re.compile(r"\\+([\\`*_{}\[\]()#+\-.!%<>$])")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\[(\"“])")
_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "Dr.", "Fig.", "No.", "approx.")
_SUP = re.compile(r"<sup>.*?</sup>", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(?=[A-Z])")
# Page furniture that a PDF conversion drops into the text: journal banner, footnotes, copyright.
_BOILERPLATE = re.compile(
    r"^\s*(?:\\?\*\s*Corresponding author|E-mail address|Contents lists available|journal homepage"
    r"|©|\(c\)\s*\d{4}|Copyright\b|All rights reserved)",
    re.IGNORECASE,
)

_BULLET = re.compile(r"^\s*(?:[-*+]\s+)?(?:\[(\d+)\]|(\d+)\.)?\s*(.*)$")
_AUTHORS = re.compile(r"^(.*?\s(?:et al|[A-Z]{1,3}))\.\s+(.*)$")
_JOURNAL = re.compile(r"(?<![\\*])\*([^*]+)\*")
# Plain-text fallback: "Title. Journal Abbrev 2019;..." (the journal has no full stop inside).
_PLAIN_JOURNAL = re.compile(r"^(.+?[.?!])\s+([A-Z][^.;]*?)\.?\s+(?=(?:19|20)\d{2}\b)")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DOI_LINK = re.compile(r"doi:\s*\[([^\]]+)\](?:\((?:[^()\s]|\([^()]*\))*\))?", re.IGNORECASE)
_DOI = re.compile(r"doi:\s*(10\.\S+)", re.IGNORECASE)


class ParsedReference(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int
    raw: str  # the item as it appears in the source, markup included
    authors: str
    title: str
    journal: str
    year: int | None
    doi: str | None
    citation: str  # the item as one clean line, for display


def _latex_to_text(match: re.Match[str]) -> str:
    text = match.group(1)
    for command, symbol in _LATEX_SYMBOLS:
        text = text.replace(command, symbol)
    text = re.sub(r"\^\{([^}]*)\}", r"^\1", text)
    return " ".join(text.replace("{", "").replace("}", "").split())


def clean_inline(text: str) -> str:
    """Markdown, HTML and LaTeX markup removed: ``$P=.01$`` -> ``P=.01``, ``*Blood*`` -> ``Blood``."""
    text = _LATEX.sub(_latex_to_text, text)
    text = _TAGS.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    text = " ".join(text.split())
    # Spaces the conversion left around math: "( N=7 )", "≥ 50% ,".
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    text = re.sub(r"\s+([,.;:])(?=\s|$)", r"\1", text)
    return re.sub(r"([≥≤])\s+(?=\d)", r"\1", text)


def join_broken(pieces: Sequence[str]) -> str:
    """Join lines or paragraph halves, mending a word hyphenated across the break (treat- / ment)."""
    text = ""
    for piece in (p.strip() for p in pieces):
        if re.search(r"[a-z]-$", text) and piece[:1].islower():
            text = text[:-1] + piece
        else:
            text = f"{text} {piece}" if text else piece
    return text


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.match(line))


def plain_heading_level(line: str, *, alone: bool) -> int:
    """Level of a heading in plain text (no '#'), or 0 if ``line`` reads as body text."""
    numbered = _NUMBERED.match(line)
    words = line.split()
    if not words or len(words) > 10 or len(line) > 80 or line.endswith((".", ",", ";")):
        return 0
    if not (line[0].isupper() or numbered) or "[" in line or "\t" in line:
        return 0
    # The first line of a longer block is a heading only when Title Cased or numbered.
    title_cased = all(w[0].isupper() for w in words if len(w) > 3 and w[0].isalpha())
    if not (alone or title_cased or numbered):
        return 0
    return 1 + len(numbered.group(1).split(".")) if numbered else 2


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if sentences and sentences[-1].endswith(_ABBREVIATIONS):
            sentences[-1] += " " + piece
        elif piece:
            sentences.append(piece)
    return sentences


def parse_author_line(line: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Authors and affiliations. Each author carries superscript affiliation marks
    (``Emily Curran<sup>a,c,*</sup>``); the affiliations follow, each after its own mark."""
    if not _SUP.search(line):
        return tuple(n for n in re.split(r",\s*|\s+and\s+", clean_inline(line)) if n), ()
    segments = [s.strip() for s in _SUP.split(line)]
    authors: list[str] = []
    for i, seg in enumerate(segments):
        if i and not seg.startswith((",", "and ")):
            return tuple(authors), tuple(clean_inline(s) for s in segments[i:] if s)
        authors.append(clean_inline(re.sub(r"^(,|and\s)\s*", "", seg)))
    return tuple(authors), ()


def has_superscript(text: str) -> bool:
    return bool(_SUP.search(text))


def expand_range(start: int, end: int) -> list[int]:
    low, high = sorted((start, end))
    return list(range(low, high + 1))


def parse_citations(text: str, *, max_ref: int | None = None) -> list[int]:
    """The review's reference numbers cited in ``text``, sorted and unique.

    Only bracketed integers count, so "95% CI 1.32–9.81" and "(range, 1.1–17.0 months)" do not; a
    group with any number outside 1..max_ref (a year, say) is not a citation at all.
    """
    found: set[int] = set()
    for group in CITATION.finditer(text):
        numbers: list[int] = []
        for part in group.group(1).split(","):
            ends = [int(n) for n in re.split(r"[–—-]", part)]
            if max_ref is None and abs(ends[-1] - ends[0]) > MAX_RANGE_SPAN:
                break
            if not all(1 <= n <= (max_ref or n) for n in ends):
                break
            numbers += expand_range(ends[0], ends[-1])
        else:
            found.update(numbers)
    return sorted(found)


def _reference_items(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Number the list's items. Items are numbered "[38] ..." or "38. ...", or bare bullets counted in
    order; a line after an item without a final full stop continues it (an item split by a page)."""
    items: list[tuple[int, str]] = []
    for line in lines:
        match = _BULLET.match(line)
        if not match or not match.group(3):
            continue
        explicit = match.group(1) or match.group(2)
        body = match.group(3).strip()
        if items and not explicit and not re.search(r"[.!?]$", items[-1][1]):
            items[-1] = (items[-1][0], join_broken([items[-1][1], body]))
        else:
            items.append((int(explicit) if explicit else (items[-1][0] + 1 if items else 1), body))
    return items


def parse_reference(number: int, raw: str) -> ParsedReference:
    link = _DOI_LINK.search(raw)
    bare = _DOI.search(raw)
    doi_text = link.group(1) if link else bare.group(1) if bare else None
    doi = _ESCAPE.sub(r"\1", doi_text).rstrip(".") if doi_text else None
    authors_match = _AUTHORS.match(clean_inline(raw))
    authors, _ = (authors_match.group(1), authors_match.group(2)) if authors_match else ("", raw)
    if authors.endswith("et al"):
        authors += "."
    journal = _JOURNAL.search(raw)
    if journal:
        head = clean_inline(raw[: journal.start()])
        title, journal_name, tail = head[len(authors) :], clean_inline(journal.group(1)), raw[journal.end() :]
    else:
        rest = clean_inline(raw)[len(authors) :].lstrip(". ")
        plain = _PLAIN_JOURNAL.match(rest)
        title, journal_name = (plain.group(1), plain.group(2)) if plain else (rest, "")
        tail = rest[plain.end() :] if plain else ""
    year = _YEAR.search(tail)
    citation = clean_inline(_DOI_LINK.sub(lambda m: "doi:" + _ESCAPE.sub(r"\1", m.group(1)), raw))
    return ParsedReference(
        number=number, raw=raw, authors=authors, title=title.strip(" .").strip(), journal=journal_name,
        year=int(year.group()) if year else None, doi=doi, citation=citation,
    )


def parse_references(lines: Sequence[str]) -> list[ParsedReference]:
    return [parse_reference(number, raw) for number, raw in _reference_items(lines)]
