"""The quiz endpoints over real HTTP (a uvicorn server on loopback), errors included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from paraphrases import SEQUENCING_PARAPHRASES

from api.app import create_app
from assistant.settings import Settings
from assistant.tutor.generator import generate
from tests.live import live_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("quiz-api")
    # The quiz needs no search index, so the server runs without loading one.
    with live_server(create_app(Settings(data_dir=data_dir), load_knowledge=False)) as base:
        yield base


def _ask(base: str, **body: object) -> dict:
    response = httpx.post(f"{base}/v1/quiz", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _answer(base: str, question_id: str, answer: str) -> httpx.Response:
    return httpx.post(f"{base}/v1/quiz/{question_id}/answer", json={"answer": answer}, timeout=30)


def test_a_question_has_the_documented_shape(server: str) -> None:
    q = _ask(server, learner_id="http-1", topic="antigen", seed=11)
    assert set(q) == {"id", "learner_id", "kind", "topic", "seed", "vignette", "prompt", "options",
                      "difficulty"}
    assert q["id"].startswith("q_") and q["topic"] == "antigen" and q["seed"] == 11
    assert q["options"] is None or all(set(o) == {"key", "text"} for o in q["options"])


def test_a_seed_and_topic_reproduce_the_question(server: str) -> None:
    first = _ask(server, learner_id="http-2", topic="toxicity", seed=5)
    second = _ask(server, learner_id="http-3", topic="toxicity", seed=5)
    assert first["id"] != second["id"]
    assert {k: first[k] for k in ("vignette", "prompt", "options", "kind")} == \
        {k: second[k] for k in ("vignette", "prompt", "options", "kind")}


def test_the_right_key_is_graded_correct_with_cited_rule_outputs(server: str) -> None:
    q = _ask(server, learner_id="http-4", topic="burden", seed=3)
    keyed = generate(3, "burden").keyed
    assert keyed is not None
    response = _answer(server, q["id"], keyed.key)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["correct"] is True and result["why_wrong"] is None and result["recorded"] is True
    assert result["answer"].startswith(f"{keyed.key}. ")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", result["explanation"])}
    assert markers and markers == {c["marker"] for c in result["citations"]}
    for citation in result["citations"]:
        assert set(citation) >= {"marker", "passage_id", "section", "text", "refs"}
    assert result["rule_outputs"] and all(r["tool"] == "assess" for r in result["rule_outputs"])


def test_a_wrong_number_gets_the_reason_it_is_wrong(server: str) -> None:
    q = _ask(server, learner_id="http-5", topic="cns", seed=8)
    question = generate(8, "cns")
    wrong = next(i for i, o in enumerate(question.options, start=1) if not o.correct)
    result = _answer(server, q["id"], str(wrong)).json()
    assert result["correct"] is False and result["chosen"] == question.options[wrong - 1].key
    assert result["why_wrong"] and "Why" in result["explanation"]
    assert {int(m) for m in re.findall(r"\[(\d+)\]", result["why_wrong"])} <= {c["marker"] for c in result["citations"]}


def test_a_free_text_question_has_no_options_and_grades_words(server: str) -> None:
    seed = next(s for s in range(200) if generate(s, "antigen").kind == "unsuitable_agent"
                and generate(s, "antigen").free_text)
    q = _ask(server, learner_id="http-6", topic="antigen", seed=seed)
    assert q["options"] is None
    agents = generate(seed, "antigen").answer.agents or ()
    words = {"blinatumomab": "Blincyto", "inotuzumab_ozogamicin": "Besponsa", "tisagenlecleucel": "Kymriah"}
    reply = " and ".join(words[a] for a in agents) or "none"
    assert _answer(server, q["id"], reply).json()["correct"] is True


def test_the_learner_sees_per_topic_scores_and_a_summary(server: str) -> None:
    q = _ask(server, learner_id="http-7", topic="sequencing", seed=1)
    _answer(server, q["id"], "A")
    progress = httpx.get(f"{server}/v1/learners/http-7", timeout=30).json()
    assert progress["learner_id"] == "http-7" and progress["questions_asked"] == 1 and progress["answered"] == 1
    assert {t["topic"] for t in progress["topics"]} >= {"label", "toxicity", "sequencing", "evidence"}
    sequencing = next(t for t in progress["topics"] if t["topic"] == "sequencing")
    assert sequencing["attempts"] == 1 and progress["summary"] and isinstance(progress["due_topics"], list)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/quiz", {"learner_id": "x", "topic": "dosing"}, 422),
        ("/v1/quiz", {"learner_id": "someone@example.org"}, 422),
        ("/v1/quiz", {"learner_id": "x", "seed": -1}, 422),
        ("/v1/quiz", {"learner_id": "x", "seed": True}, 422),
        ("/v1/quiz", {"learner_id": "x", "seed": "5"}, 422),
        ("/v1/quiz", {"learner_id": "x", "colour": "blue"}, 422),
        ("/v1/quiz", {}, 422),
        ("/v1/quiz/q_missing/answer", {"answer": "A"}, 404),
    ],
)
def test_errors_have_the_common_shape(server: str, path: str, body: dict, status: int) -> None:
    response = httpx.post(f"{server}{path}", json=body, timeout=30)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] in ("invalid_input", "not_found") and error["message"]
    if status == 422:
        assert error["fields"]


def test_answer_errors(server: str) -> None:
    q = _ask(server, learner_id="http-8", topic="sequencing", seed=2)
    assert _answer(server, q["id"], "").status_code == 422
    extra = httpx.post(f"{server}/v1/quiz/{q['id']}/answer", json={"answer": "A", "x": 1}, timeout=30)
    assert extra.status_code == 422
    unmatched = _answer(server, q["id"], "I am not sure")
    assert unmatched.status_code == 409 and "picks no option" in unmatched.json()["error"]["message"]
    unknown = httpx.get(f"{server}/v1/learners/nobody-here", timeout=30)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert httpx.get(f"{server}/v1/learners/bad%20id", timeout=30).status_code == 422


def test_openapi_documents_the_quiz(server: str) -> None:
    spec = httpx.get(f"{server}/openapi.json", timeout=30).json()
    paths = spec["paths"]
    ask = paths["/v1/quiz"]["post"]
    answer = paths["/v1/quiz/{question_id}/answer"]["post"]
    learner = paths["/v1/learners/{learner_id}"]["get"]
    assert {"200", "422"} <= set(ask["responses"])
    assert {"200", "404", "422"} <= set(answer["responses"]) and {"200", "404"} <= set(learner["responses"])
    schemas = spec["components"]["schemas"]
    assert {"QuizQuestion", "AnswerResult", "Progress", "RuleOutput"} <= set(schemas)
    assert answer["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")


def test_an_answer_in_the_learners_own_words_is_graded_over_http(server: str) -> None:
    q = _ask(server, learner_id="http-words", topic="sequencing", seed=21)
    expected = generate(21, "sequencing")
    response = _answer(server, q["id"], SEQUENCING_PARAPHRASES[expected.answer.code or ""])
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["correct"] is True and expected.keyed is not None and result["chosen"] == expected.keyed.key
