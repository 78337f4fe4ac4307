"""Treatment history: the prior therapies (transplant and conditioning are in `transplant`).

A drug named in a message is a prior therapy only when the words say it was given ("after blina",
"failed InO", "progressed on Kymriah", "s/p CAR-T", "received ... in the past"); a question about
a drug ("should we give blina?", "is InO an option?") names no history. "after X" is read as
history in statements only: in a question it usually describes a plan ("CAR T after InO?").

Past treatment verbs count as given ("salvaged with blina", "bridged with InO", "reinduced with
FLAG-Ida"), and so does a response to the drug, good or bad ("achieved CR with InO", "never
achieved remission with hyper-CVAD"): "never" withdraws a therapy only when it says the drug was
not given ("never had blina"), not when it says how the disease answered it. Their present forms
("bridging with InO", "salvage with blina then HSCT") are plans.

A history heading in a referral or SBAR note ("B: hyper-CVAD+ponatinib", "prior tx: AALL0232")
makes what follows it in its sentence history; a therapy asked about and answered ("prior CAR-T?
no.") is withdrawn.
"""

from __future__ import annotations

import re

from assistant.understanding.scope import word_set
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
    # the disease's course names a drug given only through a linking word: "relapsed on blina",
    # "refractory to InO"; "now 1st relapse, InO x2 then allo" names the plan for this relapse
    r"(?:relapsed|relapse|relapsing|refractory|resistant)(?=\s+(?:[\w-]+\s+){0,3}?(?:on|to|after|following|post|"
    r"despite|with|while|during|through|from|off)\b)|s/p|status\s+post|received|had|got|given|treated|exposed|"
    r"history\s+of|hx\s+of|already|underwent|completed|pretreated|despite|salvaged|bridged|re-?induced|induced|"
    r"rescued|consolidated|re-?treated|managed|responded|response\s+to|remission\s+with|"
    # "achieved CR with InO" (not "consensus reached: InO ...")
    r"(?:achieved|reached|attained)\s+(?:(?:a|an|mrd[\s-]*negative|complete|morphologic\w*|first|second)\s+)*(?:cr\w*|remission|response|mrd)|"
    r"cr\d?\s+(?:was\s+|came\s+|achieved\s+)?with|exposure\s+to|(?:was|were|been)\s+on|went\s+on\s+to|lines"
    # in relapsed disease the frontline is history: "frontline COG AALL0232", "first-line hyper-CVAD"
    r"|frontline|front-line|first[\s-]line|upfront"
    # "induction was hyper-CVAD part A": a past line named by what it was
    r"|(?:induction|reinduction|salvage|consolidation|frontline|first\s+line|treatment|therapy|tx|regimen|backbone)"
    r"\s+(?:was|were))\b"
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
    r"|so\s+far|thus\s+far|to\s+date|until\s+now|up\s+to\s+now"
    r"|(?:in\s+)?(?:19|20)\d\d|before\s+(?:that|then|this)|prior\s+to\s+(?:that|then|this))\b|^\s*\(\s*(?:19|20)\d\d\b|^\s+(?:was|were)\s+(?:given|received|tried|used|stopped|discontinued|held)\b"
    r"|^\s+(?:stopped|discontinued|held|interrupted|halted)\b|^[\s-]*na[iï]ve\b"
    # "hyper-CVAD is his only prior therapy", "UKALL was her frontline"
    r"|^\s+(?:is|was)\s+(?:his|her|their|the)\s+(?:only\s+)?(?:prior|previous|first[\s-]line|frontline|front-line)\b",
    _I,
)


# What the disease did after the drug says the drug was given: "blina x2 then relapsed", "InO, no
# response", "started blina in March, progressed", "FLAG-Ida salvage failed", "UKALL14 then relapse".
_OUTCOME_AFTER = re.compile(
    r"^\s*(?:(?:salvage|induction|reinduction|therapy|treatment|regimen|x\s*\d|cycles?|\d)\s+){0,3}(?:failed|failure)\b"
    r"|^[^.;!?\n]{0,40}?(?:\b(?:then|but|and|with)\b|,)\s*(?:(?:she|he|they|it|disease)\s+)?(?:has\s+|had\s+)?"
    r"(?:now\s+|still\s+)?(?:relapsed?|"
    r"progressed|failed|refractory|resistant|no\s+response|did\s+not\s+respond|didn't\s+respond|not\s+responding|"
    r"stopped|discontinued|mrd[\s-]*(?:positive|\+|persistent))(?!\w)"
    # a timeline: "2019 hyper-CVAD -> CR1 -> 2022 relapse -> blina -> MRD neg -> allo"
    # (an outcome may carry a word of its own: "CTL019 -> CD19-negative R3")
    r"|^[^.;!?\n]{0,30}?(?:->|→|=>)\s*(?:(?:19|20)\d\d\s+)?(?:[\w-]+\s+)?(?:cr\s?\d?\b|cri\b|crh\b|remission|relaps\w*|r\d\b|mrd|"
    r"progress\w*|refractory|no\s+response|pr\b)"
    # a phase of therapy named after the regimen: "UKALL14 induction, then FLAG-Ida salvage"
    r"|^\s*(?:-?based\s+)?(?:induction|salvage|consolidation|maintenance|reinduction|re-induction|backbone|"
    r"intensification)\b(?![^.;!?\n]{0,25}\b(?:planned|plan|will|scheduled|intended|next|to\s+start|to\s+begin)\b)"
    # given in an earlier setting: "blina for the first relapse", "InO at second relapse"
    r"|^\s*(?:\w+\s+){0,2}?(?:for|at|in|during)\s+(?:the\s+|her\s+|his\s+|their\s+)?(?:first|1st|second|2nd|third|3rd)\s+"
    r"relapse\b"
    # "Two cycles of Blincyto later he is still MRD positive"
    r"|^\s*(?:\w+\s+)?later\b"
)


# A heading that opens a stretch of history in a referral or SBAR note: "B: hyper-CVAD+ponatinib",
# "prior tx: AALL0232, then ...", "Hx: blina x2". Everything after it in its sentence was given.
_HISTORY_LABEL = re.compile(
    r"(?:^|(?<=[\s(\[|.;-]))(?:(?:b|background|hx|pmh|history|tx\s+hx|treatment\s+history|previous\s+(?:treatment|therapy|tx)"
    r"|prior(?:\s+(?:tx|treatment|therapy|therapies|lines?(?:\s+of\s+therapy)?|rx))?|previous(?:ly)?)\s*:|(?:hx|pmh)\s)"
)
# A yes/no answer right after a therapy asked about: "prior CAR-T? no.", "prior blina yes x1 cycle".
_ANSWERED_NO = re.compile(r"^\s*(?:\?\s*|:\s*|-\s*)(?:no|nope|none|never|nil|n)\b")
_ANSWERED_YES = re.compile(r"^\s*(?:\?\s*|:\s*|-\s*)?(?:yes|yep|y)\b")


# Induction named only as every patient's first treatment or as a time point names no regimen:
# "after standard induction chemo", "MRD+ after induction", "MRD at end of induction".
_GENERIC_INDUCTION = re.compile(
    r"(?:\b(?:standard|conventional|usual|routine)\s+|\bmrd\S*\s+(?:\w+\s+){0,2}?(?:after|post|at\s+(?:the\s+)?end\s+of|"
    r"following|end\s+of)\s+)induction(?:\s+chemo(?:therapy)?)?$"
)


# The present, named after a story of treatment: "Now second relapse", "now it's back again", "relapsed
# again now", "Now is again relapse", "currently in third relapse".
_NOW_STATE = re.compile(
    r"\b(?:now|currently|at\s+present|this\s+time|today)\b[^.;!?\n]{0,30}?\b(?:relaps\w*|rel\b|again|back|"
    r"refractory|progress\w*|recur\w*|return\w*|mrd)"
    r"|\b(?:relapsed|back|returned)\s+again\s+now\b",
)
_PLANNED_HERE = re.compile(
    r"\b(?:plan|plans|planned|planning|will|going\s+to|intend\w*|aim\w*|hope\w*|next|proceed\w*|listed|"
    r"scheduled|booked|refer\w*|consider\w*|would|should|could|want|wants|if|vs|versus|or|discuss\w*)\b|'ll\b|\?"
)


def told_before_now(c: Collector, start: int) -> bool:
    """``start`` lies in the story a message tells before it names the present ("... then allogeneic
    SCT from unrelated donor. Now second relapse"), in a sentence that plans nothing: it is history."""
    sentence = c.scope.sentence_at(start)
    if _PLANNED_HERE.search(c.low, sentence.start, sentence.end):
        return False
    if any(word in _BLOCKERS for word in c.scope.sentence_before(start, words=3)):
        return False  # "for blina", "no blina", "consider InO": named, not told as given
    present = _NOW_STATE.search(c.low, start)
    return present is not None and not (sentence.start <= present.start() < start)


# A sentence that opens with a date tells what happened then ("In 2022 she relapsed and had InO x3
# and a MUD allo", "03/2023: blina, CR2"), as a history heading does, until it reaches the present.
_DATED_OPENING = re.compile(
    r"\s*(?:(?:in|by|during)\s+)?(?:(?:early|late|mid)[\s-]+)?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+|\d{1,2}/)?(?:19|20)\d\d\b(?!\s*(?:-|to)\s*(?:19|20)?\d\d)"
)
_PRESENT = re.compile(r"\b(?:now|currently|current|today|at\s+present|this\s+(?:time|month|week))\b")


def in_history_section(c: Collector, start: int) -> bool:
    """``start`` follows a history heading in its sentence (see `_HISTORY_LABEL`), or a date that
    opens a sentence planning nothing, with no word of the present between them."""
    sentence = c.scope.sentence_at(start)
    if _HISTORY_LABEL.search(c.low, sentence.start, start):
        return True
    dated = _DATED_OPENING.match(c.low, sentence.start)
    return dated is not None and dated.end() <= start and \
        not _PRESENT.search(c.low, dated.end(), start) and \
        not _PLANNED_HERE.search(c.low, sentence.start, sentence.end)


# Said not to have been given, after the drug: "blina has NOT been given yet", "InO was never started".
_NOT_GIVEN_YET = re.compile(
    r"^\s*(?:has|have|was|were|is)\s+(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:given|started|received|administered)"
    r"|^\s*(?:hasn't|haven't|wasn't|weren't)\s+(?:yet\s+)?(?:been\s+)?(?:given|started|received)"
)


def extract_therapies(c: Collector) -> None:
    for therapy, pattern in THERAPY_PATTERNS:
        # Matched on the case-preserving text: "BiTE" is the drug class, "bite" is not.
        for match in pattern.finditer(c.norm):
            start, end = match.span()
            if not c.free(start, end):
                continue
            c.claim(start, end)
            if therapy == "chemotherapy" and _GENERIC_INDUCTION.search(c.low, max(0, start - 40), end):
                continue
            after = c.low[end : end + 60]
            if _NOT_GIVEN_AFTER.search(after):
                continue
            never = _NEVER_GIVEN.search(c.scope.clause_before(start, words=6, stop_at_words=False))
            if never or re.match(r"^[\s-]*na[iï]ve\b", after) or _ANSWERED_NO.match(after) or \
                    _NOT_GIVEN_YET.match(after):
                c.withdraw("prior_therapies", therapy, start, end)
            elif _given_before(c, start) or _PAST_AFTER.search(after) or in_history_section(c, start) or \
                    told_before_now(c, start) or (
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
    # "relapsed for the first time after ponatinib": the "for" of a fixed phrase blocks nothing
    words = re.sub(r"\bfor (?:the |a )?(?:first|second|third|1st|2nd|3rd|last) time\b", " ",
                   " ".join(c.scope.sentence_before(start))).split()
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
