"""Development and held-out figures, side by side, measured the same way on both splits.

The held-out split (``assistant/eval/heldout/``) was written from the review and the profile schema
alone by someone who had not read how the code reads questions, and frozen before any tuning. It is
never edited in response to a result: a failing held-out item is a symptom of a mechanism to fix,
and the fix is judged on the whole split. The development split is the project's own set
(``assistant/eval/chat.yaml`` and ``knowledge/eval/retrieval.yaml``), which the code was tuned on.

Both splits are scored by the same measures:

- facts: the answer contains every asked-for fact (each fact a group of acceptable spellings);
- citation hit: a cited passage comes from the expected review section or cites an expected reference;
- out of scope: the answer says the review does not cover it (or that it came after the review), and
  cites no review passage; in-scope questions answered with that refusal are counted separately;
- vignettes: after every turn, every profile field is exactly as expected and no other field is set;
- retrieval facts@5: every asked-for fact appears in the text of the first five passages retrieved;
- rule outcomes (sets that state them): on the profile stored after a vignette's last turn, each
  agent's label status, the flags that must (with their severity) and must not be raised, whether it
  is suitable, and the SOS risk factors named, as the rules (tools.assess) give them.

Scoring is pure (it reads responses shaped like ``ChatResponse``); ``run_split`` asks a real engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.evidence import retrieve

HELDOUT_DIR = Path(__file__).resolve().parent / "eval" / "heldout"
# A second held-out set, written on 2026-12-07 by another author from the review and the rules spec
# alone, after the first set had been looked at while changing the understanding (see the README).
HELDOUT_2_DIR = Path(__file__).resolve().parent / "eval" / "heldout_2"
# A third, written on 2026-12-07 by a third author from the review and the rules spec alone, frozen
# before it was run and before the changes measured on it (the second set had been looked at by then).
HELDOUT_3_DIR = Path(__file__).resolve().parent / "eval" / "heldout_3"
# A fourth, written on 2026-12-07 by two more authors (questions; vignettes) from the review and the
# rules spec alone, frozen before it was run: by then the third set's questions had been seen on screen.
# It is the size the issue asks for: 150 questions, 30 out of scope, 40 vignettes.
HELDOUT_4_DIR = Path(__file__).resolve().parent / "eval" / "heldout_4"
# A fifth, written on 2026-12-07 by one more author from the review and the rules spec alone, frozen
# before it was run: by then the fourth set's figures had been read in aggregate several times.
HELDOUT_5_DIR = Path(__file__).resolve().parent / "eval" / "heldout_5"
# Four development vignette sets by four authors, each written from the profile schema alone.
DEV_VIGNETTES = (
    Path(__file__).resolve().parent / "eval" / "dev_vignettes.yaml",
    Path(__file__).resolve().parent / "eval" / "dev_vignettes_2.yaml",
    Path(__file__).resolve().parent / "eval" / "dev_vignettes_3.yaml",
    Path(__file__).resolve().parent / "eval" / "dev_vignettes_4.yaml",
)
# Out-of-scope questions for development (60: 20 about later developments, 40 practical details the
# review does not give, phrased in its vocabulary), by an author who had not read the code; the scope
# judgement is developed on these and the project's own set, never on a held-out set.
DEV_OUT_OF_SCOPE = Path(__file__).resolve().parent / "eval" / "dev_out_of_scope.yaml"
Style = Literal["terse", "exam", "indirect"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Question(_Strict):
    id: str
    question: str
    style: Style | None = None
    # Every group must be found; a group lists spellings of one fact, any of which suffices.
    must_state: list[list[str]] = Field(min_length=1)
    sections: list[str] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class OutOfScope(_Strict):
    id: str
    question: str
    after_review: bool = False


class VignetteTurn(_Strict):
    say: str
    expect: dict[str, Any] = Field(default_factory=dict, description="The whole profile after this turn")


class Vignette(_Strict):
    id: str
    turns: list[VignetteTurn] = Field(min_length=1)
    # The second set also states rule outcomes on the final profile (label status, flags that must and
    # must not be raised, per agent); scored as "rule_outcomes" when present.
    expect_rules: dict[str, Any] = Field(default_factory=dict)


class Split(_Strict):
    name: str
    questions: list[Question]
    out_of_scope: list[OutOfScope]
    vignettes: list[Vignette] = Field(default_factory=list)


_SPLIT_NAMES = {"heldout": "held-out 1", "heldout_2": "held-out 2", "heldout_3": "held-out 3",
                "heldout_4": "held-out 4", "heldout_5": "held-out 5"}
# Every held-out set, oldest first. The newest is the one that counts: the older ones were looked at
# while changing the code (see the README).
HELDOUT_DIRS = (HELDOUT_DIR, HELDOUT_2_DIR, HELDOUT_3_DIR, HELDOUT_4_DIR, HELDOUT_5_DIR)


def load_heldout(directory: Path = HELDOUT_DIR) -> Split:
    questions = yaml.safe_load((directory / "questions.yaml").read_text(encoding="utf-8"))
    vignettes_file = directory / "vignettes.yaml"
    vignettes = yaml.safe_load(vignettes_file.read_text(encoding="utf-8")) if vignettes_file.exists() else {}
    return Split.model_validate(
        {
            "name": _SPLIT_NAMES.get(directory.name, directory.name),
            "questions": questions.get("questions", []),
            "out_of_scope": questions.get("out_of_scope", []),
            "vignettes": (vignettes or {}).get("vignettes", []),
        }
    )


def load_development(pack: Any) -> Split:
    """The project's own chat set in the held-out shape: sections and references of its cite_any passages."""
    from assistant.evaluation import load_eval_set

    dev = load_eval_set()
    questions = []
    for item in dev.questions:
        passages = [pack.by_id[p] for p in item.cite_any if p in pack.by_id]
        questions.append(
            Question(
                id=item.id,
                question=item.question,
                must_state=[[fact] for fact in item.must_state],
                sections=sorted({p.section for p in passages}),
                refs=sorted({r for p in passages for r in p.refs}),
            )
        )
    vignettes = [v for path in DEV_VIGNETTES if path.exists()
                 for v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("vignettes", [])]
    return Split(
        name="development",
        questions=questions,
        out_of_scope=[OutOfScope(id=o.id, question=o.question) for o in dev.out_of_scope]
        + [OutOfScope.model_validate(o) for o in yaml.safe_load(DEV_OUT_OF_SCOPE.read_text(encoding="utf-8"))
           ["out_of_scope"]],
        vignettes=vignettes,
    )


# -- pure scoring -------------------------------------------------------------------------------
_FOLD = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2265": ">=", "\u2264": "<=", "\u00a0": " "})
REFUSAL = re.compile(r"does not cover|not covered by the review|predates|came after the review|after the review")


def fold(text: str) -> str:
    """Case, dashes, and spacing folded, so "80–88%" and "80-88 %" match, and "P = .64" and "P=.64"."""
    text = text.translate(_FOLD).casefold()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?([=<>]) ?", r"\1", text)
    return re.sub(r"(?<=\d) (?=%)", "", text)


def missing_groups(text: str, must_state: Sequence[Sequence[str]]) -> list[list[str]]:
    folded = fold(text)
    return [list(group) for group in must_state if not any(fold(s) in folded for s in group)]


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def is_refusal(answer: str) -> bool:
    return bool(REFUSAL.search(fold(answer)))


def citation_hit(citations: Sequence[Any], sections: Sequence[str], refs: Sequence[int]) -> bool:
    if not sections and not refs:
        return True
    for citation in citations:
        if _get(citation, "section") in sections or set(_get(citation, "refs", None) or ()) & set(refs):
            return True
    return False


def review_citations(citations: Sequence[Any]) -> list[Any]:
    """Citations of the review itself (an updates passage may rightly be cited for a later topic)."""
    return [c for c in citations if (_get(c, "source", None) or "review") == "review"]


def profile_errors(expected: Mapping[str, Any], patient: Mapping[str, Any]) -> list[str]:
    """Fields that differ from the expected profile, including fields that should not be set."""
    errors = []
    for name in sorted(set(expected) | set(patient)):
        want, have = expected.get(name), patient.get(name)
        if isinstance(want, list) or isinstance(have, list):
            same = sorted(want or []) == sorted(have or [])
        elif isinstance(want, float) or isinstance(have, float):
            same = want is not None and have is not None and abs(float(want) - float(have)) < 0.011
        else:
            same = want == have
        if not same:
            errors.append(f"{name}: wanted {want!r}, stored {have!r}")
    return errors


def rule_errors(expected: Mapping[str, Any], patient: Mapping[str, Any]) -> list[str]:
    """Where the rules, run on the stored ``patient``, differ from the ``expected`` outcomes per agent."""
    from tools.assess import assess
    from tools.profile import PatientProfile
    from tools.rules.sos import sos_factors_present

    try:
        profile = PatientProfile.model_validate(dict(patient))
    except ValidationError as error:
        return [f"stored profile invalid: {error.errors()[0]['loc']}"]
    verdicts: dict[str, Any] = {a.agent: a for a in assess(profile).agents}
    errors: list[str] = []
    for agent, want in expected.items():
        verdict = verdicts.get(agent)
        if verdict is None:
            errors.append(f"{agent}: not assessed")
            continue
        raised = {f.code: f.severity for f in verdict.flags}
        if "label_status" in want and verdict.label_status != want["label_status"]:
            errors.append(f"{agent}: label {verdict.label_status}, wanted {want['label_status']}")
        if "suitable" in want and verdict.suitable != want["suitable"]:
            errors.append(f"{agent}: suitable {verdict.suitable}, wanted {want['suitable']}")
        for code, severity in (want.get("flags") or {}).items():
            if raised.get(code) != severity:
                errors.append(f"{agent}: {code} {raised.get(code)}, wanted {severity}")
        errors += [f"{agent}: {code} raised, wanted absent" for code in want.get("absent") or [] if code in raised]
        if want.get("sos_factors"):
            named = {factor.field for factor, _ in sos_factors_present(profile)}
            missing = set(want["sos_factors"]) - named
            if missing:
                errors.append(f"{agent}: SOS factors {sorted(named)}, missing {sorted(missing)}")
    return errors


class QuestionOutcome(BaseModel):
    id: str
    style: str | None
    facts_missing: list[list[str]]
    citation_hit: bool
    refused: bool
    retrieval_missing: list[list[str]] | None = None


class OutOfScopeOutcome(BaseModel):
    id: str
    after_review: bool
    refused: bool
    cited_review: list[str]
    marked_later: bool = Field(default=False, description="Answered from the dated updates, marked as after the review")

    @property
    def passed(self) -> bool:
        # Something that came after the review is handled honestly when the answer says the review
        # predates it, or answers from the dated updates source and says so ("Since the review").
        if self.after_review and self.marked_later:
            return True
        return self.refused and not self.cited_review


class VignetteOutcome(BaseModel):
    id: str
    turn_errors: list[list[str]]
    # None when the vignette states no rule outcomes.
    rule_errors: list[str] | None = None

    @property
    def passed(self) -> bool:
        return not any(self.turn_errors)


class SplitReport(BaseModel):
    split: str
    questions: list[QuestionOutcome]
    out_of_scope: list[OutOfScopeOutcome]
    vignettes: list[VignetteOutcome]
    vignette_fields_right: int = 0
    vignette_fields_total: int = 0

    @staticmethod
    def _share(n: int, d: int) -> float | None:
        return n / d if d else None

    @property
    def figures(self) -> dict[str, float | int | None]:
        q, o, v = self.questions, self.out_of_scope, self.vignettes
        retrieval = [x for x in q if x.retrieval_missing is not None]
        ruled = [x for x in v if x.rule_errors is not None]
        return {
            "facts": self._share(sum(not x.facts_missing for x in q), len(q)),
            "citation_hit": self._share(sum(x.citation_hit for x in q), len(q)),
            "out_of_scope": self._share(sum(x.passed for x in o), len(o)),
            "in_scope_refused": sum(x.refused for x in q),
            "vignette_cases": self._share(sum(x.passed for x in v), len(v)),
            "vignette_fields": self._share(self.vignette_fields_right, self.vignette_fields_total),
            "retrieval_facts_at_5": self._share(sum(not x.retrieval_missing for x in retrieval), len(retrieval)),
            "rule_outcomes": self._share(sum(not x.rule_errors for x in ruled), len(ruled)),
        }


# -- running ------------------------------------------------------------------------------------
class Engine(Protocol):
    def respond(self, message: str, session_id: str | None = None) -> Any: ...


class Retriever(Protocol):
    def search(self, query: str, *, k: int = 5, source: str | None = None) -> Sequence[Any]: ...


def run_split(split: Split, engine: Engine | None, retriever: Retriever | None = None) -> SplitReport:
    questions = []
    for item in split.questions:
        missing: list[list[str]] = []
        hit = refused = False
        if engine is not None:
            response = engine.respond(item.question)
            answer = str(_get(response, "answer", ""))
            citations = list(_get(response, "citations", None) or [])
            missing = missing_groups(answer, item.must_state)
            hit = citation_hit(citations, item.sections, item.refs)
            refused = is_refusal(answer) and not citations
        retrieval_missing = None
        if retriever is not None:
            hits = retrieve(retriever, item.question, k=5)
            retrieval_missing = missing_groups(" ".join(str(_get(h, "text", "")) for h in hits), item.must_state)
        questions.append(
            QuestionOutcome(
                id=item.id, style=item.style, facts_missing=missing, citation_hit=hit, refused=refused,
                retrieval_missing=retrieval_missing,
            )
        )
    out_of_scope = []
    vignettes = []
    right = total = 0
    if engine is not None:
        for oos in split.out_of_scope:
            response = engine.respond(oos.question)
            citations = list(_get(response, "citations", None) or [])
            cited = [str(_get(c, "passage_id")) for c in review_citations(citations)]
            answer = str(_get(response, "answer", ""))
            later = any((_get(c, "source", None) or "review") != "review" for c in citations)
            out_of_scope.append(
                OutOfScopeOutcome(
                    id=oos.id, after_review=oos.after_review, refused=is_refusal(answer), cited_review=cited,
                    marked_later=later and "since the review" in fold(answer),
                )
            )
        for vignette in split.vignettes:
            session_id: str | None = None
            turn_errors = []
            for turn in vignette.turns:
                response = engine.respond(turn.say, session_id)
                session_id = str(_get(response, "session_id"))
                patient = dict(_get(response, "patient", None) or {})
                errors = profile_errors(turn.expect, patient)
                fields = set(turn.expect) | set(patient)
                slots = max(len(fields), 1)  # a turn that should store nothing counts once
                total += slots
                right += slots - len(errors)
                turn_errors.append(errors)
            ruled = rule_errors(vignette.expect_rules, patient) if vignette.expect_rules else None
            vignettes.append(VignetteOutcome(id=vignette.id, turn_errors=turn_errors, rule_errors=ruled))
    return SplitReport(
        split=split.name, questions=questions, out_of_scope=out_of_scope, vignettes=vignettes,
        vignette_fields_right=right, vignette_fields_total=total,
    )


_LABELS = {
    "facts": "answer states the asked-for facts",
    "citation_hit": "a citation from the right section or reference",
    "out_of_scope": "out-of-scope questions refused honestly",
    "in_scope_refused": "in-scope questions refused (count)",
    "vignette_cases": "vignettes: every fact stored right (cases)",
    "vignette_fields": "vignettes: fields stored right",
    "retrieval_facts_at_5": "retrieval: all asked-for facts in the top 5",
    "rule_outcomes": "vignettes: rule outcomes right on the stored profile",
}


def format_side_by_side(reports: Sequence[SplitReport]) -> str:
    """One row per measure, one column per split; the held-out column is the one that counts."""

    def cell(value: float | int | None, key: str) -> str:
        if value is None:
            return "-"
        return str(value) if key == "in_scope_refused" else f"{value * 100:.1f}%"

    header = f"{'measure':52}" + "".join(f"{r.split:>14}" for r in reports)
    lines = [header]
    for key, label in _LABELS.items():
        lines.append(f"{label:52}" + "".join(f"{cell(r.figures[key], key):>14}" for r in reports))
    return "\n".join(lines)


def format_failures(report: SplitReport, *, limit: int = 400) -> str:
    lines = []
    for q in report.questions:
        if q.facts_missing or not q.citation_hit or q.refused:
            lines.append(f"- {q.id}: missing {q.facts_missing} cite_hit={q.citation_hit} refused={q.refused}")
        if q.retrieval_missing:
            lines.append(f"- {q.id} retrieval missing {q.retrieval_missing}")
    for o in report.out_of_scope:
        if not o.passed:
            lines.append(f"- {o.id}: refused={o.refused} cited={o.cited_review}")
    for v in report.vignettes:
        for n, errors in enumerate(v.turn_errors, start=1):
            if errors:
                lines.append(f"- {v.id} turn {n}: {errors}")
        if v.rule_errors:
            lines.append(f"- {v.id} rules: {v.rule_errors}")
    return "\n".join(lines[:limit])
