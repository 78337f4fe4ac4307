"""Transplant and conditioning: prior, planned and feasible HSCT; whether the planned conditioning
uses two alkylators.

A donor lined up or identified makes the patient a transplant candidate (``hsct_feasible``) even
though the donor is the clause's subject (see `subject`). Under a history heading ("B:", "prior
tx:") a transplant is a prior one; a regimen right after a past transplant ("MSD allo 2023
(Bu/Cy)") is how that transplant was conditioned, not the plan, and sets nothing.
"""

from __future__ import annotations

import re

from assistant.understanding.history import in_history_section, told_before_now
from assistant.understanding.subject import Kind
from assistant.understanding.update import Collector

_I = re.IGNORECASE

# -- transplant ------------------------------------------------------------------------------------
_HSCT = (
    r"(?:allo(?:geneic)?[\s-]*(?:hsct|hct|sct|bmt|(?:stem[\s-]cell[\s-]|bone[\s-]marrow[\s-])?transplant(?:ation)?)"
    r"|allo[\s-]?sct|allo(?:geneic)?(?![\s-]*car)|hsct|hct|sct|bmt|(?:stem[\s-]cell|bone[\s-]marrow)[\s-]transplant(?:ation)?"
    r"|transplant(?:ation|ed)?|allograft(?:ed|ing)?)"
)
_HSCT_TERM = re.compile(rf"\b{_HSCT}\b")
_NOT_FEASIBLE = re.compile(
    rf"\b(?:not|isn't|is\s+not|never)\s+(?:a\s+)?(?:good\s+|suitable\s+)?(?:transplant|hsct|bmt|sct|allo)\s+candidate\b"
    rf"|\b(?:transplant|hsct|bmt|sct|allo)[\s-]*(?:ineligible|unfit|inappropriate)\b"
    rf"|\b(?:ineligible|unfit|not\s+eligible|not\s+fit|too\s+(?:frail|old|sick|unwell)|not\s+suitable|unsuitable|not\s+a\s+candidate)\s+"
    rf"(?:for\s+)?(?:an?\s+)?(?:further\s+|second\s+)?{_HSCT}\b"
    r"|\bno\s+(?:suitable\s+|matched\s+|available\s+)?donors?\b"
    rf"|\b(?:cannot|can't|can\s+not)\s+(?:be\s+transplanted|go\s+to\s+{_HSCT}|have\s+an?\s+{_HSCT}|undergo\s+(?:an?\s+)?{_HSCT})"
    rf"|\b{_HSCT}\s+(?:is\s+)?not\s+(?:an\s+option|possible|feasible)",
    _I,
)
_FEASIBLE = re.compile(
    rf"\b(?:transplant|hsct|bmt|sct|allo)[\s-]*(?:eligible|candidate|fit)\b"
    rf"|\b(?:eligible|fit|suitable|a\s+(?:good\s+)?candidate)\s+for\s+(?:an?\s+)?(?:second|2nd|further|another|repeat\s+)?\s*{_HSCT}\b",
    _I,
)
_DONOR_FOUND = re.compile(
    r"\b(?:(?:sibling|sib|family|unrelated|haplo\w*|matched|mud|msd|mmud|cord)\s+)*(?:donor|mud|msd|mmud|haplo)s?\s*"
    # "a 10/10 unrelated donor, a 29-year-old man, has been identified": an apposition may come between
    r"(?:(?P<apposition>,[^,.;:]{1,40},)\s*|\s)"
    r"(?:(?:has|have)\s+been\s+|is\s+|are\s+|was\s+|now\s+|already\s+)*(?:lined\s+up|identified|available|found|"
    r"secured|confirmed|in\s+place|ready|arranged|sorted|selected|located|cleared|worked\s+up)\b"
    # "brother is a full match", "sister is HLA-identical"
    r"|\b(?:is|are)\s+(?:an?\s+)?(?:full|perfect|complete|10/10|8/8|hla)?[\s-]*(?:match(?:ed)?|identical)\b"
    r"|\b(?:has|have|with|got|there\s+is|there's)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?donor\b"
    r"(?!\s+(?:search|work[\s-]?up\s+(?:ongoing|pending)|pending|to\s+be))",
    _I,
)
# No transplant so far: "never had a transplant", "has not been transplanted", "no prior allo".
_NO_PRIOR = re.compile(
    rf"\b(?:never|not|n't)\s+(?:yet\s+)?(?:had|received|undergone|gone\s+through|been\s+through)\s+(?:an?\s+|any\s+)?"
    rf"(?:prior\s+|previous\s+)?{_HSCT}\b|\b(?:never|not|n't)\s+(?:yet\s+)?been\s+transplanted\b"
    rf"|\bno\s+(?:prior|previous|history\s+of|hx\s+of)\s+(?:an?\s+)?{_HSCT}\b",
    _I,
)
_NOT_PLANNED = re.compile(
    rf"\b{_HSCT}\s+(?:is\s+|was\s+)?not\s+(?:currently\s+)?(?:planned|intended|scheduled|the\s+plan|being\s+considered)\b"
    # "no HSCT planned", "no allo will follow", "without another transplant after"
    rf"|\bno\s+(?:further\s+|subsequent\s+|consolidative\s+)?{_HSCT}\s+(?:is\s+)?(?:planned|intended|scheduled|will\s+follow|"
    rf"to\s+follow|afterwards|after)\b|\bwithout\s+(?:another|a\s+further|a\s+second|an?)\s+{_HSCT}\s+(?:after|afterwards)\b",
    _I,
)
# None so far: "no allo so far", "no HSCT to date", "no transplant yet".
_NONE_SO_FAR = re.compile(rf"\bno\s+(?:prior\s+)?{_HSCT}\s+(?:so\s+far|to\s+date|yet|previously|before)\b", _I)
# The patient's choice, not a judgement of fitness: "will not have an allogeneic transplant" is a refusal.
_DECLINES = re.compile(
    rf"\b(?:declines?|declined|refuses?|refused|(?:does\s+not|doesn't)\s+want|(?:won't|will\s+not)\s+(?:have|undergo|go\s+to))"
    rf"\s+(?:an?\s+)?(?:\w+\s+)?{_HSCT}\b", _I
)
_PLAN_BEFORE = re.compile(
    r"\b(?:plan|plans|planned|planning|intend|intended|intending|intention|intent|aim|aiming|going|proceed|"
    r"proceeding|bridge|bridging|consolidate|consolidation|consolidating|consolidative|refer|referred|referral|"
    r"will|go|then|followed\s+by|prior\s+to|before|towards?|listed|scheduled|booked|eventual|eventually|definitive|"
    r"subsequent|subsequently|upfront|straight)\b|'ll\b"
)
_PLAN_AFTER = re.compile(
    r"^(?:(?:from|with|using)\s+(?:[\w-]+\s+){1,3}?)?(?:is\s+|was\s+)?(?:planned|intended|scheduled|booked|arranged|to\s+follow|next|is\s+the\s+plan)\b"
    # the plan said of the transplant in the next words: "transplant and it's planned", "allo, which is
    # the plan", "transplant is the intent", "transplant if he responds" (a conditional plan)
    r"|^(?:and\s+)?(?:it|this|that|which)\s*(?:'s|is|was|will\s+be)\s+(?:the\s+)?(?:plan(?:ned)?|intended|intent|intention|"
    r"scheduled|goal|aim)\b|^(?:is|remains)\s+the\s+(?:plan|intent|intention|goal|aim)\b|^if\s+(?:she|he|they|it|there)\b"
)
_PRIOR_BEFORE = re.compile(
    r"\b(?:prior|previous|previously|s/p|status\s+post|history\s+of|hx\s+of|had|received|underwent|relapsed|"
    r"went\s+on\s+to|proceeded\s+to|consolidated|was\s+consolidated|"
    r"relapse|relapsing|failed|progressed|first|post)\b"
)
_PRIOR_CUE = re.compile(rf"{_PRIOR_BEFORE.pattern}|\b(?:after|following|since)\b")
_PRIOR_AFTER = re.compile(
    r"^[\s-]*na[iï]ve\b"
    r"|^(?:(?!(?:planned|scheduled|booked|intended|expected|for)\b)[\w-]+\s+){0,4}?(?:in\s+)?(?:19|20)\d\d\b"
    r"|^(?:(?:(?:from|with)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){1,3}?)?(?:in\s+)?(?:19|20)\d\d|(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few)\s+(?:months?|years?|weeks?|mo|yrs?)\s+ago|previously|before|in\s+the\s+past|last\s+year)\b"
)


# A heading that opens the plan in a note: "Plan: InO x2 -> allo", "Recs: ...", "Next steps: ...".
_PLAN_LABEL = re.compile(r"(?:^|(?<=[\s(\[|.;-]))(?:plan|proposed\s+plan|next\s+steps?|recommendations?|recs?)\s*:")
# The transplant service as people: "the BMT team", "talked to BMT", "transplant physicians". Naming
# them says who was consulted, not that a transplant was given or is planned (a referral still is).
_SERVICE_AFTER = re.compile(
    r"^(?:team|teams|service|services|clinic|unit|ward|colleagues|physicians?|doctors?|consultants?|folks|people|"
    r"group|programme|program|coordinators?|nurses?|mdt|meeting|consult)\b"
)
_TALKED_TO = re.compile(
    r"\b(?:talk(?:ed|ing)?|spoke|speaking|speak|chat(?:ted|ting)?|discuss(?:ed|ing)?|met|meeting|ask(?:ed|ing)?|"
    r"call(?:ed|ing)?|consult(?:ed|ing)?|ran\s+it\s+by|check(?:ed|ing)?)\s+(?:to|with|by)?\s*(?:the\s+|our\s+)?$"
)
_REFERRAL = re.compile(r"\b(?:refer|referred|referring|referral|listed|booked)\b")
# A past verb leading a chain of treatments ("had hyper-CVAD, then blina, then MUD allo"): every
# link of the chain is history, unless the sentence also says what is planned.
_PAST_VERB = re.compile(
    r"\b(?:had|received|got|underwent|was\s+given|were\s+given|treated\s+(?:\w+\s+)?with|salvaged\s+with"
    # a list of prior lines: "prior hyper-CVAD, blina and an allo" ("prior to allo" is a plan)
    r"|prior(?!\s+to\b)|previous|previously|s/p|status\s+post|(?:hx|history)\s+of)\b"
)
_FUTURE = re.compile(
    r"\b(?:plan|plans|planned|planning|will|going\s+to|intend\w*|aim\w*|hope\w*|next|proceed\w*|listed|"
    r"scheduled|booked|refer\w*|consider\w*|would|should|could)\b|'ll\b"
)


def _names_the_service(c: Collector, start: int, end: int) -> bool:
    before = c.low[max(0, start - 60) : start]
    after = c.low[end : end + 40].lstrip(" -")
    if _REFERRAL.search(c.scope.clause_before(start, words=4, stop_at_words=False)):
        return False
    return bool(_SERVICE_AFTER.match(after) or _TALKED_TO.search(before))


def _told_as_past(c: Collector, start: int) -> bool:
    """A transplant at the end of a chain of past treatments, in a sentence with no plan in it."""
    sentence = c.scope.sentence_at(start)
    before = c.low[sentence.start : start]
    past = list(_PAST_VERB.finditer(before))
    if not past:
        return False
    between = before[past[-1].end() :]
    whole = c.low[sentence.start : sentence.end]
    return not _FUTURE.search(whole) and not re.search(r"[;:]", between)


def _free_outside_apposition(c: Collector, match: re.Match[str]) -> bool:
    """The match's words are unclaimed, an apposition inside it aside (the donor's age read there
    belongs to the donor, and does not make "the donor ... has been identified" unreadable)."""
    start, end = match.span()
    groups = match.groupdict()
    if groups.get("apposition"):
        inner_start, inner_end = match.span("apposition")
        return c.free(start, inner_start) and c.free(inner_end, end)
    return c.free(start, end)


def extract_transplant(c: Collector) -> None:
    for pattern, field, value in (
        (_NOT_FEASIBLE, "hsct_feasible", False),
        (_FEASIBLE, "hsct_feasible", True),
        (_DONOR_FOUND, "hsct_feasible", True),
        (_DECLINES, "hsct_planned", False),
        (_NO_PRIOR, "prior_hsct", False),
        (_NONE_SO_FAR, "prior_hsct", False),
        (_NOT_PLANNED, "hsct_planned", False),
    ):
        for match in pattern.finditer(c.low):
            if _free_outside_apposition(c, match):
                c.claim(*match.span())
                # "Is he a transplant candidate?" asks for a judgement; it states nothing.
                if not (field == "hsct_feasible" and c.scope.is_question(match.start())):
                    # A donor found (by the donor's or a relative's clause) is the patient's feasibility.
                    via: tuple[Kind, ...] = ("donor", "relative") if pattern is _DONOR_FOUND else ()
                    c.judge(field, value, *match.span(), negated=not value, speaks_for=via)
                    # "eligible for transplant and it's planned", "fit for a second allo, which is the plan"
                    if pattern is _FEASIBLE and _PLAN_AFTER.search(c.low[match.end() :].lstrip(" ,;-")):
                        c.judge("hsct_planned", True, *match.span(), negated=False)
    for match in _HSCT_TERM.finditer(c.low):
        start, end = match.span()
        if not c.free(start, end):
            continue
        c.claim(start, end)
        before = c.scope.clause_before(start, words=6, stop_at_words=False)
        after = c.scope.after(end)
        if _names_the_service(c, start, end):
            continue
        if _PLAN_LABEL.search(c.low, c.scope.sentence_at(start).start, start) and not _PRIOR_AFTER.search(after):
            # Under a "Plan:" heading the transplant is the plan ("Plan: InO 2 cycles -> allo").
            c.judge("hsct_planned", True, start, end, negated=False)
        elif in_history_section(c, start) and not _PLAN_AFTER.search(after):
            c.judge("prior_hsct", True, start, end, negated=False)
        elif _PRIOR_AFTER.search(after) or re.match(r"[\s-]*na[iï]ve\b", c.low[end:]):
            c.judge("prior_hsct", not re.match(r"[\s-]*na[iï]ve\b", c.low[end:]), start, end, negated=False)
        elif (_told_as_past(c, start) or told_before_now(c, start)) and not _PLAN_AFTER.search(after):
            c.judge("prior_hsct", True, start, end, negated=False, shown_from=c.scope.lead_in(start, _PAST_VERB))
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
    # "a MUD allo in CR1": given in a remission that has since ended (a plan was ruled out above);
    # "MSD allo -> R2": a timeline step followed by what the disease did next
    if re.match(r"(?:in|during)\s+cr\s?\d\b", after) or re.match(
        r"[^.;]{0,20}?(?:->|→)\s*(?:r\d|cr\s?\d|relaps\w*|mrd)", c.low[match.end() :]
    ):
        return True
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
    rf"|\b{_HSCT}\s+(?:in\s+)?(?:19|20)\d\d)\b[^.;:]{{0,25}}$"
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
        if _PAST_TRANSPLANT.search(c.low, sentence.start, start) or in_history_section(c, start) \
                or _after_a_past_transplant(c, sentence.start, start):
            continue  # "MSD allo 2023 (Bu/Cy)": how a past transplant was conditioned, not the plan
        # Two alkylators are a regimen on their own (Bu/Cy). Fewer count as "not dual" in a conditioning
        # context or with a drug used only to condition (TBI/etoposide, Treo/Flu); Flu/Cy alone is
        # also the lymphodepletion before CAR T, so it says nothing without context.
        if len(named) >= 2:
            c.judge("dual_alkylator_conditioning", True, start, end, negated=False)
        elif _CONDITIONING_CONTEXT.search(text) or _CONDITIONING_ONLY.search(text, min(s for s, _ in spans)):
            c.judge("dual_alkylator_conditioning", False, start, end, negated=False)


def _after_a_past_transplant(c: Collector, begin: int, start: int) -> bool:
    """The transplant named last before a regimen was given some time ago ("allo 2 yrs ago (bu/cy)"),
    read with the same time words that make a transplant a prior one."""
    named = list(_HSCT_TERM.finditer(c.low, begin, start))
    last = named[-1] if named else None
    return last is not None and bool(_PRIOR_AFTER.search(c.scope.after(last.end(), words=6)))
