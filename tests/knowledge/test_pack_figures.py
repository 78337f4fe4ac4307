"""Every figure in the review's body must survive into the knowledge pack.

The pack is written in our own words, so sentences differ; figures must not. A "figure" is a
decimal (73.8, P=.0071, OR 6.02), a percentage (43%, <50%, ≥15%), a duration (31 months, 12-month,
4 to 5 weeks, 5-year), a count "23 of 164", a cohort size ("189 patients", N=7), an MRD threshold
(10^-4) or a calendar year (approved in 2014). Matching normalises spelling only: "≥" = ">=" =
"at least", en dash = hyphen, ".01" = "0.01", "%" may follow a range ("36–44%"); it never loosens the
digits ("14.0%" is not "14%"). NCT ids are checked separately, as exact strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from knowledge.ingest import IngestedDocument, ingest_file
from knowledge.ingest_inline import CITATION, split_sentences
from knowledge.pack import KnowledgePack, load_pack
from knowledge.schema import REFERENCE_COUNT, SECTIONS


@dataclass(frozen=True)
class Token:
    value: str  # canonical digits: "0.0071", "73.8", "10^-4"
    kind: str | None = None  # "%", "months", "years", "weeks", "days", "power" or None
    comparator: str = ""  # "<", ">", "≤", "≥" or ""

    @property
    def label(self) -> str:
        unit = {None: "", "%": "%", "power": ""}.get(self.kind, f" {self.kind}")
        return f"{self.comparator}{self.value}{unit}"


@dataclass(frozen=True)
class Figure:
    needs: tuple[Token, ...]  # all must be found in one passage

    @property
    def label(self) -> str:
        return " of ".join(t.label for t in self.needs)


_UNITS = {"%": "%", "percent": "%", "mo": "months", "month": "months", "year": "years", "yr": "years",
          "week": "weeks", "wk": "weeks", "day": "days"}
_WORD_COMPARATORS = (
    (r"\b(?:less|fewer|younger) than\s+|\bbelow\s+", "<"),
    (r"\b(?:more|greater|older) than\s+|\babove\s+", ">"),
    (r"\bat least\s+", "≥"),
    (r"\bat most\s+", "≤"),
)  # not "up to": "up to 53% of patients" gives the top of a range, not a threshold
_NUMBER = re.compile(
    r"(?P<cmp>[<>≤≥]\s*(?:age\s+)?)?(?<![\w.^])(?P<num>\d+\^-?\d+|\d+(?:\.\d+)?|\.\d+)(?![\w^]|\.\d)"
    r"(?P<plus>\+)?(?P<unit>\s*(?:%|percent\b)|\s*-?\s*(?:months?|mo|years?|yrs?|weeks?|wks?|days?)\b)?"
    r"(?P<post>\s+or (?:more|greater|higher|older)\b|\s+or (?:less|fewer|lower|younger)\b)?",
    re.IGNORECASE,
)
# A number joined to the next by one of these shares its unit: "36–44%", "4 to 5 weeks", "7.7 vs 4.0".
_RANGE_JOIN = re.compile(r"^\s*(?:-|to|and|or|vs\.?|versus)\s*$")
_COUNT = re.compile(r"\b(\d+)\s+(?:\(\d+(?:\.\d+)?%\)\s+)?(?:out\s+)?of\s+(?:the\s+)?(\d+)\b")
_COHORT = re.compile(
    r"\b(\d+)\s+(?:[A-Za-z-]+\s+){0,2}?(?:patients|children|adults|responders|fatalities)\b|\bN\s*=\s*(\d+)"
)
_CALENDAR_YEAR = re.compile(r"(?<![\w.])(?:19|20)\d{2}(?![\w.])")
_NCT = re.compile(r"NCT\d{8}")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def normalise(text: str) -> str:
    text = re.sub(r"[–—−‑]", "-", text)
    text = re.sub(r"(\d)([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: f"{m[1]}^{m[2].translate(_SUPERSCRIPT)}", text)  # 10⁻⁴
    text = text.replace(">=", "≥").replace("=>", "≥").replace("<=", "≤").replace("=<", "≤")
    text = text.replace("&ge;", "≥").replace("&le;", "≤")
    for words, symbol in _WORD_COMPARATORS:
        text = re.sub(f"(?:{words})(?=(?:age\\s+)?\\.?\\d)", symbol, text, flags=re.IGNORECASE)
    return text


def tokens(text: str) -> list[Token]:
    """Every number in ``text`` with its unit and comparator, units shared across ranges."""
    found: list[tuple[Token, int, int]] = []
    text = normalise(text)
    for m in _NUMBER.finditer(text):
        value = "0" + m["num"] if m["num"].startswith(".") else m["num"]
        unit = re.sub(r"[\s-]|s$", "", (m["unit"] or "").lower())
        kind = "power" if "^" in value else _UNITS.get(unit)
        comparator = (m["cmp"] or "").strip()[:1]
        if m["plus"] or (m["post"] and re.search(r"more|greater|higher|older", m["post"])):
            comparator = "≥"
        elif m["post"]:
            comparator = "≤"
        found.append((Token(value, kind, comparator), m.start("num"), m.end()))
    for i in range(len(found) - 2, -1, -1):
        (token, _, end), (following, start, _) = found[i], found[i + 1]
        if token.kind is None and following.kind and _RANGE_JOIN.match(text[end:start]):
            found[i] = (replace(token, kind=following.kind), found[i][1], end)
    return [token for token, _, _ in found]


def figures(text: str) -> list[Figure]:
    """The figures a pack passage must keep from one sentence of the review."""
    text = normalise(_NCT.sub(" ", CITATION.sub(" ", text)))
    out: list[Figure] = []
    for token in tokens(text):
        if token.value == "95" and token.kind == "%" and re.search(r"95%\s*(?:CI|confidence)", text):
            continue  # the level of a confidence interval is a convention, not a finding
        if "." in token.value or token.kind:
            out.append(Figure((token,)))
    out += [Figure((Token(m[1]), Token(m[2]))) for m in _COUNT.finditer(text)]
    out += [Figure((Token(m[1] or m[2]),)) for m in _COHORT.finditer(text)]
    out += [Figure((Token(m[0]),)) for m in _CALENDAR_YEAR.finditer(text)]
    return list(dict.fromkeys(out))


def _matches(need: Token, have: Token) -> bool:
    if need.value != have.value or (need.comparator and need.comparator != have.comparator):
        return False
    # A decimal is distinctive by itself; a whole number needs its unit ("7%" is not "7 patients").
    return need.kind is None or "." in need.value or need.kind == have.kind


def found_in(figure: Figure, passage_tokens: list[Token]) -> bool:
    return all(any(_matches(need, have) for have in passage_tokens) for need in figure.needs)


# --- the extractor itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("remission 5.4 vs 4.2 months, P=.0071", {"5.4 months", "4.2 months", "0.0071"}),
        ("CR/CRi 73.8% vs 30.9%", {"73.8%", "30.9%"}),
        ("in 23 of the 164 patients (14.0%)", {"23 of 164", "164", "14.0%"}),
        ("OR 8.61, P=0.015; hazard ratio 2.99, 95% CI 1.32–9.81", {"8.61", "0.015", "2.99", "1.32", "9.81"}),
        ("blasts <50% or ≥ 50%", {"<50%", "≥50%"}),
        ("in up to 53% of patients", {"53%"}),
        ("expression of less than 70%", {"<70%"}),
        ("CR: 36–44% over 4 to 5 weeks", {"36%", "44%", "4 weeks", "5 weeks"}),
        ("12-month RFS and 5-year OS; age 18+ years", {"12 months", "5 years", "≥18 years"}),
        ("MRD below 10⁻⁴ in 189 patients (N=7)", {"<10^-4", "189", "7"}),
        ("approved in 2014 [3,4] (NCT02101853)", {"2014"}),
        ("CD19, PD-1, 4-1BB, phase 2, 2 cycles, grade 3–4, 3rd salvage", set()),
    ],
)
def test_figure_extraction(text: str, labels: set[str]) -> None:
    assert {f.label for f in figures(text)} == labels


@pytest.mark.parametrize(
    ("review", "pack", "found"),
    [
        ("P=.0071", "p = 0.0071", True),
        ("14.0%", "14%", False),  # never loosen the digits
        ("≥50%", ">=50%", True),
        ("≥50%", "at least 50%", True),
        ("≥50%", "50% or more", True),
        ("≥50%", "50%", False),  # a threshold keeps its direction
        ("36–44%", "36-44%", True),
        ("7%", "7 patients", False),
        ("31 months", "31-month follow-up", True),
        ("23 of 164", "23/164", True),
        ("23 of 164", "23 of 160", False),
    ],
)
def test_figure_matching(review: str, pack: str, found: bool) -> None:
    (figure,) = [f for f in figures(review) if " of " in f.label] or figures(review)[:1]
    assert found_in(figure, tokens(pack)) is found


# --- the shipped pack -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> KnowledgePack:
    return load_pack()


@pytest.fixture(scope="module")
def review(seed_path: Path) -> IngestedDocument:
    return ingest_file(seed_path, "curran-2020")


def _body_sentences(review: IngestedDocument) -> list[tuple[str, str]]:
    """(section, sentence) for the body from the Introduction to the Conclusion, Table 1 rows included
    (ingestion has already dropped the front matter, footnotes, the legend and the reference list)."""
    return [
        (p.section, sentence)
        for p in review.passages
        if p.section != "Abstract"
        for sentence in ([p.text] if p.section == "Table 1" else split_sentences(p.text))
    ]


def test_pack_loads_with_at_least_100_passages(pack: KnowledgePack) -> None:
    assert len(pack) >= 100


@pytest.mark.parametrize("section", [s for s in SECTIONS if s != "Abstract"])
def test_every_review_section_has_a_passage(pack: KnowledgePack, section: str) -> None:
    assert [p.id for p in pack if p.section == section]


def test_bibliography_has_every_reference(pack: KnowledgePack) -> None:
    assert sorted(pack.references) == list(range(1, REFERENCE_COUNT + 1))


def test_every_passage_ref_is_in_the_bibliography(pack: KnowledgePack) -> None:
    assert not [(p.id, r) for p in pack for r in p.refs if r not in pack.references]


def test_every_review_figure_appears_in_a_pack_passage(pack: KnowledgePack, review: IngestedDocument) -> None:
    passage_tokens = [tokens(p.text) for p in pack]
    missing: dict[tuple[str, str], list[str]] = {}
    reported: set[Figure] = set()
    for section, sentence in _body_sentences(review):
        for figure in figures(sentence):
            if figure not in reported and not any(found_in(figure, t) for t in passage_tokens):
                reported.add(figure)
                missing.setdefault((section, sentence), []).append(figure.label)
    report = "\n".join(f"[{sec}] missing {', '.join(labels)}\n    from: {sentence}"
                       for (sec, sentence), labels in missing.items())
    assert not missing, f"{len(reported)} review figures are in no pack passage:\n{report}"


def test_every_trial_id_appears_in_a_pack_passage(pack: KnowledgePack, review: IngestedDocument) -> None:
    trial_ids = {m for _, sentence in _body_sentences(review) for m in _NCT.findall(sentence)}
    assert trial_ids, "the review names NCT trials; the extractor found none"
    pack_text = " ".join(p.text for p in pack)
    assert sorted(t for t in trial_ids if t not in pack_text) == []
