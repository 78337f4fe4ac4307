"""The OpenAI-compatible endpoint with the official ``openai`` client against the live service."""

from __future__ import annotations

import httpx
import openai
import pytest
from openai import OpenAI

from tests.integrations.conftest import KEY

QUESTION = "What are the risk factors for SOS after inotuzumab?"


@pytest.fixture(scope="module")
def client(service: str) -> OpenAI:
    return OpenAI(base_url=f"{service}/v1", api_key=KEY, max_retries=0)


def test_models_lists_the_navigator(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["rrall-navigator"]


def test_a_completion_is_a_cited_answer_with_a_sources_block(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="rrall-navigator", messages=[{"role": "user", "content": QUESTION}]
    )
    content = completion.choices[0].message.content or ""
    citations = (completion.model_extra or {})["citations"]
    assert citations and "[1]" in content
    assert "**Sources**\n[1] " in content
    assert completion.choices[0].finish_reason == "stop"
    assert all(f"[{c['marker']}]" in content and c["text"] for c in citations)


def test_streamed_chunks_join_to_the_same_answer(client: OpenAI) -> None:
    messages = [{"role": "user", "content": QUESTION}]
    whole = client.chat.completions.create(model="rrall-navigator", messages=messages)  # type: ignore[arg-type]
    stream = client.chat.completions.create(model="rrall-navigator", messages=messages, stream=True)  # type: ignore[arg-type]
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {})["citations"] == (whole.model_extra or {})["citations"]


def test_the_resent_history_continues_the_same_session(client: OpenAI) -> None:
    first_turn = "52 year old, first relapse, CD22 0%"
    first = client.chat.completions.create(
        model="rrall-navigator", user="dr-a", messages=[{"role": "user", "content": first_turn}]
    )
    history = [
        {"role": "system", "content": "a UI's own system prompt"},
        {"role": "user", "content": first_turn},
        {"role": "assistant", "content": first.choices[0].message.content or ""},
        {"role": "user", "content": "Is inotuzumab suitable?"},
    ]
    second = client.chat.completions.create(model="rrall-navigator", user="dr-a", messages=history)  # type: ignore[arg-type]
    extra = second.model_extra or {}
    assert extra["session_id"] == (first.model_extra or {})["session_id"]
    other_user = client.chat.completions.create(model="rrall-navigator", user="dr-b", messages=history)  # type: ignore[arg-type]
    assert (other_user.model_extra or {})["session_id"] != extra["session_id"]


def test_an_unseen_history_is_replayed_so_its_facts_are_known(service: str) -> None:
    history = [
        {"role": "user", "content": "34 year old in first relapse, CD22 0%"},
        {"role": "assistant", "content": "an answer from another deployment"},
        {"role": "user", "content": "What do you know about the patient?"},
    ]
    body = {"model": "rrall-navigator", "messages": history, "user": "dr-c"}
    response = httpx.post(f"{service}/v1/chat/completions", json=body, headers={"X-API-Key": KEY})
    session = httpx.get(f"{service}/v1/sessions/{response.json()['session_id']}", headers={"X-API-Key": KEY})
    assert session.json()["patient"]["cd22_positive_pct"] == 0


def test_explicit_session_id_extension_is_used(client: OpenAI) -> None:
    first = client.chat.completions.create(model="rrall-navigator", messages=[{"role": "user", "content": QUESTION}])
    session_id = (first.model_extra or {})["session_id"]
    again = client.chat.completions.create(
        model="rrall-navigator", messages=[{"role": "user", "content": "and CRS?"}],
        extra_body={"session_id": session_id},
    )
    assert (again.model_extra or {})["session_id"] == session_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, "model"),
        ({"model": "rrall-navigator", "messages": [{"role": "assistant", "content": "hi"}]}, "messages"),
        ({"model": "rrall-navigator", "messages": []}, "messages"),
        ({"model": "rrall-navigator", "messages": [{"role": "user", "content": "x" * 4001}]}, "messages"),
    ],
)
def test_bad_requests_name_the_field(service: str, body: dict[str, object], field: str) -> None:
    response = httpx.post(f"{service}/v1/chat/completions", json=body, headers={"X-API-Key": KEY})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]


def test_the_client_needs_the_api_key(service: str) -> None:
    with pytest.raises(openai.AuthenticationError):
        OpenAI(base_url=f"{service}/v1", api_key="wrong", max_retries=0).models.list()


def test_unknown_session_id_is_a_404(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="rrall-navigator", messages=[{"role": "user", "content": "hi"}],
            extra_body={"session_id": "0" * 32},
        )
