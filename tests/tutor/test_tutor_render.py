"""Explanations use the chat's citation format, and every [n] marker resolves."""

from __future__ import annotations

import re

import pytest

from assistant.answer import markers_in
from assistant.tutor.generator import generate
from assistant.tutor.grading import grade
from assistant.tutor.models import Question, plain
from assistant.tutor.render import explain, render_question
from assistant.tutor.words import has_code, plain_words
from knowledge.pack import default_pack


def strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def _answers(q: Question) -> list[str]:
    return [o.key for o in q.options] if q.options else [q.answer_text, "none", "73.8%"]


def test_every_explanation_marker_resolves_to_a_citation_for_right_and_wrong_answers() -> None:
    pack = default_pack()
    for seed in range(150):
        q = generate(seed)
        for answer in _answers(q):
            result = grade(q, answer)
            if not result.recognised:
                continue
            explanation = explain(q, result, pack)
            used = set(markers_in(explanation.markdown))
            cited = {c.marker for c in explanation.citations}
            assert used == cited, (seed, answer)
            assert cited, f"explanation without any citation (seed {seed}, kind {q.kind}, answer {answer})"
            assert cited == set(range(1, len(cited) + 1))
            assert set(markers_in(explanation.why_wrong or "")) <= cited
            for citation in explanation.citations:
                passage = pack.citable(citation.passage_id)  # a review passage, or a dated update
                assert passage is not None
                assert citation.section == passage.section and citation.text == passage.text
                assert citation.refs == list(passage.refs)


def test_a_clinical_explanation_gives_one_teaching_point_then_the_cited_evidence() -> None:
    q = generate(1, "antigen", free_text=False)
    keyed = q.keyed
    assert keyed is not None
    markdown = explain(q, grade(q, keyed.key), default_pack()).markdown
    assert markdown.startswith("**Correct.**")
    point = markdown.split("**Teaching point:** ")[1].split("\n")[0]
    assert point.count(". ") == 0 and not markers_in(point)  # one sentence, before any citation
    evidence = markdown.split("**The evidence:**\n")[1]
    assert markers_in(evidence) and markdown.index("Teaching point") < markdown.index("The evidence")


@pytest.mark.parametrize("seed", range(0, 240, 3))
def test_no_rule_code_reaches_the_learner(seed: int) -> None:
    q = generate(seed)
    for option in q.options or ():
        shown = explain(q, grade(q, option.key), default_pack()).markdown
        assert not has_code(shown) and "`" not in shown, (seed, shown)


def test_a_wrong_answer_explains_why_that_choice_is_wrong() -> None:
    q = generate(1, "antigen", free_text=False)
    wrong = next(o for o in q.options if not o.correct)
    explanation = explain(q, grade(q, wrong.key), default_pack())
    assert explanation.markdown.startswith("**Not quite.**")
    assert f"**Why {wrong.key} is wrong for this patient:**" in explanation.markdown
    assert explanation.why_wrong and explanation.why_wrong in explanation.markdown


def test_why_b_is_wrong_is_about_b_not_the_keyed_answer_again() -> None:
    checked = 0
    for seed in range(200):
        q = generate(seed, free_text=False)
        wrong = [o for o in q.options if not o.correct]
        reasons = {explain(q, grade(q, o.key), default_pack()).why_wrong for o in wrong}
        keyed = plain(q.answer_reason)
        for why in reasons:
            assert why and strip_markers(why) != strip_markers(plain_words(keyed)), (seed, why)
        checked += len(wrong) > 1 and q.kind in ("unsuitable_agent", "toxicity_concern", "factor", "label_status")
        if len(wrong) > 1 and q.kind in ("unsuitable_agent", "toxicity_concern", "factor", "label_status"):
            assert len(reasons) > 1, (seed, q.kind, reasons)  # two wrong choices, two different explanations
    assert checked > 40


def test_review_reference_numbers_do_not_masquerade_as_markers() -> None:
    # Tool texts carry the review's own numbers ("[13]"); in an answer [n] is a citation marker only.
    for seed in range(60):
        q = generate(seed)
        explanation = explain(q, grade(q, q.options[0].key if q.options else q.answer_text), default_pack())
        assert max(markers_in(explanation.markdown), default=0) <= len(explanation.citations)


def test_the_question_renders_as_plain_markdown() -> None:
    q = generate(2, "label", free_text=False)
    text = render_question(q)
    assert q.vignette in text and q.prompt in text
    assert all(f"{o.key}. {o.text}" in text for o in q.options)
