"""The explanation of a graded answer, in the chat's format: Markdown whose [n] markers resolve to
citations (passage_id, section, text, refs), numbered by the same ledger the chat uses."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer import Citation, CitationLedger
from assistant.tutor.judge import SHORT_NAME
from assistant.tutor.models import Grade, Question, Reason, RuleOutput
from knowledge.pack import KnowledgePack
from tools.agents import AGENTS


@dataclass(frozen=True)
class Explanation:
    markdown: str
    why_wrong: str | None
    citations: list[Citation]


def _who(output: RuleOutput) -> str:
    agent = next((SHORT_NAME[a] for a in AGENTS if a == output.agent), None)
    return f" · {agent}" if agent else ""


def render_output(output: RuleOutput, ledger: CitationLedger) -> str:
    text = ledger.cite_each_sentence(output.text, list(output.passage_ids))
    return f"- `{output.code}` ({output.value}{_who(output)}): {text}"


def render_question(question: Question) -> str:
    """The question as plain Markdown: vignette, prompt, and the options as a lettered list."""
    lines = [question.vignette, "", f"**{question.prompt}**"]
    lines += [f"{o.key}. {o.text}" for o in question.options]
    if question.free_text:
        lines.append("_Answer in your own words._")
    return "\n".join(lines)


def render_reason(reason: Reason, ledger: CitationLedger) -> str:
    return " ".join(ledger.cite_each_sentence(part.text, list(part.passage_ids)) for part in reason)


def explain(question: Question, grade: Grade, pack: KnowledgePack) -> Explanation:
    ledger = CitationLedger(pack)
    keyed = question.keyed
    verdict = "**Correct.**" if grade.correct else "**Not quite.**"
    answer = f"{keyed.key}. {keyed.text}" if keyed else question.answer_text
    parts = [f"{verdict} The answer: **{answer}**.",
             render_reason(question.answer_reason, ledger)]
    why_wrong = None
    if not grade.correct and grade.why_wrong:
        why_wrong = render_reason(grade.why_wrong, ledger)
        chosen = f"{grade.chosen} is" if grade.chosen else "your answer is"
        parts.append(f"**Why {chosen} wrong for this patient:** {why_wrong}")
    heading = "**The evidence behind it:**" if question.fact_ref else "**Rule outputs that decide it:**"
    parts.append(heading + "\n" + "\n".join(render_output(o, ledger) for o in question.rule_outputs))
    return Explanation(markdown="\n\n".join(parts), why_wrong=why_wrong, citations=ledger.citations())
