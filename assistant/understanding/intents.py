"""What a message asks: `classify("Compare blina and InO", has_patient=False)`.

The first rule that fits decides, in this order (``Intent.reason`` says which one):

1. greeting, help or quiz, when that is the whole point of the message;
2. out of scope: another disease or drug, doses, prices, news after the review (2020), or
   nothing to do with medicine; a patient's own history ("progressed on dasatinib") does not count;
3. comparison ("compare", "vs", "difference between") and explicit sequencing ("sequence",
   "order", "bridge", "before or after");
4. an assessment of this patient: the message states patient facts, or a patient is known and the
   message asks about them ("what do you suggest?", "is she eligible?");
5. implicit sequencing ("CAR T after blina?"), definitions ("what is SOS?"), evidence questions;
6. with a patient known, anything else is about them; without one, it is outside the review.
"""

from __future__ import annotations

import itertools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.understanding import lexicon as lx
from assistant.understanding.facts import MAX_CHARS, FactUpdate, extract_facts
from assistant.understanding.scope import normalise
from assistant.understanding.vocabulary import AGENT_PATTERNS, AgentKey, mentioned_agents

IntentKind = Literal[
    "evidence_fact",
    "patient_assessment",
    "patient_toxicity",
    "comparison",
    "sequencing",
    "definition",
    "out_of_scope",
    "greeting",
    "help",
    "quiz",
]


class Intent(BaseModel):
    """What is asked, which of the review's agents it names, and what it is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: IntentKind
    agents: list[AgentKey] = Field(
        default_factory=list, description="Agents named, in order of first mention"
    )
    topics: list[str] = Field(default_factory=list, description="Subjects named: sos, crs, cns, label, ...")
    is_question: bool = False
    subject: str | None = Field(default=None, description="Out of scope: what the review does not cover")
    reason: str = Field(default="", description="The rule that decided (for logs and tests)")


_I = re.IGNORECASE
_GREETING = re.compile(
    r"(?:hi|hello|hey|hiya|howdy|yo|good\s+(?:morning|afternoon|evening|day)|greetings|thanks?(?:\s+you)?(?:\s+(?:very|so)\s+much)?"
    r"|thank\s+you(?:\s+(?:very|so)\s+much)?|many\s+thanks|cheers|ok(?:ay)?|great|cool|perfect|bye|goodbye|see\s+you)"
    r"(?:[\s,!.]+(?:there|all|everyone|doc|again|team|bot))*[\s!.,:)]*",
    _I,
)
_HELP = re.compile(
    r"\s*(?:help|menu|commands|usage|instructions|\?+|what\s+can\s+you\s+do|how\s+(?:do\s+i|can\s+i|to)\s+use\s+(?:this|you)"
    r"|what\s+(?:can|should)\s+i\s+ask|what\s+do\s+you\s+(?:know|cover|do)|who\s+are\s+you|what\s+are\s+you"
    r"|how\s+does\s+this\s+work|what\s+is\s+this(?:\s+tool)?|what\s+(?:does|is)\s+(?:the\s+|this\s+)?review\s+(?:cover|about)"
    r"|what\s+topics)\b.*",
    _I,
)
_QUIZ = re.compile(
    r"\b(?:quiz\s+me|test\s+me|test\s+my\s+knowledge|ask\s+me\s+(?:a\s+)?questions?|practi[cs]e\s+questions?|"
    r"(?:give|send)\s+me\s+(?:a\s+)?(?:quiz|question|mcq)|mcqs?|board[\s-]style|flash\s?cards?|quiz)\b",
    _I,
)
_COMPARE = re.compile(
    r"\b(?:compare[sd]?|comparing|comparison|difference(?:s)?\s+between|differ(?:s|ences?)?|head[\s-]to[\s-]head|"
    r"pros\s+and\s+cons|better\s+than|worse\s+than|superior|inferior|relative\s+(?:efficacy|toxicity|merits))\b",
    _I,
)
_VERSUS = re.compile(r"\b(?:vs\.?|versus|v\.?s\.?)(?!\w)", _I)
_CHOICE = re.compile(r"\b(?:which|better|best|prefer\w*|choose|choice|or)\b", _I)
_SEQUENCE = re.compile(
    r"\b(?:sequenc\w*|order(?:ing)?\s+(?:of|to|for|should)|(?:what|which|right|best|correct|optimal)\s+order|which\s+(?:one\s+|agent\s+)?first|"
    r"what\s+(?:comes\s+|to\s+give\s+|should\s+come\s+)?first|first\s+or\s+second|before\s+or\s+after|bridg\w*|"
    r"followed\s+by|one\s+after\s+(?:the\s+)?other|back[\s-]to[\s-]back)\b",
    _I,
)
_NEXT = re.compile(
    r"\b(?:what(?:'s|\s+is)?\s+next|next\s+(?:step|line|option)s?|what\s+(?:to\s+give|comes|should\s+come|would\s+you\s+"
    r"(?:give|use))\s+(?:after|next)|after\s+(?:failing|failure\s+of|progression\s+on|relapse\s+(?:on|after)))\b",
    _I,
)
_ORDER_WORD = re.compile(r"\b(?:after|before|then|following|prior\s+to|post|once)\b", _I)
# "What is the SOS rate with InO after HSCT?" asks for a figure, not for an order of treatments.
_ASKS_FOR_A_FIGURE = re.compile(
    r"\b(?:rates?|risks?|incidence|how\s+(?:many|often|common|likely)|proportion|percentage|odds|survival|os|efs|"
    r"response|number|median|frequent|common|likely|higher|lower|increase[sd]?|more|less)\b",
    _I,
)
_HSCT = re.compile(r"\b(?:hsct|transplant\w*|allo(?:geneic)?|bmt|sct)\b", _I)
_ANCHOR = re.compile(
    r"\b(?:she|he|her|him|his|they|them|their|this\s+patient|my\s+patient|our\s+patient|the\s+patient|"
    r"this\s+(?:man|woman|boy|girl|case|child))\b",
    _I,
)
_ASSESS = re.compile(
    r"\b(?:what\s+(?:do|would)\s+you\s+(?:suggest|recommend|advise|do|give|use|choose|pick|think)|recommend\w*|suggest\w*|"
    r"which\s+(?:agent|drug|therapy|treatment|option|one)|options?|best\s+(?:option|choice|agent|therapy|treatment|next\s+step)|"
    r"what\s+(?:should|would|can|could)\s+(?:we|i)\s+(?:do|give|use|try|offer|start)|what\s+next|next\s+steps?|"
    r"candidate|eligible|eligibility|suitable|(?:can|could|should)\s+(?:she|he|they|we|i)\s+(?:get|have|receive|give|use|try|"
    r"start|go)|on[\s-]label|what\s+about|how\s+about|thoughts|assess\w*|evaluate|choose|pick|fit\s+for)\b",
    _I,
)
_TOXICITY_TOPICS = frozenset({"toxicity", "sos", "crs", "icans"})
# "with each agent", "for the three", "watch for with them": the agents taken together, for this patient.
_EACH_AGENT = re.compile(
    r"\b(?:each|every|all\s+(?:three|3)|the\s+(?:three|3)|these|them|those)(?:\s+(?:agents?|drugs?|options?|"
    r"therap\w*|ones?))?\b|\bwatch\s+(?:for|out)\b|\bmonitor\s+for\b",
    _I,
)
_DEFINITION = re.compile(
    r"^\s*(?:(?:what\s+(?:is|are)|what's|whats)\s+(?:an?\s+|the\s+)?(?P<term>[^?]{1,60}?)\s*\??\s*$"
    r"|define\s|definition\s+of|meaning\s+of|what\s+is\s+meant\s+by|what\s+do\s+you\s+mean\s+by"
    r"|what\s+does\s+(?P<meant>.{1,40}?)\s+(?:stand\s+for|mean)\b|how\s+does\s+(?P<works>.{1,40}?)\s+work\b"
    r"|explain\s+what\s)",
    _I,
)
_DEFINITION_WORDS = re.compile(
    r"\b(?:stand\s+for|meaning\s+of|definition|define|abbreviation|acronym|mechanism|what\s+is\s+meant|what\s+do\s+you\s+mean)\b",
    _I,
)
_EVIDENCE_WORDS = re.compile(
    r"\b(?:rates?|risks?|incidence|survival|response|respond|doses?|dosing|percent\w*|how\s+many|median|efficacy|outcomes?|"
    r"results?|data|evidence|chance|cr|os|efs|likelihood|best|difference|label|approved|approval|indication|cut-?off|"
    r"threshold|role|benefit|duration|when|frequency|proportion|number|toxicit\w*|side\s+effects?|trial|study|with|after|"
    r"for|in|versus|vs|compared|between|of)\b",
    _I,
)
_QUESTION_START = re.compile(
    r"^\s*(?:what|which|who|when|where|why|how|is|are|was|were|do|does|did|can|could|should|would|will|may|might|has|have)\b",
    _I,
)


def classify(text: str, *, has_patient: bool, facts: FactUpdate | None = None) -> Intent:
    """The kind of answer ``text`` wants; ``has_patient`` says whether patient facts are known.
    ``facts`` is ``extract_facts(text)`` when the caller already has it (saves reading twice)."""
    clean = normalise(text[:MAX_CHARS]).strip()
    agents = mentioned_agents(clean)
    topics = [name for name, pattern in lx.TOPICS if pattern.search(clean)]
    question = clean.endswith("?") or bool(_QUESTION_START.match(clean))

    def intent(kind: IntentKind, reason: str, subject: str | None = None) -> Intent:
        return Intent(
            kind=kind, agents=agents, topics=topics, is_question=question, subject=subject, reason=reason
        )

    if not re.search(r"\w", clean):
        return intent("help", "empty message")
    if _GREETING.fullmatch(clean):
        return intent("greeting", "greeting only")
    if _HELP.fullmatch(clean):
        return intent("help", "asks what the assistant does")
    if _QUIZ.search(clean):
        return intent("quiz", "asks for a quiz")

    facts = facts if facts is not None else extract_facts(clean)
    stated = bool(facts.set or facts.cleared or facts.withdrawn or facts.reset)
    subject = _outside_the_review(clean, agents, stated)
    if subject:
        return intent("out_of_scope", "names something the review does not cover", subject)

    asked = _without_fact_words(clean, facts)
    if _COMPARE.search(asked) or (
        _VERSUS.search(asked) and (agents or re.search(r"\boptions|agents\b", asked, _I))
    ):
        return intent("comparison", "asks to compare")
    if _SEQUENCE.search(asked):
        return intent("sequencing", "asks about order")
    if _two_steps_in_order(" ".join(_questions(clean))) and not _ASKS_FOR_A_FIGURE.search(clean):
        return intent("sequencing", "asks whether one treatment should follow another")
    if stated:
        return intent("patient_assessment", "states patient facts")
    if has_patient and set(topics) & _TOXICITY_TOPICS and (
        _ASSESS.search(clean) or _ANCHOR.search(clean) or _EACH_AGENT.search(clean)
    ):
        return intent("patient_toxicity", "asks which toxicities to expect for the known patient")
    if has_patient and (_ASSESS.search(clean) or _ANCHOR.search(clean)):
        return intent("patient_assessment", "asks about the known patient")
    if _NEXT.search(clean) or (_two_steps_in_order(clean) and not _ASKS_FOR_A_FIGURE.search(clean)):
        return intent("sequencing", "asks what comes after what")
    if _is_definition(clean):
        return intent("definition", "asks what a term means")
    if len(agents) >= 2 and _CHOICE.search(clean):
        return intent("comparison", "asks to choose between agents")
    if agents or topics or lx.DOMAIN.search(clean):
        return intent("evidence_fact", "asks about the evidence")
    if has_patient:
        return intent("patient_assessment", "a patient is known")
    # No word of the field is not evidence of being outside it ("do the authors think the disease is
    # short of options?"): retrieval judges whether the review answers it (assistant.scope).
    return intent("evidence_fact", "no term of the field: the evidence decides")


def _outside_the_review(text: str, agents: list[AgentKey], stated: bool) -> str | None:
    scoped = lx.IN_SCOPE_MENTIONS.sub(" ", text)
    if lx.GENERAL.search(scoped):
        return "general questions unrelated to the review"
    disease = lx.OTHER_DISEASE.search(scoped)
    if disease:
        return f"{disease.group(0)} (the review covers relapsed/refractory B-ALL only)"
    if lx.COST.search(scoped):
        return "costs and prices"
    if lx.INFECTION_AND_VACCINES.search(scoped):
        return "vaccination and infection management"
    if lx.AFTER_THE_REVIEW.search(scoped) and not stated:
        return "developments after the review (2020)"
    drug = lx.OTHER_DRUG.search(scoped)
    if drug and not stated:
        return f"{drug.group(0)} (not one of the review's agents)"
    # A dose is not suspected from its word: whether the passages state the dose asked for is judged
    # from them (assistant.scope), so "with step-up dosing, how often did CRS occur?" is answered.
    return None


def _without_fact_words(text: str, facts: FactUpdate) -> str:
    """The message with the words that stated facts removed: "bridge to transplant" as a plan
    is a fact, not a question about sequencing."""
    out = " ".join(text.split())
    for words in facts.evidence.values():
        for part in words.split("; "):
            out = out.replace(part, " ")
    return out


def _two_steps_in_order(text: str) -> bool:
    """Two treatments linked by an order word in one sentence: "CAR T after blina?", "InO then HSCT"."""
    for sentence in re.split(r"[.;!?\n]", text):
        steps = sorted(
            [(m.start(), m.end(), key) for key, p in AGENT_PATTERNS.items() for m in p.finditer(sentence)]
            + [(m.start(), m.end(), "hsct") for m in _HSCT.finditer(sentence)]
        )
        for (_, end, first), (start, _, second) in itertools.pairwise(steps):
            if first != second and _ORDER_WORD.search(sentence[end:start]):
                return True
    return False


def _questions(text: str) -> list[str]:
    return [q for q in re.findall(r"[^.;!?\n]*\?", text)]


def _is_definition(text: str) -> bool:
    match = _DEFINITION.match(text)
    if not match:
        return False
    if _DEFINITION_WORDS.search(text):
        return True
    term = match.group("term") or match.group("meant") or match.group("works")
    # "What is SOS?" asks for a definition; "What is the SOS rate with InO?" asks for a figure.
    return term is None or (len(term.split()) <= 4 and not _EVIDENCE_WORDS.search(term))
