"""Numbers about the patient: marrow blasts, bilirubin as a multiple of ULN, planned InO cycles
(the age is read in `age`, with its unit).

A number is only read when the words around it say what it is: "85% blasts", "bilirubin 1.5x
ULN", "2 cycles of InO".

Conventions (chosen to keep the rules honest; each one leaves a note with the words used):
- An exact number is stored as given.
- A strict bound is stored just inside it: "<5%" -> 4.9, ">90%" -> 90.1; "<=5%" / ">=90%" -> the
  bound itself. Every threshold in clinical-rules.md then gives the answer the bound implies
  ("<5% blasts" is low burden; "<50%" is not high burden) without claiming a measurement.
- A range is stored at its cautious end, the one that raises more flags: the higher blasts,
  bilirubin and cycles, the lower CD22 ("CD22 60-80%" -> 60).
- "about 80%" is stored as 80 with an "approximate" note.
- A number outside the profile's range ("blasts 150%", "aged 130", "8 cycles of InO") is never
  stored and never clamped: it leaves an "out_of_range" note so the answer can say it was not used.
- Bilirubin needs a multiple of ULN. A value in mg/dL or umol/L with the laboratory's ULN in the
  same sentence is divided by it ("bili 30 umol/L, ULN 21" -> 1.43; "2.1 mg/dL (ULN 1.2)" ->
  1.75; "normal <21", "ref 0-21" and a bracketed range "(0-17)" give ULNs too), leaving a
  "ratio" note. A ULN in another unit than the value is not converted: that reading leaves a
  "unit" note, as does a value without a ULN. "normal bilirubin" and "elevated bilirubin" are
  not converted either (any number picked for "normal" would be invented: 1.0 is already ">= ULN"
  for the SOS rule); they leave a note.
"""

from __future__ import annotations

import re

from assistant.understanding.history import in_history_section
from assistant.understanding.update import Collector, NoteKind
from assistant.understanding.vocabulary import BILIRUBIN_RANGE, CYCLES_RANGE, INO_TERM, PCT_RANGE

_I = re.IGNORECASE
NUM = r"\d{1,3}(?:[.,]\d{1,2})?(?!\d)"
# A qualifier before a number: a bound or "about".
QUALIFIER = (
    r"(?:(?P<q><=|>=|≤|≥|<|>|~|≈|less\s+than|fewer\s+than|under|below|more\s+than|greater\s+than|over|above|"
    r"at\s+least|at\s+most|up\s+to|about|approximately|approx\.?|around|roughly|nearly|almost|circa)\s*)?"
)
# A number, optionally a range "80-90" / "80 to 90", with an optional qualifier.
AMOUNT = rf"{QUALIFIER}(?P<n>{NUM})(?:\s*%?\s*(?:-|to)\s*(?P<n2>{NUM}))?"
PERCENT = r"\s*(?:%|percent|per\s*cent)"

_STRICT_BELOW = ("<", "less", "fewer", "under", "below")
_STRICT_ABOVE = (">", "more", "greater", "over", "above")
_APPROXIMATE = ("~", "≈", "about", "approx", "around", "roughly", "nearly", "almost", "circa")


def number(text: str) -> float:
    return float(text.replace(",", "."))


def tidy(value: float) -> int | float:
    """Whole numbers as int (62, not 62.0); others rounded to two decimals."""
    return int(value) if float(value).is_integer() else round(value, 2)


def read_amount(
    collector: Collector,
    match: re.Match[str],
    field: str,
    *,
    cautious_high: bool,
    limits: tuple[float, float],
) -> float | None:
    """The value an AMOUNT match stands for, per the module's conventions; notes how it was read."""
    low, high = limits
    value = number(match.group("n"))
    start, end = match.span()
    stated = [value, *([number(match.group("n2"))] if match.group("n2") else [])]
    if any(not low <= v <= high for v in stated):
        # "blasts 150%" is an entry error: say so rather than store 100 or drop it silently.
        collector.note(field, "out_of_range", start, end)
        return None
    if match.group("n2"):
        second = number(match.group("n2"))
        value = max(value, second) if cautious_high else min(value, second)
        collector.note(field, "range", start, end)
    qualifier = (match.group("q") or "").lower()
    if qualifier.startswith(_STRICT_BELOW):
        value -= min(0.1, value / 2)
        collector.note(field, "bound", start, end)
    elif qualifier.startswith(_STRICT_ABOVE):
        value += 0.1
        collector.note(field, "bound", start, end)
    elif qualifier.startswith(_APPROXIMATE):
        collector.note(field, "approximate", start, end)
    elif qualifier:
        collector.note(field, "bound", start, end)
    # A strict bound at the edge of the range ("<0.1%", ">100%") is pulled back inside it.
    return min(max(value, low), high)


def record_amount(
    collector: Collector,
    match: re.Match[str],
    field: str,
    *,
    cautious_high: bool,
    limits: tuple[float, float],
) -> None:
    start, end = match.span()
    if not collector.free(start, end):
        return
    collector.claim(start, end)
    if collector.scope.negated_before(start):
        return  # "not 85% blasts" says what the value is not
    value = read_amount(collector, match, field, cautious_high=cautious_high, limits=limits)
    if value is not None:
        collector.set(field, tidy(value), start, end, history=collector.scope.history(start, end))


# -- marrow blasts -----------------------------------------------------------------------------------
_BLAST = r"(?:lympho)?blasts?"
_MARROW = r"(?:(?:bone[\s-]+)?marrow|bm)"
_LINK = (
    r"(?:\s*[:=]\s*|\s+(?:are|is|were|was|of|at|now|down|up|to|only|still|reduced|increased|decreased|dropped|"
    r"fell|fallen|rose|risen|measured|count|percentage|burden|level|\(|~)){0,4}\s*"
)
_BLAST_PATTERNS = (
    # "blasts fell from 85% to 10%": the value after "to" is the current one.
    re.compile(
        rf"\b{_BLAST}\b(?:\s+\w+){{0,3}}?\s+from\s+{NUM}\s*%?\s*(?:down\s+|up\s+)?to\s+{AMOUNT}{PERCENT}", _I
    ),
    re.compile(rf"{AMOUNT}{PERCENT}\s*(?:{_MARROW}\s+)?(?:leuka?emic\s+)?{_BLAST}\b", _I),
    re.compile(rf"\b(?:{_MARROW}\s+)?{_BLAST}\b{_LINK}{AMOUNT}{PERCENT}", _I),
    re.compile(
        rf"\b{_MARROW}(?:\s+(?:shows?|showed|showing|with|has|had|biopsy|aspirate|involvement|infiltration|"
        rf"replacement|disease|now|currently|today|still|is|was|at|of|~))*\s*[:=]?\s*{AMOUNT}{PERCENT}(?!\s*(?:cellular|fibros|plasma|lympho|normal|of\b))",
        _I,
    ),
    re.compile(rf"{AMOUNT}{PERCENT}\s*{_MARROW}\s+(?:involvement|infiltration|replacement|disease)\b", _I),
)
_NOT_MARROW = re.compile(r"\b(?:peripheral|pb|blood|circulating|csf|cerebrospinal|pleural|spinal|cd\d+)\b")


def extract_blasts(c: Collector) -> None:
    for pattern in _BLAST_PATTERNS:
        for match in pattern.finditer(c.low):
            start, end = match.span()
            if not c.free(start, end):
                continue
            if _NOT_MARROW.search(
                c.scope.clause_before(start, words=3, stop_at_words=False) + " " + c.low[start:end]
            ):
                # Not claimed: "CD22 positive blasts 60%" is still read by the CD22 extractor.
                c.note("marrow_blasts_pct", "not_used", start, end)
                continue
            record_amount(c, match, "marrow_blasts_pct", cautious_high=True, limits=PCT_RANGE)


# -- bilirubin -------------------------------------------------------------------------------------
_BILI = r"(?:total\s+)?(?:t\.?\s?)?(?:bilirubin|bili)\b"
# The words between "bilirubin" and its value: "bili is back: 25.5", "bilirubin today 34", "bili = 2.1".
_BILI_LEAD = r"(?:\s+(?:is|was|of|at|now|level|back|today|came\s+back|returned|result|repeat|=|:))*\s*[:=]?\s*"
_ULN = r"\s*(?:x|times|-?\s*fold)?\s*(?:the\s+)?(?:uln|upper\s+limit(?:\s+of\s+normal)?|upper\s+normal)\b"
_BILI_PATTERNS = (
    re.compile(rf"\b{_BILI}{_BILI_LEAD}{AMOUNT}{_ULN}", _I),
    re.compile(rf"{AMOUNT}{_ULN}\s*(?:for\s+|of\s+)?(?:total\s+)?(?:bilirubin|bili)\b", _I),
    # A word about it first, then the multiple: "bili ok at 0.8x ULN", "bilirubin normal - 0.7 x ULN".
    re.compile(
        rf"\b{_BILI}\s+(?:is\s+|was\s+)?(?:normal|ok|okay|fine|wnl|stable|elevated|raised|high|up|down|mildly\s+up)"
        rf"(?:\s*(?:at|,|-|:|=|\(|~))*\s*{AMOUNT}{_ULN}",
        _I,
    ),
)
_BILI_UNIT = r"(?:mg\s*/\s*dl|(?:µ|u|micro)mol(?:\s*/\s*l)?|mmol\s*/\s*l)"
_ULN_WORDS = (
    r"(?:(?:the\s+|an?\s+|its\s+|our\s+|their\s+)?(?:lab'?s?\s+|local\s+)?(?:uln|upper\s+limit(?:\s+of\s+normal)?|upper\s+normal(?:\s+limit)?)"
    r"|(?:normal|ref(?:erence)?|nr|rr)(?:\s+(?:range|interval|limit|value))?\s*(?:up\s+to|<=|≤|<|0\s*-|:\s*(?:<|0\s*-))"
    r"|n\s*(?:<|≤|<=))"
)
# "bili 30 umol/L, ULN 21", "bilirubin 2.1 mg/dL (ULN 1.2 mg/dL)", "bili 40 (normal <21)"
_BILI_WITH_ULN = re.compile(
    rf"\b{_BILI}{_BILI_LEAD}(?P<v>{NUM})\s*(?P<vu>{_BILI_UNIT})?"
    rf"[\s,;(\[-]*(?:with\s+|and\s+|vs\.?\s+|versus\s+|against\s+|over\s+|relative\s+to\s+)?{_ULN_WORDS}"
    rf"\s*(?:is\s+|of\s+|=\s*|:\s*)?(?P<uln>{NUM})\s*(?P<uu>{_BILI_UNIT})?\)?",
    _I,
)
# "bilirubin 25 umol/L (0-17)", "34 umol/L (ref 3-21)": a reference range in brackets; its upper end
# is the ULN.
_BILI_WITH_RANGE = re.compile(
    rf"\b{_BILI}{_BILI_LEAD}(?P<v>{NUM})\s*(?P<vu>{_BILI_UNIT})?"
    rf"\s*[(\[]\s*(?:(?:ref(?:erence)?|normal|nr|rr|range)(?:\s+(?:range|interval))?\s*[:=]?\s*)?"
    rf"{NUM}\s*-\s*(?P<uln>{NUM})\s*(?P<uu>{_BILI_UNIT})?\s*[)\]]",
    _I,
)
_BILI_UNITS = re.compile(
    rf"\b{_BILI}{_BILI_LEAD}{NUM}\s*(?:mg\s*/\s*dl|(?:µ|u|micro)mol\s*/\s*l|mmol)",
    _I,
)
_BILI_WORDS = re.compile(
    rf"\b(?:normal|elevated|raised|high|increased|abnormal|rising|low)\s+{_BILI}|\b{_BILI}\s+(?:is\s+|was\s+)?"
    r"(?:normal|wnl|within\s+normal\s+limits|ok|fine|elevated|raised|high|increased|abnormal|above\s+(?:the\s+)?uln)"
    r"|\bhyperbilirubina?emia\b",
    _I,
)


def extract_bilirubin(c: Collector) -> None:
    for match in (*_BILI_WITH_ULN.finditer(c.low), *_BILI_WITH_RANGE.finditer(c.low)):
        _bilirubin_ratio(c, match)
    for pattern in _BILI_PATTERNS:
        for match in pattern.finditer(c.low):
            record_amount(c, match, "bilirubin_x_uln", cautious_high=True, limits=BILIRUBIN_RANGE)
    # Words about bilirubin that give no multiple of ULN: noted so the planner can ask for one.
    not_stored: tuple[tuple[re.Pattern[str], NoteKind], ...] = (
        (_BILI_UNITS, "unit"),
        (_BILI_WORDS, "qualitative"),
    )
    for pattern, kind in not_stored:
        for match in pattern.finditer(c.low):
            if c.free(*match.span()):
                c.claim(*match.span())
                c.note("bilirubin_x_uln", kind, *match.span())


def _unit(text: str | None) -> str:
    return re.sub(r"\s+|/l$|^(?:µ|micro)", lambda m: "u" if m.group(0) in ("µ", "micro") else "", (text or "").lower())


def _bilirubin_ratio(c: Collector, match: re.Match[str]) -> None:
    """A value over the laboratory's ULN, when both are in one unit."""
    start, end = match.span()
    if not c.free(start, end):
        return
    c.claim(start, end)
    value, uln = number(match.group("v")), number(match.group("uln"))
    value_unit, uln_unit = _unit(match.group("vu")), _unit(match.group("uu"))
    if uln <= 0 or (value_unit and uln_unit and value_unit != uln_unit):
        c.note("bilirubin_x_uln", "unit", start, end)  # a ULN in another unit is not converted
        return
    ratio = round(value / uln, 2)
    if not BILIRUBIN_RANGE[0] <= ratio <= BILIRUBIN_RANGE[1]:
        c.note("bilirubin_x_uln", "out_of_range", start, end)
        return
    c.note("bilirubin_x_uln", "ratio", start, end)
    c.set("bilirubin_x_uln", tidy(ratio), start, end, history=c.scope.history(start, end))


# -- planned InO cycles ----------------------------------------------------------------------------
_COUNT = (
    r"(?P<n>[1-9]|one|two|three|four|five|six)(?:\s*(?:-|to|or)\s*(?P<n2>[1-9]|two|three|four|five|six))?"
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_CYCLE_PATTERNS = (
    re.compile(rf"\b{_COUNT}\s+(?:more\s+|further\s+)?(?:cycles?|courses?)\s+(?:of\s+)?(?:{INO_TERM})", _I),
    # "InO x 2 cycles", "limit ino to 2 cycles", "stop the ino at 2 cycles" (a plan changed to two).
    re.compile(rf"(?:{INO_TERM})\s*(?:for\s+|x\s*|×\s*|to\s+|at\s+|,\s*)?{_COUNT}\s*(?:cycles?|courses?)\b", _I),
    re.compile(rf"(?:{INO_TERM})\s*x\s*(?P<n>[1-6])\b(?!\s*(?:/|mg|weeks?))", _I),
)
_PAST_CYCLES = re.compile(
    r"\b(?:after|received|had|got|completed|failed|following|post|given|s/p|previously|prior|despite|progressed|since)\b"
)


# "InO x3 cycles given": cycles already given are history, whatever words come before.
_GIVEN_AFTER = re.compile(
    r"\s*(?:(?:cycles?|courses?)\s+)?(?:were\s+|was\s+|have\s+been\s+)?(?:given|received|completed|done|already|previously)\b"
    # ... and so are cycles the disease answered: "InO x2, now MRD+", "InO x3 then relapsed"
    r"|\s*(?:(?:cycles?|courses?)\b)?[\s,;-]*(?:(?:now|then|but|and|still|with)\s+)+(?:mrd|cr\b|cri\b|relapsed|progressed|"
    r"refractory|no\s+response|achieved|in\s+cr)"
)


# "going w InO. plan 3 cycles": a plan of cycles without the drug's name, in a message naming InO
# and no other agent with cycles.
_PLANNED_CYCLES = (
    re.compile(
        rf"\b(?:plan(?:ned|ning|s)?(?:\s+is)?|intend(?:ed|ing)?|aim(?:ing)?|for|give|giving|max(?:imum)?|up\s+to|at\s+most|"
        rf"no\s+more\s+than|capped\s+at|cap\s+(?:of|at)|limited\s+to|limit\s+(?:of|to))\s+(?:to\s+give\s+|for\s+|of\s+)?{_COUNT}\s+"
        r"(?:more\s+|further\s+)?(?:cycles?|courses?)\b",
        _I,
    ),
    re.compile(rf"\b{_COUNT}\s+(?:cycles?|courses?)\s+(?:planned|intended|scheduled)\b", _I),
)
_OTHER_CYCLED = re.compile(r"\b(?:blin\w*|blincyto|chemo\w*|hyper[\s-]?c\w*|flag\w*|car[\s-]?t|tisa\w*|kymriah)\b", _I)


def extract_cycles(c: Collector) -> None:
    ino_only = bool(re.search(INO_TERM, c.low, _I)) and not _OTHER_CYCLED.search(c.low)
    for pattern in (*_CYCLE_PATTERNS, *(_PLANNED_CYCLES if ino_only else ())):
        for match in pattern.finditer(c.low):
            start, end = match.span()
            # Cycles already given are history, not a plan; the therapy extractor records the InO.
            if not c.free(start, end) or _PAST_CYCLES.search(
                c.scope.clause_before(start, words=4, stop_at_words=False)
            ) or _GIVEN_AFTER.match(c.low, end) or in_history_section(c, start):
                continue
            first, second = _count(match.group("n")), _count(match.groupdict().get("n2"))
            cycles = max(first, second)
            if second:
                c.note("planned_ino_cycles", "range", start, end)
            if CYCLES_RANGE[0] <= cycles <= CYCLES_RANGE[1]:
                c.set("planned_ino_cycles", cycles, start, end)
            else:
                c.note("planned_ino_cycles", "out_of_range", start, end)


def _count(word: str | None) -> int:
    if not word:
        return 0
    return _WORDS.get(word) or int(word)
