"""The chat evaluation: its sets are grounded in the pack, its scoring is right, and the engine meets
the thresholds of issue 5 on the offline default path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation import (
    THRESHOLDS,
    ChatEvalReport,
    OutOfScopeItem,
    QuestionItem,
    TurnSpec,
    check_turn,
    format_report,
    load_eval_set,
    marker_problems,
    missing_facts,
    run_chat_eval,
    says_not_covered,
    score_out_of_scope,
    score_question,
    summarise,
)
from assistant.settings import Settings
from knowledge.pack import default_pack

AGENT_ORDER = ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel")


def _response(answer: str, cited: tuple[str, ...] | list[str] = (), **extra: Any) -> dict[str, Any]:
    citations = [{"marker": n, "passage_id": p} for n, p in enumerate(cited, start=1)]
    return {"session_id": "s_test", "answer": answer, "citations": citations, **extra}


def _assessment(**flags_by_agent: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "agents": [
            {
                "agent": agent,
                "label_status": "on_label",
                "suitable": not any(sev == "critical" for _, sev in flags_by_agent.get(agent, [])),
                "flags": [{"code": c, "severity": s} for c, s in flags_by_agent.get(agent, [])],
            }
            for agent in AGENT_ORDER
        ]
    }


# -- the sets themselves --------------------------------------------------------------------------
def test_eval_set_has_the_sizes_issue_5_asks_for() -> None:
    eval_set = load_eval_set()
    assert len(eval_set.questions) >= 65
    assert len(eval_set.out_of_scope) >= 12
    assert len(eval_set.scripts) >= 12


def test_eval_ids_are_unique() -> None:
    eval_set = load_eval_set()
    ids = (
        [q.id for q in eval_set.questions]
        + [o.id for o in eval_set.out_of_scope]
        + [s.id for s in eval_set.scripts]
    )
    assert len(ids) == len(set(ids))


def test_every_cited_passage_exists_in_the_pack_or_its_updates() -> None:
    pack = default_pack()
    unknown = {
        (q.id, p)
        for q in load_eval_set().questions
        for p in [*q.cite_any, *q.acceptable]
        if pack.citable(p) is None  # a review passage or a dated update
    }
    assert not unknown


def test_every_required_fact_is_written_in_a_passage_the_answer_should_cite() -> None:
    # A must_state string that no cite_any passage contains would test invention, not retrieval.
    pack = default_pack()
    ungrounded = []
    for q in load_eval_set().questions:
        for fact in q.must_state:
            if all(missing_facts(pack.by_id[p].text, [fact]) for p in q.cite_any):
                ungrounded.append((q.id, fact))
    assert not ungrounded


# -- pure scoring ---------------------------------------------------------------------------------
def test_missing_facts_is_case_and_whitespace_insensitive() -> None:
    assert (
        missing_facts(
            "CR/CRi 73.8%  vs\n30.9% with Cytokine Release Syndrome",
            ["73.8%", "30.9%", "cytokine release syndrome"],
        )
        == []
    )
    assert missing_facts("73.8% only", ["73.8%", "30.9%"]) == ["30.9%"]


def test_markers_that_resolve_and_are_all_used_have_no_problems() -> None:
    assert marker_problems("A [1]. B [2][1].", [{"marker": 1}, {"marker": 2}]) == []


def test_a_dangling_marker_and_an_unused_citation_are_both_problems() -> None:
    problems = marker_problems("A [1]. B [3].", [{"marker": 1}, {"marker": 2}])
    assert problems == ["[3] has no citation", "citation 2 is never used"]


def test_score_question_separates_facts_recall_and_precision() -> None:
    item = QuestionItem(
        id="q", question="?", must_state=["73.8%", "30.9%"], cite_any=["agent-ino-02"], acceptable=["eff-02"]
    )
    result = score_question(
        item, _response("InO 73.8% [1]. Other [2]. More [3].", ["eff-02", "agent-ino-02", "tox-sos-01"])
    )
    assert result.facts_missing == ["30.9%"]
    assert result.recall_hit
    assert result.off_target == ["tox-sos-01"]
    assert not result.passed


def test_score_question_without_a_cite_any_passage_misses_recall() -> None:
    item = QuestionItem(id="q", question="?", must_state=["43.9%"], cite_any=["agent-blina-04"])
    result = score_question(item, _response("43.9% [1].", ["eff-02"]))
    assert not result.recall_hit
    assert not result.passed


def test_out_of_scope_needs_the_wording_and_no_citations() -> None:
    item = OutOfScopeItem(id="o", question="weather?")
    assert score_out_of_scope(item, _response("The review does not cover that.")).passed
    assert not score_out_of_scope(item, _response("The review does not cover that [1].", ["eff-01"])).passed
    assert not score_out_of_scope(item, _response("It will rain.")).passed
    assert says_not_covered("The review Does Not  Cover weather")


def test_summarise_computes_the_shares() -> None:
    q1 = score_question(
        QuestionItem(id="a", question="?", must_state=["1%", "2%"], cite_any=["x"]),
        _response("1% [1].", ["x"]),
    )
    q2 = score_question(
        QuestionItem(id="b", question="?", must_state=["3%"], cite_any=["y"]),
        _response("3% [1][2].", ["y", "z"]),
    )
    oos = score_out_of_scope(OutOfScopeItem(id="o", question="?"), _response("does not cover"))
    report = summarise([q1, q2], [oos], [], [True, True, False])
    assert report.fact_accuracy == pytest.approx(2 / 3)
    assert report.citation_precision == pytest.approx(2 / 3)
    assert report.citation_recall == 1.0
    assert report.marker_resolution == pytest.approx(2 / 3)
    assert report.out_of_scope_accuracy == 1.0
    assert report.questions_passed == 1
    assert "fact accuracy" in format_report(report)


def test_check_turn_passes_when_every_expectation_holds() -> None:
    spec = TurnSpec(
        say="...",
        expect_patient={"age_years": 34, "prior_therapies": ["blinatumomab"]},
        expect_absent=["cns_disease"],
        expect_flags={"blinatumomab": ["HIGH_DISEASE_BURDEN:warning"], "inotuzumab_ozogamicin": ["SOS_RISK"]},
        expect_no_flags={"tisagenlecleucel": ["CD19_NEGATIVE"]},
        expect_suitable={"blinatumomab": True},
        expect_label={"tisagenlecleucel": "on_label"},
        expect_answer_contains=["SOS_RISK"],
        expect_answer_excludes=["John Smith"],
        expect_transcript_excludes=["12345678"],
        expect_asks_for=["cd22_positive_pct"],
    )
    response = _response(
        "Warning (SOS_RISK): prior HSCT.",
        patient={"age_years": 34, "prior_therapies": ["chemotherapy", "blinatumomab"]},
        assessment=_assessment(
            blinatumomab=[("HIGH_DISEASE_BURDEN", "warning")], inotuzumab_ozogamicin=[("SOS_RISK", "warning")]
        ),
        asked_for=["cd22_positive_pct"],
    )
    assert check_turn(spec, response, ["Patient [NAME], MRN [MRN]"]) == []


def test_check_turn_names_each_failed_expectation() -> None:
    spec = TurnSpec(
        say="...",
        expect_patient={"marrow_blasts_pct": 10},
        expect_absent=["cns_disease"],
        expect_flags={"blinatumomab": ["HIGH_DISEASE_BURDEN:info"]},
        expect_no_flags={"blinatumomab": ["LOW_DISEASE_BURDEN"]},
        expect_transcript_excludes=["John Smith"],
    )
    response = _response(
        "x",
        patient={"marrow_blasts_pct": 80, "cns_disease": False},
        assessment=_assessment(
            blinatumomab=[("HIGH_DISEASE_BURDEN", "warning"), ("LOW_DISEASE_BURDEN", "info")]
        ),
    )
    failed = [name for name, _ in check_turn(spec, response, ["John Smith said"])]
    assert failed == [
        "expect_patient.marrow_blasts_pct",
        "expect_absent.cns_disease",
        "expect_flags.blinatumomab",
        "expect_no_flags.blinatumomab",
        "expect_transcript_excludes",
    ]


def test_flag_expectations_fail_when_no_assessment_ran() -> None:
    spec = TurnSpec(say="...", expect_suitable={"inotuzumab_ozogamicin": False})
    assert check_turn(spec, _response("x", patient={})) == [("assessment", "no assessment was run this turn")]


# -- the real engine -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ChatEvalReport:
    from assistant.runtime import build_engine

    data_dir: Path = tmp_path_factory.mktemp("eval")
    return run_chat_eval(build_engine(Settings(data_dir=data_dir)))


@pytest.mark.slow
def test_fact_accuracy_meets_the_threshold(report: ChatEvalReport) -> None:
    assert report.fact_accuracy >= THRESHOLDS["fact_accuracy"], format_report(report)


@pytest.mark.slow
def test_every_marker_resolves(report: ChatEvalReport) -> None:
    assert report.marker_resolution == 1.0, format_report(report)


@pytest.mark.slow
def test_out_of_scope_accuracy_meets_the_threshold(report: ChatEvalReport) -> None:
    assert report.out_of_scope_accuracy >= THRESHOLDS["out_of_scope_accuracy"], format_report(report)


@pytest.mark.slow
def test_every_script_passes(report: ChatEvalReport) -> None:
    assert report.scripts_passed == report.scripts_total, format_report(report)
