"""The disease setting (``disease_status``) and the Philadelphia chromosome (``ph_positive``).

Which relapse it is matters for the labels (tisagenlecleucel: refractory or second or later
relapse; clinical-rules.md section 2), so it is never guessed:
- "relapsed", "relapsed after transplant" or "post-transplant relapse" without an ordinal set no
  status; they leave a "no_ordinal" note (and the transplant extractor records prior_hsct).
- "relapsed/refractory" and "R/R" name the disease, not a setting, and set nothing.
- A relapse named as history ("MRD-positive after first relapse") is not the current setting.
- "MRD-negative" withdraws mrd_positive rather than inventing another setting.
- When a message names two settings, the later one wins ("first relapse, refractory to blina").
- Remission history gives the ordinal: a relapse *from* the n-th remission is the n-th relapse
  ("relapsed 2 years after first CR", "CR1 of 18 months, then relapsed" -> first relapse;
  "relapsed after CR2" -> second or later; "relapsed on maintenance" -> first). No remission at all
  is refractory disease ("never achieved remission", "did not reach CR after induction",
  "induction failure"). A relapse after an unnumbered remission ("relapsed after achieving CR") still names no ordinal.
- A story told from the diagnosis is counted (`_counted_relapses`): when the message starts at the
  beginning (the diagnosis, induction or frontline therapy, or a relapse after the frontline ended)
  and names no ordinal, each relapse told
  after a remission or a line of therapy is one more ("diagnosed 2019, UKALL, CR; relapsed 2022,
  blina, CR2; now back again" -> second or later; "had chemo and went into remission, now it has come
  back" -> first). A relapse told with no beginning before it ("relapsed after the allo") still names
  no ordinal: it may be the first or the third.
"""

from __future__ import annotations

import re

from assistant.understanding.update import Collector
from assistant.understanding.vocabulary import THERAPY_PATTERNS, DiseaseStatus

_I = re.IGNORECASE
# Words between an ordinal and "relapse" that say when or where it was: "2nd BM relapse",
# "first isolated CNS relapse", "second combined marrow relapse".
_KIND = (
    r"(?:(?:early|late|very\s+early|bone\s+marrow|marrow|bm|isolated|combined|hematologic(?:al)?|"
    r"haematologic(?:al)?|medullary|extramedullary|overt|frank|cns|testicular|ocular|cutaneous|"
    r"morphologic(?:al)?|post[\s-]?(?:transplant|hsct|allo|bmt|sct|car[\s-]?t))[\s/+-]+){0,3}"
)
# The ordinal after the relapse: "BM relapse (1st)", "combined relapse - ...; his 2nd".
_POSTPOSED = (
    r"\brelapse\s*\(\s*(?P<o>first|1st|second|2nd|third|3rd|fourth|4th)\s*\)"
    r"|\brelapse\b[^.;?!\n]{0,60}[;,]\s*(?:his|her|their|the|this\s+is\s+(?:his|her|their|the))\s+"
    r"(?P<p>first|1st|second|2nd|third|3rd|fourth|4th)\b(?:\s+(?:one|relapse))?\s*(?:[.;,!?\n]|$)"
)
_NOT_A_SETTING = re.compile(
    r"\brelapsed\s*(?:/|or|and/or|and|&)\s*refractory\b|\brefractory\s*(?:/|or|and)\s*relapsed\b|\br/r\b|\brr[\s-]all\b"
    r"|\brefractory\s+to\s+(?:steroids|tocilizumab|toci|dexamethasone|supportive)|\b(?:crs|icans|sos)\s+(?:was\s+)?refractory"
    r"|\b(?:steroid[\s-])?refractory\s+(?:crs|icans|sos|cytokine|neurotox\w*|hypotension|seizures?)",
    _I,
)
# A relapse numbered after the word: "relapse #1", "relapse 2", "rel2", "rel x2", "relapsed x1",
# "relapse no. 3"; never a duration or a count ("relapse 2 years after CR", "relapsed 3 months ago").
_NUMBERED_RELAPSE = (
    r"\b(?:relapse[sd]?|rel)\s*(?:#|no\.?\s*|number\s+|x\s*|n°\s*)?(?:{n})\b"
    r"(?![.,]\d|\s*(?:%|[-\s]*(?:months?|mos?|mths?|years?|yrs?|y|weeks?|wks?|days?|d|cycles?|x\b|times)\b))"
)
# "relapse for the second time", "came back for a third time", "relapsed for the 2nd time".
_NTH_TIME = (
    r"\b(?:relapse[sd]?|relapsing|came\s+back|has\s+come\s+back|comes\s+back|recurred|returned|is\s+back)\s+"
    r"(?:(?:out\s+of|from)\s+(?:that|the|this|her|his|their)\s+(?:\w+\s+)?remission\s+)?"
    r"(?:for\s+)?(?:the\s+|a\s+)?(?:{o})\s+time\b"
)
_LATER = "second|2nd|third|3rd|fourth|4th|fifth|5th"
_MRD_LEVEL = r"(?:10\s*\^?\s*-\s*\d|\d+(?:\.\d+)?\s*(?:x|×|e)\s*10\s*\^?\s*-\s*\d|\de-\d|\d+(?:[.,]\d+)?\s*%)"
_STATUS_PATTERNS: tuple[tuple[DiseaseStatus, re.Pattern[str]], ...] = (
    (
        "mrd_positive",
        re.compile(
            r"\bmrd[\s-]*(?:positive|positivity|pos\b|\+|persistent|persistence|detectable|detected|recurrence|"
            r"re-?emergence|relapse)|\b(?:persistent|detectable|rising|residual)\s+mrd\b|\bmolecular\s+(?:relapse|failure)\b"
            rf"|\bmrd\s*(?:still|now|remains|persistently|positive\s+at|by\s+(?:flow|pcr|ngs))?\s*(?:of|at|=|:|level)?\s*(?:of\s+)?~?\s*{_MRD_LEVEL}",
            _I,
        ),
    ),
    (
        "second_or_later_relapse",
        re.compile(
            rf"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|subsequent|multiple|later|repeated)\s+{_KIND}(?:relapses?|rlps?|relaspe)\b"
            r"|\bsecond\s+or\s+(?:later|greater|subsequent)\s+relapse\b|\bmultiply[\s-]+relapsed\b"
            r"|\brelapsed\s+(?:for\s+the\s+(?:second|third|fourth|2nd|3rd)\s+time|twice|again|(?:two|three|2|3)\s+times)\b"
            r"|\brelapse[sd]?\s*(?:#|no\.?\s*|number\s+|x\s*)[2-9]\b"
            rf"|{_NUMBERED_RELAPSE.format(n='[2-9]')}|{_NTH_TIME.format(o=_LATER)}"
            rf"|\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th)\s+{_KIND}rel\b"
            # a relapse again: "now is again relapse", "relapse again", "it has come back again"
            r"|\br[2-9]\s+(?:now|currently|\(current\))|\bnow\s+(?:in\s+)?r[2-9]\b"
            r"|\bagain\s+(?:in\s+)?(?:a\s+)?relapse\b|\brelapse\s+again\b|\b(?:came|come|comes|coming)\s+back\s+again\b"
            r"|\b(?:is|it's)\s+back\s+again\b|\breturn(?:ed|s)?\s+again\b"
            r"|\b(?:two|three|four|2|3|4)\s+(?:prior\s+|previous\s+)?relapses\b|\b(?:>=|≥|at\s+least\s+)\s*(?:2|two)\s+relapses\b",
            _I,
        ),
    ),
    (
        "first_relapse",
        re.compile(
            # A relapse during frontline therapy ends the first remission: "relapsed on maintenance".
            r"\brelaps(?:ed|ing)\s+(?:while\s+|whilst\s+|when\s+)?(?:on|during|in)\s+(?:(?:his|her|their|the)\s+)?"
            r"(?:maintenance|frontline|front[\s-]line|first[\s-]line|upfront|initial\s+(?:therapy|treatment|chemo\w*))\b|"
            rf"\b(?:first|1st)\s+{_KIND}(?:relapse|rel|rlps?|relaspe)\b|\brelapsed\s+for\s+the\s+first\s+time\b|"
            rf"{_NUMBERED_RELAPSE.format(n='1')}|{_NTH_TIME.format(o='first|1st')}|\brelapsed\s+x\s*1\b|\b(?:very\s+)?(?:early|late)\s+"
            r"(?:first\s+|marrow\s+|bone\s+marrow\s+|isolated\s+|combined\s+)?relapse\b",
            _I,
        ),
    ),
    (
        "refractory",
        re.compile(
            r"\b(?:primary\s+|primary[\s-]+induction\s+|induction\s+|chemo[\s-]*|multiply\s+)?refractory\b"
            r"|\b(?:primary\s+)?induction\s+failure\b|\bfailed\s+(?:to\s+achieve\s+(?:a\s+)?(?:remission|cr)|induction)\b"
            r"|\b(?:never|did\s+not|didn't|failed\s+to|could\s+not|couldn't|unable\s+to)\s+(?:achieve[sd]?|reach(?:ed)?|"
            r"attain(?:ed)?|get\s+into|got\s+into|go\s+into|went\s+into|enter(?:ed)?)\s+(?:a\s+)?(?:first\s+)?(?:complete\s+)?"
            r"(?:remission|cr)\b|\bno\s+(?:cr|remission)\s+(?:after|with|following|to|despite)\s+(?:\w+\s+)?induction\b"
            r"|\bprimary\s+(?:resistant|resistance)\b|\bfailed\s+to\s+remit\b|\bnon[\s-]?remitting\b"
            r"|\bnever\s+(?:remitted|been\s+in\s+remission|reached\s+remission)\b|\bpif\b"
            r"|\bno\s+(?:cr|remission)\s+after\b",
            _I,
        ),
    ),
)
# The n-th remission: "first CR", "CR1", "second complete remission".
_ORDINALS = {"first": 1, "1st": 1, "initial": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_NTH_REMISSION = (
    r"(?:(?P<{o}>first|1st|initial|second|2nd|third|3rd|fourth|4th)\s+(?:complete\s+)?(?:cr|remission|cr/cri)\b"
    r"|\bcr\s*-?\s*(?P<{n}>[1-4])\b)"
)
_RELAPSE_WORD = r"\b(?:relapsed|relapses?|relapsing|recurred|recurrence|rlps?|relaspe)\b"
_REMISSION_HISTORY = (
    # "relapsed 2 years after first CR", "relapse from CR2", "relapsing out of a second remission"
    re.compile(
        rf"{_RELAPSE_WORD}(?:\s+[\w-]+){{0,5}}?\s+(?:after|from|following|post|out\s+of|in|into|during|off)\s+"
        r"(?:(?:a|her|his|their|the|achieving|reaching|attaining|an?\s+(?:\w+\s+)?)\s*)?"
        + _NTH_REMISSION.format(o="o", n="n"),
        _I,
    ),
    # "just lost her second remission", "came out of CR2"
    re.compile(
        r"\b(?:lost|losing|loses|lose|came\s+out\s+of|coming\s+out\s+of)\s+(?:(?:her|his|their|the|a)\s+)?"
        + _NTH_REMISSION.format(o="o", n="n"),
        _I,
    ),
    # "CR1 lasting 2 years, then relapsed", "achieved CR1 and completed maintenance, but this month his
    # marrow showed relapse": the n-th remission, then a relapse, in one sentence
    re.compile(
        _NTH_REMISSION.format(o="o", n="n")
        + rf"(?:[\s,]+[\w-]+){{0,12}}?[\s,]+(?:then\s+|before\s+|until\s+|and\s+|but\s+|now\s+)?"
        rf"(?:(?:she|he|they|it)\s+)?(?:has\s+|had\s+)?(?:a\s+)?{_RELAPSE_WORD}",
        _I,
    ),
)
_MRD_NEGATIVE = re.compile(r"\bmrd[\s-]*(?:negative|neg\b|-ve|undetectable|not\s+detected)|\bmrd[\s-]*<", _I)
_POSTPOSED_ORDINAL = re.compile(_POSTPOSED, _I)
# "had Blincyto as consolidation in 1st relapse": a relapse in which therapy was given is history.
_TREATED_IN = re.compile(r"\b(?:had|received|got|given|treated|salvaged|consolidat\w*)\b.*\b(?:in|during)$")
_PAST_SETTING = re.compile(
    r"\b(?:after|following|post|since|beyond|before|prior\s+to|at|from)(?:\s+(?:that|the|this|her|his|their))?$"
)
_ANY_THERAPY = "|".join(p.pattern for _, p in THERAPY_PATTERNS)
# A therapy given in a setting makes it an earlier one: "blina for the first relapse", "InO at 1st relapse".
_THERAPY_IN = re.compile(
    rf"(?:{_ANY_THERAPY})(?:\s+[\w-]+)?\s+(?:for|at|in|during)"
    r"(?:\s+(?:that|the|this|her|his|their))?$",
    _I,
)
_BARE_RELAPSE = re.compile(r"\b(?:relapsed|relapse|relapsing)\b", _I)

_PH_LIKE = re.compile(r"\b(?:ph|bcr[\s:/-]*abl1?)[\s-]+like\b", _I)
_PH_POSITIVE = re.compile(
    r"\bph(?:iladelphia)?(?:\s+chromosome)?[\s-]*(?:\+(?:ve)?|pos(?:itive)?\b)|\bbcr[\s:/-]*abl1?\b|\bt\(\s*9\s*;\s*22\s*\)",
    _I,
)
_PH_NEGATIVE = re.compile(
    r"\bph(?:iladelphia)?(?:\s+chromosome)?[\s-]*(?:neg(?:ative)?\b|-ve\b|-(?![\w-]))", _I
)


def extract_setting(c: Collector) -> None:
    for match in _NOT_A_SETTING.finditer(c.low):
        c.claim(*match.span())
    found = False
    for status, pattern in _STATUS_PATTERNS:
        for match in pattern.finditer(c.low):
            start, end = match.span()
            # Not claimed: "failed induction" is also a prior line of chemotherapy.
            if not c.free(start, end):
                continue
            if _PAST_SETTING.search(c.scope.clause_before(start, words=2, stop_at_words=False)) or \
                    _TREATED_IN.search(c.scope.clause_before(start, words=8, stop_at_words=False)) or \
                    _THERAPY_IN.search(c.scope.clause_before(start, words=4, stop_at_words=False)):
                continue
            found = True
            c.judge("disease_status", status, start, end)
    for match in _POSTPOSED_ORDINAL.finditer(c.low):
        if c.free(*match.span()):
            nth = _ORDINALS[(match.group("o") or match.group("p")).lower()]
            found = True
            c.judge("disease_status", "first_relapse" if nth == 1 else "second_or_later_relapse", *match.span())
    found = _remission_history(c) or found
    found = found or _counted_relapses(c)
    for match in _MRD_NEGATIVE.finditer(c.low):
        if c.free(*match.span()):
            c.claim(*match.span())
            c.withdraw("disease_status", "mrd_positive", *match.span())
    if not found:
        for match in _BARE_RELAPSE.finditer(c.low):
            if c.free(*match.span()) and not c.scope.hypothetical(match.start()):
                c.note("disease_status", "no_ordinal", *match.span())
                break


def _remission_history(c: Collector) -> bool:
    """The relapse ordinal implied by the remission it came out of; True when one was read."""
    found = False
    for pattern in _REMISSION_HISTORY:
        for match in pattern.finditer(c.low):
            start, end = match.span()
            if not c.free(start, end):
                continue
            if _PAST_SETTING.search(c.scope.clause_before(start, words=1, stop_at_words=False)):
                continue  # "MRD-positive after relapsing from CR1": the relapse is history
            nth = _ORDINALS.get((match.group("o") or "").lower()) or int(match.group("n") or 0)
            if not nth:
                continue
            # Not claimed: "CR1 after induction, relapsed" also names a line of chemotherapy.
            found = True
            c.judge("disease_status", "first_relapse" if nth == 1 else "second_or_later_relapse", start, end)
    return found


def extract_ph(c: Collector) -> None:
    for match in _PH_LIKE.finditer(c.low):
        # Ph-like ALL is BCR-ABL1-negative by definition.
        c.claim(*match.span())
        c.judge("ph_positive", False, *match.span(), negated=False)
    for pattern, value in ((_PH_NEGATIVE, False), (_PH_POSITIVE, True)):
        for match in pattern.finditer(c.low):
            if c.free(*match.span()):
                c.claim(*match.span())
                c.judge("ph_positive", value, *match.span(), negated=False if value else None)


# The beginning of a story of the disease: its diagnosis, induction or the frontline therapy.
_STORY_START = re.compile(
    r"\b(?:diagnos\w*(?!\s+(?:with\s+)?(?:an?\s+)?(?:[\w-]+\s+)?(?:relapse|recurrence))|dx|frontline|front-line|first[\s-]line|upfront|induction|initial\s+(?:therapy|treatment|chemo\w*))\b",
)
_REMISSION = re.compile(r"\b(?:cr\d?|cri|crh|complete\s+(?:remission|response)|remission|mrd[\s-]*neg\w*)\b")
# One telling of a relapse: the word, its plain-language forms ("it has come back", "the leukaemia
# returned") and shorthand ("rel", "rlps"); R-numbers carry their own ordinal and stop the count.
_RELAPSE_TOLD = re.compile(
    r"\b(?:relapse[sd]?|relapsing|recurr\w*|rel|rlps?|relaspe)\b"
    r"|\b(?:came|come|comes|coming)\s+back\b|\b(?:is|it's|was|has\s+been)\s+back\b|\breturn(?:ed|s)\b"
)
# "relapse 18 months after completing AALL0932", "relapsed off therapy": the frontline ended before it.
_AFTER_FRONTLINE_ENDED = re.compile(
    r"^[^.;!?\n]{0,40}?\b(?:after|following|off)\s+(?:completing|completion\s+of|finishing|stopping|the\s+end\s+of|"
    r"(?:all\s+)?(?:therapy|treatment|chemo\w*))\b"
)
_NUMBERED_TIMELINE = re.compile(r"\br[1-9]\b")
_THERAPY_TOLD = re.compile(
    rf"{_ANY_THERAPY}|\b(?:transplant\w*|allo\w*|hsct|sct|bmt|chemo\w*|salvage|reinduction)\b", _I
)


def _counted_relapses(c: Collector) -> bool:
    """The relapse ordinal from a story told from its beginning (see the module's notes)."""
    if _NUMBERED_TIMELINE.search(c.low):
        return False  # "frontline hyper-CVAD, now R3": the shorthand numbers the relapse itself
    marks: list[tuple[int, int, str]] = []
    for kind, pattern, text in (("start", _STORY_START, c.low), ("remission", _REMISSION, c.low),
                                ("therapy", _THERAPY_TOLD, c.norm), ("relapse", _RELAPSE_TOLD, c.low)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "relapse" and (not c.free(start, end) or c.scope.third_party(start) is not None
                                      or c.scope.hypothetical(start) or c.scope.is_question(start)):
                continue
            marks.append((start, end, kind))
    marks.sort()
    # Only the beginning itself starts the count: a therapy or an unnumbered remission before the
    # first relapse told may belong to an earlier relapse ("had blina, in CR, relapsed").
    begun = False
    counted = 0
    since_last = True  # a remission or a line of therapy told since the last relapse
    last: tuple[int, int] | None = None
    for start, end, kind in marks:
        if kind == "start":
            begun = begun or counted == 0
        elif kind != "relapse":
            since_last = True
        else:
            begun = begun or (counted == 0 and bool(_AFTER_FRONTLINE_ENDED.match(c.low[end:])))
            counted += since_last
            since_last = False
            last = (start, end)
    if last is None or not begun:
        return False
    c.judge("disease_status", "first_relapse" if counted == 1 else "second_or_later_relapse", *last)
    return True
