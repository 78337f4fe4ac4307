"""Corrections of a number already stored, in the bare forms people type after a typo. Pure.

A correction names the new value and either the field or the wrong value, and often only the
numbers: the field is then the one already holding the wrong value. So it can only be read with
the known facts (`interpret` passes them):

- "sorry 54 not 45", "blasts 30 not 80", "cd22 was 75 not 70", "correction: 14, not 40",
  "make that 54 (not 45)", "45 -> 54": the new value, then the old one;
- "cd22 is actually 65", "correction: blasts 18", "sorry meant 3 cycles": a correction cue, the
  field's name (already on file) and one number;
- "43*", "sorry, 43", "I meant 43": the number replaces the known number it is a typo of (the
  same digits in another order, or one digit changed), as long as exactly one known number is.

Nothing else may be said besides the cue, the field's name and the numbers.

The field named, when one is, must hold the old value; when none is, exactly one numeric field
must. Anything else is not a correction here (the other extractors still read the message), so a
bare "30 not 80" with no 80 on file stores nothing. The new value must lie in the field's range.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.understanding.numbers import tidy
from assistant.understanding.vocabulary import AGE_RANGE, BILIRUBIN_RANGE, CYCLES_RANGE, PCT_RANGE

_I = re.IGNORECASE
_RANGES: dict[str, tuple[float, float]] = {
    "age_years": AGE_RANGE,
    "marrow_blasts_pct": PCT_RANGE,
    "cd22_positive_pct": PCT_RANGE,
    "bilirubin_x_uln": BILIRUBIN_RANGE,
    "planned_ino_cycles": (float(CYCLES_RANGE[0]), float(CYCLES_RANGE[1])),
}
_FIELD_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cd22_positive_pct", re.compile(r"\bcd\s?22\b", _I)),
    ("marrow_blasts_pct", re.compile(r"\b(?:(?:bm|marrow)\s+)?(?:lympho)?blasts?\b|\bbm\b|\bmarrow\b", _I)),
    ("age_years", re.compile(r"\b(?:age|aged|yo|y/o|years?(?:\s+old)?|yrs?)\b", _I)),
    ("bilirubin_x_uln", re.compile(r"\b(?:t\.?\s?)?bili(?:rubin)?\b", _I)),
    ("planned_ino_cycles", re.compile(r"\bcycles?\b", _I)),
)
_NUM = r"\d{1,3}(?:\.\d{1,2})?"
_CUE = (
    r"(?:(?:sorry|oops|typo|correction|correct(?:ed)?|edit|erratum|i\s+meant|meant|make\s+that|actually|and|no)\b"
    r"[\s,:;.!-]*)*"
)
# The new value, then the old one: "54 not 45", "75, not 70", "54 (not 45)", "54 instead of 45".
_NEW_NOT_OLD = re.compile(
    rf"(?<![\d.])(?P<new>{_NUM})\s*%?\s*,?\s*\(?\s*(?:not|instead\s+of|rather\s+than)\s+(?P<old>{_NUM})(?![\d.])\s*%?\s*\)?",
    _I,
)
# "45 -> 54", "45 → 54": the old value, an arrow, the new one.
_OLD_TO_NEW = re.compile(rf"(?<![\d.])(?P<old>{_NUM})\s*%?\s*(?:->|→|=>)\s*(?P<new>{_NUM})(?![\d.])", _I)
_ONE_NUMBER = re.compile(rf"(?<![\d.])(?P<new>{_NUM})(?![\d.])")
# Words a bare correction may hold besides its numbers and the field's name.
_FILLER = re.compile(
    rf"^(?:{_CUE}|\s|[%*,:;.!()?-]|\b(?:is|was|were|are|it'?s|its|the|that|should|be|have|been|not|instead|of|rather|than|"
    r"oh|ah|ok|okay|wait|sorry|i|meant|mean|actually|really|make|it|correction|typo|yes)\b)*$",
    _I,
)
_CORRECTION_CUE = re.compile(
    r"\b(?:sorry|oops|typo|correction|correct(?:ed)?|erratum|meant|make\s+that|actually|should\s+(?:be|have\s+been))\b|\*",
    _I,
)


def bare_correction(text: str, known: Mapping[str, Any]) -> dict[str, int | float] | None:
    """The corrected field and value, when ``text`` is a bare correction of a known number."""
    numbers = {f: float(v) for f, v in known.items() if f in _RANGES and isinstance(v, int | float)
               and not isinstance(v, bool)}
    if not numbers or len(text) > 80:
        return None
    named = [f for f, pattern in _FIELD_WORDS if pattern.search(text)]
    rest = text
    for _, pattern in _FIELD_WORDS:
        rest = pattern.sub(" ", rest)
    pair = _NEW_NOT_OLD.search(rest) or _OLD_TO_NEW.search(rest)
    if pair:
        if not _FILLER.match(rest[: pair.start()] + " " + rest[pair.end() :]):
            return None  # more is said than a correction ("WBC 30 not 80")
        new, old = float(pair.group("new")), float(pair.group("old"))
        holders = [f for f, v in numbers.items() if abs(v - old) < 1e-9 and (not named or f == named[0])]
        return _checked(holders[0], new) if len(holders) == 1 else None
    single = list(_ONE_NUMBER.finditer(rest))
    if len(single) != 1 or not _CORRECTION_CUE.search(text):
        return None
    number = single[0]
    if not _FILLER.match(rest[: number.start()] + " " + rest[number.end() :]):
        return None
    new = float(number.group("new"))
    if named:
        # "cd22 is actually 65", "correction: blasts 18": the field named, already on file
        return _checked(named[0], new) if named[0] in numbers and numbers[named[0]] != new else None
    # "43*", "sorry, 43", "I meant 43": the one known number it is a typo of
    typos = [f for f, v in numbers.items() if v != new and _typo_of(number.group("new"), v)]
    return _checked(typos[0], new) if len(typos) == 1 else None


def _checked(field: str, value: float) -> dict[str, int | float] | None:
    low, high = _RANGES[field]
    if not low <= value <= high:
        return None
    return {field: tidy(value) if field != "planned_ino_cycles" else int(value)}


def _typo_of(typed: str, known: float) -> bool:
    """``typed`` has the digits of ``known`` in another order, or differs from it in one digit."""
    have = str(tidy(known))
    if sorted(typed) == sorted(have):
        return True
    return len(typed) == len(have) and sum(a != b for a, b in zip(typed, have, strict=True)) == 1
