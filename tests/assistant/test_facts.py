"""Patient facts from free text: tables of what must be read, what must not, and invariants."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.understanding.facts import FactUpdate, extract_facts
from assistant.understanding.vocabulary import PROFILE_FIELDS
from tools.profile import PatientProfile

# -- what must be read: text -> fields it sets (other fields may be set too) -------------------------
SETS: list[tuple[str, dict[str, Any]]] = [
    # ages
    ("62", {"age_years": 62}),
    ("62-year-old", {"age_years": 62}),
    ("62 year old woman", {"age_years": 62}),
    ("62 years old", {"age_years": 62}),
    ("62yo", {"age_years": 62}),
    ("62 yo male", {"age_years": 62}),
    ("62 y/o", {"age_years": 62}),
    ("16 y/o with relapsed B-ALL", {"age_years": 16}),
    ("aged 62", {"age_years": 62}),
    ("age 45", {"age_years": 45}),
    ("age: 45", {"age_years": 45}),
    ("a 7 year old boy", {"age_years": 7}),
    ("45M, Ph-negative", {"age_years": 45}),
    ("23F second relapse", {"age_years": 23}),
    ("she is 19", {"age_years": 19}),
    ("18-month-old infant", {"age_years": 1.5}),
    ("Actually she's 26, not 24", {"age_years": 26}),
    # disease setting
    ("primary refractory B-ALL", {"disease_status": "refractory"}),
    ("refractory disease", {"disease_status": "refractory"}),
    ("primary induction failure", {"disease_status": "refractory"}),
    ("first relapse", {"disease_status": "first_relapse"}),
    ("relapsed for the first time last month", {"disease_status": "first_relapse"}),
    ("1st relapse", {"disease_status": "first_relapse"}),
    ("early relapse", {"disease_status": "first_relapse"}),
    ("second relapse", {"disease_status": "second_or_later_relapse"}),
    ("2nd relapse", {"disease_status": "second_or_later_relapse"}),
    ("third relapse", {"disease_status": "second_or_later_relapse"}),
    ("multiply relapsed", {"disease_status": "second_or_later_relapse"}),
    ("relapsed twice", {"disease_status": "second_or_later_relapse"}),
    ("MRD-positive", {"disease_status": "mrd_positive"}),
    ("MRD+ in CR2", {"disease_status": "mrd_positive"}),
    ("MRD positive 10^-3", {"disease_status": "mrd_positive"}),
    ("MRD 10-3", {"disease_status": "mrd_positive"}),
    ("MRD 0.1% by flow", {"disease_status": "mrd_positive"}),
    ("molecular relapse", {"disease_status": "mrd_positive"}),
    ("MRD-positive after first relapse", {"disease_status": "mrd_positive"}),
    ("first relapse, refractory to blina", {"disease_status": "refractory"}),
    ("relapsed after transplant", {"prior_hsct": True}),
    ("second relapse after transplant", {"disease_status": "second_or_later_relapse", "prior_hsct": True}),
    # Philadelphia chromosome
    ("Ph+ ALL", {"ph_positive": True}),
    ("Ph-positive", {"ph_positive": True}),
    ("Philadelphia positive", {"ph_positive": True}),
    ("BCR-ABL1 detected", {"ph_positive": True}),
    ("Ph-negative", {"ph_positive": False}),
    ("Ph- B-ALL", {"ph_positive": False}),
    ("BCR-ABL1 negative", {"ph_positive": False}),
    ("Ph-like ALL", {"ph_positive": False}),
    # marrow blasts
    ("85% blasts", {"marrow_blasts_pct": 85}),
    ("blasts 85%", {"marrow_blasts_pct": 85}),
    ("marrow blasts of 85 %", {"marrow_blasts_pct": 85}),
    ("bone marrow 40% blasts", {"marrow_blasts_pct": 40}),
    ("BM blasts: 62%", {"marrow_blasts_pct": 62}),
    ("actually blasts are 10% now", {"marrow_blasts_pct": 10}),
    ("blasts 10%, down from 85%", {"marrow_blasts_pct": 10}),
    ("blasts fell from 85% to 10%", {"marrow_blasts_pct": 10}),
    ("blasts <5%", {"marrow_blasts_pct": 4.9}),
    ("less than 5% blasts", {"marrow_blasts_pct": 4.9}),
    ("blasts >50%", {"marrow_blasts_pct": 50.1}),
    ("80-90% blasts", {"marrow_blasts_pct": 90}),
    ("about 70% blasts", {"marrow_blasts_pct": 70}),
    # antigens
    ("CD22 60%", {"cd22_positive_pct": 60}),
    ("CD22 positive in 60% of blasts", {"cd22_positive_pct": 60}),
    ("60% CD22+", {"cd22_positive_pct": 60}),
    ("60% of blasts are CD22 positive", {"cd22_positive_pct": 60}),
    ("CD22 expression 95%", {"cd22_positive_pct": 95}),
    ("CD22: 100%", {"cd22_positive_pct": 100}),
    ("CD22-negative", {"cd22_positive_pct": 0}),
    ("CD22 negative", {"cd22_positive_pct": 0}),
    ("loss of CD22", {"cd22_positive_pct": 0}),
    ("40% CD22-negative blasts", {"cd22_positive_pct": 60}),
    ("CD22 60-80%", {"cd22_positive_pct": 60}),
    ("CD19-negative", {"cd19": "negative"}),
    ("CD19 neg", {"cd19": "negative"}),
    ("CD19 loss after CAR-T", {"cd19": "negative"}),
    ("CD19 dim", {"cd19": "dim"}),
    ("CD19 low", {"cd19": "dim"}),
    ("dim CD19", {"cd19": "dim"}),
    ("CD19 positive", {"cd19": "positive"}),
    ("CD19+", {"cd19": "positive"}),
    ("negative for CD19 and CD22", {"cd19": "negative", "cd22_positive_pct": 0}),
    # prior therapies
    ("after blina", {"prior_therapies": ["blinatumomab"]}),
    ("previously received blinatumomab", {"prior_therapies": ["blinatumomab"]}),
    ("failed InO", {"prior_therapies": ["inotuzumab_ozogamicin"]}),
    ("progressed on Kymriah", {"prior_therapies": ["cd19_car_t"]}),
    ("prior blinatumomab", {"prior_therapies": ["blinatumomab"]}),
    ("s/p CAR-T", {"prior_therapies": ["cd19_car_t"]}),
    ("received tisa-cel in the past", {"prior_therapies": ["cd19_car_t"]}),
    ("relapsed after Blincyto", {"prior_therapies": ["blinatumomab"]}),
    ("progressed on BiTE therapy", {"prior_therapies": ["blinatumomab"]}),
    ("failed blinatumumab", {"prior_therapies": ["blinatumomab"]}),
    ("had inotuzamab", {"prior_therapies": ["inotuzumab_ozogamicin"]}),
    ("s/p Besponsa", {"prior_therapies": ["inotuzumab_ozogamicin"]}),
    ("relapsed after CTL019", {"prior_therapies": ["cd19_car_t"]}),
    ("prior CD22 CAR T", {"prior_therapies": ["cd22_car_t"]}),
    ("failed hyper-CVAD", {"prior_therapies": ["chemotherapy"]}),
    ("refractory to induction chemo", {"prior_therapies": ["chemotherapy"]}),
    ("failed induction", {"prior_therapies": ["chemotherapy"], "disease_status": "refractory"}),
    (
        "she had blina, InO and hyper-CVAD",
        {"prior_therapies": ["blinatumomab", "inotuzumab_ozogamicin", "chemotherapy"]},
    ),
    ("blina-refractory", {"prior_therapies": ["blinatumomab"]}),
    # transplant
    ("prior allo", {"prior_hsct": True}),
    ("post-transplant relapse", {"prior_hsct": True}),
    ("previous HSCT", {"prior_hsct": True}),
    ("s/p allo-SCT in 2018", {"prior_hsct": True}),
    ("history of BMT", {"prior_hsct": True}),
    ("no prior transplant", {"prior_hsct": False}),
    ("plan to transplant", {"hsct_planned": True}),
    ("going to HSCT after InO", {"hsct_planned": True}),
    ("bridge to transplant", {"hsct_planned": True}),
    ("not a transplant candidate", {"hsct_feasible": False}),
    ("transplant ineligible", {"hsct_feasible": False}),
    ("unfit for HSCT", {"hsct_feasible": False}),
    ("no donor", {"hsct_feasible": False}),
    ("transplant eligible", {"hsct_feasible": True}),
    ("HSCT candidate", {"hsct_feasible": True}),
    ("busulfan + cyclophosphamide conditioning", {"dual_alkylator_conditioning": True}),
    ("Bu/Cy planned", {"dual_alkylator_conditioning": True}),
    ("dual alkylator conditioning", {"dual_alkylator_conditioning": True}),
    ("Bu-Flu-Thio", {"dual_alkylator_conditioning": True}),
    ("Bu/Flu conditioning", {"dual_alkylator_conditioning": False}),
    # bilirubin and InO cycles
    ("bilirubin 1.5x ULN", {"bilirubin_x_uln": 1.5}),
    ("bili 1.5 x ULN", {"bilirubin_x_uln": 1.5}),
    ("bilirubin 1.5 times ULN", {"bilirubin_x_uln": 1.5}),
    ("bilirubin 2 × ULN", {"bilirubin_x_uln": 2}),
    ("plan 4 cycles of InO", {"planned_ino_cycles": 4}),
    ("2 cycles of inotuzumab", {"planned_ino_cycles": 2}),
    ("InO x2 then HSCT", {"planned_ino_cycles": 2}),
    ("limit InO to two cycles", {"planned_ino_cycles": 2}),
    # yes/no facts and their negation
    ("CNS disease", {"cns_disease": True}),
    ("CNS3", {"cns_disease": True}),
    ("CNS involvement", {"cns_disease": True}),
    ("CSF positive", {"cns_disease": True}),
    ("she relapsed in the CNS", {"cns_disease": True}),
    ("no CNS disease", {"cns_disease": False}),
    ("CNS negative", {"cns_disease": False}),
    ("CNS1", {"cns_disease": False}),
    ("without CNS involvement", {"cns_disease": False}),
    ("extramedullary disease", {"extramedullary_disease": True}),
    ("EMD", {"extramedullary_disease": True}),
    ("testicular relapse", {"extramedullary_disease": True}),
    ("chloroma", {"extramedullary_disease": True}),
    ("skin infiltration", {"extramedullary_disease": True}),
    ("no EMD", {"extramedullary_disease": False}),
    ("KMT2A", {"kmt2a_rearranged": True}),
    ("MLL-rearranged", {"kmt2a_rearranged": True}),
    ("MLL-r", {"kmt2a_rearranged": True}),
    ("t(4;11)", {"kmt2a_rearranged": True}),
    ("KMT2A-negative", {"kmt2a_rearranged": False}),
    ("no KMT2A", {"kmt2a_rearranged": False}),
    ("not KMT2A", {"kmt2a_rearranged": False}),
    ("lymphopenic", {"t_cell_dysfunction": True}),
    ("low T cells", {"t_cell_dysfunction": True}),
    ("poor T-cell function", {"t_cell_dysfunction": True}),
    ("CD3 count low", {"t_cell_dysfunction": True}),
    ("T-cell problems", {"t_cell_dysfunction": True}),
    ("normal T cells", {"t_cell_dysfunction": False}),
    ("rapidly progressing", {"rapidly_progressive": True}),
    ("needs control within weeks", {"rapidly_progressive": True}),
    ("highly proliferative", {"rapidly_progressive": True}),
    ("fulminant", {"rapidly_progressive": True}),
    ("not rapidly progressing", {"rapidly_progressive": False}),
    ("CAR T manufacturing failed", {"prior_car_t_manufacturing_failure": True}),
    ("the product failed", {"prior_car_t_manufacturing_failure": True}),
    ("doesn't want a pump", {"prefers_no_pump": True}),
    ("no pump", {"prefers_no_pump": True}),
    ("can't manage a pump", {"prefers_no_pump": True}),
    ("happy with a pump", {"prefers_no_pump": False}),
    ("not happy with a pump", {"prefers_no_pump": True}),
    # corrections: the later statement wins
    ("no CNS disease. Correction: CNS3", {"cns_disease": True}),
    ("CD22 60%, sorry, CD22 90%", {"cd22_positive_pct": 90}),
    # a whole case
    (
        "62-year-old man, second relapse after blina and prior allo, Ph-negative, 85% blasts, CD22 60%, "
        "CD19 dim, bilirubin 1.2x ULN, no CNS disease, KMT2A-negative",
        {
            "age_years": 62,
            "disease_status": "second_or_later_relapse",
            "prior_therapies": ["blinatumomab"],
            "prior_hsct": True,
            "ph_positive": False,
            "marrow_blasts_pct": 85,
            "cd22_positive_pct": 60,
            "cd19": "dim",
            "bilirubin_x_uln": 1.2,
            "cns_disease": False,
            "kmt2a_rearranged": False,
        },
    ),
]

# -- numbers that are not ages ----------------------------------------------------------------------
NOT_AGES = [
    "2 cycles",
    "CD22 60%",
    "10^-3",
    "85% blasts",
    "1.5x ULN",
    "grade 3",
    "4 weeks",
    "day 28",
    "25 mg",
    "MRD 10-3",
    "relapsed 2 years after transplant",
    "CR in 3 of 5",
    "t(4;11)",
    "150",
    "-5",
    "ages 18-25",
    "CTL019",
    "1.8 mg/m2",
    "infused on day 0",
    "blina for 4 weeks",
]

# -- what must not be set: text -> field ---------------------------------------------------------------
NOT_SET: list[tuple[str, str]] = [
    ("should we give blina?", "prior_therapies"),
    ("is InO an option?", "prior_therapies"),
    ("Would you consider Kymriah next?", "prior_therapies"),
    ("plan InO then transplant", "prior_therapies"),
    ("bridge with InO prior to CAR T", "prior_therapies"),
    ("CAR T manufacturing failed", "prior_therapies"),
    ("relapsed after transplant", "disease_status"),
    ("relapsed/refractory B-ALL", "disease_status"),
    ("R/R ALL", "disease_status"),
    ("relapsed", "disease_status"),
    ("CD22 positive", "cd22_positive_pct"),
    ("CD22 bright", "cd22_positive_pct"),
    ("CD22 dim", "cd22_positive_pct"),
    ("CD22 partial", "cd22_positive_pct"),
    ("CD19 partial", "cd19"),
    ("normal bilirubin", "bilirubin_x_uln"),
    ("bilirubin 2.1 mg/dL", "bilirubin_x_uln"),
    ("received 2 cycles of InO", "planned_ino_cycles"),
    ("CD22 positive in 60% of blasts", "marrow_blasts_pct"),
    ("peripheral blasts 40%", "marrow_blasts_pct"),
    ("Flu/Cy lymphodepletion before CAR-T", "dual_alkylator_conditioning"),
    ("?CNS disease", "cns_disease"),
    ("possible KMT2A rearrangement", "kmt2a_rearranged"),
    ("What is the risk of CD19-negative relapse after CAR-T?", "cd19"),
    ("If she had CNS disease, would InO work?", "cns_disease"),
    ("Does InO work in patients with CNS disease?", "cns_disease"),
    ("no CNS disease, testicular involvement", "kmt2a_rearranged"),
    ("CNS prophylaxis with blina", "cns_disease"),
    ("T-cell dependent agents", "t_cell_dysfunction"),
    ("Is he a transplant candidate?", "hsct_feasible"),
    ("INO-VATE trial results", "prior_therapies"),
    # out of range: never stored, never clamped to the nearest allowed value
    ("marrow blasts 150%", "marrow_blasts_pct"),
    ("CD22 120%", "cd22_positive_pct"),
    ("aged 130", "age_years"),
]

CLEARED: list[tuple[str, list[str]]] = [
    ("forget the CD22", ["cd22_positive_pct"]),
    ("ignore the bilirubin", ["bilirubin_x_uln"]),
    ("unknown CD22", ["cd22_positive_pct"]),
    ("CD22 unknown", ["cd22_positive_pct"]),
    ("KMT2A status unknown", ["kmt2a_rearranged"]),
    ("CD22 pending", ["cd22_positive_pct"]),
    ("we don't know the blasts", ["marrow_blasts_pct"]),
    ("scrap the age", ["age_years"]),
    ("forget the prior therapies", ["prior_therapies"]),
    ("disregard the CNS status", ["cns_disease"]),
]

NOTES: list[tuple[str, str, str]] = [
    ("blasts <5%", "marrow_blasts_pct", "bound"),
    ("80-90% blasts", "marrow_blasts_pct", "range"),
    ("about 70% blasts", "marrow_blasts_pct", "approximate"),
    ("CD22 dim", "cd22_positive_pct", "qualitative"),
    ("CD22 bright", "cd22_positive_pct", "qualitative"),
    ("CD22 partial", "cd22_positive_pct", "qualitative"),
    ("normal bilirubin", "bilirubin_x_uln", "qualitative"),
    ("bilirubin 2.1 mg/dL", "bilirubin_x_uln", "unit"),
    ("?CNS disease", "cns_disease", "uncertain"),
    ("relapsed after transplant", "disease_status", "no_ordinal"),
    ("peripheral blasts 40%", "marrow_blasts_pct", "not_used"),
    ("40% CD22-negative blasts", "cd22_positive_pct", "complement"),
    ("marrow blasts 150%", "marrow_blasts_pct", "out_of_range"),
    ("she is 150 years old", "age_years", "out_of_range"),
    ("8 cycles of InO", "planned_ino_cycles", "out_of_range"),
    ("CD22 120%", "cd22_positive_pct", "out_of_range"),
]


@pytest.mark.parametrize(("text", "expected"), SETS, ids=[t for t, _ in SETS])
def test_reads_the_stated_facts(text: str, expected: dict[str, Any]) -> None:
    update = extract_facts(text)
    assert {k: update.set.get(k) for k in expected} == expected


@pytest.mark.parametrize("text", NOT_AGES)
def test_numbers_that_are_not_ages_are_not_read_as_age(text: str) -> None:
    assert "age_years" not in extract_facts(text).set


@pytest.mark.parametrize(("text", "field"), NOT_SET, ids=[t for t, _ in NOT_SET])
def test_does_not_set_what_was_not_stated(text: str, field: str) -> None:
    assert field not in extract_facts(text).set


@pytest.mark.parametrize(("text", "fields"), CLEARED, ids=[t for t, _ in CLEARED])
def test_retraction_clears_the_field(text: str, fields: list[str]) -> None:
    update = extract_facts(text)
    assert update.cleared == fields
    assert not set(fields) & set(update.set)


@pytest.mark.parametrize(("text", "field", "kind"), NOTES, ids=[t for t, _, _ in NOTES])
def test_leaves_a_note_for_inexact_or_unstored_values(text: str, field: str, kind: str) -> None:
    assert (field, kind) in {(n.field, n.kind) for n in extract_facts(text).notes}


@pytest.mark.parametrize("text", ["new patient", "start over", "different patient", "Next patient: 45M"])
def test_new_patient_phrases_reset(text: str) -> None:
    assert extract_facts(text).reset


def test_facts_before_a_reset_belong_to_the_previous_patient() -> None:
    update = extract_facts("blasts 85%. New patient: 45M, CD22 90%")
    assert update.reset
    assert update.set == {"age_years": 45, "cd22_positive_pct": 90}


def test_never_given_withdraws_a_prior_therapy() -> None:
    update = extract_facts("never had blina, received hyper-CVAD")
    assert update.withdrawn == {"prior_therapies": ["blinatumomab"]}
    assert update.set["prior_therapies"] == ["chemotherapy"]


def test_mrd_negative_withdraws_mrd_positive_without_inventing_a_setting() -> None:
    update = extract_facts("now MRD-negative")
    assert update.withdrawn == {"disease_status": ["mrd_positive"]}
    assert "disease_status" not in update.set


def test_a_later_withdrawal_beats_an_earlier_statement() -> None:
    update = extract_facts("MRD-positive in May, now MRD-negative")
    assert "disease_status" not in update.set
    assert update.withdrawn == {"disease_status": ["mrd_positive"]}


def test_conditional_facts_go_to_hypothetical_not_set() -> None:
    update = extract_facts("If she were CD22-negative, would InO still work?")
    assert update.hypothetical == {"cd22_positive_pct": 0}
    assert update.set == {}


def test_evidence_shows_the_words_including_negation() -> None:
    update = extract_facts("62yo, no CNS disease, failed InO, bilirubin 1.5x ULN")
    assert update.evidence == {
        "age_years": "62yo",
        "cns_disease": "no CNS disease",
        "prior_therapies": "failed InO",
        "bilirubin_x_uln": "bilirubin 1.5x ULN",
    }


def test_apply_adds_therapies_clears_and_withdraws() -> None:
    known: dict[str, object] = {"prior_therapies": ["chemotherapy"], "cd22_positive_pct": 60, "age_years": 50}
    merged = extract_facts("failed blina. forget the CD22. she is 52 actually").apply(known)
    assert merged == {"prior_therapies": ["blinatumomab", "chemotherapy"], "age_years": 52}
    assert extract_facts("never had chemo").apply(merged)["prior_therapies"] == ["blinatumomab"]
    assert extract_facts("new patient, 30F").apply(merged) == {"age_years": 30}


def test_field_names_match_the_patient_profile() -> None:
    assert set(PROFILE_FIELDS) == set(PatientProfile.model_fields)


@pytest.mark.parametrize(("text", "expected"), SETS, ids=[t for t, _ in SETS])
def test_every_update_is_a_valid_patient_profile(text: str, expected: dict[str, Any]) -> None:
    PatientProfile.model_validate(extract_facts(text).set)


# -- invariants over arbitrary text ----------------------------------------------------------------------
_CLINICAL_WORDS = [
    "62",
    "yo",
    "year",
    "old",
    "CD22",
    "CD19",
    "%",
    "blasts",
    "<",
    ">",
    "-",
    "x",
    "ULN",
    "bilirubin",
    "no",
    "not",
    "MRD",
    "10^-3",
    "relapse",
    "second",
    "Ph+",
    "Ph-",
    "blina",
    "InO",
    "CAR-T",
    "after",
    "prior",
    "cycles",
    "of",
    "transplant",
    "forget",
    "unknown",
    "new patient",
    "CNS",
    "KMT2A",
    "pump",
    "?",
    ",",
    ".",
    "150",
    "999",
    "0",
    "1.5",
    "4",
    "six",
    "aged",
    "age",
    "M",
    "F",
    "dim",
    "negative",
    "positive",
    "if",
    "Bu/Cy",
    "to",
    "from",
]
_RANGES = {
    "age_years": (0, 120),
    "marrow_blasts_pct": (0, 100),
    "cd22_positive_pct": (0, 100),
    "bilirubin_x_uln": (0, 100),
    "planned_ino_cycles": (1, 6),
}


def _assert_within_profile(update: FactUpdate) -> None:
    for values in (update.set, update.hypothetical):
        assert set(values) <= set(PROFILE_FIELDS)
        for field, (low, high) in _RANGES.items():
            if field in values:
                value = values[field]
                assert isinstance(value, int | float) and not isinstance(value, bool)
                assert low <= value <= high
    assert set(update.cleared) <= set(PROFILE_FIELDS)
    assert set(update.withdrawn) <= set(PROFILE_FIELDS)
    assert set(update.evidence) == set(update.set)
    PatientProfile.model_validate(update.set)


@given(st.text(max_size=300))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_never_raises_on_arbitrary_text_and_stays_in_range(text: str) -> None:
    _assert_within_profile(extract_facts(text))


@given(st.lists(st.sampled_from(_CLINICAL_WORDS), max_size=25).map(" ".join))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_clinical_word_salad_stays_within_the_profile(text: str) -> None:
    _assert_within_profile(extract_facts(text))


@given(st.text(max_size=200))
@settings(max_examples=100)
def test_same_text_same_update(text: str) -> None:
    assert extract_facts(text) == extract_facts(text)
