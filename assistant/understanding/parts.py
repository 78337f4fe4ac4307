"""A question that asks two things, split into its parts. Pure.

"What was the CR rate in INO-VATE and how often did SOS occur?" asks two questions, and one search
for the whole sentence tends to return passages about the first part only. Each part is searched on
its own, and the answers are interleaved.

A message splits where one question ends and the next begins: at a question mark, a semicolon, or a
coordinating word ("and", "also", "plus", "as well as", "or") that is followed by the start of a new
question (a question word, or an auxiliary verb with its own subject). A list of nouns ("CRS and
ICANS rates") is one question and is not split.

A later part often leaves out what the first one named ("...and how long did responses last?"), so
each part is given the subjects (agents, trials, products) that the other parts name and it lacks.
"""

from __future__ import annotations

import re

from knowledge.normalize import mentioned_agents

_I = re.IGNORECASE
_NEW_QUESTION = (
    r"(?:what|which|who|when|where|why|how|is|are|was|were|do|does|did|can|could|should|would|will|has|have|"
    r"any|tell|list|give|name)\b"
)
_BOUNDARY = re.compile(
    rf"\?\s*|;\s*|[,\s]+(?:and\s+also|and|also|plus|as\s+well\s+as|or|but)\s+(?={_NEW_QUESTION})|"
    rf",\s+(?={_NEW_QUESTION})",
    _I,
)
_LEADING_JOIN = re.compile(r"^(?:and\s+also|and|also|plus|as\s+well\s+as|or|but|then)\s+", _I)
# What a part can leave out and still mean: the agent, the trial, the population it is about.
_AGENT_NAMES = {
    "blinatumomab": "blinatumomab",
    "inotuzumab_ozogamicin": "inotuzumab ozogamicin",
    "tisagenlecleucel": "tisagenlecleucel CAR T",
}
_TRIAL = r"ino[\s-]?vate|tower|eliana|aall\d{3,4}|19[\s-]?28z|zuma[\s-]?\d+|felix|e1910|nct\d+"
_TRIAL_OR_GROUP = re.compile(rf"\b(?:{_TRIAL}|children|pediatric|paediatric|kids|adults|adult)\b", _I)
# A trial studied one agent: a part that names the trial names its agent ("how many did ELIANA enrol").
_NAMES_A_TRIAL = re.compile(rf"\b(?:{_TRIAL})\b", _I)
MIN_PART_WORDS = 2
MAX_PARTS = 3


# A piece asks something of its own when it opens like a question or names what it wants.
_ASKS = re.compile(
    rf"^(?:{_NEW_QUESTION})|\b(?:rates?|how|what|which|median|percent\w*|proportion|share|incidence|risk|"
    r"survival|os|efs|response|cr|duration|timing|mechanism|list|name)\b",
    _I,
)


# A piece that opens with a premise ("if allo after ino carries that risk", "given the VOD risk")
# sets up the question after it and asks nothing itself, even when it names a rate or a risk.
_PREMISE = re.compile(r"^(?:if|given|since|assuming|suppose|supposing|considering|because|as)\b", _I)


def _asks(piece: str) -> bool:
    return len(piece.split()) >= MIN_PART_WORDS and bool(_ASKS.search(piece))


def split_question(text: str) -> list[str]:
    """The parts of ``text`` that are questions of their own; one part when it asks one thing.

    A piece that asks nothing by itself ("In INO-VATE, what was ...") stays with the piece after it.
    """
    parts: list[str] = []
    carry = ""
    for raw in _BOUNDARY.split(text):
        piece = _LEADING_JOIN.sub("", raw.strip(" ,.;"))
        if not piece:
            continue
        premise = bool(_PREMISE.match(piece))
        piece = f"{carry}, {piece}" if carry else piece
        if premise or not _asks(piece):
            carry = piece
            continue
        carry = ""
        parts.append(piece)
    if carry and parts:
        parts[-1] = f"{parts[-1]}, {carry}"
    if len(parts) <= 1:
        return [text.strip()]
    parts = parts[:MAX_PARTS]
    return [_with_subjects(part, parts) for part in parts]


def _agents(text: str) -> list[str]:
    return [_AGENT_NAMES[a] for a in mentioned_agents(text)]


def _trials_or_groups(text: str) -> list[str]:
    return [m.group(0) for m in _TRIAL_OR_GROUP.finditer(text)]


def _with_subjects(part: str, parts: list[str]) -> str:
    """``part`` with the subjects of a kind it leaves out, taken from the other parts. A part that
    names its own agent ("what is tisa-cel") is about that agent: the other part's agent would
    only pull its passages in."""
    borrowed: list[str] = []
    for kind in (_agents, _trials_or_groups):
        if kind(part) or (kind is _agents and _NAMES_A_TRIAL.search(part)):
            continue
        borrowed += [s for other in parts if other is not part for s in kind(other)]
    if not borrowed:
        return part
    return f"{part} ({', '.join(dict.fromkeys(borrowed))})"


# What a question sets aside: "other side effects apart from SOS", "toxicities other than CRS",
# "besides CRS and ICANS, ...". The words set aside name what is *not* asked for, and searched
# with the rest they pull in the passages about it.
_SET_ASIDE = re.compile(
    r"\b(?:apart\s+from|aside\s+from|other\s+than|besides|except(?:\s+for)?|excluding|leaving\s+aside|not\s+counting)"
    r"\s+(?:the\s+)?[^,.;:?!()]{1,40}?(?=\s*(?:[,.;:?!()]|$|\b(?:what|which|how|in|with|for|does|do|did|is|are)\b))",
    re.IGNORECASE,
)


def without_set_aside(question: str) -> str:
    """``question`` without what it sets aside, to search with; the question itself when nothing is."""
    searched = re.sub(r"\s+([,.;:?!])", r"\1", " ".join(_SET_ASIDE.sub(" ", question).split()))
    return searched if len(searched.split()) >= MIN_PART_WORDS else question
