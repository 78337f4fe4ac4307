"""CD19 and CD22 on the blasts.

CD22 is a share of blasts (``cd22_positive_pct``): a number is stored only when one is given
("CD22 60%", "CD22 positive in 60% of blasts", "60% CD22+"); "CD22-negative" is 0. "CD22 positive",
"bright", "dim" or "partial" give no number, and none is invented: they leave a "qualitative" note
so the planner can ask for the percentage (the InO judgement hinges on it, clinical-rules.md
CD22_PARTIAL); so does "cd22 pos (% pending)". CD19 is a category (``cd19``): positive, dim or
negative; "partial" is noted only; a share ("CD19: 99% bright", "CD19 98%") says it is expressed.

An intensity word beside a figure says how brightly the blasts express CD22, not whether they do:
"CD22 weak on 60%", "CD22 dim 60%", "CD22 dim/partial ~50%" and "60% CD22 dim" are 60% (50%)
CD22-positive. A figure after a
pair belongs to CD22, the one marker with a share ("CD19/CD22+ (80%)": CD19 positive, CD22 80).
"""

from __future__ import annotations

import re

from assistant.understanding.numbers import AMOUNT, PERCENT, read_amount, tidy
from assistant.understanding.update import Collector
from assistant.understanding.vocabulary import PCT_RANGE

_I = re.IGNORECASE
_NOT_A_MARKER = r"(?![\s-]*(?:car|directed|targeted|specific|bite|x\s*cd3|/\s*cd3))"
_CD22 = rf"\bcd[\s-]?22\b{_NOT_A_MARKER}"
_CD19 = rf"\bcd[\s-]?19\b{_NOT_A_MARKER}"
_OF_BLASTS = r"(?:\s+of\s+(?:the\s+)?(?:leuka?emic\s+|malignant\s+)?(?:lympho)?blasts?)?"
_INTENSITY = (
    r"dim(?:ly)?|weak(?:ly)?|low|bright(?:ly)?|strong(?:ly)?|moderate(?:ly)?|partial(?:ly)?|heterogene?ous(?:ly)?|"
    r"variabl[ey]|uniform(?:ly)?|homogene?ous(?:ly)?"
)
_CD22_GAP = (
    # "CD22 positive, 65%": a comma only after a word for the expression
    rf"(?:[\s:-]*(?:positive|pos|\+|expressed|{_INTENSITY})\s*,\s*|\s*(?:[:=]|\+|\(|\)|~)\s*|(?:[\s/-]+|(?<=[(:=+~]))(?:positive|positivity|pos|expression|expressed|expressing|is|was|are|"
    rf"in|on|at|of|about|the|\+ve|by|flow|level|now|back|blasts?|actually|really|still|only|just|{_INTENSITY})){{0,5}}"
)
_CD22_NUMBER_FIRST = re.compile(rf"{_CD22}{_CD22_GAP}\s*{AMOUNT}{PERCENT}{_OF_BLASTS}", _I)
# "CD22-negative in 30%", "a CD22-negative subpopulation making up about 30% of the blasts": the share
# of CD22-negative blasts, whose complement is the CD22-positive share.
_CD22_NEGATIVE_IN = re.compile(
    rf"{_CD22}[\s-]*(?:negative|neg)(?:\s+(?:sub)?(?:population|clone|fraction|component|blasts|cells))?\s+"
    rf"(?:(?:making\s+up|comprising|accounting\s+for|representing|of|in|on|at)\s+)+"
    rf"(?:(?:about|around|roughly|approximately|approx\.?|some)\s+)?{AMOUNT}{PERCENT}{_OF_BLASTS}",
    _I,
)
_CD22_PERCENT_FIRST = re.compile(
    rf"{AMOUNT}{PERCENT}{_OF_BLASTS}(?:\s+(?:are|were|is|was|being))?(?:\s+(?:expressing|express|expressed|"
    rf"positive\s+for|with))?\s+{_CD22}(?P<sign>[\s-]*(?:\+|pos(?:itive)?|bright|neg(?:ative)?|-(?![\w])|dim))?",
    _I,
)
# "CD19/CD22: 99% / 55%": two markers, then their shares in the same order.
_PAIRED_SHARES = re.compile(
    r"\bcd[\s-]?(?P<a>19|22)\s*/\s*(?:cd[\s-]?)?(?P<b>19|22)\b\s*[:=]?\s*(?P<x>\d{1,3}(?:\.\d)?)\s*%?\s*/\s*"
    r"(?P<y>\d{1,3}(?:\.\d)?)\s*%",
    _I,
)
_NEGATIVE_WORDS = ("neg", "-", "absent", "lost", "loss", "not expressed", "escape", "no")
_DIM_WORDS = ("dim", "low", "weak", "reduced", "decreased")
_POSITIVE_WORDS = (
    "yes",
    "pos",
    "+",
    "bright",
    "strong",
    "expressed",
    "present",
    "retained",
    "preserved",
    "moderate",
)

_QUALIFIER_AFTER = (
    r"[\s:-]*(?:(?:is|was|are|remains|remained|now|still|also|again|clearly|strongly|only|just|expression(?:\s+is)?)\s+){0,3}"
    r"(?P<qual>negative|neg\b|-ve\b|-(?![\w\d])|loss\b|lost\b|absent\b|escape\b|not\s+expressed|dim(?:ly)?\b|"
    r"low\b|weak(?:ly)?\b|reduced\b|decreased\b|positive|pos\b|\+(?:ve)?|bright\b|strong(?:ly)?\b|expressed\b|"
    r"present\b|retained\b|preserved\b|moderate\b|partial\b|heterogeneous\b|variable\b|yes\b)"
)
_QUALIFIER_BEFORE = (
    r"\b(?P<qual>dim|low|weak|reduced|decreased|bright|strong|partial|heterogeneous|variable|loss\s+of|lost|"
    r"absent|no|retained|negative\s+for|neg\s+for|positive\s+for)\s+(?:surface\s+)?"
)
_PAIR = re.compile(
    r"\bcd[\s-]?(?P<a>19|22)\s*(?:/|,|and|&|\+)\s*(?:cd[\s-]?)?(?P<b>19|22)\b[\s:-]*(?:both\s+)?"
    r"(?P<qual>negative|neg\b|positive|pos\b|\+|dim)"
    rf"(?:\s*[(\[]?\s*(?:in\s+|on\s+|at\s+)?{AMOUNT}{PERCENT}{_OF_BLASTS}\s*[)\]]?)?"
    r"|\b(?P<qual2>negative|neg|positive)\s+for\s+cd[\s-]?(?P<a2>19|22)\s*(?:/|,|and|&|or)\s*(?:cd[\s-]?)?(?P<b2>19|22)\b",
    _I,
)


# "dim CD19", "CD22-negative", "CD19 positive": a marker with a word for its expression.
_QUALIFIED = tuple(
    (name, re.compile(pattern, _I))
    for name, marker in (("cd22", _CD22), ("cd19", _CD19))
    for pattern in (_QUALIFIER_BEFORE + marker, marker + _QUALIFIER_AFTER)
)


def _kind(qualifier: str) -> str:
    """negative | dim | positive | partial, from the word used."""
    word = " ".join(qualifier.lower().split())
    if word.startswith(("partial", "heterogeneous", "variable")):
        return "partial"
    if word.startswith(_NEGATIVE_WORDS) or word == "-ve":
        return "negative"
    if word.startswith(_DIM_WORDS):
        return "dim"
    if word.startswith(_POSITIVE_WORDS):
        return "positive"
    return "partial"


# "CD19: 99% bright", "CD19 98%", "CD19 on 95% of blasts": CD19 with a share is expressed (dim when
# an intensity word says so); "CD19 0%" is negative.
_CD19_SHARE = re.compile(
    rf"{_CD19}\s*(?:[:=]|\(|expression|expressed|positive|pos|\+|on|in|\s)*\s*(?P<n>\d{{1,3}}(?:\.\d)?)\s*%{_OF_BLASTS}\)?"
    rf"(?:[\s,]*(?P<qual>{_INTENSITY}|positive|pos\b|\+|negative|neg\b))?",
    _I,
)


def extract_antigens(c: Collector) -> None:
    _paired_shares(c)
    _pairs(c)
    _cd22_numbers(c)
    for match in _CD19_SHARE.finditer(c.low):
        if c.free(*match.span()) and float(match.group("n")) <= PCT_RANGE[1]:
            c.claim(*match.span())
            share = float(match.group("n"))
            kind = "negative" if share == 0 else _kind(match.group("qual") or "+")
            _qualitative(c, "cd19", kind, *match.span())
    for marker, pattern in _QUALIFIED:
        for match in pattern.finditer(c.low):
            if c.free(*match.span()):
                c.claim(*match.span())
                _qualitative(c, marker, _kind(match.group("qual")), *match.span())


def _cd22_numbers(c: Collector) -> None:
    for pattern in (_CD22_NEGATIVE_IN, _CD22_NUMBER_FIRST, _CD22_PERCENT_FIRST):
        for match in pattern.finditer(c.low):
            start, end = match.span()
            if not c.free(start, end):
                continue
            c.claim(start, end)
            sign = _kind(match.groupdict().get("sign") or "+")
            complement = pattern is _CD22_NEGATIVE_IN or sign == "negative"
            # The cautious end of a range is the lower CD22-positive share; for a share of
            # CD22-negative blasts that is the higher number.
            value = read_amount(c, match, "cd22_positive_pct", cautious_high=complement, limits=PCT_RANGE)
            if value is None:
                continue
            if complement:
                value = PCT_RANGE[1] - value
                c.note("cd22_positive_pct", "complement", start, end)
            c.set("cd22_positive_pct", tidy(value), start, end, history=c.scope.history(start, end))


def _paired_shares(c: Collector) -> None:
    for match in _PAIRED_SHARES.finditer(c.low):
        start, end = match.span()
        if not c.free(start, end):
            continue
        c.claim(start, end)
        shares = {match.group("a"): float(match.group("x")), match.group("b"): float(match.group("y"))}
        if len(shares) < 2 or max(shares.values()) > PCT_RANGE[1]:
            continue
        c.judge("cd22_positive_pct", tidy(shares["22"]), start, end)
        _qualitative(c, "cd19", "negative" if shares["19"] == 0 else "positive", start, end)


def _pairs(c: Collector) -> None:
    for match in _PAIR.finditer(c.low):
        if not c.free(*match.span()):
            continue
        c.claim(*match.span())
        kind = _kind(match.group("qual") or match.group("qual2") or "")
        markers = {match.group("a") or match.group("a2"), match.group("b") or match.group("b2")}
        if match.group("n") and "22" in markers and kind in ("positive", "dim"):
            markers.discard("22")
            value = read_amount(c, match, "cd22_positive_pct", cautious_high=False, limits=PCT_RANGE)
            if value is not None:
                c.judge("cd22_positive_pct", tidy(value), *match.span())
        for marker in markers:
            _qualitative(c, f"cd{marker}", kind, *match.span())


def _qualitative(c: Collector, marker: str, kind: str, start: int, end: int) -> None:
    if marker == "cd22":
        if kind == "negative":
            c.judge("cd22_positive_pct", 0, start, end)
        else:
            c.note("cd22_positive_pct", "qualitative", start, end)
    elif kind == "partial":
        c.note("cd19", "qualitative", start, end)
    else:
        c.judge("cd19", kind, start, end)
