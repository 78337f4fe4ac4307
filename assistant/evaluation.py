"""The chat evaluation: scores answers against ``assistant/eval/chat.yaml`` and runs it on an engine.

The scoring functions are pure and take any response shaped like ``ChatResponse`` (attributes or
dict keys), so they can be tested on small hand-made responses. ``run_chat_eval`` asks a real engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field

EVAL_FILE = Path(__file__).resolve().parent / "eval" / "chat.yaml"
NOT_COVERED = "does not cover"
AGENTS = ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel")
_MARKER = re.compile(r"\[(\d+)\]")

# The thresholds of issue 5 ("Done when").
THRESHOLDS = {"fact_accuracy": 0.95, "marker_resolution": 1.0, "out_of_scope_accuracy": 0.90}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionItem(_Strict):
    id: str
    question: str
    must_state: list[str] = Field(min_length=1, description="Exact strings a correct answer contains")
    cite_any: list[str] = Field(min_length=1, description="At least one of these passages must be cited")
    acceptable: list[str] = Field(default_factory=list, description="Further passages fine to cite")


class OutOfScopeItem(_Strict):
    id: str
    question: str


AgentKey = Literal["blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"]


class TurnSpec(_Strict):
    say: str
    expect_patient: dict[str, Any] = Field(default_factory=dict)
    expect_absent: list[str] = Field(default_factory=list)
    expect_flags: dict[AgentKey, list[str]] = Field(default_factory=dict, description="CODE or CODE:severity")
    expect_no_flags: dict[AgentKey, list[str]] = Field(default_factory=dict)
    expect_suitable: dict[AgentKey, bool] = Field(default_factory=dict)
    expect_label: dict[AgentKey, Literal["on_label", "off_label", "unknown"]] = Field(default_factory=dict)
    expect_answer_contains: list[str] = Field(default_factory=list)
    expect_answer_excludes: list[str] = Field(default_factory=list)
    expect_transcript_excludes: list[str] = Field(default_factory=list)
    expect_asks_for: list[str] = Field(default_factory=list)


class ScriptItem(_Strict):
    id: str
    turns: list[TurnSpec] = Field(min_length=1)


class ChatEvalSet(_Strict):
    questions: list[QuestionItem]
    out_of_scope: list[OutOfScopeItem]
    scripts: list[ScriptItem]


def load_eval_set(path: Path = EVAL_FILE) -> ChatEvalSet:
    return ChatEvalSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# -- results -----------------------------------------------------------------------------------
class QuestionResult(BaseModel):
    id: str
    question: str
    facts_missing: list[str]
    facts_total: int
    cited: list[str]
    off_target: list[str] = Field(description="Cited passages in neither cite_any nor acceptable")
    recall_hit: bool = Field(description="At least one cite_any passage was cited")
    marker_problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.facts_missing and self.recall_hit and not self.marker_problems


class OutOfScopeResult(BaseModel):
    id: str
    question: str
    says_not_covered: bool
    cited: list[str]
    marker_problems: list[str]

    @property
    def passed(self) -> bool:
        return self.says_not_covered and not self.cited


class ExpectationFailure(BaseModel):
    turn: int
    say: str
    expectation: str
    detail: str


class ScriptResult(BaseModel):
    id: str
    failures: list[ExpectationFailure]
    marker_problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


class ChatEvalReport(BaseModel):
    questions: list[QuestionResult]
    out_of_scope: list[OutOfScopeResult]
    scripts: list[ScriptResult]
    fact_accuracy: float = Field(description="Share of must_state strings found in the answers")
    questions_passed: int = Field(description="Questions with every fact, a cite_any hit and sound markers")
    citation_precision: float = Field(description="Share of cited passages in cite_any or acceptable")
    citation_recall: float = Field(description="Share of questions citing at least one cite_any passage")
    marker_resolution: float = Field(description="Share of all answers whose markers and citations match")
    out_of_scope_accuracy: float
    scripts_passed: int
    scripts_total: int

    @property
    def meets_thresholds(self) -> bool:
        return (
            self.fact_accuracy >= THRESHOLDS["fact_accuracy"]
            and self.marker_resolution >= THRESHOLDS["marker_resolution"]
            and self.out_of_scope_accuracy >= THRESHOLDS["out_of_scope_accuracy"]
            and self.scripts_passed == self.scripts_total
        )


# -- pure scoring ------------------------------------------------------------------------------
def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def missing_facts(answer: str, must_state: Iterable[str]) -> list[str]:
    """The required strings the answer lacks, folded as the held-out splits fold them (case, spacing, dashes)."""
    from assistant.heldout import fold

    text = fold(answer)
    return [fact for fact in must_state if fold(fact) not in text]


def cited_passages(response: Any) -> list[str]:
    return [str(_get(c, "passage_id")) for c in _get(response, "citations", None) or []]


def marker_problems(answer: str, citations: Iterable[Any]) -> list[str]:
    """Every [n] in the text must resolve to a citation, and every citation must be used."""
    numbers = [int(_get(c, "marker")) for c in citations]
    used = {int(n) for n in _MARKER.findall(answer)}
    problems = [f"[{n}] has no citation" for n in sorted(used - set(numbers))]
    problems += [f"citation {n} is never used" for n in sorted(set(numbers) - used)]
    problems += [
        f"marker {n} appears on several citations"
        for n in sorted({n for n in numbers if numbers.count(n) > 1})
    ]
    return problems


def says_not_covered(answer: str) -> bool:
    return NOT_COVERED in _norm(answer)


def score_question(item: QuestionItem, response: Any) -> QuestionResult:
    answer = str(_get(response, "answer", ""))
    cited = cited_passages(response)
    allowed = set(item.cite_any) | set(item.acceptable)
    return QuestionResult(
        id=item.id,
        question=item.question,
        facts_missing=missing_facts(answer, item.must_state),
        facts_total=len(item.must_state),
        cited=cited,
        off_target=[p for p in cited if p not in allowed],
        recall_hit=bool(set(cited) & set(item.cite_any)),
        marker_problems=marker_problems(answer, _get(response, "citations", None) or []),
    )


def score_out_of_scope(item: OutOfScopeItem, response: Any) -> OutOfScopeResult:
    answer = str(_get(response, "answer", ""))
    return OutOfScopeResult(
        id=item.id,
        question=item.question,
        says_not_covered=says_not_covered(answer),
        cited=cited_passages(response),
        marker_problems=marker_problems(answer, _get(response, "citations", None) or []),
    )


def _flags_by_agent(assessment: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {
        str(entry["agent"]): {str(f["code"]): str(f.get("severity", "")) for f in entry.get("flags", [])}
        for entry in assessment.get("agents", [])
    }


def _flag_matches(expected: str, flags: Mapping[str, str]) -> bool:
    code, _, severity = expected.partition(":")
    return code in flags and (not severity or flags[code] == severity)


def check_turn(spec: TurnSpec, response: Any, transcript: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Each unmet expectation of one turn as (expectation, detail); empty when the turn passes."""
    failures: list[tuple[str, str]] = []
    answer = str(_get(response, "answer", ""))
    patient: Mapping[str, Any] = _get(response, "patient", None) or {}
    for name, want in spec.expect_patient.items():
        have = patient.get(name)
        ok = (
            (isinstance(have, list) and all(v in have for v in want))
            if isinstance(want, list)
            else have == want
        )
        if not ok:
            failures.append((f"expect_patient.{name}", f"wanted {want!r}, patient has {have!r}"))
    for name in spec.expect_absent:
        if patient.get(name) is not None:
            failures.append((f"expect_absent.{name}", f"still set to {patient[name]!r}"))
    failures += _check_assessment(spec, _get(response, "assessment", None))
    for text in spec.expect_answer_contains:
        if _norm(text) not in _norm(answer):
            failures.append(("expect_answer_contains", f"answer lacks {text!r}"))
    for text in spec.expect_answer_excludes:
        if _norm(text) in _norm(answer):
            failures.append(("expect_answer_excludes", f"answer contains {text!r}"))
    stored = _norm(" ".join(transcript))
    for text in spec.expect_transcript_excludes:
        if _norm(text) in stored:
            failures.append(("expect_transcript_excludes", f"stored transcript contains {text!r}"))
    asked = list(_get(response, "asked_for", None) or [])
    for name in spec.expect_asks_for:
        if name not in asked:
            failures.append(("expect_asks_for", f"did not ask for {name} (asked for {asked})"))
    return failures


def _check_assessment(spec: TurnSpec, assessment: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    wanted = spec.expect_flags or spec.expect_no_flags or spec.expect_suitable or spec.expect_label
    if not wanted:
        return []
    if not assessment:
        return [("assessment", "no assessment was run this turn")]
    failures: list[tuple[str, str]] = []
    flags = _flags_by_agent(assessment)
    entries = {str(e["agent"]): e for e in assessment.get("agents", [])}
    for agent, codes in spec.expect_flags.items():
        have = flags.get(agent, {})
        for code in codes:
            if not _flag_matches(code, have):
                failures.append((f"expect_flags.{agent}", f"missing {code}; flags are {_show(have)}"))
    for agent, codes in spec.expect_no_flags.items():
        have = flags.get(agent, {})
        for code in codes:
            if _flag_matches(code, have):
                failures.append((f"expect_no_flags.{agent}", f"{code} present; flags are {_show(have)}"))
    for agent, suitable in spec.expect_suitable.items():
        got = entries.get(agent, {}).get("suitable")
        if got is not suitable:
            failures.append((f"expect_suitable.{agent}", f"wanted {suitable}, got {got}"))
    for agent, label in spec.expect_label.items():
        got = entries.get(agent, {}).get("label_status")
        if got != label:
            failures.append((f"expect_label.{agent}", f"wanted {label}, got {got}"))
    return failures


def _show(flags: Mapping[str, str]) -> str:
    return ", ".join(f"{c}:{s}" for c, s in flags.items()) or "none"


def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def summarise(
    questions: list[QuestionResult],
    out_of_scope: list[OutOfScopeResult],
    scripts: list[ScriptResult],
    marker_checks: list[bool],
) -> ChatEvalReport:
    """The figures of the report from per-item results; ``marker_checks``: one bool per answer."""
    cited = [p for q in questions for p in q.cited]
    off = [p for q in questions for p in q.off_target]
    return ChatEvalReport(
        questions=questions,
        out_of_scope=out_of_scope,
        scripts=scripts,
        fact_accuracy=_share(
            sum(q.facts_total - len(q.facts_missing) for q in questions),
            sum(q.facts_total for q in questions),
        ),
        questions_passed=sum(q.passed for q in questions),
        citation_precision=_share(len(cited) - len(off), len(cited)),
        citation_recall=_share(sum(q.recall_hit for q in questions), len(questions)),
        marker_resolution=_share(sum(marker_checks), len(marker_checks)),
        out_of_scope_accuracy=_share(sum(o.passed for o in out_of_scope), len(out_of_scope)),
        scripts_passed=sum(s.passed for s in scripts),
        scripts_total=len(scripts),
    )


# -- running -----------------------------------------------------------------------------------
class Engine(Protocol):
    def respond(self, message: str, session_id: str | None = None) -> Any: ...


def _transcript(engine: Engine, session_id: str) -> list[str]:
    store = getattr(engine, "store", None)
    record = store.get(session_id) if store is not None else None
    return [turn.text for turn in record.transcript] if record is not None else []


def run_script(engine: Engine, script: ScriptItem, marker_checks: list[bool]) -> ScriptResult:
    session_id: str | None = None
    failures: list[ExpectationFailure] = []
    markers: list[str] = []
    for number, spec in enumerate(script.turns, start=1):
        response = engine.respond(spec.say, session_id)
        session_id = str(_get(response, "session_id"))
        problems = marker_problems(str(_get(response, "answer", "")), _get(response, "citations", None) or [])
        marker_checks.append(not problems)
        markers += [f"turn {number}: {p}" for p in problems]
        transcript = _transcript(engine, session_id) if spec.expect_transcript_excludes else []
        failures += [
            ExpectationFailure(turn=number, say=spec.say, expectation=e, detail=d)
            for e, d in check_turn(spec, response, transcript)
        ]
    return ScriptResult(id=script.id, failures=failures, marker_problems=markers)


def run_chat_eval(engine: Engine, eval_set: ChatEvalSet | None = None) -> ChatEvalReport:
    """Ask every question in a fresh session, play every script, and score the answers."""
    eval_set = eval_set or load_eval_set()
    marker_checks: list[bool] = []
    questions = []
    for item in eval_set.questions:
        result = score_question(item, engine.respond(item.question))
        marker_checks.append(not result.marker_problems)
        questions.append(result)
    out_of_scope = []
    for oos in eval_set.out_of_scope:
        oos_result = score_out_of_scope(oos, engine.respond(oos.question))
        marker_checks.append(not oos_result.marker_problems)
        out_of_scope.append(oos_result)
    scripts = [run_script(engine, script, marker_checks) for script in eval_set.scripts]
    return summarise(questions, out_of_scope, scripts, marker_checks)


def format_report(report: ChatEvalReport) -> str:
    """The figures, then every failure with its detail."""

    def pct(value: float) -> str:
        return f"{value * 100:.1f}%"

    nq = len(report.questions)
    lines = [
        f"fact accuracy          {pct(report.fact_accuracy)}  "
        f"({report.questions_passed}/{nq} questions fully right)",
        f"citation precision     {pct(report.citation_precision)}",
        f"citation recall        {pct(report.citation_recall)}",
        f"marker resolution      {pct(report.marker_resolution)}",
        f"out-of-scope accuracy  {pct(report.out_of_scope_accuracy)}  "
        f"({sum(o.passed for o in report.out_of_scope)}/{len(report.out_of_scope)})",
        f"scripts passed         {report.scripts_passed}/{report.scripts_total}",
        f"thresholds             {'met' if report.meets_thresholds else 'NOT met'}",
    ]
    for q in report.questions:
        if q.passed and not q.off_target:
            continue
        problems = []
        if q.facts_missing:
            problems.append(f"missing {q.facts_missing}")
        if not q.recall_hit:
            problems.append("no cite_any passage cited")
        if q.off_target:
            problems.append(f"off-target citations {q.off_target}")
        problems += q.marker_problems
        lines.append(f"- question {q.id}: {'; '.join(problems)}; cited {q.cited}")
    for o in report.out_of_scope:
        if not o.passed or o.marker_problems:
            lines.append(
                f"- out of scope {o.id}: says 'does not cover': {o.says_not_covered}; cited {o.cited}"
            )
    for s in report.scripts:
        for f in s.failures:
            lines.append(f"- script {s.id} turn {f.turn} ({f.say!r}): {f.expectation}: {f.detail}")
        for problem in s.marker_problems:
            lines.append(f"- script {s.id}: {problem}")
    return "\n".join(lines)
