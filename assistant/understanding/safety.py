"""User text is data: redact identifiers before anything is stored, and spot injection attempts.

`redact` replaces names, record numbers, dates of birth, phone numbers and e-mail addresses with
[NAME], [MRN], [DOB], [PHONE] and [EMAIL]; the cue words stay ("DOB [DOB]") so the text still
reads. Names after a cue ("Patient ...", "Mr ...", "name is ...") are found by pattern; names
with no cue by a NER model (assistant/understanding/person_names.py). It never touches the
clinical facts the assistant needs: ages, percentages, CD markers, drug and trial names. Only a
date introduced as a birth date is redacted (a relapse date is part of the history), and a birth
year alone is kept (it carries the age, not the person).

`is_injection` only reports: the chat treats the text as data either way, so facts in it are
still extracted normally and no rule changes.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from assistant.understanding.person_names import person_spans
from assistant.understanding.scope import word_set

Kind = Literal["name", "mrn", "dob", "phone", "email"]
TAGS: Final[dict[Kind, str]] = {
    "name": "[NAME]",
    "mrn": "[MRN]",
    "dob": "[DOB]",
    "phone": "[PHONE]",
    "email": "[EMAIL]",
}

_I = re.IGNORECASE
# No identifier may end where a percentage begins: "MRN 1234567 85% blasts" keeps "85%".
_END = r"(?![\d%]|[.,]\d|\s*%)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}){_END}"
)
_ID = rf"(?:[a-z]{{1,3}}[-\s]?\d{{4,12}}|\d{{3}}[\s-]\d{{3}}[\s-]\d{{4}}|\d{{5,12}}){_END}"
# Capitalised words, including O'Brien, McDonald and Garcia-Lopez; all-caps trial names never match.
_NAME_WORD = r"[A-Z](?:'[A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:[-'][A-Z]?[a-z]+)?"

_PATTERNS: Final[tuple[tuple[Kind, re.Pattern[str]], ...]] = (
    (
        "email",
        re.compile(
            r"(?<![\w.+-])(?P<value>[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b"
        ),
    ),
    (
        "dob",
        re.compile(
            rf"\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)\s*(?:is|was|:|-|=)?\s*(?P<value>{_DATE})",
            _I,
        ),
    ),
    (
        "mrn",
        re.compile(
            r"\b(?:mrn|mr\s*#|(?:medical\s+)?record\s+(?:number|no\.?|#)|hospital\s+(?:number|no\.?|#|id|record)|"
            r"patient\s+(?:id|number|no\.?)|nhs\s+(?:number|no\.?|#)|chi\s+(?:number|no\.?)|unit\s+number|case\s+number)"
            rf"\s*(?:is|:|#|=|-)?\s*(?P<value>{_ID})",
            _I,
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?:\b(?:phone|tel|telephone|mobile|cell|pager|bleep|call\s+(?:me\s+)?(?:at|on))\s*(?:number|no\.?)?\s*[:#]?\s*"
            rf"(?P<value>\+?\d[\d\s().-]{{5,18}}\d){_END})"
            rf"|(?<![\w.^/-])(?P<bare>(?:\+\d{{1,3}}[\s.-]?)?(?:\(\d{{2,5}}\)[\s.-]?)?\d{{2,5}}[\s.-]\d{{3,4}}[\s.-]\d{{3,4}}|0\d{{4}}\s?\d{{6}}|\+\d{{11,13}}){_END}",
            _I,
        ),
    ),
    (
        "name",
        re.compile(
            rf"\b(?i:mr|mrs|ms|miss|mx|dr|prof|professor|doctor|patient|pt)\.?\s+(?P<value>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
            r"|\b(?i:(?:(?:my|his|her|their|the|patient'?s?)\s+)?name\s+(?:is|was|:)|named|name:)\s*"
            r"(?P<named>[A-Za-z][a-z'-]+(?:\s+[A-Za-z][a-z'-]+){0,2})",
        ),
    ),
)

# Words that follow "patient", "Dr" or "name is" without being a name.
_NOT_NAMES: Final = word_set(
    "a an the and or but with without who whom whose which that this is was has had have he she they",
    "his her their him them it its in on at of for to from by as after before now still currently",
    "previously recently aged age years year old male female man woman boy girl child presents",
    "presented here there case details summary notes number record id name relapsed refractory",
    "primary first second third fourth relapse remission ph philadelphia positive negative kymriah",
    "blincyto besponsa blinatumomab inotuzumab tisagenlecleucel tower eliana received failed",
    "progressed status unknown not no yes needs wants prefers cannot can will would should could may",
    "might are be been being",
)


def _name_words(words: str) -> str:
    kept: list[str] = []
    for word in words.split():
        if word.lower() in _NOT_NAMES:
            break
        kept.append(word)
    return " ".join(kept)


def _spans(text: str) -> list[tuple[int, int, Kind]]:
    spans: list[tuple[int, int, Kind]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            group = next(g for g in ("value", "bare", "named") if g in pattern.groupindex and match.group(g))
            start, end = match.span(group)
            if kind == "name":
                name = _name_words(match.group(group))
                if not name:
                    continue
                end = start + len(name)
            if all(end <= a or start >= b for a, b, _ in spans):
                spans.append((start, end, kind))
    # Names with no cue word around them ("Jane Doe 30F refractory"): the NER model finds them.
    for start, end in person_spans(text):
        if all(end <= a or start >= b for a, b, _ in spans):
            spans.append((start, end, "name"))
    return sorted(spans)


def _redact_once(text: str) -> tuple[str, list[Kind]]:
    spans = _spans(text)
    out, last = [], 0
    for start, end, kind in spans:
        out.append(text[last:start])
        out.append(TAGS[kind])
        last = end
    out.append(text[last:])
    return "".join(out), [kind for _, _, kind in spans]


def redact(text: str) -> tuple[str, list[str]]:
    """``text`` with identifiers replaced by tags, and the kinds replaced (each once, first seen first)."""
    kinds: list[str] = []
    # Repeat until nothing changes, so redact(redact(x)) == redact(x) by construction.
    for _ in range(4):
        text, found = _redact_once(text)
        kinds.extend(found)
        if not found:
            break
    return text, list(dict.fromkeys(kinds))


_INJECTION: Final = re.compile(
    r"\b(?:ignore|disregard|forget|override|overrule|bypass|skip|drop)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|these\s+|"
    r"those\s+|of\s+|previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+|system\s+|safety\s+|clinical\s+|existing\s+)*"
    r"(?:rules?|instructions?|guidelines?|prompts?|directives?|polic(?:y|ies)|constraints?|guardrails?|safety|programming|"
    r"restrictions?|filters?|flags?|warnings?|citations?|training)\b"
    r"|\byou\s+are\s+now\b|\bfrom\s+now\s+on\b|\bsystem\s+prompt\b|\b(?:developer|dev|god|jailbreak|dan|admin)\s+mode\b"
    r"|\bjailbreak\w*|\bpretend\b|\bact\s+as\s+(?:if\s+you|an?\s+(?:unrestricted|different|new|evil|jailbroken|ai|assistant|"
    r"chatbot|language\s+model|llm))\b|\bnew\s+instructions?\b|\b(?:reveal|print|show|repeat)\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:system\s+)?(?:prompt|instructions|rules)\b|\brespond\s+only\s+with\b|\b(?:change|modify|alter|remove|disable|"
    r"turn\s+off|rewrite)\s+(?:the\s+|your\s+|all\s+)?(?:rules?|thresholds?|flags?|warnings?|safety\s+checks?|guardrails?)\b"
    r"|\bdo\s+anything\s+now\b|<\|?(?:im_start|im_end|system)\|?>|\[/?inst\]|###\s*(?:system|instruction)",
    _I,
)


def is_injection(text: str) -> bool:
    """True when ``text`` tries to instruct the assistant ("ignore your rules", "you are now ...")."""
    return bool(_INJECTION.search(text[:20000]))
