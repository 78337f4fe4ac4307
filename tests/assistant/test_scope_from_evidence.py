"""Scope is judged from what the passages hold, not from whether a message uses a word of the field.

The questions here are development wordings, written for these tests.
"""

from __future__ import annotations

import pytest

from assistant.engine import ChatEngine
from assistant.heldout import is_refusal
from assistant.scope import (
    asks_for_dose,
    dosed_subjects,
    results_still_pending,
    specialist_words,
    uncovered_terms,
)
from knowledge.normalize import known_forms, phrase_acronyms


@pytest.mark.parametrize(
    ("text", "acronym"),
    [("Median progression-free survival was short", "pfs"), ("cytokine release syndrome in adults", "crs"),
     ("the blood brain barrier", "bbb")],
)
def test_a_phrase_spelled_out_gives_its_acronym(text: str, acronym: str) -> None:
    assert acronym in phrase_acronyms(text)


def test_stopwords_do_not_make_acronyms() -> None:
    assert "ota" not in phrase_acronyms("one of the agents")


@pytest.mark.parametrize(
    ("tokens", "known", "found"),
    [
        (["chemo"], {"chemotherapy"}, ["chemotherapy"]),  # a clipped word
        (["bispecific"], {"bi", "specific"}, ["bi", "specific"]),  # a closed compound
        (["central", "nervous", "system"], {"cns"}, ["cns"]),  # an acronym spelled out
        (["rel"], {"relapse"}, []),  # too short to be read as a clipped word
        (["chemotherapy"], {"chemotherapy"}, []),  # known words need nothing
    ],
)
def test_known_forms(tokens: list[str], known: set[str], found: list[str]) -> None:
    assert known_forms(tokens, known) == found


def test_a_clipped_or_compounded_word_is_not_uncovered() -> None:
    known = {"chemotherapy", "bi", "specific", "combination"}
    assert uncovered_terms("why not chemo with the bispecific", known) == []
    assert uncovered_terms("fertility preservation with chemo", known) == ["fertility", "preservation"]


@pytest.mark.parametrize(
    "question",
    [
        "Do the authors think there are too few options now, or too many?",  # no word of the field at all
        "How did MLL-rearranged patients given InO fare for PFS?",  # an abbreviation the passages spell out
    ],
)
def test_an_in_scope_question_without_the_field_s_words_is_answered(engine: ChatEngine, question: str) -> None:
    response = engine.respond(question)
    assert not is_refusal(response.answer) and response.citations


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("what's the best way to keep a sourdough starter alive", None),
        # named by its specialist words, the ones no passage uses
        ("Which empirical antibiotic suits febrile neutropenia with penicillin anaphylaxis?", "neutropenia"),
    ],
)
def test_a_question_the_passages_do_not_hold_is_refused(engine: ChatEngine, question: str, named: str | None) -> None:
    response = engine.respond(question)
    assert is_refusal(response.answer) and not response.citations
    if named:
        assert named in response.answer


@pytest.mark.parametrize(
    ("question", "named"),
    [
        # read as sequencing or toxicity with no patient; the rules' general points would answer another question
        ("Our pharmacists want to know whether the Seattle or the MDACC grading should be used for SOS after InO.",
         "MDACC"),
        ("When CAR T follows blinatumomab, which CARTOX score guides ICU transfer?", "ICU"),
    ],
)
def test_a_question_with_no_patient_is_judged_before_general_points_answer_it(
    engine: ChatEngine, question: str, named: str
) -> None:
    response = engine.respond(question)
    assert is_refusal(response.answer) and not response.citations
    assert named in response.answer and not response.patient


@pytest.mark.parametrize(
    ("question", "subjects"),
    [
        ("how many mg of methylprednisolone before tisa-cel?", {"methylprednisolon"}),
        ("toci dose in a 25 kg child", {"tocilizumab"}),
        ("what is the dosing of the bispecific", {"bispecific"}),
        ("what dose reduction was made for InO?", set()),  # a change of dose, whoever's
        ("CRS was high in the early dose-finding studies", set()),  # a kind of study, not a dose
    ],
)
def test_what_a_dose_is_asked_for(question: str, subjects: set[str]) -> None:
    assert dosed_subjects(question) == subjects


@pytest.mark.parametrize("question", ["What dose of blinatumomab should I give?", "What is the tisagenlecleucel dose?",
                                      "How much tocilizumab for grade 3 CRS?"])
def test_a_dose_the_passages_do_not_state_is_refused(engine: ChatEngine, question: str) -> None:
    response = engine.respond(question)
    assert is_refusal(response.answer) and "dose" in response.answer and not response.citations


def test_a_dose_of_something_else_does_not_answer_a_dose_question(engine: ChatEngine) -> None:
    # Passages about blinatumomab's schedule and InO's mg/m2 state doses, but not this one.
    response = engine.respond("How many mg of dexamethasone go before the first blinatumomab bag?")
    assert is_refusal(response.answer) and "dose" in response.answer and not response.citations


def test_a_dose_the_review_gives_is_answered(engine: ChatEngine) -> None:
    response = engine.respond("What InO dose per cycle was revised in the mini-hyper-CVD protocol, in mg/m2?")
    assert not is_refusal(response.answer) and "mg/m2" in response.answer


@pytest.mark.parametrize(
    ("question", "pending"),
    [
        ("What did NCT03677596 find for SOS?", "NCT03677596"),
        ("results of nct 03739814 in older adults?", "NCT03739814"),
        ("What does NCT03677596 compare?", None),  # the design is in the review; no results asked
        ("What CR rate was reported in INO-VATE?", None),  # no trial the review calls ongoing
    ],
)
def test_results_of_a_trial_the_review_calls_ongoing_are_pending(question: str, pending: str | None) -> None:
    passages = ["A separate ongoing trial (NCT03677596) is comparing a lower dose of InO with the approved dose.",
                "A chemotherapy-free approach is being tested in older adults (NCT03739814)."]
    assert results_still_pending(question, passages) == pending


def test_a_question_for_pending_results_is_said_to_be_after_the_review(engine: ChatEngine) -> None:
    answered = engine.respond("What does the ongoing NCT03677596 trial compare?")
    assert not is_refusal(answered.answer) and answered.citations
    pending = engine.respond("What SOS rate did NCT03677596 end up showing with the lower InO dose?")
    assert "after the review" in pending.answer and "NCT03677596" in pending.answer and not pending.citations


@pytest.mark.parametrize(
    ("uncovered", "specialist"),
    [
        (["rasburicase", "allopurinol", "needed"], ["rasburicase", "allopurinol"]),  # everyday words are not specialist
        (["efects", "lumen"], ["lumen"]),  # a misspelling of a word the review uses is not unknown
        (["people", "going", "really"], []),
    ],
)
def test_specialist_words_are_rare_in_english_and_not_misspellings(uncovered: list[str], specialist: list[str]) -> None:
    known = {"effect", "inotuzumab", "blinatumomab"}
    assert specialist_words(uncovered, known) == specialist


@pytest.mark.parametrize(
    "question",
    [
        "Before blinatumomab, is febuxostat or rasburicase preferred for uric acid control?",
        "Does the tisagenlecleucel bag need a leukoreduction filter, and can the thawed cells be irradiated?",
    ],
)
def test_two_specialist_words_the_review_never_uses_refuse(engine: ChatEngine, question: str) -> None:
    response = engine.respond(question)
    assert is_refusal(response.answer) and not response.citations


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Using step-up dosing, how often was CRS severe?", False),  # the dose is a premise
        ("after the dose reduction, did SOS fall?", False),
        ("what dose of InO is given in cycle 1?", True),
        ("levetiracetam ppx - dose?", True),
    ],
)
def test_a_dose_in_a_premise_is_not_asked_for(question: str, asks: bool) -> None:
    assert asks_for_dose(question) is asks


@pytest.mark.parametrize(
    "question",
    [
        "Under step-up dosing with steroid cover, how common was CRS with the bispecific in the phase 3?",
        "simplest of the three for an outpatient?",  # one everyday word the review lacks is no subject
        "Do the authors see too few options for R/R B-ALL these days, or too many? Which words do they use?",
    ],
)
def test_in_scope_questions_that_once_were_refused_are_answered(engine: ChatEngine, question: str) -> None:
    response = engine.respond(question)
    assert not is_refusal(response.answer) and response.citations


def test_a_patient_around_a_question_about_something_else_is_not_assessed(engine: ChatEngine) -> None:
    response = engine.respond("Which statin would you start for a 61-year-old woman whose LDL is 5.1 mmol/L?")
    assert is_refusal(response.answer) and not response.citations and response.assessment is None
    assert response.patient.get("age_years") == 61  # what was said about her is kept


@pytest.mark.parametrize("message", [
    "45M, frontline GMALL 07/2003, first relapse, CD22 90%, BM 40%. What next?",
    "30M, prior UKALL14, relapsed twice, hyperdiploid, on levetiracetam for seizures - options?",
])
def test_a_patient_with_facts_of_the_disease_is_assessed_whatever_protocol_names_it_uses(
    engine: ChatEngine, message: str
) -> None:
    response = engine.respond(message)
    # (the assessment may mention products licensed after the review; it refuses nothing)
    assert response.assessment is not None and "I will not guess" not in response.answer
