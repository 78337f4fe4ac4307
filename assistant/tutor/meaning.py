"""A multiple-choice reply in the learner's own words: which option does it mean?

"They share the CD19 target" picks "Blinatumomab and CD19 CAR T share the CD19 target"; "off label,
she is too old" picks "Off label because of age". Both texts are read into concepts with the chat's
own vocabulary (agents and prior therapies by the understanding layer's patterns, synonyms and
brand names included; the toxicities by its topic words), plus a small clinical synonym table, and the
option whose concepts the reply shares most, and clearly more than any other, is the one it means.
"""

from __future__ import annotations

import re

from assistant.tutor.models import Claim, Option, Question
from assistant.understanding.lexicon import TOPICS
from assistant.understanding.scope import normalise, word_set
from assistant.understanding.vocabulary import AGENT_PATTERNS, THERAPY_PATTERNS

_STOP = word_set("""a an the and or of to in on for with at by is are be it its this that these those they them
their there here as but not no so if then than from into only both each one two three do does did can could would
should will may might must have has had was were been being which who whom what why how because due all any
patient patients""")
# Different words, one clinical concept (the reply's word on the left, the option's on the right).
_SYNONYMS = {
    "transplant": "hsct", "transplantation": "hsct", "sct": "hsct", "allograft": "hsct", "bmt": "hsct",
    "instead": "place", "replace": "place", "replacing": "place", "rather": "place",
    "debulking": "debulk", "cytoreduce": "debulk", "cytoreduction": "debulk", "cytoreductive": "debulk",
    "lack": "absent", "lacking": "absent", "lacks": "absent", "missing": "absent", "lost": "absent",
    "loss": "absent", "negative": "absent", "carry": "express", "expressed": "express", "expression": "express",
    "antigen": "target", "directed": "target", "targeting": "target", "targeted": "target", "targets": "target",
    "combined": "with", "combination": "with", "plus": "with", "alongside": "with",
    "old": "age", "older": "age", "young": "age", "younger": "age", "elderly": "age", "adult": "age",
    "adults": "age", "child": "age", "children": "age", "paediatric": "age", "pediatric": "age", "aged": "age",
    "relapse": "setting", "refractory": "setting", "mrd": "setting", "indication": "setting",
    "labelled": "label", "labeled": "label", "approved": "label", "approval": "label", "licensed": "label",
    "unlicensed": "off", "outside": "off", "within": "on", "inside": "on",
    "pd": "checkpoint", "nivolumab": "checkpoint", "pembrolizumab": "checkpoint", "ipilimumab": "checkpoint",
    "myeloid": "switch", "lineage": "switch", "vod": "sos", "venoocclusive": "sos",
}
_WORD = re.compile(r"[a-z0-9]+")
# Only the toxicity topics: the others ("antigen") would fold CD19 and CD22 into one concept.
_SYNDROMES = tuple((name, pattern) for name, pattern in TOPICS if name in ("sos", "crs", "icans"))


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def concepts(text: str) -> frozenset[str]:
    """The clinical concepts a short text names: agent and therapy keys, toxicity topics and content words."""
    low = normalise(text[:500]).lower()
    found: set[str] = set()
    for key, pattern in (*THERAPY_PATTERNS, *AGENT_PATTERNS.items(), *_SYNDROMES):
        for m in pattern.finditer(low):
            found.add(key)
            low = low[: m.start()] + " " * (m.end() - m.start()) + low[m.end():]
    for word in _WORD.findall(low):
        word = _SYNONYMS.get(word, word)
        if word not in _STOP:
            found.add(_SYNONYMS.get(_stem(word), _stem(word)))
    # CD19 CAR T is tisagenlecleucel's class: either name means the same agent here.
    return frozenset("tisagenlecleucel" if c == "cd19_car_t" else c for c in found)


def closest(question: Question, reply: str) -> Option | None:
    """The option the reply means, or None when no option is clearly the one."""
    said = concepts(reply)
    if not said or not question.options:
        return None
    scored = sorted(((len(said & concepts(o.text)), -len(concepts(o.text) - said), o) for o in question.options),
                    key=lambda s: (s[0], s[1]), reverse=True)
    best, runner = scored[0], scored[1] if len(scored) > 1 else (0, 0, None)
    enough = best[0] >= 2 or (best[0] == 1 and len(said) == 1)
    clearer = (best[0], best[1]) > (runner[0], runner[1])
    return best[2] if enough and best[0] / len(said) >= 0.5 and clearer else None


def label_claim(reply: str) -> Claim | None:
    """"On label", "off label for her age", "off label on both": the label claim a reply makes."""
    said = concepts(reply)
    if "label" not in said and "off" not in said:
        return None
    if "off" not in said:
        return Claim(age_out=False, setting_out=False) if "on" in said or "label" in said else None
    both = "both" in reply.lower()
    age, setting = both or "age" in said, both or "setting" in said or "disease" in said
    return Claim(age_out=age, setting_out=setting) if age or setting else None
