"""Multi-part questions: split where a new question starts, each part keeps its subject."""

from __future__ import annotations

import pytest

from assistant.engine import ChatEngine
from assistant.evidence import named_part, retrieve
from assistant.understanding.parts import split_question


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("What was the CR rate in INO-VATE and how often did SOS occur?",
         ["What was the CR rate in INO-VATE", "how often did SOS occur (INO-VATE)"]),
        ("blina CR rate in TOWER? and median OS?", ["blina CR rate in TOWER", "median OS (blinatumomab, TOWER)"]),
        ("CRS rate with tisa-cel; how is it treated?",
         ["CRS rate with tisa-cel", "how is it treated (tisagenlecleucel CAR T)"]),
        # A part that names its own agent keeps to it: borrowing the other part's agent pulls its passages in.
        ("what does blina target, and which costimulatory domain does tisa-cel carry?",
         ["what does blina target", "which costimulatory domain does tisa-cel carry"]),
        # A premise ("if ...", "given ...") sets up the question after it and is not a part of its own.
        ("if SOS is the worry after InO, what is the alternative to transplant? and how long do blina responses last?",
         ["if SOS is the worry after InO, what is the alternative to transplant", "how long do blina responses last"]),
        ("Given the SOS risk, how many InO cycles before HSCT and what bilirubin threshold?",
         ["Given the SOS risk, how many InO cycles before HSCT", "what bilirubin threshold (inotuzumab ozogamicin)"]),
    ],
)
def test_two_questions_become_two_parts_that_keep_their_subject(question: str, parts: list[str]) -> None:
    assert split_question(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "CRS and ICANS rates with tisa-cel",  # a list of nouns is one question
        "In INO-VATE, what was the CR rate?",  # a leading phrase asks nothing by itself
        "is InO or blina better for CNS disease?",
        "Which agent, and why?",
        "What is SOS?",
    ],
)
def test_one_question_stays_whole(question: str) -> None:
    assert split_question(question) == [question]


class _Fake:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers

    def search(self, query: str, *, k: int = 5, source: str | None = None) -> list[object]:
        ids = next((v for key, v in self.answers.items() if query.startswith(key)), [])
        return [type("Hit", (), {"passage_id": i})() for i in ids[:k]]


def test_each_part_gets_its_best_passage_before_any_part_gets_a_second() -> None:
    fake = _Fake({"What was the CR rate": ["cr-1", "cr-2", "cr-3"], "how often did SOS": ["sos-1", "cr-1", "sos-2"]})
    found = retrieve(fake, "What was the CR rate in INO-VATE and how often did SOS occur?", k=4)
    # "cr-1" is already shown when the second part reaches it, so that turn passes.
    assert [h.passage_id for h in found] == ["cr-1", "sos-1", "cr-2", "cr-3"]


@pytest.mark.parametrize(
    ("question", "part"),
    [("According to the abstract, how were the response rates judged?", "Abstract"),
     ("per conclusion, what decides the choice", "Conclusion"),
     ("In Table 1, which agent needs hospital admission?", "Table 1"),
     ("what does the intro say about survival", "Introduction"),
     ("in the authors' closing remarks, what is the outlook", "Conclusion"),
     ("is it an abstract idea or a tested one?", None),
     ("what CR rate did InO give?", None)],
)
def test_a_part_of_the_review_named_as_where_to_look(question: str, part: str | None) -> None:
    assert named_part(question) == part


class _Sections:
    def search(self, query: str, *, k: int = 5, source: str | None = None) -> list[object]:
        sections = ["Efficacy", "Toxicity", "Abstract", "Efficacy", "Abstract"] + ["Toxicity"] * 30
        return [type("Hit", (), {"passage_id": f"p{i}", "section": s})() for i, s in enumerate(sections[:k])]


def test_the_named_part_s_passages_come_first() -> None:
    found = retrieve(_Sections(), "According to the abstract, what were the rates compared with?", k=3)
    assert [h.passage_id for h in found] == ["p2", "p4", "p0"]
    unnamed = retrieve(_Sections(), "what were the rates compared with?", k=3)
    assert [h.passage_id for h in unnamed] == ["p0", "p1", "p2"]


@pytest.mark.parametrize(
    ("question", "figures"),
    [("median OS in TOWER with blina, and what CR rate did InO get in INO-VATE?", ["7.7", "73.8%"]),
     ("How many patients did ELIANA enrol, and how often was SOS seen with InO in INO-VATE?", ["92", "14.0%"])],
)
def test_every_part_of_a_question_is_answered(engine: ChatEngine, question: str, figures: list[str]) -> None:
    answer = engine.respond(question).answer
    assert all(f in answer for f in figures), answer
