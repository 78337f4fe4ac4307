"""The explanation of a graded answer, in the chat's format: Markdown whose [n] markers resolve to
citations (passage_id, section, text, refs), numbered by the same ledger the chat uses.

Its order is the order a teacher would use: the verdict and the answer, one teaching point in plain
clinical language, what the learner's own choice got wrong, then the evidence with its citations.
No code of the tools reaches the learner (words.py names each one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import Citation, CitationLedger
from assistant.tutor.contrast import what_it_gets_wrong
from assistant.tutor.judge import SHORT_NAME
from assistant.tutor.models import Claim, Grade, Question, Reason, RuleOutput, plain
from assistant.tutor.words import plain_words
from knowledge.pack import KnowledgePack
from tools.agents import AGENTS


@dataclass(frozen=True)
class Explanation:
    markdown: str
    why_wrong: str | None
    citations: list[Citation]


def _who(output: RuleOutput) -> str:
    return next((f"{SHORT_NAME[a][:1].upper()}{SHORT_NAME[a][1:]}: " for a in AGENTS if a == output.agent), "")


def render_output(output: RuleOutput, ledger: CitationLedger) -> str:
    text = ledger.cite_each_sentence(plain_words(output.text), list(output.passage_ids))
    return f"- {_who(output)}{text}"


def render_question(question: Question) -> str:
    """The question as plain Markdown: vignette, prompt, and the options as a lettered list."""
    lines = [question.vignette, "", f"**{question.prompt}**"]
    lines += [f"{o.key}. {o.text}" for o in question.options]
    if question.free_text:
        lines.append("_Answer in your own words._")
    return "\n".join(lines)


def render_reason(reason: Reason, ledger: CitationLedger) -> str:
    return " ".join(ledger.cite_each_sentence(plain_words(part.text), list(part.passage_ids)) for part in reason)


def teaching_point(question: Question) -> str:
    """The one sentence to remember: the keyed reason's first sentence, in words, without citations."""
    first = question.answer_reason[0].text if question.answer_reason else question.answer_text
    # The review's own reference numbers ("[58]") would read as citation markers: the point has none.
    words = re.sub(r"\s*\[\d+(?:[,\u2013-]\d+)*\]", "", plain_words(first)).strip()
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z])", words)[0]
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def _why_wrong(question: Question, grade: Grade, said: Claim | None, ledger: CitationLedger) -> str | None:
    if grade.correct or not grade.why_wrong:
        return None
    specific = what_it_gets_wrong(question, said) if said is not None else []
    # The judge's reason, unless it only restates the keyed answer's (then the contrast says it all).
    own = render_reason(grade.why_wrong, ledger) if plain(grade.why_wrong) != plain(question.answer_reason) else ""
    return " ".join([*specific, own]).strip() or render_reason(grade.why_wrong, ledger)


def explain(question: Question, grade: Grade, pack: KnowledgePack, *, said: Claim | None = None) -> Explanation:
    """``said``: the claim a free-text answer made (an option's claim is found from ``grade.chosen``)."""
    ledger = CitationLedger(pack)
    keyed = question.keyed
    chosen = next((o for o in question.options if o.key == grade.chosen), None)
    said = chosen.claim if chosen is not None else said
    verdict = "**Correct.**" if grade.correct else "**Not quite.**"
    answer = f"{keyed.key}. {keyed.text}" if keyed else question.answer_text
    parts = [f"{verdict} The answer: **{answer}**.", f"**Teaching point:** {teaching_point(question)}"]
    why_wrong = _why_wrong(question, grade, said, ledger)
    if why_wrong:
        who = f"{chosen.key} is" if chosen else "your answer is"
        parts.append(f"**Why {who} wrong for this patient:** {why_wrong}")
    evidence = [render_reason(question.answer_reason, ledger)]
    evidence += [render_output(o, ledger) for o in question.rule_outputs if o.tool != "check_eligibility"]
    parts.append("**The evidence:**\n" + evidence[0] + ("\n" + "\n".join(evidence[1:]) if evidence[1:] else ""))
    return Explanation(markdown="\n\n".join(parts), why_wrong=why_wrong, citations=ledger.citations())
