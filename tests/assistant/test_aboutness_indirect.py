"""Whom a sentence is about when it asks indirectly or names a kind of patient (development wordings)."""

from __future__ import annotations

import pytest

from assistant.understanding.interpret import interpret


@pytest.mark.parametrize(
    "message",
    [
        "The ward team wants to know how often SOS follows InO in a patient who had a prior allograft.",
        "Nurses are asking whether blinatumomab can run through the same line as a patient's other drips.",
        "I am not sure which of the three is best for someone with CNS3 disease after a relapse.",
        "For any adult who relapsed after blina, does tisa-cel still work?",
    ],
)
def test_a_question_about_a_kind_of_patient_stores_nothing(message: str) -> None:
    reading = interpret(message, {})
    assert reading.update.set == {} and reading.about == "evidence"


@pytest.mark.parametrize(
    ("message", "stored"),
    [
        ("I have a patient who relapsed after blina, 52F, CD22 85%. What next?",
         {"age_years": 52, "cd22_positive_pct": 85, "prior_therapies": ["blinatumomab"]}),
        ("We are treating a 24-year-old with Ph-negative first relapse; the family wants to know the options.",
         {"age_years": 24, "ph_positive": False, "disease_status": "first_relapse"}),
    ],
)
def test_the_speakers_own_patient_is_still_this_patient(message: str, stored: dict[str, object]) -> None:
    assert interpret(message, {}).update.set.items() >= stored.items()
