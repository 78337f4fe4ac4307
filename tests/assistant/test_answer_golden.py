"""What a clinician reads, as golden files: a bottom line for a patient, the answering sentence first
for an evidence question, one marker run per block, Ph wording, hypotheticals framed as "If"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.engine import ChatEngine

GOLDEN = Path(__file__).parent / "golden"

CONVERSATIONS: dict[str, list[str]] = {
    "patient_bottom_line": ["45M first relapse, Ph-negative, BM blasts 80%, CD19+, CD22 60%, prior allo",
                            "what would you pick?"],
    "evidence_first_sentence": ["What was the CR/CRi rate with InO in INO-VATE?"],
    "hypothetical_is_framed_as_if": ["16yo girl, second relapse, CD22 95%, Ph+",
                                     "if she were 19, would InO be on label?"],
    "evidence_question_in_a_patient_conversation": ["62F refractory, CD22 40%",
                                                    "what share of patients in INO-VATE had CD22 on under 70%?"],
    "unclear_fact_asks_once": ["HSCT planned, SOS risk?", "yes"],
}


def _render(engine: ChatEngine, messages: list[str]) -> str:
    session: str | None = None
    blocks = []
    for message in messages:
        response = engine.respond(message, session)
        session = response.session_id
        blocks.append(f"## > {message}\n\n{response.answer}\n\npatient: {response.patient}")
    return "\n\n".join(blocks) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_answer_matches_golden(engine: ChatEngine, update_answer_golden: bool, name: str) -> None:
    text = _render(engine, CONVERSATIONS[name])
    path = GOLDEN / f"{name}.md"
    if update_answer_golden:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing; run pytest tests/assistant --update-answer-golden"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; review, then --update-answer-golden"


@pytest.mark.slow
def test_patient_answer_opens_with_one_bottom_line_per_agent(engine: ChatEngine) -> None:
    response = engine.respond("45M first relapse, BM blasts 80%, CD19+, CD22 60%")
    assert response.parts is not None and len(response.parts.bottom_line) == 3
    assert response.answer.startswith("**Bottom line**")
    assert "Patient facts so far" not in response.answer


@pytest.mark.slow
def test_no_block_repeats_its_marker_run_sentence_after_sentence(engine: ChatEngine) -> None:
    response = engine.respond("62F refractory, CD22 60%, prior allo, bili 1.4x ULN, what do you suggest?")
    for line in response.answer.splitlines():
        runs = re.findall(r"((?:\[\d+\])+)", line)
        assert len(runs) == len(set(runs)), line


@pytest.mark.slow
@pytest.mark.parametrize(("said", "shown"), [("Ph+", "Ph-positive"), ("Ph neg", "Ph-negative")])
def test_ph_status_is_worded_as_clinicians_say_it(engine: ChatEngine, said: str, shown: str) -> None:
    response = engine.respond(f"45M first relapse, {said}, CD22 95%")
    assert shown in response.answer
    assert "no Ph status" not in response.answer


@pytest.mark.slow
def test_missing_facts_are_asked_once_and_last(engine: ChatEngine) -> None:
    first = engine.respond("patient with relapsed B-ALL, CD19 positive, which agent?")
    assert first.asked_for and first.answer.rstrip().splitlines()[-1].startswith("**To sharpen this:**")
    second = engine.respond("what do you suggest?", first.session_id)
    assert not set(first.asked_for) & set(second.asked_for)
