"""Numbers about the patient: age, marrow blasts, bilirubin as a multiple of ULN, planned InO cycles.

A number is only read when the words around it say what it is: "62-year-old", "85% blasts",
"bilirubin 1.5x ULN", "2 cycles of InO". A bare number counts as an age only when it is the whole
message (the planner may just have asked for the age). So "2 cycles", "CD22 60%", "10^-3",
"grade 3", "4 weeks", "day 28" and "25 mg" are never ages.

Ages are read with their unit, in years to two decimals: "18-month-old" and "19 mo boy" -> 1.58,
"7 months old" -> 0.58, "3.5 yo" -> 3.5, "2 and a half year old" / "2½ y/o" -> 2.5, "a two-year-old"
-> 2. A count of months or weeks is an age only with "old" or a person after it ("19 mo boy"):
"relapsed 19 mo after CR1" is a duration.

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
  1.75; "normal <21" and "ref 0-21" are ULNs too), leaving a "ratio" note. A ULN in another unit
  than the value is not converted: that reading leaves a "unit" note, as does a value without a
  ULN. "normal bilirubin" and "elevated bilirubin" are not converted either (any number picked
  for "normal" would be invented: 1.0 is already ">= ULN" for the SOS rule); they leave a note.
"""

from __future__ import annotations

import re

from assistant.understanding.update import Collector, NoteKind
from assistant.understanding.vocabulary import AGE_RANGE, BILIRUBIN_RANGE, CYCLES_RANGE, INO_TERM, PCT_RANGE

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


# -- age -------------------------------------------------------------------------------------------
_NOT_AFTER_AGE = (
    r"(?!\s*(?:%|x\b|mg|g\b|kg|cycles?|weeks?|wks?|days?|months?|mos?\b|hours?|cm|mm|ml|/|\^|uln|times|fold|"
    r"percent|\.\d))"
)
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_QTY = (
    rf"(?:(?<![\d.^/-])(?P<n>\d{{1,3}}(?:\.\d{{1,2}})?)|\b(?P<w>{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))}))"
    r"(?P<half>\s*-?\s*(?:and\s+a\s+half|½)|½)?"
)
_PERSON_AFTER = r"(?:\s*,?\s*(?:old\s+)?(?:boy|girl|infant|baby|toddler|child|kid|male|female|(?-i:[MF]))\b)"
# One reading per unit: years, months, weeks. Months and weeks need "old" or a person after them.
_AGE_WITH_UNIT = re.compile(
    rf"{_QTY}\s*-?\s*(?:"
    r"(?P<y>(?:years?|yrs?|yr|y)\.?[\s-]*(?:old|of\s+age)\b|(?:y/o|y\.o\.?|yo|yro|yoa)(?![a-z]))"
    rf"|(?P<m>(?:months?|mos?|mths?)\.?(?:[\s-]*old\b|(?={_PERSON_AFTER}))|m/o\b)"
    r"|(?P<wk>(?:weeks?|wks?)\.?[\s-]*old\b)"
    r")",
    _I,
)
_AGED_IN_MONTHS = re.compile(r"\b(?:aged?|ages?\s+of)\s*[:=]?\s*(?P<n>\d{1,2})\s*(?P<m>months?|mos?|mths?)\b", _I)
_AGE_PATTERNS = (
    re.compile(
        rf"\b(?:aged?|ages?\s+of)\s*[:=]?\s*(?P<n>\d{{1,3}}(?:\.\d)?)(?P<half>\s*(?:and\s+a\s+half|½))?"
        rf"(?!\d|[.,]\d|\s*(?:-|to)\s*\d){_NOT_AFTER_AGE}",
        _I,
    ),
    re.compile(r"(?<![\w.^/-])(?P<n>\d{1,3})(?-i:[MF])(?![\w/%])"),
    re.compile(r"(?<![\w.^/-])(?P<n>\d{1,3})\s?/\s?(?-i:[MF])\b"),
    re.compile(
        r"\b(?:she|he|patient|pt|they)(?:'s|\s+is|\s+are|\s+was)\s+(?:now\s+|only\s+|just\s+)?"
        rf"(?P<n>\d{{1,3}})(?!\d|[.,]\d){_NOT_AFTER_AGE}(?!\s*(?:-|to)\s*\d)",
        _I,
    ),
    re.compile(
        r"(?:^|(?<=[.;!?\n]))\s*(?P<n>\d{1,3})\s*(?:years?|yrs?|y)\s*,?\s*(?:male|female|man|woman|boy|girl|m|f)\b",
        _I,
    ),
)
_WHOLE_MESSAGE_AGE = re.compile(
    r"^\s*(?:age\s*[:=]?\s*)?(?P<n>\d{1,3}(?:\.\d)?)\s*(?:y|yo|yrs?|years?)?\s*[.!]?\s*$", _I
)


def extract_age(c: Collector) -> None:
    whole = _WHOLE_MESSAGE_AGE.match(c.low)
    if whole:
        _age(c, whole, float(whole.group("n")))
        return
    # Matched on the case-preserving text: "19 mo M" has a sex, "19 mo m" does not.
    for match in _AGE_WITH_UNIT.finditer(c.norm):
        _age(c, match, _years(match))
    for match in _AGED_IN_MONTHS.finditer(c.low):
        _age(c, match, round(float(match.group("n")) / 12, 2))
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(c.low if pattern.flags & _I else c.norm):
            _age(c, match, float(match.group("n")) + (0.5 if match.groupdict().get("half") else 0))


def _years(match: re.Match[str]) -> float:
    """The age a unit-bearing match states, in years (months / 12, weeks / 52)."""
    amount = float(match.group("n")) if match.group("n") else float(_NUMBER_WORDS[match.group("w").lower()])
    if match.group("half"):
        amount += 0.5
    if match.group("m"):
        return round(amount / 12, 2)
    if match.group("wk"):
        return round(amount / 52, 2)
    return amount


def _age(c: Collector, match: re.Match[str], years: float) -> None:
    start, end = match.span()
    if not c.free(start, end):
        return
    c.claim(start, end)
    if AGE_RANGE[0] <= years <= AGE_RANGE[1]:
        c.set("age_years", tidy(years), start, end)
    else:
        c.note("age_years", "out_of_range", start, end)


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
        rf"replacement|disease))*\s*[:=]?\s*{AMOUNT}{PERCENT}(?!\s*(?:cellular|fibros|plasma|lympho|normal|of\b))",
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
_ULN = r"\s*(?:x|times|-?\s*fold)?\s*(?:the\s+)?(?:uln|upper\s+limit(?:\s+of\s+normal)?|upper\s+normal)\b"
_BILI_PATTERNS = (
    re.compile(rf"\b{_BILI}(?:\s+(?:is|was|of|at|now|level|=|:))*\s*[:=]?\s*{AMOUNT}{_ULN}", _I),
    re.compile(rf"{AMOUNT}{_ULN}\s*(?:for\s+|of\s+)?(?:total\s+)?(?:bilirubin|bili)\b", _I),
)
_BILI_UNIT = r"(?:mg\s*/\s*dl|(?:µ|u|micro)mol(?:\s*/\s*l)?|mmol\s*/\s*l)"
_ULN_WORDS = (
    r"(?:(?:the\s+)?(?:lab'?s?\s+|local\s+)?(?:uln|upper\s+limit(?:\s+of\s+normal)?|upper\s+normal(?:\s+limit)?)"
    r"|(?:normal|ref(?:erence)?|nr|rr)(?:\s+(?:range|interval|limit|value))?\s*(?:up\s+to|<=|≤|<|0\s*-|:\s*(?:<|0\s*-))"
    r"|n\s*(?:<|≤|<=))"
)
# "bili 30 umol/L, ULN 21", "bilirubin 2.1 mg/dL (ULN 1.2 mg/dL)", "bili 40 (normal <21)"
_BILI_WITH_ULN = re.compile(
    rf"\b{_BILI}(?:\s+(?:is|was|of|at|now|level|=|:))*\s*[:=]?\s*(?P<v>{NUM})\s*(?P<vu>{_BILI_UNIT})?"
    rf"[\s,;(\[-]*(?:with\s+|and\s+|vs\.?\s+)?{_ULN_WORDS}\s*(?:is\s+|of\s+|=\s*|:\s*)?(?P<uln>{NUM})\s*"
    rf"(?P<uu>{_BILI_UNIT})?\)?",
    _I,
)
_BILI_UNITS = re.compile(
    rf"\b{_BILI}(?:\s+(?:is|was|of|at|now|level|=|:))*\s*[:=]?\s*{NUM}\s*(?:mg\s*/\s*dl|(?:µ|u|micro)mol\s*/\s*l|mmol)",
    _I,
)
_BILI_WORDS = re.compile(
    rf"\b(?:normal|elevated|raised|high|increased|abnormal|rising|low)\s+{_BILI}|\b{_BILI}\s+(?:is\s+|was\s+)?"
    r"(?:normal|wnl|within\s+normal\s+limits|ok|fine|elevated|raised|high|increased|abnormal|above\s+(?:the\s+)?uln)"
    r"|\bhyperbilirubina?emia\b",
    _I,
)


def extract_bilirubin(c: Collector) -> None:
    for match in _BILI_WITH_ULN.finditer(c.low):
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
    re.compile(rf"(?:{INO_TERM})\s*(?:for\s+|x\s*|×\s*|to\s+|,\s*)?{_COUNT}\s*(?:cycles?|courses?)\b", _I),
    re.compile(rf"(?:{INO_TERM})\s*x\s*(?P<n>[1-6])\b(?!\s*(?:/|mg|weeks?))", _I),
)
_PAST_CYCLES = re.compile(
    r"\b(?:after|received|had|got|completed|failed|following|post|given|s/p|previously|prior|despite|progressed)\b"
)


def extract_cycles(c: Collector) -> None:
    for pattern in _CYCLE_PATTERNS:
        for match in pattern.finditer(c.low):
            start, end = match.span()
            # Cycles already given are history, not a plan; the therapy extractor records the InO.
            if not c.free(start, end) or _PAST_CYCLES.search(
                c.scope.clause_before(start, words=4, stop_at_words=False)
            ):
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
