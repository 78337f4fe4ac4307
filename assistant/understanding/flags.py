"""Yes/no facts stated in words: CNS, extramedullary disease, KMT2A, T cells, tempo, manufacturing, pump.

Each fact is a small table a clinician can review: phrases that say it is present, and phrases
that say it is absent. A "present" phrase that is negated ("no CNS disease", "not KMT2A") or an
"absent" phrase that is negated ("not happy with a pump") gives the opposite; a phrase marked as
uncertain ("?CNS disease", "possible KMT2A") is noted, not stored.

Where disease sits (CNS, testes, skin) is read as a site and a state, so every pairing of a site
word with a state word is covered without listing each one: "CSF clear", "LP negative", "testes
clear", "skin uninvolved" say absent; "CSF positive", "testes involved" say present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.understanding.subject import Kind
from assistant.understanding.update import Collector

_I = re.IGNORECASE
_T = r"t[\s-]?(?:cells?|lymphocytes?)"
_PUMP = (
    r"(?:a\s+|the\s+|an\s+infusion\s+|a\s+continuous[\s-]infusion\s+|any\s+)?(?:blina\s+|blinatumomab\s+|infusion\s+)?"
    r"(?:pump|continuous\s+infusion|infusion\s+pump)"
)


_ABSENT_STATE = (
    r"[\s:=-]*(?:is\s+|are\s+|was\s+|were\s+|remains?\s+|now\s+|exam\s+|examination\s+|cytospin\s+)*"
    r"(?:clear|clean|negative|neg\b|-ve\b|-(?![\w-])|free|uninvolved|not\s+involved|normal|unremarkable|nad\b|"
    r"no\s+(?:blasts|disease|involvement|leuka?emia))"
)
_PRESENT_STATE = (
    r"[\s:=-]*(?:is\s+|are\s+|was\s+|were\s+|now\s+)*"
    r"(?:positive|pos\b|\+|involved|infiltrated|(?:with|showed|shows|showing|revealed|had|has|positive\s+for)\s+"
    r"(?:\w+\s+)?blasts|blasts\s+(?:seen|present|detected))"
)
_CNS_SITES = (
    r"\b(?:cns|csf|lp|lumbar\s+punctures?|spinal\s+(?:fluid|tap)|cerebrospinal\s+fluid|cytospin|meninges|neuraxis"
    # as a family says it: "the fluid from his spine", "the fluid around her brain"
    r"|fluid\s+(?:from|around|in)\s+(?:the|her|his|their)\s+(?:spine|brain|spinal\s+cord))"
)
_EMD_SITES = r"\b(?:testes|testis|testicles?|scrotum|skin|mediastinum|orbits?|pet(?:[\s/-]?ct)?)"


@dataclass(frozen=True)
class BooleanFact:
    field: str
    present: tuple[str, ...]
    absent: tuple[str, ...] = ()
    # A site with its state ("LP negative") carries its own polarity: the "no" of "no CNS disease -
    # the LP was negative" before it belongs to the list, not to the site.
    absent_as_stated: tuple[str, ...] = ()


FACTS: tuple[BooleanFact, ...] = (
    BooleanFact(
        "cns_disease",
        present=(
            r"\bcns[\s-]*(?:disease|involvement|leuka?emia|relapse|infiltration|positive|pos\b|\+|[23][abc]?\b)",
            _CNS_SITES + _PRESENT_STATE,
            r"\bcns[\s-]*status\s*[:=]?\s*(?:cns)?[\s-]*[23]\b",
            r"\bcsf[\s-]*(?:positive|\+|pos\b|involvement|blasts)",
            r"\b(?:relapse[sd]?|relapsing|progress(?:ion|ed)|disease|involvement|infiltration|blasts)\s+in\s+(?:the\s+)?"
            r"(?:cns|csf|central\s+nervous\s+system)\b",
            r"\bleptomeningeal\b",
            r"\b(?:it's|it\s+is|it\s+was|leuka?emia\s+is|blasts\s+are)\s+(?:also\s+)?in\s+the\s+fluid\s+(?:around|in)\s+"
            r"(?:the|her|his|their)\s+(?:brain|spine|spinal\s+cord)",
            r"\bcerebrospinal\s+fluid\s+(?:positive|involvement)",
            r"\bcentral\s+nervous\s+system\s+(?:disease|involvement|relapse)",
        ),
        absent=(
            r"\bcns[\s-]*(?:1\b|negative|neg\b|-ve|clear|free)",
            r"\bcsf[\s-]*(?:is\s+)?(?:negative|neg\b|clear|clean)",
            # "no CNS" in a list of negatives; "no CNS prophylaxis" is about treatment, not disease.
            r"\b(?:no|nil)\s+cns(?:\s+(?:disease|involvement|leuka?emia|relapse))?\b"
            r"(?![\s-]*(?:prophylaxis|directed|therapy|treatment|penetration|toxicity|side|effects?))",
        ),
        absent_as_stated=(_CNS_SITES + _ABSENT_STATE,),
    ),
    BooleanFact(
        "extramedullary_disease",
        present=(
            _EMD_SITES + _PRESENT_STATE,
            r"\bextra[\s-]?medullary(?:\s+(?:disease|involvement|relapse|leuka?emia|sites?|mass|masses|lesions?))?",
            r"\bemd\b",
            r"\btesticular(?:\s+(?:involvement|relapse|disease|infiltration|enlargement|mass))?",
            r"\btestes?\s+(?:involvement|infiltration|involved)",
            r"\b(?:relapse[sd]?|relapsing|disease|involvement|infiltration)\s+in\s+(?:the\s+)?(?:testes|testis|skin)\b",
            r"\bchloromas?\b",
            r"\b(?:in|into)\s+(?:one\s+of\s+)?(?:his|the|both)\s+(?:testes|testicles?|testis)\b",
            r"\bleuka?emia\s+cutis\b",
            r"\bskin\s+(?:infiltrat(?:e|es|ion)|involvement|lesions?|nodules?)",
            r"\bcutaneous\s+(?:involvement|infiltration|lesions?)",
            r"\bmediastinal\s+mass\b",
            r"\b(?:ocular|orbital|renal|kidney|breast|ovarian|bone)\s+(?:infiltration|involvement)",
            r"\bgranulocytic\s+sarcoma\b",
            # A mass or deposit at a site outside the marrow: "paraspinal mass", "epidural deposit".
            r"\b(?:paraspinal|paravertebral|epidural|soft[\s-]tissue|bony|nodal|lymph\s+node|chest\s+wall|gingival|"
            r"subcutaneous|pelvic|abdominal|renal|breast|ovarian|orbital|testicular)\s+(?:mass|masses|lesions?|deposits?|"
            r"tumou?rs?|infiltrates?|chloromas?|sarcomas?)\b",
        ),
        absent=(
            r"\b(?:emd|extra[\s-]?medullary(?:\s+disease)?)\s*[:=]?\s*(?:negative|neg\b|absent|none)",
        ),
        absent_as_stated=(_EMD_SITES + _ABSENT_STATE,),
    ),
    BooleanFact(
        "kmt2a_rearranged",
        present=(
            r"\b(?:kmt2a|mll)(?:[\s:-]*(?:r\b|rearranged|rearrangement|translocated|translocation|fusion|positive|pos\b|\+"
            r"|af4|aff1|enl|af9|mllt\d+))*",
            r"\bt\(\s*(?:4\s*;\s*11|11\s*;\s*19|9\s*;\s*11|6\s*;\s*11)\s*\)",
            r"\b11q23\b",
        ),
        absent=(
            r"\b(?:kmt2a|mll)[\s:-]*(?:negative|neg\b|-ve|wild[\s-]?type|wt\b|germline|intact|not\s+rearranged|"
            r"unrearranged|non[\s-]?rearranged|normal)",
        ),
    ),
    BooleanFact(
        "t_cell_dysfunction",
        present=(
            rf"\b(?:poor|low|impaired|reduced|inadequate|depleted|exhausted|dysfunctional|few|limited|insufficient|"
            rf"diminished)\s+(?:numbers?\s+of\s+|numbers?\s+and\s+function\s+of\s+)?(?:cd3\+?\s+)?{_T}",
            rf"\b{_T}\s+(?:counts?\s+|numbers?\s+|function\s+|fitness\s+|quality\s+|health\s+|expansion\s+)?"
            r"(?:are\s+|is\s+|were\s+|was\s+)?(?:very\s+)?"
            r"(?:low|poor|depleted|exhausted|dysfunctional|impaired|reduced|inadequate)",
            rf"\b{_T}\s+(?:dysfunction|exhaustion|depletion|problems?|issues?|defects?|lymphopenia|deficiency|impairment|"
            r"aplasia)",
            r"\blymphopeni[ac]\b",
            r"\blymphocytopenia\b",
            r"\b(?:low|poor)\s+(?:alc|absolute\s+lymphocyte\s+counts?|lymphocytes?|lymphocyte\s+counts?|cd3\+?(?:\s+counts?)?)",
            r"\b(?:alc|cd3\+?(?:\s+counts?)?|lymphocytes|lymphocyte\s+counts?)\s+(?:is\s+|are\s+)?(?:very\s+)?low\b",
            # A lymphocyte count below 0.5 x10^9/L (or 500/uL): "ALC 0.1", "lymphs 0.3", "ALC 200".
            r"\b(?:alc|absolute\s+lymphocyte\s+count|lymphs|lymphocytes|lymphocyte\s+count)\s*(?:of\s+|is\s+|was\s+|[:=]\s*)?"
            r"(?:0?\.[0-4]\d?|0|[1-4]\d{2}|[1-9]\d)(?![\d.])(?!\s*%)",
            r"\bcd3\+?\s*(?:t[\s-]?cells?\s*)?(?:count\s*)?(?:of\s+|is\s+|was\s+|[:=]\s*)?(?:[1-9]\d?|[1-4]\d{2})\s*(?:/\s*(?:u|µ|micro)l|cells)",
        ),
        absent=(
            rf"\b(?:normal|adequate|good|healthy|preserved|sufficient)\s+(?:cd3\+?\s+)?{_T}",
            rf"\b{_T}\s+(?:counts?\s+|function\s+|numbers?\s+)?(?:are\s+|is\s+)?(?:normal|adequate|fine|ok|good|preserved)\b",
            # With a verb of seeming, and the counts that stand for T-cell fitness: "T cells look fine",
            # "ALC normal", "CD3 count ok".
            rf"\b{_T}\s+(?:look|looks|looked|seem|seems|seemed|appear|appears)\s+(?:ok|okay|fine|normal|good|healthy|adequate)\b",
            r"\b(?:alc|absolute\s+lymphocyte\s+count|lymphs|lymphocytes|lymphocyte\s+count|cd3\+?(?:\s+(?:t[\s-]?cells?|count))?)"
            r"\s+(?:is\s+|are\s+|was\s+|looks?\s+)?(?:normal|ok|okay|fine|adequate|preserved|good|wnl)\b",
        ),
    ),
    BooleanFact(
        "rapidly_progressive",
        present=(
            r"\brapidly\s+(?:progressing|progressive|rising|growing|proliferating|worsening|increasing)",
            r"\brapid(?:ly)?\s+(?:disease\s+)?progression\b",
            r"\b(?:highly\s+)?proliferative\b",
            r"\bfulminant\b",
            r"\bneeds?\s+(?:urgent\s+)?(?:disease\s+)?control\s+within\s+(?:days|(?:a\s+few\s+|\d\s+|two\s+)?weeks?)",
            r"\b(?:can't|cannot|can\s+not|unable\s+to|couldn't)\s+wait\b",
            r"\baggressive\s+(?:disease|kinetics|progression)",
            r"\burgent(?:ly)?\s+(?:needs?\s+)?(?:disease\s+)?control\b",
            r"\bhyperleuko?cytosis\b",
            # Growth and its speed, in either order: "WBC 150 and rising fast", "doubling fast", "fast-rising".
            r"\b(?:rising|climbing|doubling|increasing|growing|going\s+up|shooting\s+up)\s+(?:very\s+|really\s+)?"
            r"(?:fast|quickly|rapidly|daily|by\s+the\s+day)\b",
            r"\b(?:fast|quickly|rapidly)[\s-]+(?:rising|climbing|doubling|increasing|growing)\b",
            r"\b(?:moving|progressing|growing|advancing)\s+(?:very\s+|really\s+)?(?:fast|quickly|rapidly)\b",
            r"\bneeds?\b[^.;!?\n]{0,30}?\bwithin\s+(?:days|a\s+few\s+days|\d+\s+days)\b",
            r"\bdoubling\s+(?:every|in|within)\s+(?:\d+|a\s+few|two|three)\s*(?:days?|d)\b",
            # Control needed within days: "needs cytoreduction this week", "needs control this week".
            r"\bneeds?\s+(?:urgent\s+)?(?:disease\s+)?(?:control|cytoreduction|debulking)\s+(?:this\s+week|within\s+days|"
            r"today|tomorrow|urgently|asap|now)\b",
        ),
        absent=(
            r"\bslow(?:ly)?\s+(?:progressing|progressive|progression|rising|growing|kinetics|tempo)",
            r"\bindolent\b",
            r"\bstable\s+disease\b",
            r"\bcan\s+(?:afford\s+to\s+)?wait\b",
            r"\bno\s+rush\b",
            r"\bnot\s+urgent\b",
        ),
    ),
    BooleanFact(
        "prior_car_t_manufacturing_failure",
        present=(
            r"\b(?:car[\s-]?t\s+|cell\s+|product\s+)?manufactur(?:ing|e)\s+(?:failure|failed|was\s+unsuccessful|unsuccessful|problems?)",
            r"\bfailed\s+(?:car[\s-]?t\s+)?(?:manufactur(?:ing|e)|production)",
            r"\bproduction\s+failure\b",
            r"\bproduct\s+(?:failed|failure|was\s+out\s+of\s+spec(?:ification)?|out\s+of\s+spec(?:ification)?|could\s+not\s+be\s+(?:made|manufactured))",
            r"\b(?:out[\s-]of[\s-]spec(?:ification)?|oos)\s+product\b",
            r"\b(?:could\s+not|couldn't|unable\s+to|failed\s+to)\s+(?:make|manufacture|produce|generate|expand)\s+(?:the\s+|a\s+)?(?:car[\s-]?t\s+)?(?:cells|product)",
        ),
        absent=(r"\bmanufactur(?:ing|e|ed)\s+(?:was\s+)?(?:successful(?:ly)?|succeeded|fine|ok|without\s+(?:any\s+)?(?:issues?|problems?))",),
    ),
    BooleanFact(
        "prefers_no_pump",
        present=(
            rf"\b(?:doesn't|does\s+not|don't|do\s+not|wouldn't|would\s+not|won't|will\s+not)\s+(?:want|like|accept|tolerate|carry|manage)\s+(?:to\s+(?:carry|have|wear|use)\s+)?{_PUMP}",
            rf"\b(?:can't|cannot|can\s+not|unable\s+to|couldn't|could\s+not)\s+(?:manage|handle|carry|cope\s+with|look\s+after)\s+{_PUMP}",
            rf"\b(?:refuses?|refused|declines?|declined|hates?|dislikes?|against|avoid|avoiding)\s+{_PUMP}",
            rf"\b(?:prefers?|preference|would\s+prefer|wants?)\s+(?:not\s+to\s+(?:have|carry|use)|to\s+avoid|no)\s+{_PUMP}",
            rf"\bwould\s+rather\s+not\s+(?:have|carry|use|wear)\s+{_PUMP}",
            r"\bno\s+pump\b",
            rf"\bsaid\s+no\s+to\s+(?:\w+ing\s+)?{_PUMP}",
            r"\bpump[\s-]+averse\b",
            # The aversion first, then a few words, then the pump, within one clause: "doesn't want to be
            # tied to a pump", "hates the thought of wearing an infusion pump", "not keen on lugging a pump".
            rf"\b(?:(?:doesn't|does\s+not|don't|do\s+not|wouldn't|would\s+not|won't|will\s+not)\s+(?:want|like|fancy)|"
            rf"hates?|dislikes?|dreads?|refuses?|declines?|not\s+keen|isn't\s+keen|reluctant|can't\s+face|"
            rf"(?:would|'d)\s+rather\s+not|objects?|avoid|avoiding)\b[^.;,!?\n]{{0,40}}?\b{_PUMP}\b",
            r"\b(?:no|poor|unreliable|difficult|limited)\s+(?:reliable\s+)?(?:iv|venous|intravenous)\s+access\b",
        ),
        absent=(
            rf"\b(?:happy|fine|ok|okay|comfortable|willing|content|able)\s+(?:with|to\s+(?:have|carry|use|wear|manage))\s+"
            rf"(?:carrying\s+|having\s+|wearing\s+|using\s+)?{_PUMP}",
            rf"\b(?:doesn't|does\s+not|don't|wouldn't)\s+mind\s+(?:carrying|having|wearing|using|being\s+on)?\s*{_PUMP}",
            rf"\bcan\s+(?:manage|handle|carry)\s+{_PUMP}",
            r"\bpump\s+(?:is\s+)?(?:fine|ok|okay|no\s+problem|not\s+(?:an?\s+)?(?:problem|issue|concern|barrier))\b",
            rf"\bno\s+problem\s+with\s+{_PUMP}",
        ),
    ),
)

# The family chooses the logistics for a child: "mum doesn't want a pump" is the patient's preference.
_SPEAKS_FOR: dict[str, tuple[Kind, ...]] = {"prefers_no_pump": ("relative",)}

def _apostrophes(pattern: str) -> str:
    """Contractions typed without their apostrophe ("doesnt", "cant", "wont") read as with it."""
    return pattern.replace("n't", "n'?t")


_COMPILED = tuple(
    (
        fact.field,
        tuple(re.compile(_apostrophes(p), _I) for p in fact.absent_as_stated),
        tuple(re.compile(_apostrophes(p), _I) for p in fact.absent),
        tuple(re.compile(_apostrophes(p), _I) for p in fact.present),
    )
    for fact in FACTS
)


def extract_flags(c: Collector) -> None:
    for field, as_stated, absent, present in _COMPILED:
        # (patterns, value, value when negated)
        for patterns, value, negated in ((as_stated, False, False), (absent, False, True), (present, True, False)):
            # In the order of the message, so a "no" already read as part of one phrase ("no rush") is
            # not read again as negating the next ("- we can wait").
            matches = sorted(m.span() for pattern in patterns for m in pattern.finditer(c.low))
            for start, end in matches:
                if c.free(start, end):
                    c.claim(start, end)
                    c.judge(field, value, start, end, negated=negated, speaks_for=_SPEAKS_FOR.get(field, ()))
