"""check_eligibility: one agent's verdict, split by severity, with its label citations."""

from __future__ import annotations

from tools.eligibility import check_eligibility
from tools.profile import PatientProfile


def test_absent_target_makes_the_agent_not_suitable_and_says_why() -> None:
    result = check_eligibility(
        PatientProfile(cd19="negative", age_years=12, disease_status="refractory"), "tisagenlecleucel"
    )
    assert result.suitable is False and result.label_status == "on_label"
    assert [f.code for f in result.blocking] == ["CD19_NEGATIVE"]
    assert result.verdict.startswith("Tisagenlecleucel is not suitable (on label): CD19-negative")


def test_off_label_but_possible_lists_the_cautions() -> None:
    result = check_eligibility(
        PatientProfile(age_years=15, disease_status="first_relapse"), "inotuzumab_ozogamicin"
    )
    assert result.suitable is True and result.label_status == "off_label"
    assert "LABEL_AGE" in [f.code for f in result.cautions]
    assert result.verdict.startswith(
        "Inotuzumab ozogamicin (InO) is possible (off label) with 1 caution(s): LABEL_AGE"
    )


def test_flags_are_split_by_severity_and_citations_include_the_label() -> None:
    result = check_eligibility(
        PatientProfile(marrow_blasts_pct=80, t_cell_dysfunction=True), "inotuzumab_ozogamicin"
    )
    assert all(f.severity == "info" for f in result.context)
    assert not result.blocking
    assert "label-02" in {c.passage_id for c in result.citations}


def test_missing_names_only_this_agents_facts() -> None:
    result = check_eligibility(PatientProfile(), "blinatumomab")
    assert (
        "cd19" in result.missing
        and "cd22_positive_pct" not in result.missing
        and "age_years" not in result.missing
    )
