"""What a message asks: a table of messages and the intent each must get."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.understanding.intents import Intent, classify
from assistant.understanding.vocabulary import AGENT_KEYS

# (message, has_patient, expected kind)
INTENTS: list[tuple[str, bool, str]] = [
    # greeting, help, quiz
    ("hi", False, "greeting"),
    ("Hello there!", False, "greeting"),
    ("thanks!", True, "greeting"),
    ("good morning", False, "greeting"),
    ("help", False, "help"),
    ("what can you do?", False, "help"),
    ("What does the review cover?", False, "help"),
    ("", False, "help"),
    ("quiz me on SOS", False, "quiz"),
    ("give me a practice question about blinatumomab", False, "quiz"),
    # evidence from the review
    ("What is the CR rate with InO in INO-VATE?", False, "evidence_fact"),
    ("What are the risk factors for SOS after inotuzumab?", False, "evidence_fact"),
    ("How common is CRS with tisagenlecleucel?", False, "evidence_fact"),
    ("How often is relapse CD19-negative after CAR T?", False, "evidence_fact"),
    ("Does blinatumomab cross into the CNS?", False, "evidence_fact"),
    ("What did TOWER show?", False, "evidence_fact"),
    ("Is InO approved in the MRD setting?", False, "evidence_fact"),
    ("Tell me about CNS disease and InO", False, "evidence_fact"),
    ("InO dose reduction with mini-hyper-CVD", False, "evidence_fact"),
    (
        "What was the SOS rate with InO plus mini-hyper-CVD after the dose was lowered?",
        False,
        "evidence_fact",
    ),
    ("Why does disease burden matter for blinatumomab?", False, "evidence_fact"),
    ("What is the role of HSCT after CAR T?", False, "sequencing"),
    ("lineage switch to AML after CD19-directed therapy?", False, "evidence_fact"),
    ("What is the CD22 cut-off for InO?", False, "evidence_fact"),
    ("How does blinatumomab step-up dosing reduce CRS?", False, "evidence_fact"),
    # definitions
    ("What is SOS?", False, "definition"),
    ("What does MRD stand for?", False, "definition"),
    ("define ICANS", False, "definition"),
    ("What is CAR T?", False, "definition"),
    ("How does InO work?", False, "definition"),
    ("what's a BiTE?", False, "definition"),
    # comparison
    ("Compare blina vs InO", False, "comparison"),
    ("difference between blinatumomab and tisa-cel", False, "comparison"),
    ("blina versus CAR-T for high burden", False, "comparison"),
    ("Is InO better than blinatumomab?", False, "comparison"),
    ("blina or InO for high burden?", False, "comparison"),
    ("Compare the three agents for this patient", True, "comparison"),
    # sequencing
    ("How should I sequence blina and CAR-T?", False, "sequencing"),
    ("Can I give CAR-T after blina?", False, "sequencing"),
    ("What order should the agents go in?", False, "sequencing"),
    ("Is InO a good bridge to transplant?", False, "sequencing"),
    ("InO then transplant?", False, "sequencing"),
    ("What comes next after InO fails?", False, "sequencing"),
    ("62yo failed blina. Should CAR-T come before or after transplant?", False, "sequencing"),
    # this patient
    ("62yo, CD22 60%, prior blina. Options?", False, "patient_assessment"),
    ("45M second relapse Ph-negative, 85% blasts. What do you suggest?", False, "patient_assessment"),
    ("62", True, "patient_assessment"),
    ("what do you suggest?", True, "patient_assessment"),
    ("Is she eligible for tisa-cel?", True, "patient_assessment"),
    ("which agent?", True, "patient_assessment"),
    ("and now?", True, "patient_assessment"),
    ("actually blasts are 10% now", True, "patient_assessment"),
    ("no CNS disease", True, "patient_assessment"),
    ("forget the CD22", True, "patient_assessment"),
    ("new patient", True, "patient_assessment"),
    ("Ph+ relapsed on dasatinib, 45M, options?", False, "patient_assessment"),
    ("Is InO approved for a 16 year old?", False, "patient_assessment"),
    # outside the review
    ("What about AML?", False, "out_of_scope"),
    ("How do you treat CLL?", False, "out_of_scope"),
    ("Is daratumumab used in myeloma?", False, "out_of_scope"),
    ("What is the ponatinib dose in Ph+ ALL?", False, "out_of_scope"),
    ("Should she get a COVID vaccine?", True, "out_of_scope"),
    ("what's the weather today", False, "out_of_scope"),
    ("write me a poem about leukemia", False, "out_of_scope"),
    ("how much does Kymriah cost?", False, "out_of_scope"),
    ("What did the FDA approve in 2024?", False, "out_of_scope"),
    ("What are the latest NCCN guidelines for ALL?", False, "out_of_scope"),
    # A dose is not suspected from the word: the passages decide (test_scope_from_evidence refuses these).
    ("What dose of blinatumomab should I give?", False, "evidence_fact"),
    ("What is the tisagenlecleucel dose?", False, "evidence_fact"),
    ("Tell me about brexu-cel", False, "out_of_scope"),
    ("How is T-ALL treated at relapse?", False, "out_of_scope"),
    ("venetoclax in relapsed ALL", False, "out_of_scope"),
    ("asdfgh", False, "evidence_fact"),  # no word of the field: retrieval judges it (test_scope_from_evidence)
    ("Who won the football last night?", False, "out_of_scope"),
    ("62yo with relapsed AML, options?", False, "out_of_scope"),
]


@pytest.mark.parametrize(
    ("text", "has_patient", "kind"), INTENTS, ids=[t or "<empty>" for t, _, _ in INTENTS]
)
def test_classifies_the_message(text: str, has_patient: bool, kind: str) -> None:
    intent = classify(text, has_patient=has_patient)
    assert intent.kind == kind, intent.reason


@pytest.mark.parametrize(
    ("text", "agents"),
    [
        ("Compare blina vs InO", ["blinatumomab", "inotuzumab_ozogamicin"]),
        ("Kymriah after Blincyto?", ["tisagenlecleucel", "blinatumomab"]),
        ("Besponsa and CTL019", ["inotuzumab_ozogamicin", "tisagenlecleucel"]),
        ("What did INO-VATE show?", []),
        ("CD22 CAR T results", []),
        ("inotuzamab or blinatumumab?", ["inotuzumab_ozogamicin", "blinatumomab"]),
    ],
)
def test_names_the_agents_mentioned(text: str, agents: list[str]) -> None:
    assert classify(text, has_patient=False).agents == agents


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("SOS after InO", "sos"),
        ("VOD risk", "sos"),
        ("CRS with CAR T", "crs"),
        ("neurotoxicity with blina", "icans"),
        ("CNS relapse", "cns"),
        ("high disease burden", "burden"),
        ("CD22 expression", "antigen"),
        ("transplant after InO", "hsct"),
        ("pump logistics", "logistics"),
        ("CR rates", "efficacy"),
        ("FDA label", "label"),
        ("side effects", "toxicity"),
        ("KMT2A rearranged", "kmt2a"),
        ("MRD-positive", "mrd"),
    ],
)
def test_names_the_topics(text: str, topic: str) -> None:
    assert topic in classify(text, has_patient=False).topics


def test_out_of_scope_says_what_is_not_covered() -> None:
    intent = classify("How do you treat CLL?", has_patient=False)
    assert intent.subject is not None
    assert "CLL" in intent.subject


def test_a_patient_history_of_another_drug_is_not_out_of_scope() -> None:
    assert (
        classify("Relapsed after ponatinib and blina, 40F, CD22 90%", has_patient=False).kind
        == "patient_assessment"
    )


def test_marks_questions() -> None:
    assert classify("Is InO approved in the MRD setting?", has_patient=False).is_question
    assert not classify("62yo, CD22 60%", has_patient=False).is_question


@given(st.text(max_size=300), st.booleans())
@settings(max_examples=200)
def test_always_returns_a_known_intent(text: str, has_patient: bool) -> None:
    intent = classify(text, has_patient=has_patient)
    assert isinstance(intent, Intent)
    assert set(intent.agents) <= set(AGENT_KEYS)
