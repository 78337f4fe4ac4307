"""sequencing_considerations: which of the review's points apply to this patient, and why."""

from __future__ import annotations

from typing import Any

import pytest

from tools.profile import PatientProfile
from tools.sequencing import sequencing_considerations

ALL_CODES = [
    "SEQ_INO_DEBULK_THEN_BLINA",
    "SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT",
    "SEQ_SHARED_CD19_TARGET",
    "SEQ_CD22_CAR_T_AFTER_INO",
    "COMBO_INO_MINI_HYPER_CVD",
    "COMBO_BLINA_CHECKPOINT",
    "KMT2A_LINEAGE_SWITCH",
]


def _point(facts: dict[str, Any], code: str) -> Any:
    return next(p for p in sequencing_considerations(PatientProfile(**facts)).points if p.code == code)


def test_every_point_is_listed_in_a_stable_order_with_citations() -> None:
    points = sequencing_considerations(PatientProfile()).points
    assert [p.code for p in points] == ALL_CODES
    assert all(p.citations and p.reason and p.point for p in points)


@pytest.mark.parametrize(
    ("code", "facts", "applies"),
    [
        ("SEQ_INO_DEBULK_THEN_BLINA", {"marrow_blasts_pct": 50}, True),
        ("SEQ_INO_DEBULK_THEN_BLINA", {"marrow_blasts_pct": 49.9}, False),
        ("SEQ_INO_DEBULK_THEN_BLINA", {"marrow_blasts_pct": 80, "cd22_positive_pct": 0}, False),
        ("SEQ_INO_DEBULK_THEN_BLINA", {"marrow_blasts_pct": 80, "cd19": "negative"}, False),
        ("SEQ_INO_DEBULK_THEN_BLINA", {}, False),
        ("SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT", {"prior_hsct": True}, True),
        ("SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT", {"hsct_feasible": False}, True),
        ("SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT", {"prior_hsct": True, "cd19": "negative"}, False),
        ("SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT", {"prior_hsct": False}, False),
        ("SEQ_SHARED_CD19_TARGET", {"prior_therapies": ["blina"]}, True),
        ("SEQ_SHARED_CD19_TARGET", {"prior_therapies": ["Kymriah"]}, True),
        ("SEQ_SHARED_CD19_TARGET", {"prior_therapies": ["chemo"]}, False),
        ("SEQ_CD22_CAR_T_AFTER_INO", {"prior_therapies": ["InO"]}, True),
        ("SEQ_CD22_CAR_T_AFTER_INO", {"prior_therapies": ["CD22 CAR T"]}, True),
        ("SEQ_CD22_CAR_T_AFTER_INO", {"prior_therapies": []}, False),
        ("COMBO_INO_MINI_HYPER_CVD", {"age_years": 18}, True),
        ("COMBO_INO_MINI_HYPER_CVD", {"age_years": 17}, False),
        ("COMBO_INO_MINI_HYPER_CVD", {"age_years": 40, "cd22_positive_pct": 0}, False),
        ("COMBO_INO_MINI_HYPER_CVD", {}, False),
        ("COMBO_BLINA_CHECKPOINT", {}, True),
        ("COMBO_BLINA_CHECKPOINT", {"cd19": "negative"}, False),
        ("KMT2A_LINEAGE_SWITCH", {"kmt2a_rearranged": True}, True),
        ("KMT2A_LINEAGE_SWITCH", {"kmt2a_rearranged": False}, False),
    ],
)
def test_when_each_point_applies(code: str, facts: dict[str, Any], applies: bool) -> None:
    assert _point(facts, code).applies is applies


def test_reasons_name_the_patient_facts() -> None:
    facts = {"prior_hsct": True, "bilirubin_x_uln": 1.4, "age_years": 40, "disease_status": "refractory"}
    assert _point(facts, "SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT").reason == (
        "prior allogeneic HSCT; bilirubin 1.4 x ULN; tisagenlecleucel off label"
    )
    assert "not given" in _point({}, "KMT2A_LINEAGE_SWITCH").reason


def test_mini_hyper_cvd_point_states_the_dose_reduction() -> None:
    point = _point({"age_years": 50, "prior_hsct": True, "ph_positive": True}, "COMBO_INO_MINI_HYPER_CVD")
    for figure in ("1.8 to 1.3 mg/m2", "1.3 to 1 mg/m2", "9 (15%)", "ORR 78%", "CR 59%", "6 patients (13%)"):
        assert figure in point.point
    assert "reduced InO dose" in point.reason and "Ph-negative" in point.reason


def test_applicable_lists_the_codes_that_apply() -> None:
    advice = sequencing_considerations(PatientProfile(kmt2a_rearranged=True, cd19="negative"))
    assert advice.applicable == [p.code for p in advice.points if p.applies]
    assert "KMT2A_LINEAGE_SWITCH" in advice.applicable and "COMBO_BLINA_CHECKPOINT" not in advice.applicable
