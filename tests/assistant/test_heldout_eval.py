"""The held-out split: frozen as written, scored like the development split, and its figures held.

The files were written from the review and the profile schema alone and committed before any tuning
(``git log assistant/eval/heldout``). Their hashes are fixed here so an edit made to pass an item
fails loudly; the floors below are regression guards at the figures measured when this test was
written, not the targets (the README gives both).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.engine import ChatEngine
from assistant.heldout import (
    HELDOUT_2_DIR,
    HELDOUT_3_DIR,
    HELDOUT_4_DIR,
    HELDOUT_5_DIR,
    HELDOUT_DIR,
    Question,
    Split,
    VignetteTurn,
    citation_hit,
    fold,
    is_refusal,
    load_development,
    load_heldout,
    missing_groups,
    profile_errors,
    rule_errors,
    run_split,
)
from knowledge.pack import default_pack

FROZEN = {
    "questions.yaml": "998e64b9edd0a7bd031fc0e31ec6d8933ce077603c16ee2d4de848fa9d737026",
    "vignettes.yaml": "01efe09061b86f1df77d4c6e2de860ebfb5505d110b2e764183a05310c7d4de9",
}


# The second set, frozen the moment its author handed it over, before it was run once.
FROZEN_2 = {
    "questions.yaml": "e812490ff271cab04cd4e6512fea56deeea2bbab8c12b7d3507d265e935be1f0",
    "vignettes.yaml": "654aa5d253e6e8a48048fce3a4a903b38c525dcfd9c091cfc120212811a2356f",
}


# The third set, frozen when its author handed it over, before it was run.
FROZEN_3 = {
    "questions.yaml": "368cc83483e350a0bf7d613e1176f7582c84d0d7f5ab23e691927e5d7c056485",
    "vignettes.yaml": "a4fa204d6887518ed0cc58c6cd3f3e6100bb8f3225061915856c7b521717348c",
}


# The fourth set, frozen when its two authors handed it over, before it was run.
FROZEN_4 = {
    "questions.yaml": "a349abca020a7e8c8641e1c00eace2a36ad0e964fe75a68e042f9e8e1b939293",
    "vignettes.yaml": "e53c779a7c8683cfc8db2be4233efce676c5ce9246d9f1cd623106609fc90e61",
}


# The fifth set, frozen when its author handed it over, before it was run. One question was reworded
# afterwards because copycheck found twelve words copied from the review in it (its facts and expected
# answer unchanged; its result was never read): the hash is of the reworded file.
FROZEN_5 = {
    "questions.yaml": "32b31f9fbf8aa545667a064077f8ff3f2e197d2decc8e6d9d0205dfc4c52529d",
    "vignettes.yaml": "ce322d7aab5e89d345c7ddae580a54907bf5be50f495a610d15968254b0bced6",
}


@pytest.mark.parametrize(("directory", "name", "digest"),
                         [(HELDOUT_DIR, n, d) for n, d in sorted(FROZEN.items())]
                         + [(HELDOUT_2_DIR, n, d) for n, d in sorted(FROZEN_2.items())]
                         + [(HELDOUT_3_DIR, n, d) for n, d in sorted(FROZEN_3.items())]
                         + [(HELDOUT_4_DIR, n, d) for n, d in sorted(FROZEN_4.items())]
                         + [(HELDOUT_5_DIR, n, d) for n, d in sorted(FROZEN_5.items())])
def test_heldout_files_are_unchanged_since_they_were_frozen(directory: Path, name: str, digest: str) -> None:
    assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(("directory", "sizes"), [(HELDOUT_2_DIR, (70, 12, 22)), (HELDOUT_3_DIR, (90, 18, 28)),
                                                     (HELDOUT_4_DIR, (150, 30, 40)), (HELDOUT_5_DIR, (150, 30, 40))])
def test_the_later_heldout_sets_load_and_every_fact_is_in_the_review(
    seed_path: Path, directory: Path, sizes: tuple[int, int, int]
) -> None:
    split = load_heldout(directory)
    assert (len(split.questions), len(split.out_of_scope), len(split.vignettes)) == sizes
    review = fold(seed_path.read_text(encoding="utf-8"))
    assert all(fold(s) in review for q in split.questions for group in q.must_state for s in group)


def test_heldout_split_has_the_sizes_the_issue_asks_for() -> None:
    split = load_heldout()
    assert len(split.questions) >= 150
    assert {q.style for q in split.questions} == {"terse", "exam", "indirect"}
    assert len(split.out_of_scope) >= 30
    assert len(split.vignettes) >= 40


def test_development_split_reads_the_projects_own_set() -> None:
    split = load_development(default_pack())
    assert len(split.questions) >= 65 and split.vignettes
    # the project's own out-of-scope questions and the development set written without the code
    assert len(split.out_of_scope) >= 74 and sum(o.after_review for o in split.out_of_scope) == 20


# -- pure scoring --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "groups", "missing"),
    [
        ("CR 80-88% in MRD", [["80–88%"]], []),
        ("rates of 43.9 % with blina", [["43.9%"]], []),
        ("OR 6.02 and 8.61", [["6.02"], ["7.08", "7,08"]], [["7.08", "7,08"]]),
        ("no EFS difference (P = .64)", [["P=.64"]], []),
        ("CD22 on ≥ 90% of blasts", [[">=90%"]], []),
        ("P=.064", [["P=.64"]], [["P=.64"]]),
    ],
)
def test_facts_match_across_dashes_spaces_and_alternatives(answer: str, groups: list[list[str]],
                                                           missing: list[list[str]]) -> None:
    assert missing_groups(answer, groups) == missing


def test_fold_is_case_and_dash_insensitive() -> None:
    assert fold("CR\u2013CRi  ≥90 %") == "cr-cri>=90%"


def test_a_citation_hits_by_section_or_by_reference() -> None:
    citations = [{"section": "Toxicity", "refs": [13]}]
    assert citation_hit(citations, ["Toxicity"], [])
    assert citation_hit(citations, ["Efficacy"], [13, 11])
    assert not citation_hit(citations, ["Efficacy"], [6])


@pytest.mark.parametrize(("answer", "refused"), [
    ("The review this assistant is built on does not cover that (costs).", True),
    ("That came after the review this assistant is built on (early 2020).", True),
    ("InO gave 73.8% CR/CRi [1].", False),
])
def test_refusals_are_recognised(answer: str, refused: bool) -> None:
    assert is_refusal(answer) is refused


def test_profile_errors_count_missing_extra_and_wrong_fields() -> None:
    errors = profile_errors({"age_years": 1.5, "prior_therapies": ["blinatumomab"]},
                            {"age_years": 1.5, "prior_therapies": ["blinatumomab"], "cns_disease": False})
    assert errors == ["cns_disease: wanted None, stored False"]
    assert profile_errors({"age_years": 1.58}, {"age_years": 1.583}) == []


class _Scripted:
    """An engine that answers from a table, to test the runner without the real one."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, object]] = {}

    def respond(self, message: str, session_id: str | None = None) -> dict[str, object]:
        session = session_id or f"s{len(self.sessions)}"
        patient = self.sessions.setdefault(session, {})
        if "45" in message:
            patient["age_years"] = 45
        answer = "The review does not cover that." if "cost" in message else "InO gave 73.8% [1]."
        citations = [] if "cost" in message else [{"marker": 1, "passage_id": "agent-ino-02",
                                                   "section": "Novel Agents: Inotuzumab ozogamicin", "refs": [11]}]
        return {"session_id": session, "answer": answer, "citations": citations, "patient": dict(patient)}


def test_runner_scores_questions_refusals_and_vignettes() -> None:
    split = Split(
        name="t",
        questions=[Question(id="q1", question="ino cr?", must_state=[["73.8%"]],
                            sections=["Novel Agents: Inotuzumab ozogamicin"]),
                   Question(id="q2", question="cost?", must_state=[["1"]])],
        out_of_scope=[{"id": "o1", "question": "cost of kymriah"}],  # type: ignore[list-item]
        vignettes=[{"id": "v1", "turns": [VignetteTurn(say="45M"), VignetteTurn(say="ok")]}],  # type: ignore[list-item]
    )
    split.vignettes[0].turns[0].expect["age_years"] = 45
    split.vignettes[0].turns[1].expect["age_years"] = 45
    figures = run_split(split, _Scripted()).figures
    assert figures["facts"] == 0.5 and figures["in_scope_refused"] == 1
    assert figures["out_of_scope"] == 1.0 and figures["vignette_cases"] == 1.0


_ADULT_AFTER_ALLO = {"age_years": 60, "disease_status": "second_or_later_relapse", "prior_hsct": True,
                     "hsct_planned": True, "cd22_positive_pct": 95}


@pytest.mark.parametrize(
    ("expected", "errors"),
    [
        ({"inotuzumab_ozogamicin": {"label_status": "on_label", "flags": {"SOS_RISK": "warning"},
                                    "sos_factors": ["prior_hsct", "age_years"]}}, []),
        ({"tisagenlecleucel": {"label_status": "off_label", "flags": {"LABEL_AGE": "warning"}}}, []),
        ({"tisagenlecleucel": {"label_status": "on_label"}}, ["tisagenlecleucel: label off_label, wanted on_label"]),
        ({"blinatumomab": {"absent": ["CRS_RISK"]}}, ["blinatumomab: CRS_RISK raised, wanted absent"]),
        ({"inotuzumab_ozogamicin": {"flags": {"SOS_RISK": "critical"}}},
         ["inotuzumab_ozogamicin: SOS_RISK warning, wanted critical"]),
        ({"inotuzumab_ozogamicin": {"sos_factors": ["bilirubin_x_uln"]}},
         ["inotuzumab_ozogamicin: SOS factors ['age_years', 'hsct_planned', 'prior_hsct'], "
          "missing ['bilirubin_x_uln']"]),
        ({"blinatumomab": {"suitable": False}}, ["blinatumomab: suitable True, wanted False"]),
    ],
)
def test_rule_outcomes_are_read_off_the_stored_profile(expected: dict[str, object], errors: list[str]) -> None:
    assert rule_errors(expected, _ADULT_AFTER_ALLO) == errors


def test_a_vignette_s_rule_outcomes_are_scored_on_its_last_profile() -> None:
    split = Split(name="t", questions=[], out_of_scope=[], vignettes=[
        {"id": "v1", "turns": [{"say": "45M", "expect": {"age_years": 45}}],  # type: ignore[list-item]
         "expect_rules": {"tisagenlecleucel": {"label_status": "off_label"}}},
        {"id": "v2", "turns": [{"say": "45M", "expect": {"age_years": 45}}],  # type: ignore[list-item]
         "expect_rules": {"tisagenlecleucel": {"label_status": "on_label"}}},
    ])
    assert run_split(split, _Scripted()).figures["rule_outcomes"] == 0.5


# -- the real engine on the held-out split (regression floors, not targets) ---------------------
FLOORS = {
    "facts": 0.80,
    "citation_hit": 0.90,
    "out_of_scope": 0.70,
    "vignette_cases": 0.55,
    "vignette_fields": 0.90,
    "retrieval_facts_at_5": 0.85,
}


@pytest.fixture(scope="module")
def heldout_figures(engine: ChatEngine) -> dict[str, float | int | None]:
    return run_split(load_heldout(), engine, engine.retriever).figures


@pytest.mark.slow
@pytest.mark.parametrize(("measure", "floor"), sorted(FLOORS.items()))
def test_heldout_figure_stays_above_its_floor(heldout_figures: dict[str, float | int | None], measure: str,
                                              floor: float) -> None:
    value = heldout_figures[measure]
    assert value is not None and value >= floor, f"{measure} {value} fell below {floor}"


@pytest.mark.slow
def test_in_scope_questions_are_rarely_refused(heldout_figures: dict[str, float | int | None]) -> None:
    refused = heldout_figures["in_scope_refused"]
    assert isinstance(refused, int) and refused <= 10
