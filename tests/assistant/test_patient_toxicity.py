"""A toxicity question about the known patient gets each agent's toxicities for this patient
(tools.toxicity), not a search of the review that happens to find one agent's passage."""

from __future__ import annotations

import pytest

from assistant.engine import ChatEngine
from assistant.understanding.intents import classify

TOXICITY_FOR_THE_PATIENT = [
    "What toxicity should I watch for with each agent?",  # the widget's own follow-up button
    "side effects to monitor for with these options?",
    "how likely is SOS for him if we go to transplant after InO?",
    "what are her CRS risks with the three?",
]
EVIDENCE_EVEN_WITH_A_PATIENT = [
    "What was the CRS rate in ELIANA?",
    "How often did SOS occur in INO-VATE?",
]


@pytest.mark.parametrize("question", TOXICITY_FOR_THE_PATIENT)
def test_toxicity_for_the_known_patient(question: str) -> None:
    assert classify(question, has_patient=True).kind == "patient_toxicity"


@pytest.mark.parametrize("question", TOXICITY_FOR_THE_PATIENT[:2] + EVIDENCE_EVEN_WITH_A_PATIENT)
def test_without_a_patient_or_about_a_trial_it_is_evidence(question: str) -> None:
    assert classify(question, has_patient=False).kind != "patient_toxicity"


@pytest.mark.parametrize("question", EVIDENCE_EVEN_WITH_A_PATIENT)
def test_a_trial_s_rate_stays_an_evidence_question_with_a_patient_known(question: str) -> None:
    assert classify(question, has_patient=True).kind == "evidence_fact"


def test_the_toxicity_answer_covers_every_agent_with_this_patient_s_risk_factors(engine: ChatEngine) -> None:
    first = engine.respond("58M, second relapse, BM 60%, CD19+, CD22 95%, allo planned after response")
    response = engine.respond("What toxicity should I watch for with each agent?", first.session_id)
    answer = response.answer
    assert [t.name for t in response.tool_calls] == ["assess_toxicity"] * 3
    for name in ("Blinatumomab", "Inotuzumab ozogamicin", "Tisagenlecleucel"):
        assert f"**{name}" in answer
    # The patient's own facts are named as the risk factors present.
    assert "age >=55 (age 58)" in answer and "marrow blasts >=50%" in answer
    assert "The review does not describe SOS with this agent." in answer
    assert response.citations and response.patient["age_years"] == 58


def test_one_agent_named_gets_that_agent_only(engine: ChatEngine) -> None:
    first = engine.respond("61F, first relapse, BM 20%, CD22 90%")
    response = engine.respond("how likely is SOS for her with InO?", first.session_id)
    assert [t.input["agent"] for t in response.tool_calls] == ["inotuzumab_ozogamicin"]
    assert "**Blinatumomab" not in response.answer and "14.0%" in response.answer
