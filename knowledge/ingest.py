"""Ingest a review article (Markdown or plain text) into sections, passages and references.

Pure text-in, model-out, except the two explicit wrappers ``ingest_file`` and
``write_bibliography``. Built on a PDF-to-Markdown conversion of the review, so it expects
conversion noise: inconsistent heading levels, page-break footnotes in mid-paragraph, words
hyphenated across pages and a reference list whose numbering changes style halfway.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from knowledge.ingest_inline import (
    ParsedReference,
    clean_inline,
    has_superscript,
    is_boilerplate,
    join_broken,
    parse_author_line,
    parse_citations,
    parse_references,
    plain_heading_level,
    slugify,
    split_sentences,
)
from knowledge.schema import Bibliography, Reference

SENTENCES_PER_PASSAGE = 3

_HASHED = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_EMPHASIS_LINE = re.compile(r"^(\*\*?|__?)(?!\s)(.+?)\1$")
_TABLE_LABEL = re.compile(r"^(Table\s+\d+[A-Za-z]?)\b[.:]?\s*(.*)$", re.IGNORECASE)
_CONTENT_START = re.compile(r"^(?:\d+\.?\s+)?(abstract|summary|introduction|background)$", re.IGNORECASE)
_REFERENCES = re.compile(r"^(references|bibliography|literature cited)$", re.IGNORECASE)
# Headings whose text is not clinical content: recorded as sections, never turned into passages.
_BACK_MATTER = re.compile(
    r"^(conflicts? of interests?|(declaration of )?competing interests?|acknowledge?ments?|funding"
    r"|disclosures?|author contributions)$",
    re.IGNORECASE,
)
_KEYWORDS = re.compile(r"^key\s*words?\b\s*:?\s*(.*)$", re.IGNORECASE)
# A table legend is a run of "ABBR, expansion;" pairs.
_LEGEND = re.compile(r"^(?:[^;,]{1,40}, [^;]{2,120}; ){2,}")
_ENDS_SENTENCE = re.compile(r"[.!?:][\"”’)\]]*$")


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    heading: str
    level: int
    path: tuple[str, ...] = ()  # enclosing headings, outermost first


class IngestedPassage(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    section: str
    text: str
    refs: tuple[int, ...] = ()


class Table(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    caption: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    legend: str = ""


class IngestedDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    source: str
    authors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    passages: tuple[IngestedPassage, ...] = ()
    tables: tuple[Table, ...] = ()
    references: tuple[ParsedReference, ...] = ()


@dataclass
class _Item:
    kind: str  # "heading", "text" or "table"
    text: str = ""
    level: int = 0  # of a heading; 0 until inferred from the neighbouring headings
    lines: tuple[str, ...] = ()


@dataclass
class _Unit:
    """A paragraph (later cut into passages) or one table row (one passage)."""

    section: str
    text: str
    is_row: bool = False


def _chunks(sentences: list[str], size: int) -> list[list[str]]:
    """Balanced groups of at most ``size`` sentences (7 sentences give 3+2+2, not 3+3+1)."""
    count = math.ceil(len(sentences) / size)
    if not count:
        return []
    bounds = [round(i * len(sentences) / count) for i in range(count + 1)]
    return [sentences[a:b] for a, b in itertools.pairwise(bounds)]


def _items(blocks: list[list[str]], markdown: bool) -> list[_Item]:
    items: list[_Item] = []
    for block in blocks:
        if sum("\t" in line for line in block) >= 2:
            items.append(_Item("table", lines=tuple(block)))
            continue
        rest: list[str] = []
        for line in (raw.strip() for raw in block):
            hashed, emphasis = _HASHED.match(line), _EMPHASIS_LINE.match(line)
            if emphasis and (len(line.split()) > 12 or emphasis.group(2).endswith(".")):
                emphasis = None  # an emphasised sentence, not a sub-heading
            plain_level = 0 if markdown or rest else plain_heading_level(line, alone=len(block) == 1)
            if not (hashed or emphasis or plain_level):
                rest.append(line)
                continue
            if rest:
                items.append(_Item("text", lines=tuple(rest)))
                rest = []
            text = hashed.group(2) if hashed else emphasis.group(2) if emphasis else line
            items.append(_Item("heading", text, len(hashed.group(1)) if hashed else plain_level))
        if rest:
            items.append(_Item("text", lines=tuple(rest)))
    headings = [it for it in items if it.kind == "heading"]
    # An emphasised line (*Blinatumomab*) is a sibling of the next '#' heading: the converter drops
    # the '#' from the first of a run of sub-headings.
    enclosing = 1
    for i, item in enumerate(headings):
        if item.level == 0:
            following = next((h.level for h in headings[i + 1 :] if h.level), 0)
            item.level = following if following > enclosing else enclosing + 1
        enclosing = item.level
    return items


def _heading_text(raw: str) -> str:
    text = clean_inline(raw).rstrip(":").strip()
    return text.capitalize() if text.isupper() and len(text) > 4 else text


def _front_matter(items: list[_Item], markdown: bool) -> dict[str, tuple[str, ...]]:
    keywords: list[str] = []
    candidates: list[str] = []
    keywords_follow = False
    for item in items:
        text = item.text if item.kind == "heading" else " ".join(item.lines)
        keyword_line = _KEYWORDS.match(clean_inline(text))
        if keyword_line:  # "Keywords: a; b", or a "Keywords" heading over a block of one per line
            keywords += [k.strip() for k in re.split(r"[;,]", keyword_line.group(1)) if k.strip()]
            keywords_follow = not keywords
        elif keywords_follow and item.kind == "text":
            keywords += [clean_inline(line) for line in item.lines]
            keywords_follow = False
        elif item.kind == "text" or not markdown:
            candidates.append(text)
    marked = [c for c in candidates if has_superscript(c)]
    authors, affiliations = parse_author_line((marked or candidates or [""])[0])
    return {"authors": authors, "affiliations": affiliations, "keywords": tuple(keywords)}


def _add_paragraph(units: list[_Unit], section: str, text: str) -> None:
    """A paragraph that starts in lower case, or follows one without a final full stop, continues it
    (a page break, a footnote or a table interrupted it)."""
    last = next((u for u in reversed(units) if not u.is_row), None)
    if last and last.section == section and (text[:1].islower() or not _ENDS_SENTENCE.search(last.text)):
        last.text = join_broken([last.text, text])
    else:
        units.append(_Unit(section, text))


def _table(label: str, caption: str, lines: Sequence[str]) -> Table:
    rows = [tuple(clean_inline(cell) for cell in line.split("\t")) for line in lines]
    return Table(label=label, caption=caption, header=rows[0], rows=tuple(rows[1:]))


def _row_text(header: tuple[str, ...], row: tuple[str, ...]) -> str:
    cells = "; ".join(f"{h}: {c}" for h, c in zip(header[1:], row[1:], strict=False) if c)
    return f"{row[0]} — {cells}"


def _body(items: list[_Item]) -> tuple[list[Section], list[_Unit], list[Table], list[str]]:
    sections: list[Section] = []
    units: list[_Unit] = []
    tables: list[Table] = []
    reference_lines: list[str] = []
    stack: list[Section] = []
    mode = "body"  # "body", "skip" (back matter) or "references"
    label: tuple[str, str] | None = None  # a table's label and caption, until its rows arrive
    after_table = False
    for item in items:
        heading = _heading_text(item.text)
        table_label = _TABLE_LABEL.match(heading) if item.kind == "heading" else None
        if table_label and mode == "body":
            # A table is a section of its own below the current one, which resumes after it.
            label = (table_label.group(1), table_label.group(2))
            path = (*stack[-1].path, stack[-1].heading) if stack else ()
            sections.append(Section(heading=label[0], level=stack[-1].level + 1 if stack else 1, path=path))
        elif item.kind == "heading":
            if _REFERENCES.match(heading):
                mode = "references"
                continue
            mode = "skip" if _BACK_MATTER.match(heading) else "body"
            while stack and stack[-1].level >= item.level:
                stack.pop()
            stack.append(Section(heading=heading, level=item.level, path=tuple(s.heading for s in stack)))
            sections.append(stack[-1])
        elif mode == "references":
            reference_lines += item.lines
        elif mode == "skip":
            continue
        elif item.kind == "table":
            tables.append(_table(*(label or ("Table", "")), item.lines))
            units += [_Unit(tables[-1].label, _row_text(tables[-1].header, r), True) for r in tables[-1].rows]
            label, after_table = None, True
        elif label is not None and not label[1]:  # the text after a bare "Table 1" is its caption
            label = (label[0], f"{label[1]} {clean_inline(' '.join(item.lines))}".strip())
        elif after_table and _LEGEND.match(join_broken(item.lines)):
            tables[-1] = tables[-1].model_copy(update={"legend": clean_inline(join_broken(item.lines))})
            after_table = False
        elif stack:
            _add_paragraph(units, stack[-1].heading, join_broken(item.lines))
            after_table = False
    return sections, units, tables, reference_lines


def _passages(units: list[_Unit], source: str, max_ref: int | None) -> list[IngestedPassage]:
    passages: list[IngestedPassage] = []
    counters: dict[str, int] = {}
    for unit in units:
        text = clean_inline(unit.text)
        groups = [[text]] if unit.is_row else _chunks(split_sentences(text), SENTENCES_PER_PASSAGE)
        key = f"{slugify(source)}-{slugify(unit.section)}"
        for group in groups:
            chunk = " ".join(group)
            counters[key] = counters.get(key, 0) + 1
            refs = tuple(parse_citations(chunk, max_ref=max_ref))
            passages.append(
                IngestedPassage(id=f"{key}-{counters[key]:02d}", section=unit.section, text=chunk, refs=refs)
            )
    return passages


def ingest_text(text: str, source: str) -> IngestedDocument:
    """Parse a review into an ``IngestedDocument``; ``source`` names it in passage ids."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if not is_boilerplate(line)]
    markdown = any(_HASHED.match(line.strip()) for line in lines)
    title = ""
    if not markdown:  # plain text: the first line is the title
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        title, lines = (lines[first].strip() if lines else ""), lines[first + 1 :]
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    items = _items([b for b in blocks if b], markdown)
    headings = [i for i, it in enumerate(items) if it.kind == "heading"]
    start = next((i for i in headings if _CONTENT_START.match(_heading_text(items[i].text))), None)
    if start is None:  # no Abstract or Introduction: the body starts after the title
        start = headings[1 if markdown and len(headings) > 1 else 0] if headings else len(items)
    front = items[:start]
    if markdown:  # the title is the '#' heading or else the longest heading before the body
        candidates = [it.text for it in front if it.kind == "heading" and it.level == 1]
        candidates = candidates or [it.text for it in front if it.kind == "heading"]
        title = clean_inline(max(candidates, key=len)) if candidates else ""
        front = [it for it in front if clean_inline(it.text) != title]
    sections, units, tables, reference_lines = _body(items[start:])
    references = parse_references(reference_lines)
    return IngestedDocument(
        title=title,
        source=source,
        **_front_matter(front, markdown),
        sections=tuple(sections),
        passages=tuple(_passages(units, source, len(references) or None)),
        tables=tuple(tables),
        references=tuple(references),
    )


def ingest_file(path: Path | str, source: str) -> IngestedDocument:
    return ingest_text(Path(path).read_text(encoding="utf-8"), source)


def write_bibliography(doc: IngestedDocument, path: Path | str) -> None:
    """Write the document's references as the pack's ``bibliography.yaml``, validated first."""
    fields = ("number", "authors", "title", "journal", "year", "doi", "citation")
    bib = Bibliography(
        references=[Reference.model_validate({f: getattr(r, f) for f in fields}) for r in doc.references]
    )
    header = f"# Generated from the review's reference list ({doc.source}) by knowledge.ingest.\n"
    text = yaml.safe_dump(bib.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100)
    Path(path).write_text(header + text, encoding="utf-8")
