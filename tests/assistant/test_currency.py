"""assistant.currency: which updates an answer adds, and how a change since the review is worded."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer import CitationLedger
from assistant.currency import (
    SinceTheReview,
    decision_support_line,
    knowledge_current_through,
    label_since_review_lines,
    later_trials_without_updates,
    render_lines,
    since_the_review,
    source_label,
    updates_for,
    with_decision_support,
)
from knowledge.pack import default_pack
from tools.assess import assess
from tools.profile import PatientProfile


def _rows(text: str) -> set[str]:
    return {p.row for p in updates_for(text)}


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("Is inotuzumab approved for children?", {"U2"}),
        ("Can a 10-year-old get InO?", {"U2"}),
        ("Is InO approved for adults?", set()),
        ("Is there a CAR T option for a 30-year-old?", {"U1", "U5"}),
        ("Which CAR T products are approved for adults?", {"U1", "U5"}),
        ("What MRD-negative CR rate did the adult 19-28z CAR T trial report?", set()),
        ("What was 2-year overall survival with Besponsa in INO-VATE?", set()),
        ("What response rates are reported for inotuzumab in children?", set()),
        ("Tell me about brexu-cel", {"U1", "U5"}),
        ("What did ZUMA-3 show?", {"U1"}),
        ("FELIX results", {"U5"}),
        ("What did E1910 show?", {"U3"}),
        ("Blinatumomab as consolidation?", {"U3"}),
        ("Is blinatumomab approved for MRD-positive disease?", {"U4"}),
        ("Is a REMS still needed?", {"U6"}),
        ("How long must a patient stay near the centre after CAR T, and can they drive?", {"U6"}),
        ("What are the risk factors for SOS after inotuzumab?", set()),
        ("How long does CAR T manufacturing take?", set()),
        ("Blinatumomab CRS rate", set()),
    ],
)
def test_updates_for_picks_the_rows_a_question_is_about(text: str, rows: set[str]) -> None:
    assert _rows(text) == rows


def test_a_trial_question_also_gets_the_approval_it_led_to() -> None:
    assert [p.id for p in updates_for("E1910")] == ["upd-blina-consol-01", "upd-blina-consol-02"]


def test_later_trials_without_a_passage() -> None:
    assert later_trials_without_updates("What did AALL1731 show?") == ["AALL1731"]
    assert later_trials_without_updates("What did E1910 show?") == []


def test_source_labels_show_the_publisher_the_date_and_a_secondary_source_as_reported() -> None:
    updates = default_pack().updates.by_id
    assert source_label(updates["upd-ino-peds-01"]) == "FDA, 2024-03-06"
    assert source_label(updates["upd-obecel-01"]) == "AABB, 2024-11-08, reported (secondary source)"


def test_the_decision_support_line_is_dated() -> None:
    through = knowledge_current_through()
    assert through is not None
    assert f"knowledge current through {through.isoformat()}" in decision_support_line()


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"age_years": 10, "disease_status": "first_relapse", "cd22_positive_pct": 95}, ["inotuzumab"]),
        ({"age_years": 30, "disease_status": "second_or_later_relapse"}, ["two CD19 CAR T"]),
        ({"age_years": 40, "disease_status": "mrd_positive"}, []),
        ({"age_years": 20, "disease_status": "second_or_later_relapse"}, ["two CD19 CAR T"]),
    ],
)
def test_one_line_per_agent_whose_label_changed(facts: dict[str, object], expected: list[str]) -> None:
    lines = label_since_review_lines(assess(PatientProfile(**facts)).model_dump(mode="json"))
    assert [next(w for w in expected if w in line.text) for line in lines] == expected
    rendered = render_lines(lines, CitationLedger(default_pack()))
    assert all(r.startswith("Since the review: ") and re.search(r"\d{4}-\d\d-\d\d", r) for r in rendered)


def test_the_notice_is_replaced_by_the_dated_line_only_when_a_label_is_stated() -> None:
    notice = "_Decision support only._"
    stated = SinceTheReview(block="x", states_label=True)
    dated = with_decision_support(f"{notice}\n\nbody", notice=notice, since=stated)
    assert dated.startswith("_Decision support only: labels") and notice not in dated
    quiet = SinceTheReview(block="", states_label=False)
    assert with_decision_support("body", notice=notice, since=quiet) == "body"


QUESTIONS = st.sampled_from([
    "InO for children", "CAR T for adults", "E1910", "ZUMA-3 and FELIX", "REMS", "blinatumomab consolidation",
    "AALL1731", "SOS risk", "blinatumomab MRD approval", "stay near the centre after CAR T",
])


@settings(max_examples=60, deadline=None)
@given(QUESTIONS, st.booleans())
def test_every_marker_of_the_block_resolves_and_every_update_is_dated(question: str, out_of_scope: bool) -> None:
    pack = default_pack()
    ledger = CitationLedger(pack)
    since = since_the_review(question, ledger=ledger, out_of_scope=out_of_scope)
    cited = {c.marker: c for c in ledger.citations()}
    assert {int(m) for m in re.findall(r"\[(\d+)\]", since.block)} == set(cited)
    for citation in cited.values():
        if citation.source == "updates":
            assert citation.date is not None and citation.url and citation.date.isoformat() in since.block
    assert since.apply("body") == (since.block if out_of_scope and since.block else
                                   ("body\n\n" + since.block if since.block else "body"))


@pytest.mark.parametrize(
    ("question", "cited", "expected"),
    [
        ("When was inotuzumab approved?", ["label-02"], ["upd-ino-peds-01"]),
        ("What is the FDA label of blinatumomab?", ["label-01"], ["upd-blina-consol-01"]),
        ("How long does CAR T manufacturing take?", ["logistics-cart-01"], []),  # no label asked
        ("What CR rate did InO give in INO-VATE?", ["label-02"], []),
    ],
)
def test_a_stated_label_that_changed_gets_its_dated_line(question: str, cited: list[str], expected: list[str]) -> None:
    ledger = CitationLedger(default_pack())
    for pid in cited:
        ledger.marker(pid)
    since = since_the_review(question, ledger=ledger, cited=cited)
    added = [c.passage_id for c in ledger.citations() if c.source == "updates"]
    assert added == expected
    assert since.states_label == ("logistics-cart-01" not in cited)  # the label passages state a label
    for line in since.block.splitlines()[1:]:
        assert line.startswith("- Since the review: ")
