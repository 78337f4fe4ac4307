"""Clinician shorthand, one table per class of it, and whose facts a clause states.

Each table covers a *class* of shorthand with several shapes of it (the held-out vignettes use
other words again); a row is (text, the fields it must set). The development vignettes
(assistant/eval/dev_vignettes.yaml) are replayed turn by turn at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.understanding.facts import extract_facts
from tools.profile import PatientProfile

Row = tuple[str, dict[str, Any]]

REMISSION_HISTORY: list[Row] = [
    ("relapsed 2 years after first CR", {"disease_status": "first_relapse"}),
    ("28F relapsed 8 months after CR1", {"disease_status": "first_relapse", "age_years": 28}),
    ("relapsed 18 months into CR1", {"disease_status": "first_relapse"}),
    ("late relapse after a first CR of 3 years", {"disease_status": "first_relapse"}),
    ("CR1 lasting 2 years, then relapsed", {"disease_status": "first_relapse"}),
    ("first remission of 18 months before relapse", {"disease_status": "first_relapse"}),
    ("relapsed again after CR2", {"disease_status": "second_or_later_relapse"}),
    ("she relapsed after CR2 last week", {"disease_status": "second_or_later_relapse"}),
    ("relapse from a second remission", {"disease_status": "second_or_later_relapse"}),
    ("never achieved remission", {"disease_status": "refractory"}),
    ("did not reach CR after induction", {"disease_status": "refractory"}),
    # Induction that failed was given: it is also a prior line of chemotherapy.
    ("induction failure", {"disease_status": "refractory", "prior_therapies": ["chemotherapy"]}),
    ("no remission after two induction courses", {"disease_status": "refractory", "prior_therapies": ["chemotherapy"]}),
    ("primary resistant disease", {"disease_status": "refractory"}),
    ("relapse #2", {"disease_status": "second_or_later_relapse"}),
    ("relapsed x2", {"disease_status": "second_or_later_relapse"}),
    (
        "dx 2021, CR1 after induction, relapsed 2023",
        {"disease_status": "first_relapse", "prior_therapies": ["chemotherapy"]},
    ),
    ("MRD+ in CR2", {"disease_status": "mrd_positive"}),
]
# Remission without a numbered relapse, or a relapse that is history: no setting.
REMISSION_NO_SETTING = [
    "relapsed after achieving CR",
    "in CR2 after blina",
    "relapsed 2 years after transplant",
]

AGES: list[Row] = [
    ("18-month-old", {"age_years": 1.5}),
    ("19 mo boy", {"age_years": 1.58}),
    ("19mo F", {"age_years": 1.58}),
    ("7 months old", {"age_years": 0.58}),
    ("9-month-old infant", {"age_years": 0.75}),
    ("aged 18 months", {"age_years": 1.5}),
    ("6 week old infant", {"age_years": 0.12}),
    ("3.5 yo", {"age_years": 3.5}),
    ("a 67 y/o", {"age_years": 67}),
    ("67yo F", {"age_years": 67}),
    ("4 y.o. boy", {"age_years": 4}),
    ("2 and a half year old boy", {"age_years": 2.5}),
    ("2½ y/o", {"age_years": 2.5}),
    ("age 3 and a half", {"age_years": 3.5}),
    ("a two-year-old", {"age_years": 2}),
    ("sixty-two-year-old", {"age_years": 62}),
    ("pt is 4 and a half", {"age_years": 4.5}),
    ("she's actually 3.5", {"age_years": 3.5}),
    ("correction, he is 19 months", {"age_years": 1.58}),
    ("age is 2.5", {"age_years": 2.5}),
    ("she turned 60 last week", {"age_years": 60}),
    ("65-yr-old woman", {"age_years": 65}),
]
# A count of months is a duration unless "old" or a person follows it.
NOT_AN_AGE = [
    "relapsed 19 mo after CR1", "19 mo, KMT2A", "CR1 of 8 months", "blina for 4 weeks", "he is 7 months post-HSCT",
    "she is 2 years post transplant", "he is 19 months out from CR1", "she is 2 cycles in",
]

CD22_FIGURES: list[Row] = [
    ("CD22 weak on 60%", {"cd22_positive_pct": 60}),
    ("CD22 dim 60%", {"cd22_positive_pct": 60}),
    ("60% CD22 dim", {"cd22_positive_pct": 60}),
    ("CD22 bright on 95%", {"cd22_positive_pct": 95}),
    ("CD22 expression weak in 70% of blasts", {"cd22_positive_pct": 70}),
    ("CD22 positive (dim) in 50%", {"cd22_positive_pct": 50}),
    ("CD22 partially expressed on 40% of blasts", {"cd22_positive_pct": 40}),
    ("CD22 70% of blasts", {"cd22_positive_pct": 70}),
    ("CD22 is actually 40%", {"cd22_positive_pct": 40}),
    ("CD22 positive, 65%", {"cd22_positive_pct": 65}),
    ("CD22 expressed in 60% (dim)", {"cd22_positive_pct": 60}),
    # a figure after a comma is the blasts' when it says so
    ("CD19+, CD22 dim, 65% blasts", {"cd19": "positive", "marrow_blasts_pct": 65}),
    ("CD22+ in 85%", {"cd22_positive_pct": 85}),
    ("CD19/CD22+ (80%)", {"cd19": "positive", "cd22_positive_pct": 80}),
    ("CD19+ CD22+ (90%)", {"cd19": "positive", "cd22_positive_pct": 90}),
    ("CD19+/CD22+ 80%", {"cd19": "positive", "cd22_positive_pct": 80}),
    ("CD19/CD22 negative", {"cd19": "negative", "cd22_positive_pct": 0}),
]
CD22_NO_FIGURE = ["cd22 pos (% pending)", "CD22 bright", "CD19 and CD22 positive", "CD22 dim"]

NEGATION_SHORTHAND: list[Row] = [
    ("CSF clear", {"cns_disease": False}),
    ("LP negative", {"cns_disease": False}),
    ("CSF: no blasts", {"cns_disease": False}),
    ("CNS1", {"cns_disease": False}),
    ("No CNS disease - the LP was negative.", {"cns_disease": False}),
    ("CNS3", {"cns_disease": True}),
    ("CNS2b", {"cns_disease": True}),
    ("testes clear", {"extramedullary_disease": False}),
    ("skin uninvolved", {"extramedullary_disease": False}),
    ("testes normal on exam", {"extramedullary_disease": False}),
    ("testes involved", {"extramedullary_disease": True}),
    ("no EMD", {"extramedullary_disease": False}),
    ("BCR-ABL neg", {"ph_positive": False}),
    ("BCR-ABL1 not detected", {"ph_positive": False}),
    ("KMT2A wt", {"kmt2a_rearranged": False}),
    ("MLL germline", {"kmt2a_rearranged": False}),
    ("the KMT2A result came back negative", {"kmt2a_rearranged": False}),
    ("KMT2A came back positive", {"kmt2a_rearranged": True}),
]

THERAPY_VERBS: list[Row] = [
    ("salvaged with blina", {"prior_therapies": ["blinatumomab"]}),
    ("bridged with InO", {"prior_therapies": ["inotuzumab_ozogamicin"]}),
    ("reinduced with FLAG-Ida", {"prior_therapies": ["chemotherapy"]}),
    ("achieved CR with InO", {"prior_therapies": ["inotuzumab_ozogamicin"]}),
    ("never achieved remission with hyper-CVAD", {"prior_therapies": ["chemotherapy"], "disease_status": "refractory"}),
    ("was on blinatumomab", {"prior_therapies": ["blinatumomab"]}),
    ("got tisa-cel last year", {"prior_therapies": ["cd19_car_t"]}),
    ("post-Kymriah relapse", {"prior_therapies": ["cd19_car_t"]}),
    ("salvaged with blina then InO", {"prior_therapies": ["blinatumomab", "inotuzumab_ozogamicin"]}),
    ("s/p allo", {"prior_hsct": True}),
    ("relapse post MUD transplant", {"prior_hsct": True}),
    ("had an allograft in 2020", {"prior_hsct": True}),
    ("allo from MUD 2019", {"prior_hsct": True}),
    ("matched sibling donor allo in 2019", {"prior_hsct": True}),
    ("allo-HSCT in CR2 in 2019", {"prior_hsct": True}),
    ("transplant-naive", {"prior_hsct": False}),
    # what the disease did after a drug says it was given
    ("blina x2 cycles then relapsed", {"prior_therapies": ["blinatumomab"]}),
    ("2 cycles of blinatumomab, no response", {"prior_therapies": ["blinatumomab"]}),
    ("started blina in March, progressed", {"prior_therapies": ["blinatumomab"]}),
    ("she went on to blina", {"prior_therapies": ["blinatumomab"]}),
    ("blina (2022), InO (2023)", {"prior_therapies": ["blinatumomab", "inotuzumab_ozogamicin"]}),
    (
        "prior lines: hyper-CVAD, blina, InO",
        {"prior_therapies": ["blinatumomab", "inotuzumab_ozogamicin", "chemotherapy"]},
    ),
]
# Present forms and intentions are plans, never history.
THERAPY_PLANS = [
    "bridging with InO", "HSCT intended after InO", "should we salvage with blina?",
    "plan 2 cycles of blina, then transplant", "options: blina, InO, then allo",
]


@pytest.mark.parametrize(("text", "cycles"), [("plan InO x 3 cycles", 3), ("InO x3 cycles given", None)])
def test_cycles_already_given_are_not_a_plan(text: str, cycles: int | None) -> None:
    assert extract_facts(text).set.get("planned_ino_cycles") == cycles

BILIRUBIN: list[Row] = [
    ("bili 30 umol/L, ULN 21", {"bilirubin_x_uln": 1.43}),
    ("bilirubin 2.1 mg/dL (ULN 1.2)", {"bilirubin_x_uln": 1.75}),
    ("bili 45 µmol/L (ULN 17)", {"bilirubin_x_uln": 2.65}),
    ("bili 2.4 mg/dL, upper limit of normal 1.2 mg/dL", {"bilirubin_x_uln": 2}),
    ("bili 40 (normal <21)", {"bilirubin_x_uln": 1.9}),
    ("bili 30 umol/L (ref 0-21)", {"bilirubin_x_uln": 1.43}),
    ("T bili 25 umol/l, ULN is 20", {"bilirubin_x_uln": 1.25}),
    ("bilirubin of 2.1 mg/dL with an upper limit of 1.2", {"bilirubin_x_uln": 1.75}),
    ("bilirubin is 40 µmol/L against a ULN of 20 µmol/L", {"bilirubin_x_uln": 2}),
    ("bilirubin 25 umol/L (0-17)", {"bilirubin_x_uln": 1.47}),
]
# No ULN, or a ULN in another unit: nothing stored, a "unit" note left.
BILIRUBIN_UNIT_ONLY = ["bili 40 umol/L", "bilirubin 2.1 mg/dL", "bilirubin 35 µmol/L, ULN 1.2 mg/dL"]

TRANSPLANT_AND_PUMP: list[Row] = [
    ("plan allo once in CR", {"hsct_planned": True}),
    ("HSCT not planned", {"hsct_planned": False}),
    ("would go to transplant", {"hsct_planned": True}),
    ("transplant from her sister planned", {"hsct_planned": True}),
    ("not a transplant candidate", {"hsct_feasible": False}),
    ("unfit for HSCT", {"hsct_feasible": False}),
    ("too frail for allo", {"hsct_feasible": False}),
    ("donor lined up", {"hsct_feasible": True}),
    ("donor identified", {"hsct_feasible": True}),
    ("sibling donor available", {"hsct_feasible": True}),
    ("34M, has a matched sibling donor", {"age_years": 34, "hsct_feasible": True}),
    ("Bu/Cy", {"dual_alkylator_conditioning": True}),
    ("thiotepa-busulfan-fludarabine", {"dual_alkylator_conditioning": True}),
    ("TBI/Cy conditioning", {"dual_alkylator_conditioning": False}),
    ("TBI/etoposide", {"dual_alkylator_conditioning": False}),
    ("Treo/Flu", {"dual_alkylator_conditioning": False}),
    ("doesn't want to carry a pump", {"prefers_no_pump": True}),
    ("happy with the pump", {"prefers_no_pump": False}),
    ("pump not an issue", {"prefers_no_pump": False}),
]

ALL_ROWS = [
    *REMISSION_HISTORY, *AGES, *CD22_FIGURES, *NEGATION_SHORTHAND, *THERAPY_VERBS, *BILIRUBIN, *TRANSPLANT_AND_PUMP,
]


@pytest.mark.parametrize(("text", "expected"), ALL_ROWS, ids=[t for t, _ in ALL_ROWS])
def test_shorthand_sets_exactly_these_fields(text: str, expected: dict[str, Any]) -> None:
    update = extract_facts(text)
    assert _same_profile(update.set, expected), update.set
    PatientProfile.model_validate(update.set)


@pytest.mark.parametrize("text", REMISSION_NO_SETTING)
def test_remission_without_a_numbered_relapse_sets_no_setting(text: str) -> None:
    assert "disease_status" not in extract_facts(text).set


@pytest.mark.parametrize("text", NOT_AN_AGE)
def test_durations_are_not_ages(text: str) -> None:
    assert "age_years" not in extract_facts(text).set


@pytest.mark.parametrize("text", CD22_NO_FIGURE)
def test_cd22_without_a_figure_stores_no_number(text: str) -> None:
    update = extract_facts(text)
    assert "cd22_positive_pct" not in update.set
    assert any(n.field == "cd22_positive_pct" and n.kind == "qualitative" for n in update.notes)


@pytest.mark.parametrize("text", THERAPY_PLANS)
def test_plans_are_not_history(text: str) -> None:
    assert "prior_therapies" not in extract_facts(text).set


@pytest.mark.parametrize("text", BILIRUBIN_UNIT_ONLY)
def test_bilirubin_without_a_same_unit_uln_is_not_stored(text: str) -> None:
    update = extract_facts(text)
    assert "bilirubin_x_uln" not in update.set
    assert any(n.field == "bilirubin_x_uln" and n.kind == "unit" for n in update.notes)


# -- whose facts ------------------------------------------------------------------------------------
THIRD_PERSON: list[str] = [
    "his brother, the donor, is 19",
    "mum had breast cancer at 50",
    "his sister had ALL too, she was Ph+ and CD22 negative",
    "my other patient is 70 and has CNS disease",
    "her mother is 45 and she is the one with CNS disease",
    "the donor is his 19-year-old brother",
    "Sibling donor is 12 yo, HLA identical",
    "FHx: mother breast ca at 50",
    "father had CNS lymphoma",
    "my previous patient got blina and relapsed after first CR",
    "the other kid on the ward is Ph+",
    "my other patient doesn't want a pump",
    "my other patient has a donor lined up",
]
# The patient's own facts around a third person's clause survive it.
MIXED: list[Row] = [
    ("34M, his brother is the donor and is 19", {"age_years": 34}),
    ("Mum had breast cancer at 50. He is Ph-negative.", {"ph_positive": False}),
    ("Mum had breast cancer, he is CD22 80%", {"cd22_positive_pct": 80}),
    ("45M, first relapse. His sister is CD22 negative.", {"age_years": 45, "disease_status": "first_relapse"}),
    ("dad is 52; pt is 17 and in first relapse", {"age_years": 17, "disease_status": "first_relapse"}),
    ("mum says he is happy with the pump", {"prefers_no_pump": False}),
    ("allo from his brother planned, 45M", {"age_years": 45, "hsct_planned": True}),
    ("the daughter is 4 with CNS3", {"cns_disease": True}),
    # Two facts a third person's clause states about the patient: a donor found, the family's pump choice.
    ("her brother is a match and the donor is lined up", {"hsct_feasible": True}),
    ("Brother is a full match.", {"hsct_feasible": True}),
    ("the donor (sibling) is 19, patient is 34", {"age_years": 34}),
    ("mum doesn't want a pump", {"prefers_no_pump": True}),
    ("Parents keen on outpatient therapy, no pump", {"prefers_no_pump": True}),
]


@pytest.mark.parametrize("text", THIRD_PERSON)
def test_a_third_persons_facts_are_not_stored(text: str) -> None:
    update = extract_facts(text)
    assert (update.set, update.hypothetical, update.cleared, update.withdrawn, update.reset) == ({}, {}, [], {}, False)


@pytest.mark.parametrize(("text", "expected"), MIXED, ids=[t for t, _ in MIXED])
def test_the_patients_facts_beside_a_third_person_are_kept(text: str, expected: dict[str, Any]) -> None:
    assert extract_facts(text).set == expected


_RELATIVES = st.sampled_from(
    ["his brother", "her sister", "Mum", "her mother", "his dad", "the donor", "his brother, the donor,",
     "my other patient", "her twin sister", "their cousin", "the patient's father", "Her older brother",
     "his grandmother", "FHx: mother"]
)
_THEIR_FACTS = st.sampled_from(
    ["is 19", "is a 45-year-old", "had CNS disease", "is Ph+", "was CD22 negative", "had blina",
     "relapsed after first CR", "is KMT2A rearranged", "had a transplant in 2019", "has testicular involvement",
     "is 3.5 yo", "has bilirubin 2x ULN", "had 80% blasts", "never achieved remission", "is CD19 dim",
     "got tisa-cel last year", "is in second relapse", "is 19 mo"]
)
_THIRD_SENTENCE = st.builds(
    lambda who, facts: f"{who} {' and '.join(facts)}", _RELATIVES, st.lists(_THEIR_FACTS, min_size=1, max_size=3)
)
_PATIENT_TEXT = st.sampled_from(
    ["62-year-old man, second relapse, CD22 60%", "45F, Ph-negative, blasts 85%", "3.5 yo girl, CNS3, s/p allo",
     "first relapse after blina, bili 1.5x ULN", "19 mo boy, KMT2A-r, refractory"]
)


@given(_THIRD_SENTENCE)
@settings(max_examples=300)
def test_facts_about_a_relative_never_change_the_patient(sentence: str) -> None:
    update = extract_facts(sentence)
    known = {"age_years": 30, "cd22_positive_pct": 70, "cns_disease": False}
    assert update.apply(known) == known
    assert not update.hypothetical


@given(_PATIENT_TEXT, _THIRD_SENTENCE)
@settings(max_examples=300)
def test_a_relatives_sentence_beside_the_patients_changes_nothing(patient: str, sentence: str) -> None:
    alone = extract_facts(patient)
    assert extract_facts(f"{patient}. {sentence}.").set == alone.set
    assert extract_facts(f"{sentence}. {patient}").set == alone.set


# -- a remark about another patient ---------------------------------------------------------------
MISATTRIBUTED: list[tuple[str, list[str]]] = [
    ("sorry, that CD22 was a different patient's", ["cd22_positive_pct"]),
    ("the blast count was from another patient", ["marrow_blasts_pct"]),
    ("I mixed them up: the age belonged to someone else too", ["age_years"]),
    ("the CD22 and the bili were from my other patient", ["cd22_positive_pct", "bilirubin_x_uln"]),
    ("oops - the bilirubin belongs to my other patient", ["bilirubin_x_uln"]),
    ("wrong patient for the KMT2A result", ["kmt2a_rearranged"]),
    ("CD22 90% (sorry, different patient)", ["cd22_positive_pct"]),
    ("that CD22 was his brother's", ["cd22_positive_pct"]),
    ("the age was her husband's, not hers", ["age_years"]),
    # a transplant from a relative is not a remark that a fact was misattributed
    ("the transplant was from his brother", []),
]


@pytest.mark.parametrize(("text", "fields"), MISATTRIBUTED, ids=[t for t, _ in MISATTRIBUTED])
def test_a_misattribution_clears_only_the_fields_it_names(text: str, fields: list[str]) -> None:
    update = extract_facts(text)
    assert not update.reset
    assert sorted(update.cleared) == sorted(fields)
    assert not update.set


def test_a_misattributed_therapy_is_withdrawn_not_every_therapy() -> None:
    update = extract_facts("the blina was for a different patient")
    assert update.withdrawn == {"prior_therapies": ["blinatumomab"]} and not update.cleared


@pytest.mark.parametrize("text", ["sorry, wrong patient", "sorry, different patient"])
def test_a_misattribution_naming_no_field_clears_nothing_and_says_so(text: str) -> None:
    update = extract_facts(text)
    assert (update.reset, update.cleared, update.set) == (False, [], {})
    assert [n.kind for n in update.notes] == ["misattributed"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("new patient", {}), ("Another patient: 60F first relapse", {"age_years": 60, "disease_status": "first_relapse"}),
     ("another patient, 45M, CNS3", {"age_years": 45, "cns_disease": True})],
)
def test_introducing_the_next_case_still_starts_over(text: str, expected: dict[str, Any]) -> None:
    update = extract_facts(text)
    assert update.reset and update.set == expected


# -- the development vignettes, replayed without the engine ---------------------------------------
_DEV = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "assistant" / "eval" / "dev_vignettes.yaml").read_text(encoding="utf-8")
)["vignettes"]


@pytest.mark.parametrize("vignette", _DEV, ids=[v["id"] for v in _DEV])
def test_development_vignettes_store_every_fact_right(vignette: dict[str, Any]) -> None:
    patient: dict[str, Any] = {}
    for turn in vignette["turns"]:
        patient = PatientProfile.model_validate(extract_facts(turn["say"]).apply(patient)).model_dump(
            mode="json", exclude_none=True
        )
        assert _same_profile(patient, turn["expect"]), (turn["say"], patient)


def _same_profile(have: dict[str, Any], want: dict[str, Any]) -> bool:
    """Same fields and values; numbers to the vignettes' two decimals, lists in any order."""
    if set(have) != set(want):
        return False
    for name, value in want.items():
        if isinstance(value, bool) or isinstance(have[name], bool):
            if value is not have[name]:
                return False
        elif isinstance(value, float) or isinstance(have[name], float):
            if abs(float(value) - float(have[name])) >= 0.011:
                return False
        elif isinstance(value, list):
            if sorted(value) != sorted(have[name]):
                return False
        elif value != have[name]:
            return False
    return True
