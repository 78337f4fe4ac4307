"""Retractions: "new patient", "forget the CD22", "CD22 unknown", "ignore the blina", and
misattributions: "sorry, that CD22 was a different patient's".

Runs first, so the words it uses ("KMT2A status unknown") are not read again as a fact.
A retracted field is cleared (now unknown), never set to a default.

A remark that a fact belonged to someone else clears only the field(s) it names, in the clause
before "was another patient's" / "came from someone else" ("the CD22 and the bili were from my
other patient" clears two); a remark that names no field ("sorry, wrong patient") clears nothing
and leaves a "misattributed" note, since which fact it means is not in the message. Naming another
patient as an owner or a subject ("my other patient is 70") is never a reset: only a switch
("new patient:", "next case", "another patient, 45M") starts over.
"""

from __future__ import annotations

import re

from assistant.understanding.subject import RELATIVE_NOUNS
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
    (r"(?:cns|csf)(?:\s*[1-3][abc]?|\s+(?:status|disease|involvement|result))?", ("cns_disease",)),
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
# "another patient" starts over only when it introduces a case: not possessed ("my other patient"),
# not an owner ("a different patient's"), not the object of a preposition ("from another patient"),
# and not the subject of a verb ("another patient has CNS disease", which is about someone else).
_NOT_A_SWITCH_BEFORE = re.compile(
    r"\b(?:my|our|his|her|their|from|to|of|for|about|with|in|belongs?|belonged|was|were|is|are)\s+(?:\w+\s+)?$"
)
_INTRODUCES = re.compile(r"(?:\s+(?:of\s+(?:mine|ours)|here|now|please|for\s+you))*\s*(?:[:,.;(\-\u2013]|$|\d|\?)")
_NOT_A_SWITCH_AFTER = re.compile(r"^(?:'s|s'|\s+(?:is|was|has|had|who|whose|with\s+the\s+same|too|also)\b)")
_OWNER = (
    r"(?:(?:a|an|the|my|our|that|this)\s+)?(?:different|another|other|wrong|previous|last|next|second)\s+"
    r"(?:patient|pt|case|person|kid|child|one)(?:'s|s')?|\bsome(?:one|body)\s+else(?:'s)?|\banother\s+(?:patient|pt|case)(?:'s)?"
    # a relative owns a fact only in the possessive ("that CD22 was his brother's"); "the graft was
    # from his brother" is not a remark about a fact
    rf"|(?:his|her|their|the\s+patient's)\s+(?:{RELATIVE_NOUNS})(?:'s|s')"
)
# "... was a different patient's", "... came from another patient", "... belongs to my other patient"
_MISATTRIBUTED = re.compile(
    r"\b(?:was|were|is|are|'s|belongs?|belonged|came|comes|applies|applied|refers?|referred)\s+(?:actually\s+|really\s+|in\s+fact\s+)?"
    rf"(?:(?:from|for|to|of|about)\s+)?(?:{_OWNER})|\b(?:wrong\s+(?:patient|pt|case|chart|notes?)|mixed\s+up\s+(?:the\s+)?"
    r"(?:patients|cases|charts|notes))\b",
    _I,
)
# "sorry, different patient": an apology before another patient corrects the last fact; no switch.
_APOLOGY = re.compile(
    r"\b(?:sorry|oops|apologies|my\s+bad|my\s+mistake|whoops)\b[\s,:;-]*(?:that\s+(?:was|is)\s+)?(?:(?:a|the)\s+)?"
    r"(?:different|another|other|wrong)\s+(?:patient|pt|case)\b",
    _I,
)
_CLAUSE_END = re.compile(r"[,;!?\n()]|\.(?!\d)")
_CLAUSE_START = re.compile(r"[;!?\n:]|\.(?!\d)|\b(?:sorry|oops|apologies|correction|wait|actually|but)\b,?")

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
    _misattributions(c)
    for match in _RESET.finditer(c.low):
        if not c.free(*match.span()) or c.scope.hypothetical(match.start()) or _not_a_switch(c, match):
            continue
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


def _not_a_switch(c: Collector, match: re.Match[str]) -> bool:
    if not re.match(r"(?:another|different|other)\b", match.group(0)):
        return False  # "new patient", "start over": always a switch
    before = c.low[max(0, match.start() - 40) : match.start()]
    after = c.low[match.end() :]
    # A case is introduced by a heading or its first facts ("another patient: 60F", "different case,
    # 8 yo", "another pt 45M"); any other words make "another patient" the subject of a remark
    # ("another patient of mine with a similar story got tisa-cel") and nobody new is described.
    introduces = _INTRODUCES.match(after)
    return bool(_NOT_A_SWITCH_BEFORE.search(before) or _NOT_A_SWITCH_AFTER.match(after) or not introduces)


def _misattributions(c: Collector) -> None:
    """Clear the fields a "that was another patient's" remark names, and only those."""
    for match in (*_MISATTRIBUTED.finditer(c.low), *_APOLOGY.finditer(c.low)):
        if not c.free(*match.span()):
            continue
        begin = max((m.end() for m in _CLAUSE_START.finditer(c.low, 0, match.start())), default=0)
        if match.re is _APOLOGY:
            # "CD22 90% (sorry, different patient)": the remark is about the clause before it.
            begin = max((m.end() for m in _CLAUSE_START.finditer(c.low, 0, max(begin - 1, 0))), default=0)
        end = match.end()
        named = _named_fields(c.low[begin : match.start()])
        if not named and match.group(0).startswith(("wrong", "mixed")):
            # "wrong patient for the KMT2A result": the field follows, within the clause.
            stop = _CLAUSE_END.search(c.low, match.end())
            end = stop.start() if stop else len(c.low)
            named = _named_fields(c.low[match.end() : end])
        therapies = [t for t, pattern in THERAPY_PATTERNS if pattern.search(c.norm[begin:end])]
        c.claim(begin, end)
        if not named and not therapies:
            c.note("patient", "misattributed", match.start(), match.end())
        for field in named:
            c.clear(field, begin, end, own_words=True)
        for therapy in therapies:
            c.withdraw("prior_therapies", therapy, begin, end)


def _named_fields(words: str) -> list[str]:
    """The profile fields a stretch of words names ("the CD22 and bili" -> CD22, bilirubin)."""
    fields: list[str] = []
    taken: list[tuple[int, int]] = []
    for pattern, names in _FIELD_SEARCH:
        for m in pattern.finditer(words):
            if all(m.end() <= a or m.start() >= b for a, b in taken):
                taken.append(m.span())
                fields.extend(n for n in names if n not in fields)
    return fields


_FIELD_SEARCH = tuple((re.compile(rf"\b(?:{words})\b", _I), fields) for words, fields in FIELD_WORDS)
