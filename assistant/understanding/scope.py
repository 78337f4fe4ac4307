"""Where a phrase sits: negated, hypothetical, uncertain, or a past value (NegEx-style windows).

A finding is read in the light of the few words around it, never across a clause boundary:
"no CNS disease" is a fact (CNS disease absent), "if she had CNS disease" is not a fact about this
patient, "?CNS disease" is not yet a fact, and "blasts 10%, down from 85%" has one current value.

Windows are short on purpose (NegEx uses about five words): clinical shorthand strings facts
together with commas, and "no CNS disease, testicular involvement" must not negate the testis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.understanding.subject import Kind, ThirdParty, inside, third_party_spans

Mode = Literal["patient", "hypothetical", "third_party"]

# Length-preserving clean-up, so spans found in the clean text point into the original text.
_SAME_LENGTH = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00d7": "x",
        "\u2019": "'",
        "\u2018": "'",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\uff05": "%",
        "\u201c": '"',
        "\u201d": '"',
    }
)


_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# Dictated numbers from ten up ("forty percent", "sixty-two", "cd nineteen"), written as digits padded
# with spaces to the same length. Smaller ones stay words: "one" is also a pronoun ("which one").
_SPOKEN = re.compile(
    rf"\b(?P<cd>cd[\s-]?)?(?:(?P<tens>{'|'.join(_TENS)})(?:[\s-](?P<unit>{'|'.join(_UNITS)}))?|(?P<teen>{'|'.join(_TEENS)})"
    rf"|(?<=cd[\s-])(?P<cdunit>{'|'.join(_UNITS)}))\b",
    re.IGNORECASE,
)


def _spoken(match: re.Match[str]) -> str:
    g = {k: (v or "").lower() for k, v in match.groupdict().items()}
    if g["tens"]:
        value = 10 * (_TENS.index(g["tens"]) + 2) + (_UNITS.index(g["unit"]) + 1 if g["unit"] else 0)
    elif g["teen"]:
        value = 10 + _TEENS.index(g["teen"])
    elif g["cdunit"]:
        value = _UNITS.index(g["cdunit"]) + 1
    else:
        return match.group(0)
    digits = ("CD" if match.group("cd") else "") + str(value)
    return digits.ljust(len(match.group(0)))


def normalise(text: str) -> str:
    """Dashes, minus signs, the times sign and odd spaces as plain ASCII, dictated numbers as digits;
    same length as ``text``."""
    return _SPOKEN.sub(_spoken, text.translate(_SAME_LENGTH))


def word_set(*groups: str) -> frozenset[str]:
    """Word lists kept as lines of text, so a clinician can read and extend them."""
    return frozenset(word for group in groups for word in group.split())


# A clause ends at punctuation (a decimal point is not punctuation) ...
_CLAUSE_CHAR = re.compile(r"[,;:!?()\[\]\n]|\.(?!\d)")
# ... and at words that start a new thought (NegEx "termination" terms).
_CLAUSE_WORDS = word_set(
    "but however although though yet except and with whereas while which who plus also now has have",
    "had is was are were apart aside",
)
# A full stop ends a sentence, except inside a decimal ("1.5x") or an abbreviation: "y.o.", "e.g.",
# "vs.", "approx." (a split there would cut "a 7 y.o. boy" away from its age).
# A semicolon inside brackets ("t(4;11)", "t(9;22)") is part of a karyotype.
SENTENCE_END = r"[!?\n]|;(?![^()\n]{0,12}\))|\.(?!\d)(?![a-z])(?<!\.[a-z]\.)(?<!\bvs\.)(?<!\bapprox\.)(?<!\bca\.)"
_SENTENCE_END = re.compile(SENTENCE_END)
_WORD = re.compile(r"[a-z0-9]+(?:[/'][a-z0-9]+)*|\?")

_PSEUDO_NEGATION = re.compile(
    r"\b(?:not\s+only|no\s+doubt|without\s+doubt|not\s+necessarily|no\s+change\s+in)\b"
)
_NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|never|nothing|nil|without|denies|denied|negative\s+for|free\s+of|absence\s+of|absent|lack\s+of|lacks|"
    r"lacking|neither|nor|none|non|excluded|isn't|wasn't|aren't|doesn't|didn't|hasn't|no\s+longer)\b"
)
_NEGATION_AFTER = re.compile(
    r"^(?:(?:is|are|was|were|status|remains|now|test|testing|tests?|result|results|by|on|flow|fish|pcr|ngs|came|come|"
    r"comes|back|returned|reported|shows?|showed|turned|out|actually|also|still|confirmed|as)\s+)*"
    r"(?:neg|negative|ve|absent|none|not\s+(?:present|detected|seen|involved|rearranged|found|identified)|"
    r"ruled\s+out|excluded|wild\s+type|wildtype|wt|germline|intact|unrearranged|free|cleared|resolved)\b"
)
_UNCERTAIN_BEFORE = re.compile(
    r"\b(?:possible|possibly|probable|probably|suspected|suspect|suspicious\s+for|suspicion\s+of|"
    r"query|questionable|equivocal|concern\s+for|concerning\s+for|cannot\s+exclude|can't\s+exclude|rule\s+out|"
    r"r/o|likely|unlikely|maybe|perhaps|might\s+have|may\s+have|unclear\s+if|not\s+sure\s+(?:if|whether))\b"
)
_UNCERTAIN_AFTER = re.compile(
    r"^(?:(?:is|are|was|were)\s+)?(?:not\s+(?:excluded|ruled\s+out)|cannot\s+be\s+(?:excluded|ruled\s+out)|"
    r"can't\s+be\s+(?:excluded|ruled\s+out)|suspected|possible|likely|query|equivocal|indeterminate|unclear|"
    r"tbc|to\s+be\s+confirmed|uncertain)\b"
)
# A population of cells, not of people ("the residual population is CD19-positive", "CD19 dim on the
# MRD population"), and a patient's own trial ("then CD22 CAR T on a trial", "enrolled in a study").
NOT_PEOPLE = re.compile(
    r"\b(?:residual|mrd|blast|leuka?emic|malignant|abnormal|clonal|b[\s-]?cell|t[\s-]?cell|cd\d+[\w+-]*|dim|bright|"
    r"negative|positive|small|minor|major|main|same)\s+(?:sub)?populations?\b"
    r"|\b(?:on|in|onto|into|via|through|enrolled\s+(?:on|in|to|into)|as\s+part\s+of)\s+(?:(?:an?|the|her|his|their)\s+)?"
    r"(?:(?:nci|nih|cog|local|academic|investigator)\s+)?(?:clinical\s+|phase\s*[123i]+\s+|early[\s-]phase\s+)?(?:trial|study|protocol)\b(?!\s+(?:patients|pts|population|cohort))",
    re.IGNORECASE,
)
# Conditionals and talk about patients in general are not facts about this patient.
_HYPOTHETICAL_BEFORE = re.compile(
    r"\b(?:if|whether|unless|in\s+case\s+of|risks?\s+of|rates?\s+of|chances?\s+of|incidence\s+of|"
    r"likelihood\s+of|probability\s+of|frequency\s+of|how\s+often|how\s+common|patients|pts|children|kids|"
    r"adults|people|those|someone|anyone|cases|subgroup|population)\b"
)
_HISTORY_BEFORE = re.compile(
    r"\b(?:from|previously|initially|originally|formerly|earlier|diagnosis|baseline\s+was|was\s+previously)\b"
)
_HISTORY_AFTER = re.compile(
    r"^(?:\S+\s+){0,2}?(?:at\s+diagnosis|previously|initially|originally|before|earlier|"
    r"last\s+(?:month|week|year|time)|at\s+first\s+relapse)\b"
)
# A question about patients in general: starts like a question or a request and names nobody.
_QUESTION_START = word_set(
    "what which who when where why how is are was were do does did can could should would will shall",
    "may might has have had any tell explain describe summarise summarize list give show compare",
    "define",
)
_REQUEST_START = word_set(
    "tell explain describe summarise summarize list show compare define",
)
_ANCHOR = re.compile(
    r"\b(?:she|he|her|his|him|hers|they|them|their|my|our|this|mine|pt|patient's|the\s+patient)\b"
    # A case described inside the question ("for a 62-year-old man?") is a patient, not patients in general.
    r"|\d{1,3}\s*-?\s*(?:y/o|yo|years?[\s-]old|yrs?[\s-]old|y\.o)"
    # the age-and-sex shorthand, as `aboutness` reads it ("38F, 1st relapse - what CR rate with InO?")
    r"|(?<![\w/.-])\d{1,3}\s?[mf](?![\w/%])"
    r"|\b(?:an?|this)\s+(?:man|woman|boy|girl|lady|gentleman|male|female|teen(?:ager)?|toddler|infant|child|kid|adolescent)\b"
)


# "CD22 60%, options?" asks for advice about a patient; "In TOWER, what share ...?" asks for data.
_ADVICE = re.compile(
    r"\b(?:you\s+(?:suggest|recommend|advise|think)|options?|which\s+(?:agent|drug|therapy|treatment|one)|"
    r"should\s+(?:we|i)|what\s+(?:next|about)|how\s+about|next\s+steps?|best\s+(?:option|choice|agent))\b"
)
_ASKS_FOR_DATA = re.compile(
    r"\b(?:what|which|how|why|when|where|who|trials?|stud(?:y|ies)|series|cohorts?|phase|rates?|incidence|"
    r"outcomes?|survival|results|responders|setting|data|evidence|published|reported|ino[\s-]?vate|tower|eliana|"
    r"aall\d+)\b"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    generic_question: bool


class Scope:
    """Answers questions about the words around a span of one (normalised, lower-cased) message."""

    def __init__(self, text: str) -> None:
        self.norm = normalise(text)
        # Lower case one character at a time: a few characters (e.g. "İ") grow when lowered, and
        # every span must keep pointing at the same characters of the original message.
        self.low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in self.norm)
        self.sentences = _sentences(self.low)
        self.third_parties = third_party_spans(self.low)

    # -- windows ------------------------------------------------------------------------------
    def sentence_at(self, pos: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.start <= pos < sentence.end:
                return sentence
        return Sentence(0, len(self.low), False)

    def clause_before(self, start: int, *, words: int = 5, stop_at_words: bool = True) -> str:
        """The last ``words`` words before ``start``, within the clause."""
        left = self.low[max(0, start - 120) : start]
        cut = max((m.end() for m in _CLAUSE_CHAR.finditer(left)), default=0)
        tokens = _WORD.findall(left[cut:])
        if stop_at_words:
            for i in range(len(tokens) - 1, -1, -1):
                if tokens[i] in _CLAUSE_WORDS:
                    tokens = tokens[i + 1 :]
                    break
        return " ".join(tokens[-words:])

    def sentence_before(self, start: int, *, words: int = 8) -> list[str]:
        """The words before ``start`` in its sentence, commas ignored (for therapy-history lists)."""
        begin = self.sentence_at(start).start
        return _WORD.findall(self.low[begin:start])[-words:]

    def after(self, end: int, *, words: int = 4) -> str:
        right = self.low[end : end + 120]
        right = right[len(right) - len(right.lstrip(" :=-")) :]
        match = _CLAUSE_CHAR.search(right)
        return " ".join(_WORD.findall(right[: match.start() if match else len(right)])[:words])

    def lead_in(self, start: int, cue: re.Pattern[str], *, words: int = 6) -> int:
        """Where ``cue`` starts if it is among the last ``words`` words of the clause before
        ``start`` (to show "no CNS disease", not just "CNS disease"); otherwise ``start``."""
        offset = max(0, start - 100)
        left = self.low[offset:start]
        cut = max((m.end() for m in _CLAUSE_CHAR.finditer(left)), default=0)
        hits = list(cue.finditer(left, cut))
        if hits and len(_WORD.findall(left[hits[-1].start() :])) <= words:
            return offset + hits[-1].start()
        return start

    def negation_start(self, start: int) -> int:
        return self.lead_in(start, _NEGATION_BEFORE)

    # -- judgements ---------------------------------------------------------------------------
    def negated(self, start: int, end: int) -> bool:
        before = _PSEUDO_NEGATION.sub(" ", self.clause_before(start))
        return bool(_NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(self.after(end)))

    def negated_before(self, start: int, *, words: int = 2) -> bool:
        """Negation just before a number ("not 85%"); words after a number describe something else."""
        return bool(_NEGATION_BEFORE.search(self.clause_before(start, words=words)))

    def uncertain(self, start: int, end: int) -> bool:
        # "?CNS disease" is the clinical shorthand for a query; "disease? KMT2A" ends a question.
        return (
            self.low[max(0, start - 1) : start] == "?"
            or bool(_UNCERTAIN_BEFORE.search(self.clause_before(start, stop_at_words=False)))
            or bool(_UNCERTAIN_AFTER.search(self.after(end)))
        )

    def hypothetical(self, start: int) -> bool:
        if self.sentence_at(start).generic_question:
            return True
        before = NOT_PEOPLE.sub(" ", self.clause_before(start, words=8, stop_at_words=False))
        return bool(_HYPOTHETICAL_BEFORE.search(before))

    def third_party(self, pos: int) -> ThirdParty | None:
        """The third person ("his brother", "my other patient") a clause at ``pos`` is about, if any."""
        return inside(self.third_parties, pos)

    def mode(self, start: int, *, speaks_for: tuple[Kind, ...] = ()) -> Mode:
        """Whose fact a phrase at ``start`` states. ``speaks_for``: third persons whose clause still
        states this fact about the patient ("the donor is lined up" says the patient can be
        transplanted; "mum doesn't want a pump" is the family's choice for a child)."""
        other = self.third_party(start)
        if other is not None and other.kind not in speaks_for:
            return "third_party"
        return "hypothetical" if self.hypothetical(start) else "patient"

    def history(self, start: int, end: int) -> bool:
        """A value given as an earlier one ("down from 85%", "85% at diagnosis")."""
        return bool(
            _HISTORY_BEFORE.search(self.clause_before(start, words=3, stop_at_words=False))
            or _HISTORY_AFTER.search(self.after(end, words=5))
        )

    def is_question(self, pos: int) -> bool:
        sentence = self.sentence_at(pos)
        text = self.low[sentence.start : sentence.end].strip()
        words = _WORD.findall(text)
        return text.endswith("?") or bool(words and words[0] in _QUESTION_START and words[0] != "any")


def _sentences(low: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(low):
        sentences.append(_sentence(low, start, match.end()))
        start = match.end()
    if start < len(low):
        sentences.append(_sentence(low, start, len(low)))
    return sentences


def _sentence(low: str, start: int, end: int) -> Sentence:
    """A question about patients in general: a question that names no patient, does not ask for
    advice, and asks for data ("In TOWER, what share ...?", "ELIANA results?")."""
    text = low[start:end].strip()
    words = _WORD.findall(text)
    first = words[0] if words else ""
    asks = text.endswith("?") or first in _REQUEST_START
    about_data = first in _QUESTION_START or first in _REQUEST_START or bool(_ASKS_FOR_DATA.search(text))
    generic = asks and about_data and not _ANCHOR.search(text) and not _ADVICE.search(text)
    return Sentence(start, end, generic)
