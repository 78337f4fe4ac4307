"""Multiple-choice questions answered in the learner's own words are graded by what the words mean."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from paraphrases import SEQUENCING_PARAPHRASES

from assistant.tutor.generator import generate
from assistant.tutor.grading import grade
from assistant.tutor.models import Question, Topic


def _find(topic: Topic, wanted: Callable[[Question], bool]) -> Question:
    for seed in range(3000):
        q = generate(seed, topic, free_text=False)
        if q.options and wanted(q):
            return q
    raise AssertionError(f"no {topic} question found")


@pytest.mark.parametrize(("code", "paraphrase"), SEQUENCING_PARAPHRASES.items())
def test_a_sequencing_point_in_other_words_picks_that_point(code: str, paraphrase: str) -> None:
    q = _find("sequencing", lambda q: q.answer.code == code)
    result = grade(q, paraphrase)
    assert result.recognised and result.correct and q.keyed is not None and result.chosen == q.keyed.key


@pytest.mark.parametrize(("topic", "wanted", "paraphrase"), [
    ("antigen", lambda q: q.kind == "unsuitable_agent" and q.answer.code == "CD19_NEGATIVE"
     and set(q.answer.agents or ()) == {"blinatumomab", "tisagenlecleucel"}, "the CD19-directed ones, CD19 is lost"),
    ("antigen", lambda q: q.kind == "unsuitable_agent" and q.answer.agents == ("inotuzumab_ozogamicin",),
     "the CD22 one, the blasts do not express CD22"),
    ("label", lambda q: q.kind == "label_status" and q.answer.age_out and not q.answer.setting_out,
     "off label, the patient is too old for it"),
    ("label", lambda q: q.kind == "label_status" and not q.answer.age_out and not q.answer.setting_out,
     "it is within its label"),
    ("label", lambda q: q.kind == "label_status" and q.answer.age_out and q.answer.setting_out,
     "off label for both reasons"),
    ("toxicity", lambda q: q.answer.syndromes == ("SOS",) and q.answer.level == "high",
     "veno-occlusive disease, and the risk is high"),
])
def test_other_paraphrases_are_graded_correct(topic: Topic, wanted: Callable[[Question], bool],
                                              paraphrase: str) -> None:
    q = _find(topic, wanted)
    result = grade(q, paraphrase)
    assert result.recognised and result.correct, (q.seed, [o.text for o in q.options])


def test_a_paraphrase_of_a_wrong_option_is_graded_wrong_with_that_option() -> None:
    q = _find("sequencing", lambda q: any(o.claim.code == "KMT2A_LINEAGE_SWITCH" and not o.correct
                                          for o in q.options))
    result = grade(q, SEQUENCING_PARAPHRASES["KMT2A_LINEAGE_SWITCH"])
    chosen = next(o for o in q.options if o.key == result.chosen)
    assert not result.correct and chosen.claim.code == "KMT2A_LINEAGE_SWITCH"


@pytest.mark.parametrize("reply", ["I am not sure", "pass me the coffee", "maybe"])
def test_words_that_mean_no_option_pick_none(reply: str) -> None:
    q = _find("sequencing", lambda q: True)
    assert not grade(q, reply).recognised
