"""The patient's age, read with its unit, in years to two decimals.

A number is an age only when the words around it say so: "62-year-old", "62yo", "aged 62",
"45M", "F, 56" (the sex first, opening the message or a clause), "she is 19", "mine is 25". A
bare number counts as an age only when it is the whole message (the planner may just have asked
for the age). So "2 cycles", "CD22 60%", "10^-3", "grade 3",
"4 weeks", "day 28" and "25 mg" are never ages.

One unit-aware reading covers the shapes: "18-month-old" and "19 mo boy" -> 1.5 and 1.58,
"7 months old" -> 0.58, "3.5 yo" -> 3.5, "2 and a half year old" / "2½ y/o" -> 2.5, "a two-year-old"
-> 2. A count of months or weeks is an age only with "old" or a person after it ("19 mo boy"):
"relapsed 19 mo after CR1" is a duration. An age outside 0-120 leaves an "out_of_range" note.
An age at diagnosis ("diagnosed aged 12", "dx at age 4") is not the current age; a "now 16"
after it is.
"""

from __future__ import annotations

import re

from assistant.understanding.numbers import tidy
from assistant.understanding.update import Collector
from assistant.understanding.vocabulary import AGE_RANGE

_I = re.IGNORECASE

_NOT_AFTER_AGE = (
    r"(?!\s*(?:%|x\b|mg|g\b|kg|cycles?|weeks?|wks?|days?|months?|mos?\b|hours?|cm|mm|ml|/|\^|uln|times|fold|"
    r"percent|\.\d))"
)
_NUMBER_WORDS = {
    word: i
    for i, word in enumerate(
        [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
        ]
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNIT_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# "two", "seventeen", "sixty-two", "eighty": never the "two" inside "sixty-two" on its own.
_NUMBER_WORD = (
    rf"(?<![a-z]-)(?<![a-z])(?:(?:{'|'.join(_TENS)})(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"|{_UNIT_WORD})"
)
_QTY = (
    rf"(?:(?<![\d.^/-])(?P<n>\d{{1,3}}(?:\.\d{{1,2}})?)|\b(?P<w>{_NUMBER_WORD}))"
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
# "she is 19", "he's actually 3.5", "pt is 7 months", "age is 2.5", "she turned 60": a person (or the
# age itself) with a copula, then a number, then perhaps its unit.
_STATED_AGE = re.compile(
    r"\b(?:(?:she|he|patient|pt|they|mine|ours|(?:my|our|this)\s+(?:one|pt|patient|guy|lady|man|woman|boy|girl))"
    r"(?:'s|\s+is|\s+are|\s+was|\s+were|\s+turned|\s+turns)|age\s+(?:is|was|now))\s+"
    r"(?:(?:now|only|just|actually|really|in\s+fact|about|nearly|almost)\s+)*"
    r"(?P<n>\d{1,3}(?:\.\d{1,2})?)(?P<half>\s+and\s+a\s+half|½)?"
    # "he is 2 years post transplant" is a duration
    r"(?!\s*(?:years?|yrs?|y|months?|mos?|mths?)[\s-]+(?:post|after|from|since|out|into|in|off|ago|of|on|beyond|past|"
    r"following|before|prior|s/p|since)\b)"
    r"(?:\s*(?P<m>months?|mos?|mths?)\b|\s*(?:years?|yrs?|y)\b)?(?:[\s-]*old\b)?"
    rf"(?!\d|[.,]\d|\s*(?:-|to)\s*\d){_NOT_AFTER_AGE}",
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
    # The same with a space, opening the message or a sentence: "52 M, 2nd relapse", "67 F - refractory".
    re.compile(r"(?:^|(?<=[.;:(\n])|(?<=[.;:(\n]\s))\s*(?P<n>\d{1,3})\s(?-i:[MF])(?=\s*(?:[,;.:/-]|$))"),
    # The sex first, then the age, at the start of a clause: "F, 56, refractory", "F 72 Ph+", "M/45".
    re.compile(r"(?:^|(?<=[.;:(\n-])|(?<=[.;:(\n-]\s))\s*(?-i:[MF])\s*[,/]?\s*(?P<n>\d{1,3})(?![\w%.]|\s*(?:%|x\b|mg|kg))"),
    re.compile(
        r"(?:^|(?<=[.;!?\n]))\s*(?P<n>\d{1,3})\s*(?:years?|yrs?|y)\s*,?\s*(?:male|female|man|woman|boy|girl|m|f)\b",
        _I,
    ),
)
# An age in apposition to the person it belongs to, set off by commas: "Mr H., 74, Ph-neg", "Ms K, 71,",
# "Adult patient, 26, first relapse", "Toddler, 18 months, KMT2A-r", "Ms A., 23 years, Ph+". The person
# (a title with a name, or a person noun) comes first; the number, perhaps with its unit, closes the
# apposition, so "patient, 2 cycles" or "man, 45%" are not ages.
_PERSON_NOUN = (
    r"(?:patient|pt|man|woman|lady|gentleman|gent|male|female|boy|girl|child|kid|toddler|infant|baby|teen(?:ager)?|"
    r"adolescent|adult)"
)
_APPOSED_AGE = re.compile(
    rf"(?:\b(?:mr|mrs|ms|miss|mx|master)\.?\s+[a-z][\w'-]*\.?(?:\s?[a-z]\.)*|\b{_PERSON_NOUN}\b)"
    r"\s*,\s*(?:now\s+|aged?\s+)?(?P<n>\d{1,3}(?:\.\d{1,2})?)"
    r"(?:\s*(?P<m>months?|mos?|mths?)|\s*(?:years?|yrs?|y)(?:\s+old)?)?\s*(?=[,;:.)\n]|$)",
    _I,
)
# "a male of 41 years", "boy of 13 years": the person, "of", the age in years.
_OF_YEARS = re.compile(
    rf"\b{_PERSON_NOUN}\s+of\s+(?P<n>\d{{1,3}}(?:\.\d)?)\s*(?:years?|yrs?|y)\b(?!\s+(?:ago|since|post|after))", _I
)
# "when she was 3", "since he was 2": an age in the story, not now.
_PAST_AGE_BEFORE = re.compile(r"\b(?:when|since|until|till|by\s+the\s+time|after|before)\s*$")
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
    for match in _STATED_AGE.finditer(c.low):
        if _PAST_AGE_BEFORE.search(c.low, max(0, match.start() - 20), match.start()):
            c.claim(*match.span())
            continue
        _age(c, match, _years(match))
    for match in _AGED_IN_MONTHS.finditer(c.low):
        _age(c, match, round(float(match.group("n")) / 12, 2))
    for pattern in (_APPOSED_AGE, _OF_YEARS):
        for match in pattern.finditer(c.low):
            # The age's own words are the number and its unit: the person before it may sit in an
            # earlier clause ("... if you could see Mrs J.K., aged 58").
            _age(c, match, _years(match), span=(match.start("n"), match.end()))
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(c.low if pattern.flags & _I else c.norm):
            _age(c, match, float(match.group("n")) + (0.5 if match.groupdict().get("half") else 0))


def _years(match: re.Match[str]) -> float:
    """The age a unit-bearing match states, in years (months / 12, weeks / 52)."""
    groups = match.groupdict()
    amount = float(groups["n"]) if groups.get("n") else float(_word_number(groups["w"]))
    if groups.get("half"):
        amount += 0.5
    if groups.get("m"):
        return round(amount / 12, 2)
    if groups.get("wk"):
        return round(amount / 52, 2)
    return amount


# An age at diagnosis is history: "diagnosed aged 12", "dx at age 4", "presented at 3 years old".
_AT_DIAGNOSIS = re.compile(
    r"\b(?:diagnos\w*|dx|presented|presentation|initially|originally|onset)\b(?:[\s,]+[\w+/-]+){0,6}?"
    r"(?:[\s,]+(?:at|when|in|aged?))?(?:\s+the)?(?:\s+age)?(?:\s+of)?\s*$"
)
# ... and the current age then follows as "now 9", "is now 16", "now aged 16".
_NOW_AGE = re.compile(
    r"\b(?:(?:is|she's|he's|they're)\s+)?now\s+(?:aged?\s+)?(?P<n>\d{1,3}(?:\.\d)?)"
    rf"(?:\s*(?:y/o|yo|y|yrs?|years?)(?:[\s-]*old)?)?\b{_NOT_AFTER_AGE}",
    _I,
)


def _age(
    c: Collector, match: re.Match[str], years: float, *, current: bool = False, span: tuple[int, int] | None = None
) -> None:
    start, end = span or match.span()
    if not c.free(start, end):
        return
    c.claim(start, end)
    if not current and _AT_DIAGNOSIS.search(re.split(r"[.;:!?\n]", c.low[max(0, start - 60) : start])[-1]):
        for now in _NOW_AGE.finditer(c.low, end):
            _age(c, now, float(now.group("n")), current=True)
            break
        return
    if AGE_RANGE[0] <= years <= AGE_RANGE[1]:
        c.set("age_years", tidy(years), start, end)
    else:
        c.note("age_years", "out_of_range", start, end)


def _word_number(words: str) -> int:
    parts = words.lower().replace("-", " ").split()
    return sum(_TENS.get(part) or _NUMBER_WORDS.get(part, 0) for part in parts)
