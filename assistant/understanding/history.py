"""Treatment history and transplant: prior therapies, prior/planned/feasible HSCT, conditioning.

A drug named in a message is a prior therapy only when the words say it was given ("after blina",
"failed InO", "progressed on Kymriah", "s/p CAR-T", "received ... in the past"); a question about
a drug ("should we give blina?", "is InO an option?") names no history. "after X" is read as
history in statements only: in a question it usually describes a plan ("CAR T after InO?").

Past treatment verbs count as given ("salvaged with blina", "bridged with InO", "reinduced with
FLAG-Ida"), and so does a response to the drug, good or bad ("achieved CR with InO", "never
achieved remission with hyper-CVAD"): "never" withdraws a therapy only when it says the drug was
not given ("never had blina"), not when it says how the disease answered it. Their present forms
("bridging with InO", "salvage with blina then HSCT") are plans.

A donor lined up or identified makes the patient a transplant candidate (``hsct_feasible``) even
though the donor is the clause's subject (see `subject`).
"""

from __future__ import annotations

import re

from assistant.understanding.scope import word_set
from assistant.understanding.subject import Kind
from assistant.understanding.update import Collector
from assistant.understanding.vocabulary import THERAPY_PATTERNS

_I = re.IGNORECASE
_NOT_GIVEN_AFTER = re.compile(
    r"^[\s-]*(?:manufactur|product|collection|apheresis|leukapheresis|referral|evaluation|consult|cent(?:er|re)|"
    r"program|slot|eligib|candidate)",
)
_NEVER_GIVEN = re.compile(
    r"\b(?:never(?!\s+(?:achieved|reached|attained|got\s+into|went\s+into|entered|responded|remitted|cleared|"
    r"became|went|had\s+(?:a\s+)?(?:remission|response|cr)))|no\s+(?:prior|previous)|not\s+(?:previously\s+|yet\s+)?(?:received|had|been\s+(?:given|treated|exposed))"
    r"|(?:has|have|had|did)n't\s+(?:had|received|got|been\s+given)|(?:has|have|had|did)\s+not\s+(?:had|received|got|receive|have|get)"
    r"|without\s+(?:prior|previous)|naive\s+to)\b"
)
_STRONG_BEFORE = re.compile(
    r"\b(?:previously|previous|prior|earlier|failed|failure\s+of|failing|progressed|progression|progressing|"
    r"relapsed|relapse|relapsing|refractory|resistant|s/p|status\s+post|received|had|got|given|treated|exposed|"
    r"history\s+of|hx\s+of|already|underwent|completed|pretreated|despite|salvaged|bridged|re-?induced|induced|"
    r"rescued|consolidated|re-?treated|managed|achieved|reached|attained|responded|response\s+to|remission\s+with|"
    r"cr\s+with|exposure\s+to|(?:was|were|been)\s+on|went\s+on\s+to|lines)\b"
)
_WEAK_BEFORE = re.compile(r"\b(?:after|following|post|since)\b")
_CUE = re.compile(rf"{_STRONG_BEFORE.pattern}|{_WEAK_BEFORE.pattern}")
# Words that end the stretch of history before a drug name: what comes next is a plan or a question.
_BLOCKERS = word_set(
    "should could would can consider considering plan planned planning next now give giving start",
    "starting offer use using try trying bridge bridging proceed or vs versus before instead rather",
    "want wants but no not never to will options option candidate eligible for intend intended intending",
    "intent intention aim aiming scheduled",
    # Asking about a drug names it as a topic, not as history: "thoughts on ino vs blina?", "asking abt Kymriah".
    "thoughts about abt re wrt regarding discuss discussing asking ask asked keen prefer prefers",
)
_NOT_PLANS = word_set("no not never but now")
# "before" and "earlier" mark the past only at the end of a clause: "had InO before." is history,
# "InO before transplant" is a plan.
_PAST_AFTER = re.compile(
    r"^[\s-]*(?:refractory|exposed|pretreated|experienced|failure|failed|resistant)\b|^\s+(?:\w+\s+){0,3}?"
    r"(?:previously|in\s+the\s+past|(?:before|earlier)(?=\s*(?:[,.;:!?)]|$))|already|ago|last\s+(?:year|month|week)"
    r"|(?:in\s+)?(?:19|20)\d\d|before\s+(?:that|then|this)|prior\s+to\s+(?:that|then|this))\b|^\s*\(\s*(?:19|20)\d\d\b|^\s+(?:was|were)\s+(?:given|received|tried|used|stopped|discontinued|held)\b"
    r"|^\s+(?:stopped|discontinued|held|interrupted|halted)\b|^[\s-]*na[iï]ve\b",
    _I,
)


# What the disease did after the drug says the drug was given: "blina x2 then relapsed", "InO, no
# response", "started blina in March, progressed".
_OUTCOME_AFTER = re.compile(
    r"^[^.;!?\n]{0,40}?(?:\b(?:then|but|and|with)\b|,)\s*(?:(?:she|he|they|it|disease)\s+)?(?:has\s+|had\s+)?(?:relapsed|"
    r"progressed|failed|refractory|resistant|no\s+response|did\s+not\s+respond|didn't\s+respond|not\s+responding|"
    r"stopped|discontinued|mrd[\s-]*(?:positive|\+|persistent))\b"
)


# A heading that opens a stretch of history in a referral or SBAR note: "B: hyper-CVAD+ponatinib",
# "prior tx: AALL0232, then ...", "Hx: blina x2". Everything after it in its sentence was given.
_HISTORY_LABEL = re.compile(
    r"(?:^|(?<=[\s(\[|.;-]))(?:b|background|hx|pmh|history|tx\s+hx|treatment\s+history|previous\s+(?:treatment|therapy|tx)"
    r"|prior\s+(?:tx|treatment|therapy|therapies|lines?(?:\s+of\s+therapy)?|rx))\s*:"
)
# A yes/no answer right after a therapy asked about: "prior CAR-T? no.", "prior blina yes x1 cycle".
_ANSWERED_NO = re.compile(r"^\s*(?:\?\s*|:\s*|-\s*)(?:no|nope|none|never|nil|n)\b")
_ANSWERED_YES = re.compile(r"^\s*(?:\?\s*|:\s*|-\s*)?(?:yes|yep|y)\b")


def in_history_section(c: Collector, start: int) -> bool:
    """``start`` follows a history heading in its sentence (see `_HISTORY_LABEL`)."""
    return bool(_HISTORY_LABEL.search(c.low, c.scope.sentence_at(start).start, start))


def extract_therapies(c: Collector) -> None:
    for therapy, pattern in THERAPY_PATTERNS:
        # Matched on the case-preserving text: "BiTE" is the drug class, "bite" is not.
        for match in pattern.finditer(c.norm):
            start, end = match.span()
            if not c.free(start, end):
                continue
            c.claim(start, end)
            after = c.low[end : end + 60]
            if _NOT_GIVEN_AFTER.search(after):
                continue
            never = _NEVER_GIVEN.search(c.scope.clause_before(start, words=6, stop_at_words=False))
            if never or re.match(r"^[\s-]*na[iï]ve\b", after) or _ANSWERED_NO.match(after):
                c.withdraw("prior_therapies", therapy, start, end)
            elif _given_before(c, start) or _PAST_AFTER.search(after) or in_history_section(c, start) or (
                _OUTCOME_AFTER.search(after) and not c.scope.is_question(start) and "if" not in after.split()
            ):
                past = _PAST_AFTER.match(after)
                shown_end = end + past.end() if past and past.end() < 30 else end
                c.set(
                    "prior_therapies",
                    [therapy],
                    start,
                    shown_end,
                    shown_from=c.scope.lead_in(start, _CUE, words=4),
                )


def _given_before(c: Collector, start: int) -> bool:
    words = c.scope.sentence_before(start)
    planned = False
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _BLOCKERS and not (
            words[i] == "to" and i > 0 and words[i - 1] in ("refractory", "resistant", "exposed", "on")
        ):
            # "no CR after induction" is not a plan; "HSCT intended after InO" is.
            words, planned = words[i + 1 :], words[i] not in _NOT_PLANS
            break
    window = " ".join(words)
    if _STRONG_BEFORE.search(window):
        return True
    # "after InO" orders a plan when a plan or a question comes before it ("HSCT intended after InO").
    return bool(_WEAK_BEFORE.search(window)) and not planned and not c.scope.is_question(start)


# -- transplant ------------------------------------------------------------------------------------
_HSCT = (
    r"(?:allo(?:geneic)?[\s-]*(?:hsct|hct|sct|bmt|(?:stem[\s-]cell[\s-]|bone[\s-]marrow[\s-])?transplant(?:ation)?)"
    r"|allo[\s-]?sct|allo(?:geneic)?(?![\s-]*car)|hsct|hct|sct|bmt|(?:stem[\s-]cell|bone[\s-]marrow)[\s-]transplant(?:ation)?"
    r"|transplant(?:ation|ed)?|allograft(?:ed)?)"
)
_HSCT_TERM = re.compile(rf"\b{_HSCT}\b")
_NOT_FEASIBLE = re.compile(
    rf"\b(?:not|isn't|is\s+not|never)\s+(?:a\s+)?(?:good\s+|suitable\s+)?(?:transplant|hsct|bmt|sct|allo)\s+candidate\b"
    rf"|\b(?:transplant|hsct|bmt|sct|allo)[\s-]*(?:ineligible|unfit|inappropriate)\b"
    rf"|\b(?:ineligible|unfit|not\s+eligible|not\s+fit|too\s+(?:frail|old|sick|unwell)|not\s+suitable|unsuitable|not\s+a\s+candidate)\s+"
    rf"(?:for\s+)?(?:an?\s+)?(?:further\s+|second\s+)?{_HSCT}\b"
    r"|\bno\s+(?:suitable\s+|matched\s+|available\s+)?donors?\b"
    rf"|\b(?:cannot|can't|can\s+not|won't|will\s+not)\s+(?:be\s+transplanted|go\s+to\s+{_HSCT}|have\s+an?\s+{_HSCT}|undergo\s+(?:an?\s+)?{_HSCT})"
    rf"|\b{_HSCT}\s+(?:is\s+)?not\s+(?:an\s+option|possible|feasible)",
    _I,
)
_FEASIBLE = re.compile(
    rf"\b(?:transplant|hsct|bmt|sct|allo)[\s-]*(?:eligible|candidate|fit)\b"
    rf"|\b(?:eligible|fit|suitable|a\s+(?:good\s+)?candidate)\s+for\s+(?:an?\s+)?{_HSCT}\b",
    _I,
)
_DONOR_FOUND = re.compile(
    r"\b(?:(?:sibling|sib|family|unrelated|haplo\w*|matched|mud|msd|mmud|cord)\s+)*(?:donor|mud|msd|mmud|haplo)s?\s+"
    r"(?:(?:has|have)\s+been\s+|is\s+|are\s+|was\s+|now\s+|already\s+)*(?:lined\s+up|identified|available|found|"
    r"secured|confirmed|in\s+place|ready|arranged|sorted|selected|located|cleared|worked\s+up)\b"
    # "brother is a full match", "sister is HLA-identical"
    r"|\b(?:is|are)\s+(?:an?\s+)?(?:full|perfect|complete|10/10|8/8|hla)?[\s-]*(?:match(?:ed)?|identical)\b"
    r"|\b(?:has|have|with|got|there\s+is|there's)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?donor\b"
    r"(?!\s+(?:search|work[\s-]?up\s+(?:ongoing|pending)|pending|to\s+be))",
    _I,
)
_NOT_PLANNED = re.compile(
    rf"\b{_HSCT}\s+(?:is\s+|was\s+)?not\s+(?:currently\s+)?(?:planned|intended|scheduled|the\s+plan|being\s+considered)\b",
    _I,
)
_DECLINES = re.compile(
    rf"\b(?:declines?|declined|refuses?|refused|(?:does\s+not|doesn't)\s+want)\s+(?:an?\s+)?{_HSCT}\b", _I
)
_PLAN_BEFORE = re.compile(
    r"\b(?:plan|plans|planned|planning|intend|intended|intending|intention|intent|aim|aiming|going|proceed|"
    r"proceeding|bridge|bridging|consolidate|consolidation|consolidating|consolidative|refer|referred|referral|"
    r"will|go|then|followed\s+by|prior\s+to|before|towards?|listed|scheduled|booked|eventual|eventually|definitive|"
    r"subsequent|subsequently|upfront|straight)\b"
)
_PLAN_AFTER = re.compile(
    r"^(?:(?:from|with|using)\s+(?:[\w-]+\s+){1,3}?)?(?:is\s+|was\s+)?(?:planned|intended|scheduled|booked|arranged|to\s+follow|next|is\s+the\s+plan)\b"
)
_PRIOR_BEFORE = re.compile(
    r"\b(?:prior|previous|previously|s/p|status\s+post|history\s+of|hx\s+of|had|received|underwent|relapsed|"
    r"relapse|relapsing|failed|progressed|first|post)\b"
)
_PRIOR_CUE = re.compile(rf"{_PRIOR_BEFORE.pattern}|\b(?:after|following|since)\b")
_PRIOR_AFTER = re.compile(
    r"^[\s-]*na[iï]ve\b"
    r"|^(?:(?!(?:planned|scheduled|booked|intended|expected|for)\b)[\w-]+\s+){0,4}?(?:in\s+)?(?:19|20)\d\d\b"
    r"|^(?:(?:(?:from|with)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){1,3}?)?(?:in\s+)?(?:19|20)\d\d|\d+\s+(?:months?|years?|weeks?|mo|yrs?)\s+ago|previously|before|in\s+the\s+past|last\s+year)\b"
)


def extract_transplant(c: Collector) -> None:
    for pattern, field, value in (
        (_NOT_FEASIBLE, "hsct_feasible", False),
        (_FEASIBLE, "hsct_feasible", True),
        (_DONOR_FOUND, "hsct_feasible", True),
        (_DECLINES, "hsct_planned", False),
        (_NOT_PLANNED, "hsct_planned", False),
    ):
        for match in pattern.finditer(c.low):
            if c.free(*match.span()):
                c.claim(*match.span())
                # "Is he a transplant candidate?" asks for a judgement; it states nothing.
                if not (field == "hsct_feasible" and c.scope.is_question(match.start())):
                    # A donor found (by the donor's or a relative's clause) is the patient's feasibility.
                    via: tuple[Kind, ...] = ("donor", "relative") if pattern is _DONOR_FOUND else ()
                    c.judge(field, value, *match.span(), negated=not value, speaks_for=via)
    for match in _HSCT_TERM.finditer(c.low):
        start, end = match.span()
        if not c.free(start, end):
            continue
        c.claim(start, end)
        before = c.scope.clause_before(start, words=6, stop_at_words=False)
        after = c.scope.after(end)
        if in_history_section(c, start) and not _PLAN_AFTER.search(after):
            c.judge("prior_hsct", True, start, end, negated=False)
        elif _PRIOR_AFTER.search(after) or re.match(r"[\s-]*na[iï]ve\b", c.low[end:]):
            c.judge("prior_hsct", not re.match(r"[\s-]*na[iï]ve\b", c.low[end:]), start, end, negated=False)
        elif (
            _PLAN_BEFORE.search(before) and not re.search(r"\b(?:post|after|following|s/p)$", before)
        ) or _PLAN_AFTER.search(after):
            c.judge(
                "hsct_planned",
                True,
                start,
                end,
                negated=False,
                shown_from=c.scope.lead_in(start, _PLAN_BEFORE),
            )
        elif _is_prior_transplant(c, match, before, after):
            c.judge(
                "prior_hsct", True, start, end, negated=False, shown_from=c.scope.lead_in(start, _PRIOR_CUE)
            )


def _is_prior_transplant(c: Collector, match: re.Match[str], before: str, after: str) -> bool:
    if match.group(0).endswith("transplanted") and not re.search(r"\b(?:be|being|get|to)$", before):
        return True
    if _PRIOR_BEFORE.search(before) and not re.search(r"\bprior\s+to$", before):
        return True
    if _PRIOR_AFTER.search(after):
        return True
    return bool(re.search(r"\b(?:after|following|since)\b", before)) and not c.scope.is_question(
        match.start()
    )


# -- conditioning ------------------------------------------------------------------------------------
_ALKYLATORS = {
    "busulfan": "busulfan",
    "busulphan": "busulfan",
    "bu": "busulfan",
    "cyclophosphamide": "cyclophosphamide",
    "cy": "cyclophosphamide",
    "cytoxan": "cyclophosphamide",
    "melphalan": "melphalan",
    "mel": "melphalan",
    "thiotepa": "thiotepa",
    "thio": "thiotepa",
    "treosulfan": "treosulfan",
    "treo": "treosulfan",
    "carmustine": "carmustine",
    "bcnu": "carmustine",
}
_OTHERS = {
    "flu",
    "fludarabine",
    "tbi",
    "atg",
    "etoposide",
    "vp16",
    "vp-16",
    "clo",
    "clofarabine",
    "alemtuzumab",
    "campath",
}
_REGIMEN = re.compile(r"\b[a-z0-9]+(?:\s*[/+-]\s*[a-z0-9]+)+\b", _I)
_FULL_NAMES = re.compile(
    r"\b(?:busulfan|busulphan|cyclophosphamide|cytoxan|melphalan|thiotepa|treosulfan|carmustine|bcnu)\b", _I
)
_CONDITIONING_CONTEXT = re.compile(
    r"\b(?:conditioning|myeloablative|mac|ric|reduced[\s-]intensity|transplant|hsct|allo)\b"
)
_CONDITIONING_ONLY = re.compile(
    r"\b(?:tbi|busulfan|busulphan|bu|treosulfan|treo|thiotepa|thio|melphalan|mel|carmustine|bcnu)\b", _I
)
# A transplant already given, just before a regimen: "MSD allo 2023 (Bu/Cy)", "s/p allo (Flu/Mel)".
_PAST_TRANSPLANT = re.compile(
    rf"(?:\b(?:prior|previous|previously|s/p|status\s+post|had|underwent|first|1st)\s+(?:[\w-]+\s+){{0,2}}?{_HSCT}"
    rf"|\b{_HSCT}\s+(?:in\s+)?(?:19|20)\d\d)\b[^.;:]{{0,12}}$"
)
_DUAL = re.compile(r"\b(?:dual|double|two|2)[\s-]+alkylat(?:or|ors|ing\s+agents?)\b", _I)
_SINGLE = re.compile(r"\b(?:single|one|1)[\s-]+alkylat(?:or|ing\s+agent)\b", _I)


def extract_conditioning(c: Collector) -> None:
    for pattern, value in ((_DUAL, True), (_SINGLE, False)):
        for match in pattern.finditer(c.low):
            if c.free(*match.span()):
                c.claim(*match.span())
                c.judge("dual_alkylator_conditioning", value, *match.span(), negated=not value)
    for sentence in c.scope.sentences:
        text = c.low[sentence.start : sentence.end]
        named = {_ALKYLATORS[m.group(0).lower()]: m.start() for m in _FULL_NAMES.finditer(text)}
        spans = [(m.start(), m.end()) for m in _FULL_NAMES.finditer(text)]
        for match in _REGIMEN.finditer(text):
            parts = [p.lower() for p in re.split(r"\s*[/+-]\s*", match.group(0))]
            if all(p in _ALKYLATORS or p in _OTHERS for p in parts):
                named.update({_ALKYLATORS[p]: match.start() for p in parts if p in _ALKYLATORS})
                spans.append(match.span())
        if not spans:
            continue
        start, end = sentence.start + min(s for s, _ in spans), sentence.start + max(e for _, e in spans)
        if _PAST_TRANSPLANT.search(c.low, sentence.start, start) or in_history_section(c, start):
            continue  # "MSD allo 2023 (Bu/Cy)": how a past transplant was conditioned, not the plan
        # Two alkylators are a regimen on their own (Bu/Cy). Fewer count as "not dual" in a conditioning
        # context or with a drug used only to condition (TBI/etoposide, Treo/Flu); Flu/Cy alone is
        # also the lymphodepletion before CAR T, so it says nothing without context.
        if len(named) >= 2:
            c.judge("dual_alkylator_conditioning", True, start, end, negated=False)
        elif _CONDITIONING_CONTEXT.search(text) or _CONDITIONING_ONLY.search(text, min(s for s, _ in spans)):
            c.judge("dual_alkylator_conditioning", False, start, end, negated=False)
