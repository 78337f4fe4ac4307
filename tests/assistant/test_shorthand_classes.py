"""Shorthand classes found by a second, independent development set (dev_vignettes_2.yaml).

One table per class, each with several shapes of it; a row is (text, the fields the message must
set, read with `interpret` so sentence aboutness is part of what is checked).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.understanding.correction import bare_correction
from assistant.understanding.interpret import interpret

Row = tuple[str, dict[str, Any]]


def _stored(text: str, known: dict[str, Any] | None = None) -> dict[str, Any]:
    return dict(interpret(text, known or {}).update.set)


# Abbreviations with full stops stay in their sentence: "y.o." is not a sentence end.
ABBREVIATED: list[Row] = [
    ("a 7 y.o. boy, 2nd relapse", {"age_years": 7, "disease_status": "second_or_later_relapse"}),
    ("12 y.o. girl, CD22+ 96%", {"age_years": 12, "cd22_positive_pct": 96}),
    ("6 y.o. girl, 1st relapse, CNS3", {"age_years": 6, "disease_status": "first_relapse", "cns_disease": True}),
    ("refractory, CD22 approx. 60%", {"disease_status": "refractory", "cd22_positive_pct": 60}),
]


@pytest.mark.parametrize(("text", "expected"), ABBREVIATED)
def test_abbreviations_do_not_end_a_sentence(text: str, expected: dict[str, Any]) -> None:
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


# A relapse's site between its ordinal and "relapse", or the ordinal after it.
RELAPSE_ORDINALS: list[Row] = [
    ("2nd BM relapse", {"disease_status": "second_or_later_relapse"}),
    ("first isolated CNS relapse", {"disease_status": "first_relapse"}),
    ("second combined marrow relapse", {"disease_status": "second_or_later_relapse"}),
    ("BM relapse (1st), Ph+", {"disease_status": "first_relapse", "ph_positive": True}),
    ("17M combined relapse - BM 20% blasts; his 2nd", {"disease_status": "second_or_later_relapse"}),
    ("testicular relapse, her third.", {"disease_status": "second_or_later_relapse"}),
]


@pytest.mark.parametrize(("text", "expected"), RELAPSE_ORDINALS)
def test_relapse_ordinals_around_the_site(text: str, expected: dict[str, Any]) -> None:
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


@pytest.mark.parametrize(
    "text",
    ["had Blincyto as consolidation in 1st relapse", "received InO during first relapse",
     "was salvaged with blina in 2nd relapse"],
)
def test_a_relapse_in_which_therapy_was_given_is_history(text: str) -> None:
    stored = _stored(text)
    assert "disease_status" not in stored
    assert stored.get("prior_therapies")


# Shorthand statements drop their subject: an auxiliary opens a question only with a subject after it.
@pytest.mark.parametrize(
    ("text", "expected"),
    [("had blina in CR1", {"prior_therapies": ["blinatumomab"]}),
     ("has CNS3 disease", {"cns_disease": True}),
     ("was refractory to hyper-CVAD", {"disease_status": "refractory", "prior_therapies": ["chemotherapy"]})],
)
def test_subjectless_statements_are_about_the_patient(text: str, expected: dict[str, Any]) -> None:
    assert interpret(text, {}).about == "patient"
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


# Named protocols and regimens are chemotherapy; a protocol named as treatment is not a trial population.
REGIMENS: list[str] = [
    "prior COG AALL1231 chemo",
    "prior tx: AALL0232",
    "relapsed on therapy (Interfant-06)",
    "refractory to AIEOP-BFM",
    "after FLAG-Ida",
    "failed GRAALL-2005",
    "relapsed after UKALL14",
    "hyperCVAD x4, then relapsed",
]


@pytest.mark.parametrize("text", REGIMENS)
def test_named_regimens_are_prior_chemotherapy(text: str) -> None:
    assert _stored(text).get("prior_therapies") == ["chemotherapy"]


# Bare corrections: the known facts say which number they correct.
KNOWN = {"age_years": 45, "marrow_blasts_pct": 80, "cd22_positive_pct": 70}
CORRECTIONS: list[tuple[str, dict[str, Any]]] = [
    ("sorry 54 not 45", {"age_years": 54}),
    ("and blasts 30 not 80", {"marrow_blasts_pct": 30}),
    ("sorry, cd22 was 75 not 70", {"cd22_positive_pct": 75}),
    ("correction blasts 14 not 80", {"marrow_blasts_pct": 14}),
    ("make that 54 (not 45)", {"age_years": 54}),
    ("typo: 45 -> 54", {"age_years": 54}),
    ("54*", {"age_years": 54}),
    ("88%*", {"marrow_blasts_pct": 88}),
    ("*54", {"age_years": 54}),
    ("sorry, 54", {"age_years": 54}),
    ("I meant 54", {"age_years": 54}),
    ("cd22 is actually 65", {"cd22_positive_pct": 65}),
    ("correction: blasts 18", {"marrow_blasts_pct": 18}),
    ("age 54 not 45", {"age_years": 54}),
    ("no, 30% blasts not 80", {"marrow_blasts_pct": 30}),
]


@pytest.mark.parametrize(("text", "expected"), CORRECTIONS)
def test_bare_corrections_replace_the_known_value(text: str, expected: dict[str, Any]) -> None:
    assert _stored(text, KNOWN) == expected


@pytest.mark.parametrize(
    "text",
    ["sorry 54 not 46",  # no known value is 46
     "WBC 30 not 80",  # the field named holds no such number
     "blasts 30 not 45",  # the field named does not hold the old value
     "99*",  # a typo of no known number
     "75*",  # a typo of two known numbers (45 and 70)
     "blasts 300 not 80",  # outside the range
     "54",  # no correction cue
     "sorry, WBC 54",  # a field named that is not on file
     "blasts 30 not 80, and CD22 now 60%"],  # more is said than a correction
)
def test_what_is_not_a_bare_correction(text: str) -> None:
    assert bare_correction(text, KNOWN) is None


# The same corrections as one sentence of a longer message: read alone, the rest read as usual.
IN_A_MESSAGE: list[tuple[str, dict[str, Any]]] = [
    ("sorry 54 not 45. CD19 positive, CD22 on 70% of blasts", {"age_years": 54, "cd19": "positive",
                                                                 "cd22_positive_pct": 70}),
    ("Blasts are CD19 dim. oops, blasts 30 not 80.", {"cd19": "dim", "marrow_blasts_pct": 30}),
    ("typo: 45 -> 54; no CNS disease", {"age_years": 54, "cns_disease": False}),
    ("No CNS disease. cd22 is actually 65.", {"cns_disease": False, "cd22_positive_pct": 65}),
]


@pytest.mark.parametrize(("text", "expected"), IN_A_MESSAGE)
def test_a_correction_sentence_inside_a_longer_message(text: str, expected: dict[str, Any]) -> None:
    assert _stored(text, KNOWN) == expected


def test_a_correction_sentence_of_nothing_on_file_stores_no_number() -> None:
    assert "age_years" not in _stored("sorry 54 not 46. CD19 positive", KNOWN)


def test_a_bare_correction_needs_known_facts() -> None:
    assert bare_correction("sorry 54 not 45", {}) is None
    assert "age_years" not in _stored("sorry 54 not 45")


# Ages: the sex before the age, and "mine is 25".
AGES: list[Row] = [
    ("F, 56, refractory", {"age_years": 56, "disease_status": "refractory"}),
    ("F 72 Ph+ first relapse", {"age_years": 72, "ph_positive": True}),
    ("M, 34, CD22 80%", {"age_years": 34, "cd22_positive_pct": 80}),
    ("ELIANA enrolled pts 3-21y right? mine is 25, 2nd relapse", {"age_years": 25}),
    ("my patient is 40, refractory", {"age_years": 40}),
]


@pytest.mark.parametrize(("text", "expected"), AGES)
def test_ages_with_the_sex_first_or_a_possessive(text: str, expected: dict[str, Any]) -> None:
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


@pytest.mark.parametrize("text", ["CD19 pos, M 2 copies", "pt in her 60s, MRD+", "marrow 40%, F 20%"])
def test_no_age_without_an_age_shape(text: str) -> None:
    assert "age_years" not in _stored(text)


# Asking about a drug is not having had it.
@pytest.mark.parametrize(
    "text",
    ["54F w 2nd relapse post allo, cd22 70%, thoughts on ino vs blina?",
     "relapsed post allo, family asking abt Kymriah",
     "2nd relapse after HSCT, keen to discuss blina"],
)
def test_a_drug_asked_about_is_not_history(text: str) -> None:
    assert "prior_therapies" not in _stored(text)


# An aside about another patient stores nothing and starts no new case.
ASIDES = [
    "different pt but quick q - 23M post Kymriah w CD19 neg relapse, would ino work?",
    "my colleague's pt on the ward is also 8 but CNS3 and KMT2A-r -- not this one",
    "another patient, just asking: CD22 40%, would InO work?",
    "45M with CNS3, not my patient",
]


@pytest.mark.parametrize("text", ASIDES)
def test_an_aside_about_another_patient_changes_nothing(text: str) -> None:
    reading = interpret(text, {"age_years": 56, "cd22_positive_pct": 75})
    assert reading.update.set == {}
    assert not reading.update.reset


@pytest.mark.parametrize("text", ["next pt, unrelated: 6 y.o. girl, 1st relapse", "new patient: 45M, CD22 90%"])
def test_a_switch_to_the_next_case_still_starts_over(text: str) -> None:
    reading = interpret(text, {"age_years": 56})
    assert reading.update.reset
    assert reading.update.set


# Lab-style notations: karyotypes keep their semicolon, dictated numbers read as digits, antigen
# intensity pairs, reference ranges in brackets.
LAB_NOTATION: list[Row] = [
    ("40M, refractory, BM 95%, t(4;11)", {"kmt2a_rearranged": True}),
    ("refractory, t(9;22), CD22 80%", {"ph_positive": True, "cd22_positive_pct": 80}),
    ("t(11;19) infant ALL", {"kmt2a_rearranged": True}),
    ("he has marrow blasts forty percent", {"marrow_blasts_pct": 40}),
    ("sixty-two year old man, refractory", {"age_years": 62}),
    ("cd nineteen positive, cd twenty two seventy percent", {"cd19": "positive", "cd22_positive_pct": 70}),
    ("CD22 dim/partial ~50%", {"cd22_positive_pct": 50}),
    ("CD22 weak/heterogeneous 65%", {"cd22_positive_pct": 65}),
    ("CD19 still pos", {"cd19": "positive"}),
    ("CD19 remains also positive", {"cd19": "positive"}),
    ("T.bili 34 umol/L (ref 3-21)", {"bilirubin_x_uln": 1.62}),
    ("bilirubin 2.4 mg/dL (normal range 0.3-1.2)", {"bilirubin_x_uln": 2}),
]


@pytest.mark.parametrize(("text", "expected"), LAB_NOTATION)
def test_lab_style_notations(text: str, expected: dict[str, Any]) -> None:
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


@pytest.mark.parametrize("text", ["which one is better, ten or twenty?", "no one knows"])
def test_small_number_words_and_questions_store_nothing(text: str) -> None:
    assert _stored(text) == {}


# Flags in run-on shorthand: speed of growth, a low lymphocyte count, contractions without apostrophes.
FLAGS: list[Row] = [
    ("WBC 150 and rising fast", {"rapidly_progressive": True}),
    ("WBC was 12 two days ago, doubling fast", {"rapidly_progressive": True}),
    ("fast-rising blasts", {"rapidly_progressive": True}),
    ("blasts doubling every 3 days", {"rapidly_progressive": True}),
    ("needs cytoreduction this week", {"rapidly_progressive": True}),
    ("ALC 0.1", {"t_cell_dysfunction": True}),
    ("lymphs 0.3 and falling", {"t_cell_dysfunction": True}),
    ("ALC 200", {"t_cell_dysfunction": True}),
    ("he really doesnt want to carry a pump again", {"prefers_no_pump": True}),
    ("she cant manage a pump", {"prefers_no_pump": True}),
    ("she doesnt mind a pump", {"prefers_no_pump": False}),
]


@pytest.mark.parametrize(("text", "expected"), FLAGS)
def test_flags_in_shorthand(text: str, expected: dict[str, Any]) -> None:
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


@pytest.mark.parametrize("text", ["ALC 1.4", "ALC 0.9", "lymphocytes 25%", "WBC 12, stable"])
def test_no_t_cell_or_tempo_flag_without_the_finding(text: str) -> None:
    stored = _stored(text)
    assert "t_cell_dysfunction" not in stored
    assert "rapidly_progressive" not in stored


def test_cycles_given_since_then_are_history_not_a_plan() -> None:
    stored = _stored("since then InO x3 cycles")
    assert "planned_ino_cycles" not in stored
    assert stored.get("prior_therapies") == ["inotuzumab_ozogamicin"]


# Referral and SBAR notes: a history heading makes what follows it history; a past transplant's
# conditioning is not the planned one; a question answered "no" withdraws the therapy.
SBAR = (
    "SBAR - S: 47M w R/R Ph+ B-ALL, 2nd relapse after allo. B: hyper-CVAD+ponatinib, MSD allo 2023 (Bu/Cy), "
    "relapse 2025 -> Blincyto -> CR -> now relapse. A: BM 50% blasts, CD19 positive 95%, CD22 80%. R: InO?"
)
HISTORY_NOTES: list[Row] = [
    (SBAR, {"prior_therapies": ["blinatumomab", "chemotherapy"], "prior_hsct": True, "age_years": 47,
            "cd22_positive_pct": 80}),
    ("prior tx: AALL0232, then after 1st relapse Blincyto + MSD allo",
     {"prior_therapies": ["blinatumomab", "chemotherapy"], "prior_hsct": True}),
    ("Hx: blina x2, allo", {"prior_therapies": ["blinatumomab"], "prior_hsct": True}),
    ("Background: FLAG-Ida", {"prior_therapies": ["chemotherapy"]}),
    ("prior blina yes x1 cycle, no response. hyperCVAD before that",
     {"prior_therapies": ["blinatumomab", "chemotherapy"]}),
]


@pytest.mark.parametrize(("text", "expected"), HISTORY_NOTES)
def test_history_in_referral_notes(text: str, expected: dict[str, Any]) -> None:
    stored = _stored(text)
    assert {k: v for k, v in stored.items() if k in expected} == expected
    assert "dual_alkylator_conditioning" not in stored
    assert "hsct_planned" not in stored


@pytest.mark.parametrize("text", ["MSD allo 2023 (Bu/Cy)", "s/p allo (Bu/Cy), relapsed", "prior allo with Bu/Flu"])
def test_a_past_transplants_conditioning_is_not_the_plan(text: str) -> None:
    assert "dual_alkylator_conditioning" not in _stored(text)


@pytest.mark.parametrize("text", ["plan allo with Bu/Cy", "Bu/Cy planned", "conditioning will be Bu/Cy"])
def test_a_planned_conditioning_is_still_read(text: str) -> None:
    assert _stored(text).get("dual_alkylator_conditioning") is True


@pytest.mark.parametrize("text", ["prior CAR-T? no.", "prior blina? none", "previous InO: no"])
def test_a_therapy_answered_no_is_withdrawn(text: str) -> None:
    reading = interpret(text, {})
    assert reading.update.withdrawn.get("prior_therapies")
    assert "prior_therapies" not in reading.update.set


# Generic induction (every patient's first treatment, or an MRD time point) names no regimen; a
# named regimen, or a line named by what it was, does.
@pytest.mark.parametrize(
    "text",
    ["60M, refractory after standard induction chemo", "MRD+ after induction", "MRD positive at end of induction",
     "relapsed after conventional induction"],
)
def test_generic_induction_names_no_prior_line(text: str) -> None:
    assert "prior_therapies" not in _stored(text)


@pytest.mark.parametrize(
    "text", ["induction was hyper-CVAD part A", "salvage was FLAG-Ida", "refractory to Interfant induction"]
)
def test_a_line_named_by_its_regimen_is_chemotherapy(text: str) -> None:
    assert _stored(text).get("prior_therapies") == ["chemotherapy"]


# Extramedullary masses at a named site.
@pytest.mark.parametrize(
    "text", ["paraspinal mass (bx: B lymphoblasts)", "epidural deposit on MRI", "soft tissue mass, biopsy ALL"]
)
def test_a_mass_outside_the_marrow_is_extramedullary(text: str) -> None:
    assert _stored(text).get("extramedullary_disease") is True


# Planned cycles named without the drug, in a message choosing InO (and no other cycled agent).
@pytest.mark.parametrize(
    ("text", "cycles"),
    [("going w InO. plan 3 cycles", 3), ("InO it is, planning 2 cycles then allo", 2),
     ("starting InO, 3 cycles planned", 3)],
)
def test_planned_cycles_in_an_ino_message(text: str, cycles: int) -> None:
    assert _stored(text).get("planned_ino_cycles") == cycles


@pytest.mark.parametrize("text", ["plan 2 cycles of blina", "plan 3 cycles", "InO then blina, plan 2 cycles"])
def test_cycles_without_ino_alone_are_not_ino_cycles(text: str) -> None:
    assert "planned_ino_cycles" not in _stored(text)


# An age at diagnosis is not the current age; "now N" after it is.
@pytest.mark.parametrize(
    ("text", "age"),
    [("diagnosed at age 4, now 9, first relapse", 9), ("He was diagnosed aged 12 and is now 16.", 16),
     ("dx aged 30, 2nd relapse", None), ("presented at 3 years old, now 7 y.o.", 7), ("62yo, diagnosed 2019", 62)],
)
def test_an_age_at_diagnosis_is_history(text: str, age: float | None) -> None:
    assert _stored(text).get("age_years") == age


# What the disease did right after a regimen says it was given.
@pytest.mark.parametrize("text", ["FLAG-Ida salvage failed, 3rd relapse", "UKALL14 then relapse 2 years later in CR1"])
def test_an_outcome_after_a_regimen_makes_it_history(text: str) -> None:
    assert _stored(text).get("prior_therapies") == ["chemotherapy"]


# A message with a patient's findings and a question about what to expect for them is about the
# patient; the same question without findings asks about the evidence.
@pytest.mark.parametrize(
    ("text", "about", "field"),
    [("38F, 1st relapse, CD22 90% - what CR rate would I expect with InO?", "patient", "cd22_positive_pct"),
     ("CD22 70%, is ino reasonable?", "patient", "cd22_positive_pct"),
     ("2nd relapse post allo, is blina appropriate?", "patient", "disease_status"),
     ("is InO safe in pregnancy?", "evidence", None),
     ("what is the CR rate with InO in pts with CD22 >= 90%?", "evidence", None)],
)
def test_findings_with_a_question_about_them(text: str, about: str, field: str | None) -> None:
    reading = interpret(text, {})
    assert reading.about in ((about, "both") if about == "patient" else (about,))
    assert (field in reading.update.set) if field else not reading.update.set


MORE_SHORTHAND: list[Row] = [
    ("CD3 count 50/uL", {"t_cell_dysfunction": True}),
    ("T-cell fitness poor", {"t_cell_dysfunction": True}),
    ("lumbar puncture showed blasts", {"cns_disease": True}),
    ("completed AALL1731 in 2022", {"prior_therapies": ["chemotherapy"]}),
    ("mini-hyper-CVD + InO x2, now MRD+",
     {"disease_status": "mrd_positive", "prior_therapies": ["inotuzumab_ozogamicin", "chemotherapy"]}),
]


@pytest.mark.parametrize(("text", "expected"), MORE_SHORTHAND)
def test_more_shorthand(text: str, expected: dict[str, Any]) -> None:
    stored = _stored(text)
    assert {k: v for k, v in stored.items() if k in expected} == expected
    assert "planned_ino_cycles" not in stored  # cycles the disease answered were given, not planned


@pytest.mark.parametrize("text", ["InO x2 planned", "going with InO x2 then allo"])
def test_planned_cycles_stay_a_plan(text: str) -> None:
    assert _stored(text).get("planned_ino_cycles") == 2


LETTER = ("Dear colleague, thank you for seeing this 58 year old gentleman who was diagnosed with Ph-positive ALL "
          "at the age of 55 and treated with EsPhALL-style chemo plus imatinib. He relapsed 14 months after CR1 "
          "and now has 35% marrow blasts. CD22 is expressed on 88% of blasts.")


def test_a_referral_letter_keeps_the_current_age_and_reads_the_rest() -> None:
    assert _stored(LETTER) == {
        "age_years": 58, "ph_positive": True, "prior_therapies": ["chemotherapy"],
        "disease_status": "first_relapse", "marrow_blasts_pct": 35, "cd22_positive_pct": 88,
    }


def test_a_past_transplant_under_hx_and_a_post_transplant_relapse() -> None:
    stored = _stored("pt 34F. Hx MSD allo 2020 conditioned w Bu/Flu. Now 1st post-transplant relapse, 20% blasts")
    assert stored == {"age_years": 34, "prior_hsct": True, "disease_status": "first_relapse", "marrow_blasts_pct": 20}


# Flow lines: CD19 with a share of blasts is expressed; "nil" negates like "no".
@pytest.mark.parametrize(
    ("text", "expected"),
    [("CD19: 99% bright", {"cd19": "positive"}), ("CD19 98%, CD22 75%", {"cd19": "positive", "cd22_positive_pct": 75}),
     ("CD19 dim 40%", {"cd19": "dim"}), ("CD19 0%", {"cd19": "negative"}), ("nil CNS", {"cns_disease": False})],
)
def test_flow_shares_and_nil(text: str, expected: dict[str, Any]) -> None:
    assert {k: v for k, v in _stored(text).items() if k in expected} == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 .,*%-> notsryblascd2ageyo", max_size=40),
       st.dictionaries(st.sampled_from(["age_years", "marrow_blasts_pct", "cd22_positive_pct"]),
                       st.integers(min_value=0, max_value=100), max_size=3))
def test_a_bare_correction_only_ever_sets_one_known_field_within_its_range(text: str, known: dict[str, int]) -> None:
    corrected = bare_correction(text, known)
    if corrected is not None:
        (field, value), = corrected.items()
        assert field in known
        assert 0 <= value <= (120 if field == "age_years" else 100)
