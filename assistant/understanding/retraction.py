"""Retractions: "new patient", "forget the CD22", "CD22 unknown", "ignore the blina".

Runs first, so the words it uses ("KMT2A status unknown") are not read again as a fact.
A retracted field is cleared (now unknown), never set to a default.
"""

from __future__ import annotations

import re

from assistant.understanding.update import Collector
from assistant.understanding.vocabulary import THERAPY_PATTERNS

_I = re.IGNORECASE

# The words people use for each field, most specific first ("prior transplant" before "transplant").
FIELD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"age", ("age_years",)),
    (r"(?:disease\s+|relapse\s+|remission\s+)?(?:status|setting)", ("disease_status",)),
    (r"(?:ph|philadelphia|bcr[\s:/-]*abl1?)(?:\s+status)?", ("ph_positive",)),
    (
        r"(?:(?:bone\s+)?marrow\s+)?blasts?(?:\s+(?:count|percentage))?|(?:disease\s+)?burden",
        ("marrow_blasts_pct",),
    ),
    (r"cd[\s-]?19(?:\s+(?:status|expression|result))?", ("cd19",)),
    (r"cd[\s-]?22(?:\s+(?:status|expression|percentage|result))?", ("cd22_positive_pct",)),
    (r"(?:kmt2a|mll)(?:\s+(?:status|result))?", ("kmt2a_rearranged",)),
    (r"(?:cns|csf)(?:\s+(?:status|disease|involvement|result))?", ("cns_disease",)),
    (r"emd|extra[\s-]?medullary(?:\s+disease)?", ("extramedullary_disease",)),
    (
        r"(?:prior|previous|earlier)\s+(?:therapies|treatments|lines|therapy|treatment)|treatment\s+history",
        ("prior_therapies",),
    ),
    (r"(?:prior|previous|earlier)\s+(?:transplant|hsct|allo)", ("prior_hsct",)),
    (r"(?:transplant|hsct)\s+plans?|plans?\s+(?:for|to)\s+transplant", ("hsct_planned",)),
    (r"(?:transplant\s+)?eligibility|donor", ("hsct_feasible",)),
    (r"transplant|hsct|allo", ("prior_hsct", "hsct_planned", "hsct_feasible")),
    (r"conditioning|alkylators?", ("dual_alkylator_conditioning",)),
    (r"bilirubin|bili", ("bilirubin_x_uln",)),
    (r"(?:ino\s+)?cycles|number\s+of\s+cycles", ("planned_ino_cycles",)),
    (
        r"t[\s-]?cells?(?:\s+(?:function|counts?|problems?))?|lymphocytes?|lymphopenia",
        ("t_cell_dysfunction",),
    ),
    (r"(?:rapid\s+)?progression|tempo|kinetics|urgency", ("rapidly_progressive",)),
    (r"manufacturing(?:\s+failure)?", ("prior_car_t_manufacturing_failure",)),
    (r"pump(?:\s+preference)?", ("prefers_no_pump",)),
)
_WHAT = "|".join(f"(?:{words})" for words, _ in FIELD_WORDS)

_RESET = re.compile(
    r"\b(?:new|next|another|different|other)\s+(?:patient|case|pt)\b|\bstart(?:ing)?\s+(?:over|again|afresh|fresh|from\s+scratch)\b"
    r"|\b(?:reset|clear|wipe)\s+(?:everything|all|it\s+all|the\s+(?:profile|patient|case|facts|slate))\b"
    r"|\bforget\s+(?:everything|all\s+(?:of\s+)?(?:that|this|it|the\s+facts)|(?:this|that|the)\s+(?:patient|case))\b"
    r"|\bclean\s+slate\b|^\s*reset\s*[.!]?\s*$",
    _I,
)
_VERB = (
    r"\b(?:forget|ignore|disregard|drop|remove|delete|scrap|scratch|discard|clear|undo|retract|strike|erase|cancel|"
    r"take\s+out|throw\s+out|never\s+mind|nevermind)\s+(?:about\s+)?(?:the\s+|that\s+|my\s+|her\s+|his\s+|their\s+|"
    r"what\s+i\s+said\s+about\s+(?:the\s+)?)?"
)
_UNKNOWN_BEFORE = (
    r"\b(?:unknown|not\s+known|unsure\s+(?:of|about)|not\s+sure\s+(?:of|about)|(?:do\s+not|don't|dont)\s+"
    r"(?:know(?:\s+(?:the|her|his|their))?|have\s+(?:the|her|his|their|a|an))|no\s+idea\s+(?:of|about|what)?"
    r"(?:\s+(?:the|her|his))?|no\s+data\s+(?:on|for))\s+(?:the\s+)?"
)
_UNKNOWN_AFTER = (
    r"(?:\s+(?:status|result|results|level|value|count|expression))?\s*(?:is\s+|are\s+|was\s+|:\s*|=\s*)?"
    r"(?:unknown|not\s+known|pending|awaited|not\s+(?:yet\s+)?(?:done|tested|available|checked|measured|back|sent|assessed)"
    r"|unclear|n/?a\b|tbd|\?{2,})"
)
_RETRACTIONS = (
    re.compile(rf"{_VERB}(?P<what>{_WHAT})\b", _I),
    re.compile(rf"{_UNKNOWN_BEFORE}(?P<what>{_WHAT})\b", _I),
    re.compile(rf"\b(?P<what>{_WHAT}){_UNKNOWN_AFTER}", _I),
)
# "forget the blina": the therapy is withdrawn from the history.
_THERAPY_RETRACTIONS = tuple(
    (therapy, re.compile(rf"{_VERB}(?:{pattern.pattern})", _I)) for therapy, pattern in THERAPY_PATTERNS
)
_AWAITED = re.compile(r"\b(?:pending|awaited)\b", _I)
_FIELD_PATTERNS = tuple((re.compile(rf"(?:{words})", _I), fields) for words, fields in FIELD_WORDS)


def extract_retractions(c: Collector) -> None:
    for match in _RESET.finditer(c.low):
        if not c.scope.hypothetical(match.start()):
            c.start_new_patient(match.end())
            c.claim(*match.span())
    for pattern in _RETRACTIONS:
        for match in pattern.finditer(c.low):
            fields = _fields(match.group("what"))
            # "transplant pending" means one is planned, not that the plan is unknown.
            if not c.free(*match.span()) or ("hsct_planned" in fields and _AWAITED.search(match.group(0))):
                continue
            c.claim(*match.span())
            for field in fields:
                c.clear(field, *match.span())
    for therapy, pattern in _THERAPY_RETRACTIONS:
        for match in pattern.finditer(c.norm):
            if c.free(*match.span()):
                c.claim(*match.span())
                c.withdraw("prior_therapies", therapy, *match.span())


def _fields(words: str) -> tuple[str, ...]:
    for pattern, fields in _FIELD_PATTERNS:
        if pattern.fullmatch(words.strip()):
            return fields
    return ()
