"""The label-currency question: which agents are on label now, graded against the current edition,
with the review's edition (2020) in the explanation."""

from __future__ import annotations

from assistant.tutor.generator import disagreements, generate
from assistant.tutor.grading import grade
from assistant.tutor.models import Question
from assistant.tutor.render import explain
from knowledge.pack import default_pack
from tools.assess import assess
from tools.profile import PatientProfile

QUESTIONS: list[Question] = [q for q in (generate(s, "label", free_text=False) for s in range(120))
                             if q.kind == "label_now"]


def _now(question: Question) -> set[str]:
    profile = PatientProfile.model_validate(question.profile)
    return {a.agent for a in assess(profile).agents if a.label_now.status == "on_label"}


def test_the_label_topic_asks_it() -> None:
    assert len(QUESTIONS) >= 10


def test_the_keyed_answer_is_the_current_edition_and_every_distractor_is_refuted() -> None:
    for q in QUESTIONS:
        assert set(q.answer.agents or ()) == _now(q), q.seed
        assert disagreements(q) == [], q.seed
        assert "2025-06-26" in q.prompt and "not the review's" in q.prompt


def test_a_child_whose_ino_label_changed_learns_both_editions() -> None:
    changed = [q for q in QUESTIONS if "inotuzumab_ozogamicin" in (q.answer.agents or ())
               and (q.profile or {}).get("age_years", 99) < 18]
    assert changed, "no question on a child for whom InO is on label now"
    q = changed[0]
    wrong = next(o for o in q.options if not o.correct)
    result = grade(q, wrong.key)
    explanation = explain(q, result, default_pack())
    assert not result.correct
    assert "In the review's edition (2020) it was off label" in explanation.markdown
    cited = {c.passage_id: c for c in explanation.citations}
    assert cited["upd-ino-peds-01"].date is not None and cited["upd-ino-peds-01"].url
    assert "label-02" in cited  # the review's own label passage beside the update


def test_an_adult_question_says_the_review_gives_the_same_status_where_nothing_changed() -> None:
    adult = next(q for q in QUESTIONS if (q.profile or {}).get("age_years", 0) >= 26)
    keyed = next(o for o in adult.options if o.correct)
    text = explain(adult, grade(adult, keyed.key), default_pack()).markdown
    assert "The review's edition (2020) gives the same status" in text
