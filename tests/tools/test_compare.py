"""compare_agents: Table 1 row by row, marking the rows this patient's facts bear on."""

from __future__ import annotations

from tools.compare import compare_agents
from tools.profile import PatientProfile


def _rows(profile: PatientProfile) -> dict[str, object]:
    return {row.key: row for row in compare_agents(profile).rows}


def test_all_eight_table_rows_in_the_review_order_with_their_passage() -> None:
    rows = compare_agents(PatientProfile()).rows
    assert [r.key for r in rows] == [
        "approval",
        "efficacy",
        "burden",
        "toxicity",
        "prior_therapy",
        "cns",
        "emd",
        "convenience",
    ]
    assert [r.citations[0].passage_id for r in rows][:2] == ["table1-approval", "table1-efficacy"]


def test_table_cells_keep_the_reviews_figures_and_question_marks() -> None:
    rows = {r.key: r for r in compare_agents(PatientProfile()).rows}
    assert (
        "CR 81-93%" in rows["efficacy"].tisagenlecleucel
        and "MRD-negative 78%" in rows["efficacy"].inotuzumab_ozogamicin
    )
    assert rows["cns"].tisagenlecleucel == "yes" and rows["cns"].blinatumomab == "no"
    assert "uncertain" in rows["emd"].inotuzumab_ozogamicin and "uncertain" in rows["burden"].tisagenlecleucel


def test_rows_are_marked_by_this_patients_facts() -> None:
    rows = {r.key: r for r in compare_agents(PatientProfile(marrow_blasts_pct=80, cns_disease=True)).rows}
    assert rows["burden"].matters and "marrow blasts 80%" in rows["burden"].why
    assert rows["cns"].matters and "CNS involvement" in rows["cns"].why
    assert rows["toxicity"].matters  # CAR T CRS/ICANS raised by the burden
    assert not rows["emd"].matters and not rows["convenience"].matters


def test_efficacy_row_is_never_marked_as_deciding() -> None:
    rows = {r.key: r for r in compare_agents(PatientProfile(marrow_blasts_pct=80, age_years=30)).rows}
    assert not rows["efficacy"].matters and "head to head" in rows["efficacy"].why


def test_approval_row_matters_when_a_label_is_off_or_unknown() -> None:
    on_label = PatientProfile(age_years=20, disease_status="refractory")
    assert not {r.key: r for r in compare_agents(on_label).rows}["approval"].matters
    assert {r.key: r for r in compare_agents(PatientProfile(age_years=40)).rows}["approval"].matters


def test_prior_ino_marks_the_prior_therapy_row() -> None:
    row = {r.key: r for r in compare_agents(PatientProfile(prior_therapies=["InO"])).rows}["prior_therapy"]
    assert row.matters and "prior InO" in row.why
