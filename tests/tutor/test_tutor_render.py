"""Explanations use the chat's citation format, and every [n] marker resolves."""

from __future__ import annotations

from assistant.answer import markers_in
from assistant.tutor.generator import generate
from assistant.tutor.grading import grade
from assistant.tutor.models import Question
from assistant.tutor.render import explain, render_question
from knowledge.pack import default_pack


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


def test_a_clinical_explanation_shows_the_rule_outputs_and_cites_them() -> None:
    q = generate(1, "antigen", free_text=False)
    keyed = q.keyed
    assert keyed is not None
    explanation = explain(q, grade(q, keyed.key), default_pack())
    assert explanation.markdown.startswith("**Correct.**")
    assert "**Rule outputs that decide it:**" in explanation.markdown
    for output in q.rule_outputs:
        assert f"`{output.code}`" in explanation.markdown
    assert explanation.citations


def test_a_wrong_answer_explains_why_that_choice_is_wrong() -> None:
    q = generate(1, "antigen", free_text=False)
    wrong = next(o for o in q.options if not o.correct)
    explanation = explain(q, grade(q, wrong.key), default_pack())
    assert explanation.markdown.startswith("**Not quite.**")
    assert f"**Why {wrong.key} is wrong for this patient:**" in explanation.markdown
    assert explanation.why_wrong and explanation.why_wrong in explanation.markdown
    assert wrong.reason[0].text.split(":")[0] in explanation.why_wrong


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
