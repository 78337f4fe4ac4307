"""Over 500 seeds the generator reaches every flag code of the clinical spec and every sequencing point,
with no disagreement between a keyed answer and the tools."""

from __future__ import annotations

import time

import pytest

from assistant.tutor.coverage import FLAG_CODES, POINT_CODES, Coverage, coverage, render

# The flag vocabulary of clinical-rules.md section 3, written out so a renamed code fails here.
SPEC_FLAG_CODES = {
    "LABEL_AGE", "LABEL_SETTING", "CD19_NEGATIVE", "CD19_DIM", "CD22_NEGATIVE", "CD22_PARTIAL", "KMT2A_REARRANGED",
    "PRIOR_CD19_THERAPY", "HIGH_DISEASE_BURDEN", "LOW_DISEASE_BURDEN", "SOS_RISK", "CRS_RISK", "ICANS_RISK",
    "CNS_DISEASE", "EXTRAMEDULLARY_DISEASE", "T_CELL_DYSFUNCTION", "MANUFACTURING_DELAY",
    "PRIOR_MANUFACTURING_FAILURE", "CONTINUOUS_INFUSION", "HSCT_BRIDGE", "HSCT_NOT_NEEDED",
}
SEQUENCING_POINTS = {
    "SEQ_INO_DEBULK_THEN_BLINA", "SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT", "SEQ_SHARED_CD19_TARGET",
    "SEQ_CD22_CAR_T_AFTER_INO", "COMBO_INO_MINI_HYPER_CVD", "COMBO_BLINA_CHECKPOINT", "KMT2A_LINEAGE_SWITCH",
}


@pytest.fixture(scope="module")
def run() -> tuple[Coverage, float]:
    start = time.perf_counter()
    result = coverage(500)
    return result, time.perf_counter() - start


def test_the_tutor_knows_every_code_the_spec_and_the_sequencing_tool_define() -> None:
    assert set(FLAG_CODES) == SPEC_FLAG_CODES
    assert set(POINT_CODES) == SEQUENCING_POINTS


def test_500_seeds_decide_a_question_on_every_flag_code_and_sequencing_point(run: tuple[Coverage, float]) -> None:
    result, _ = run
    assert result.missing == [], render(result)
    assert all(result.questions[code] >= 1 for code in SPEC_FLAG_CODES | SEQUENCING_POINTS)


def test_500_seeds_have_no_disagreement_with_the_tools(run: tuple[Coverage, float]) -> None:
    assert run[0].disagreements == []


def test_500_seeds_stay_cheap(run: tuple[Coverage, float]) -> None:
    # Generation and a fresh check of every option take about a second; leave room for slow machines.
    assert run[1] < 20


def test_the_table_lists_every_code_with_its_count(run: tuple[Coverage, float]) -> None:
    table = render(run[0])
    for code in SPEC_FLAG_CODES | SEQUENCING_POINTS:
        assert f"{code:<38}" in table
    assert "covered 28 of 28 codes" in table and "disagreements with the tools: 0" in table
