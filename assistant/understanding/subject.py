"""Whose facts a clause states: this patient's, or a third person's (a relative, the donor, another patient).

"his brother, the donor, is 19", "Mum had breast cancer at 50", "my other patient is 70 and has
CNS disease": each has a clinical fact in it, and none of them is about the patient. Storing it
would silently put a wrong fact on the patient, so such a clause contributes nothing.

The mechanism reads the grammar, not a list of example sentences:

- a *third-person subject* is a person noun other than the patient (a relative, the donor,
  another patient, a family history) standing at the start of a clause, with at most a
  determiner, a possessive and a few adjectives before it ("his older brother", "the patient's
  mother", "my other patient"); the same noun after a preposition ("HSCT from his brother",
  "cells from a matched sibling") is an object, and the clause stays the patient's;
- its clause runs to the end of the sentence, so "his sister had ALL too, she was Ph+" keeps the
  Ph status on the sister; a pronoun keeps referring to the third person unless its gender says
  otherwise ("Mum had breast cancer, he is Ph-negative": *he* is the patient), and an explicit
  patient anchor ("the patient", "our pt") hands the rest of the sentence back to the patient;
- a reporting verb ends it ("mum says he is happy with the pump"): what is reported is read
  on its own, for whoever its subject is;
- sentence boundaries end it ("Mum had breast cancer. He is Ph-negative.").

Two facts stay the patient's inside such a clause, and their extractors say so (``speaks_for``):
a donor found ("the donor is lined up": the patient can be transplanted), and the family's choice
of logistics for a child ("mum doesn't want a pump"). Another patient speaks for nobody here.

Pure: spans of the (lower-cased, same-length) message, computed once per message by `Scope`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Gender = Literal["male", "female", "any"]
Kind = Literal["relative", "donor", "other_patient"]

_MALE = "brother father dad daddy papa son husband uncle grandfather grandpa nephew stepfather stepbrother"
_FEMALE = (
    "sister mother mum mom mummy mommy mama daughter wife aunt aunty auntie grandmother grandma granny niece "
    "stepmother stepsister"
)
_ANY = "sibling sib parent parents cousin twin partner spouse grandparent grandparents relative relatives family"
_GENDER: dict[str, Gender] = {
    **{w: "male" for w in _MALE.split()},
    **{w: "female" for w in _FEMALE.split()},
    **{w: "any" for w in _ANY.split()},
}
# A child or a partner is the patient's relative only when possessed: "the daughter" may be the patient.
_NEEDS_POSSESSIVE = frozenset(["son", "daughter", "husband", "wife", "partner", "spouse"])

_DETERMINER = (
    r"(?:(?:his|her|their|the|my|our|a|an|one|pt'?s|patient'?s|the\s+patient'?s|(?:the\s+)?(?:boy|girl|child|kid|"
    r"man|woman|lady)'s)\s+)"
)
_ADJECTIVES = (
    r"(?:(?:older|younger|elder|eldest|big|little|baby|twin|identical|half|step|only|paternal|maternal|"
    r"hla[\s-]?(?:matched|identical)|matched|full|biological|healthy|potential|proposed|intended|"
    # the HLA match grade of a donor: "a 10/10 unrelated donor", "9/10 MUD"
    r"\d{1,2}\s?/\s?\d{1,2}|unrelated|mismatched|haplo\w*)[\s-]+){0,3}"
)
_PERSON = "|".join(sorted(_GENDER, key=len, reverse=True))
RELATIVE_NOUNS = _PERSON  # shared with `retraction` ("that CD22 was his brother's")
# "sibling allo", "a sib transplant" name the donor of a transplant, as "sibling donor" does.
_RELATIVE = re.compile(
    rf"\b(?P<det>{_DETERMINER})?{_ADJECTIVES}(?P<noun>{_PERSON})\b"
    r"(?![\s-]+(?:donor|history|hx|allo\w*|hsct|hct|sct|bmt|transplant\w*|graft|stem|dli)\b)"
)
# "sibling donor allo", "donor-derived cells": the donor names a kind of transplant, not a subject.
_DONOR = re.compile(
    rf"\b{_DETERMINER}?{_ADJECTIVES}(?:(?:sibling|sib|family|unrelated|haplo\w*|mud|msd|mrd)\s+)?donor'?s?\b"
    r"(?![\s-]*(?:allo\w*|hsct|hct|sct|bmt|transplant\w*|graft|cells?|lymphocytes?|dli|stem|derived|chimerism|"
    r"search|work[\s-]?up|source|type|match))"
)
_OTHER_PATIENT = re.compile(
    r"\b(?:(?:my|our|the|a|an|one|that)\s+)?(?:other|different|previous|last|second|another)\s+(?:patient|pt|case|kid|child|boy|girl|man|woman|lady)\b"
    r"|\banother\s+(?:patient|pt|case)\b|\bsome(?:one|body)\s+else\b"
)
_FAMILY_HISTORY = re.compile(r"\b(?:family\s+(?:history|hx)|fhx|fh)\b(?:\s+(?:of|is|:|-))?")
# Where a clause may start: the sentence start, punctuation, a conjunction, or a filler word.
_CLAUSE_LEAD = re.compile(
    r"(?:^|[,;:(\[\n!?-]|\.(?!\d)|\b(?:and|but|while|whereas|also|plus|though|although|so)\b)"
    r"(?:\s*(?:sorry|fyi|btw|also|incidentally|of\s+note|note|ok|okay|and|but|oh|then)\b[,:]?)*\s*$"
)
_SENTENCE_END = re.compile(r"[;!?\n]|\.(?!\d)")
_REPORTING = re.compile(
    r"\b(?:says?|said|reports?|reported|tells?|told|thinks?|thought|feels?|felt|mentions?|mentioned|notes?|noted|"
    r"confirms?|confirmed|worries|worried|believes?|believed|agrees?|agreed)\b(?:\s+(?:us|me|that))*"
)
_PATIENT_ANCHOR = re.compile(
    r"\b(?:the|my|our|this)\s+(?:patient|pt)\b(?!\s*'s)|\bpt\b(?!\s*'s)|\bpatient\s+(?:is|has|had|was)\b"
)
_PRONOUN = re.compile(r"(?:^|[,;:(]|\b(?:and|but|while|whereas)\b)\s*(?P<p>he|she|him|his|her|hers)\b")
_SPEAKER = re.compile(
    r"(?:[,;:(]|\b(?:and|but|so|then)\b)\s*(?P<s>(?:we|i)(?:'ll|'d|'ve|'re)?|our\s+team|the\s+team)\b"
)
_PRONOUN_GENDER: dict[str, Gender] = {
    "he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "hers": "female"
}


@dataclass(frozen=True)
class ThirdParty:
    """A stretch of the message stated about someone other than the patient."""

    start: int
    end: int
    kind: Kind
    gender: Gender


def third_party_spans(low: str) -> list[ThirdParty]:
    """Spans of ``low`` (lower-cased message) whose subject is a third person."""
    spans: list[ThirdParty] = []
    for start, named_to, kind, gender in _subjects(low):
        if spans and spans[-1].start <= start < spans[-1].end:
            continue  # "his brother, the donor, ...": one subject, already covered
        end = _clause_end(low, start, named_to, gender)
        if end > start:
            spans.append(ThirdParty(start, end, kind, gender))
    return spans


def _subjects(low: str) -> list[tuple[int, int, Kind, Gender]]:
    """(start, end of the noun phrase, kind, gender) of each third-person subject."""
    found: list[tuple[int, int, Kind, Gender]] = []
    readings: tuple[tuple[re.Pattern[str], Kind], ...] = (
        (_RELATIVE, "relative"), (_DONOR, "donor"), (_OTHER_PATIENT, "other_patient"), (_FAMILY_HISTORY, "relative")
    )
    for pattern, kind in readings:
        for match in pattern.finditer(low):
            start = match.start()
            if start < len(low) and low[start] == " ":
                continue
            if not _CLAUSE_LEAD.search(low[max(0, start - 40) : start]):
                continue  # an object ("HSCT from his brother"), not the clause's subject
            gender: Gender = "any"
            if kind == "relative" and match.groupdict().get("noun"):
                noun = match.group("noun")
                det = (match.group("det") or "").strip()
                if noun in _NEEDS_POSSESSIVE and det not in ("his", "her", "their") and not det.endswith("'s"):
                    continue
                gender = _GENDER[noun]
            if kind == "other_patient" and _not_about_another(low, match):
                continue
            found.append((start, match.end(), kind, gender))
    return sorted(found)


def _not_about_another(low: str, match: re.Match[str]) -> bool:
    """"a different patient's" is a remark that a fact was misattributed (see `retraction`), and
    "Another patient: 60F" introduces the next case; neither states a third person's facts."""
    rest = low[match.end() :]
    if rest.startswith("'s"):
        return True
    possessed = re.match(r"(?:my|our|the|that)\b", match.group(0))
    return not possessed and bool(re.match(r"\s*(?:[:,.\-(]|$|now\b|please\b|\d)", rest))


def _clause_end(low: str, start: int, named_to: int, gender: Gender) -> int:
    """Where the third person's stretch ends: sentence end, a reporting verb, or the patient again
    (looked for after the noun phrase naming the third person, ``named_to``)."""
    sentence_end = _SENTENCE_END.search(low, start)
    end = sentence_end.start() if sentence_end else len(low)
    piece = low[start:end]
    after_name = max(1, named_to - start)
    cut = len(piece)
    if (report := _REPORTING.search(piece)) is not None:
        cut = min(cut, report.end())
    if (anchor := _PATIENT_ANCHOR.search(piece, after_name)) is not None:
        cut = min(cut, anchor.start())
    # The speaker taking over ("matched sib available, we plan allo") speaks about the patient again.
    if (speaker := _SPEAKER.search(piece, after_name)) is not None:
        cut = min(cut, speaker.start("s"))
    for pronoun in _PRONOUN.finditer(piece, after_name):
        said = _PRONOUN_GENDER[pronoun.group("p")]
        if gender != "any" and said != gender:
            cut = min(cut, pronoun.start("p"))
            break
    return start + cut


def inside(spans: list[ThirdParty], pos: int) -> ThirdParty | None:
    for span in spans:
        if span.start <= pos < span.end:
            return span
    return None
