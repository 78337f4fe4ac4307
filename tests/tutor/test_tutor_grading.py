"""Grading: option keys and numbers, and free text read as the chat reads it (synonyms, brand names,
misspellings, negation)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.tutor.generator import generate
from assistant.tutor.grading import choose, grade, read
from assistant.tutor.models import Claim, Kind, Question, plain
from assistant.tutor.recall import recallable

BASE: dict[str, Any] = {
    "age_years": 40, "disease_status": "second_or_later_relapse", "marrow_blasts_pct": 30, "cd19": "positive",
    "cd22_positive_pct": 95, "kmt2a_rearranged": False, "cns_disease": False, "extramedullary_disease": False,
    "prior_therapies": ["chemotherapy"], "prior_hsct": False, "hsct_feasible": True, "hsct_planned": False,
    "dual_alkylator_conditioning": False, "bilirubin_x_uln": 0.5, "planned_ino_cycles": 2,
    "t_cell_dysfunction": False, "rapidly_progressive": False, "prior_car_t_manufacturing_failure": False,
    "prefers_no_pump": False,
}


def _question(kind: Kind, answer: Claim, *, agent: str | None = None, fact_ref: tuple[str, int] | None = None,
              **changes: Any) -> Question:
    profile = None if fact_ref else {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    return Question.model_validate({
        "seed": 0, "topic": "antigen", "kind": kind, "vignette": "v", "prompt": "p", "answer": answer,
        "answer_text": "a", "answer_reason": ({"text": "r"},), "rule_outputs": (), "profile": profile, "agent": agent,
        "fact_ref": fact_ref,
    })


INO_OUT = _question("unsuitable_agent", Claim(agents=("inotuzumab_ozogamicin",)), cd22_positive_pct=0)
CD19_OUT = _question("unsuitable_agent", Claim(agents=("blinatumomab", "tisagenlecleucel")), cd19="negative")
NONE_OUT = _question("unsuitable_agent", Claim(agents=()))
INO_SOS = _question("toxicity_concern", Claim(syndromes=("SOS",), level="high"), agent="inotuzumab_ozogamicin",
                    prior_hsct=True)
CAR_T_TOX = _question("toxicity_concern", Claim(syndromes=("CRS", "ICANS"), level="raised"), agent="tisagenlecleucel",
                      marrow_blasts_pct=80)
CD22_MISSING = _question("missing_fact", Claim(field="cd22_positive_pct"), agent="inotuzumab_ozogamicin",
                         cd22_positive_pct=None)
_INO_VATE = next(r for r in recallable() if r.fact.trial == "INO-VATE" and r.fact.value == "73.8%")
INO_VATE_FIGURE = _question("evidence_figure", Claim(figure="73.8%"), fact_ref=(_INO_VATE.passage_id, _INO_VATE.index))
INO_VATE_TRIAL = _question("evidence_trial", Claim(trial="INO-VATE"), fact_ref=(_INO_VATE.passage_id, _INO_VATE.index))

FREE_TEXT = [
    # which agent cannot work: CD22 absent
    (INO_OUT, "InO", True),
    (INO_OUT, "inotuzumab ozogamicin", True),
    (INO_OUT, "Besponsa", True),
    (INO_OUT, "besponza", True),  # misspelt brand name
    (INO_OUT, "inotuzamab", True),  # misspelt generic name
    (INO_OUT, "InO, not blina", True),
    (INO_OUT, "not InO", False),  # negation: "not InO" is not InO
    (INO_OUT, "blina, not InO", False),
    (INO_OUT, "Kymriah", False),
    (INO_OUT, "none", False),
    # CD19 absent: both CD19-directed agents
    (CD19_OUT, "blina and tisa-cel", True),
    (CD19_OUT, "Blincyto and Kymriah", True),
    (CD19_OUT, "blinatumumab + CAR-T", True),
    (CD19_OUT, "the CD19-directed ones: blinatumomab and CTL019, not InO", True),
    (CD19_OUT, "kymria and blincyto", True),
    (CD19_OUT, "blina only", False),
    (CD19_OUT, "neither blina nor CAR T", False),
    (CD19_OUT, "all three", False),
    # no agent ruled out
    (NONE_OUT, "none", True),
    (NONE_OUT, "none of them", True),
    (NONE_OUT, "InO", False),
    (NONE_OUT, "not InO", False),  # names nothing, and does not say none
    # toxicity with InO after HSCT
    (INO_SOS, "SOS", True),
    (INO_SOS, "VOD", True),
    (INO_SOS, "veno-occlusive disease", True),
    (INO_SOS, "sinusoidal obstruction syndrome", True),
    (INO_SOS, "sinusiodal obstruction", True),  # misspelt
    (INO_SOS, "not CRS: it is VOD", True),
    (INO_SOS, "CRS", False),
    (INO_SOS, "not SOS", False),
    # toxicity with CAR T at high burden
    (CAR_T_TOX, "CRS", True),
    (CAR_T_TOX, "cytokine release syndrome", True),
    (CAR_T_TOX, "neurotoxicity and CRS", True),
    (CAR_T_TOX, "ICANS", True),
    (CAR_T_TOX, "SOS", False),
    # the missing fact
    (CD22_MISSING, "CD22", True),
    (CD22_MISSING, "CD22 expression", True),
    (CD22_MISSING, "the CD22 percentage", True),
    (CD22_MISSING, "CD22 unknown", True),
    (CD22_MISSING, "CD19", False),
    (CD22_MISSING, "bilirubin", False),
    # evidence recall
    (INO_VATE_FIGURE, "73.8%", True),
    (INO_VATE_FIGURE, "about 73.8 percent", True),
    (INO_VATE_FIGURE, "not 30.9 but 73.8", True),
    (INO_VATE_FIGURE, "30.9%", False),
    (INO_VATE_FIGURE, "74%", False),
    (INO_VATE_TRIAL, "INO-VATE", True),
    (INO_VATE_TRIAL, "inovate", True),
    (INO_VATE_TRIAL, "TOWER", False),
]


@pytest.mark.parametrize(("question", "answer", "correct"), FREE_TEXT,
                         ids=[f"{q.kind}:{a}" for q, a, _ in FREE_TEXT])
def test_free_text_is_graded_like_the_chat_reads_it(question: Question, answer: str, correct: bool) -> None:
    result = grade(question, answer)
    assert result.recognised
    assert result.correct is correct
    assert (result.why_wrong is None) is correct


def _why(question: Question, answer: str) -> str:
    return plain(grade(question, answer).why_wrong or ())


def test_a_wrong_free_text_answer_says_why_for_this_patient() -> None:
    why = _why(CD19_OUT, "blina only")
    assert "Tisagenlecleucel cannot work" in why and "CD19" in why
    assert "does not describe CRS" in _why(INO_SOS, "CRS")
    assert "No label or rule for InO reads CD19 expression" in _why(CD22_MISSING, "CD19")
    assert "Already given in the case: bilirubin 0.5 x ULN" in _why(CD22_MISSING, "bilirubin")


def test_reading_keeps_negated_names_out() -> None:
    reading = read("blina and tisa-cel, not InO")
    assert reading.agents == {"blinatumomab", "tisagenlecleucel"}
    assert read("CD22 CAR T").agents == frozenset()  # not tisagenlecleucel


@pytest.fixture(scope="module")
def multiple_choice() -> Question:
    return next(q for q in (generate(s, "antigen", free_text=False) for s in range(50)) if len(q.options) == 4)


@pytest.mark.parametrize("reply", ["B", "b", " (b) ", "B.", "option B", "2", "2.", "#2"])
def test_a_key_or_its_number_picks_the_option(multiple_choice: Question, reply: str) -> None:
    option = choose(multiple_choice, reply)
    assert option is not None and option.key == "B"


def test_the_options_own_words_pick_it(multiple_choice: Question) -> None:
    third = multiple_choice.options[2]
    assert choose(multiple_choice, third.text.upper()) == third


@pytest.mark.parametrize("reply", ["E", "5", "0", "what?", "42"])
def test_a_reply_that_picks_no_option_is_not_graded(multiple_choice: Question, reply: str) -> None:
    assert grade(multiple_choice, reply).recognised is False


def test_a_wrong_choice_gets_that_options_reason(multiple_choice: Question) -> None:
    wrong = next(o for o in multiple_choice.options if not o.correct)
    result = grade(multiple_choice, wrong.key)
    assert not result.correct and result.chosen == wrong.key
    assert result.why_wrong == wrong.reason


def test_the_keyed_choice_is_correct(multiple_choice: Question) -> None:
    keyed = multiple_choice.keyed
    assert keyed is not None
    result = grade(multiple_choice, keyed.key)
    assert result.correct and result.why_wrong is None


def test_free_text_to_a_multiple_choice_question_is_matched_to_an_option() -> None:
    questions = (generate(s, "antigen", free_text=False) for s in range(200))
    q = next(q for q in questions if q.kind == "unsuitable_agent" and q.answer.agents == ("inotuzumab_ozogamicin",))
    assert grade(q, "Besponsa").correct
    assert not grade(q, "none").correct
