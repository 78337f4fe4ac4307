"""Reading a message once: whom it is about, which facts to store, what to search the review for."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.understanding.aboutness import overall, read_message
from assistant.understanding.facts import extract_facts
from assistant.understanding.interpret import confirmation, interpret

KNOWN = {"age_years": 45, "disease_status": "first_relapse", "cd22_positive_pct": 90}


def _states(sentence: str) -> bool:
    update = extract_facts(sentence)
    return bool(update.set or update.cleared or update.withdrawn)


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("45M 2nd relapse, BM 80% blasts, CD22 90%", "patient"),
        ("CD22 60%, CNS neg, bili 1.2x ULN", "patient"),
        ("CD22 60%, options?", "patient"),
        ("ino sos rate inovate", "evidence"),
        ("do centres limit InO cycles when a transplant follows?", "evidence"),
        ("what share of trial patients relapsed after CR?", "evidence"),
        ("In TOWER, what was CR in patients with >=50% blasts?", "evidence"),
        ("what is SOS?", "evidence"),
        ("45M 2nd relapse. What was the CR rate in TOWER?", "both"),
        ("HSCT planned, SOS risk?", "unclear"),
    ],
)
def test_each_message_is_read_as_about_the_patient_the_evidence_or_both(text: str, about: str) -> None:
    assert overall(read_message(text, _states)) == about


def test_facts_come_only_from_the_sentences_about_the_patient() -> None:
    reading = interpret("45M, second relapse. What CR rate did patients in first relapse reach in TOWER?", {})
    assert reading.update.set["age_years"] == 45
    assert reading.update.set["disease_status"] == "second_or_later_relapse"
    assert "TOWER" in reading.evidence_question


def test_an_unclear_fact_waits_for_a_yes() -> None:
    first = interpret("HSCT planned, SOS risk?", {})
    assert first.about == "unclear"
    assert not first.update.set
    assert first.unconfirmed == {"hsct_planned": True}
    yes = interpret("yes", {}, pending=first.unconfirmed)
    assert yes.confirmation is True and yes.update.set == {"hsct_planned": True}
    no = interpret("no", {}, pending=first.unconfirmed)
    assert no.confirmation is False and not no.update.set


def test_in_a_patient_conversation_an_unclear_sentence_is_about_the_patient() -> None:
    reading = interpret("HSCT planned, SOS risk?", KNOWN)
    assert reading.update.set == {"hsct_planned": True}


@pytest.mark.parametrize(("text", "answer"), [("yes", True), ("Yes.", True), ("no", False), ("nope", False),
                                               ("yes please tell me more about SOS", None), ("maybe", None)])
def test_a_confirmation_is_a_plain_yes_or_no(text: str, answer: bool | None) -> None:
    assert confirmation(text) is answer


# -- the invariant: an evidence question never changes the patient --------------------------------
_FINDINGS = ["first relapse", "second relapse", "MRD-positive disease", "CD22 on 60% of blasts", ">=50% marrow blasts",
             "prior allogeneic HSCT", "a planned transplant", "CNS disease", "KMT2A rearrangement", "CD19-dim blasts",
             "bilirubin above 1.5x ULN", "age over 55", "refractory disease", "Ph-positive ALL"]
_POPULATIONS = ["patients", "pts", "children", "adults", "responders", "kids"]
_TRIALS = ["INO-VATE", "TOWER", "ELIANA", "the 19-28z series", "AALL1621", "the phase 2 trial"]
_MEASURES = ["CR rate", "SOS rate", "median OS", "MRD-negativity", "CRS rate", "relapse rate"]
_TEMPLATES = [
    "What {measure} did {population} with {finding} have in {trial}?",
    "In {trial}, how often did {population} with {finding} relapse?",
    "{trial} {measure} in {population} with {finding}",
    "do centres limit cycles for {population} with {finding}?",
    "Were {population} with {finding} excluded from {trial}?",
    "what share of {population} in {trial} had {finding}",
]


@settings(max_examples=300, deadline=None)
@given(
    template=st.sampled_from(_TEMPLATES), finding=st.sampled_from(_FINDINGS), population=st.sampled_from(_POPULATIONS),
    trial=st.sampled_from(_TRIALS), measure=st.sampled_from(_MEASURES), known=st.sampled_from([{}, KNOWN]),
)
def test_evidence_questions_leave_the_patient_unchanged(
    template: str, finding: str, population: str, trial: str, measure: str, known: dict[str, Any]
) -> None:
    question = template.format(finding=finding, population=population, trial=trial, measure=measure)
    reading = interpret(question, known)
    assert not reading.update.set and not reading.update.cleared and not reading.update.withdrawn, question
    assert not reading.update.reset
    assert reading.update.apply(known) == known
