"""POST /v1/chat with an Idempotency-Key: a retry gets the same stored turn and the same reply, and
stores nothing again, even when the retries race; another body under the same key is refused."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from assistant.sessions import SessionStore


def _post(base: str, body: dict[str, str], key: str | None, **headers: str) -> httpx.Response:
    sent = {**headers, **({"Idempotency-Key": key} if key else {})}
    return httpx.post(f"{base}/v1/chat", json=body, headers=sent, timeout=60)


def _transcript(base: str, session_id: str) -> list[dict[str, object]]:
    turns: list[dict[str, object]] = httpx.get(f"{base}/v1/sessions/{session_id}", timeout=30).json()["transcript"]
    return turns


def test_a_retry_with_the_same_key_returns_the_stored_reply_and_stores_nothing(chat_server: str) -> None:
    key = str(uuid.uuid4())
    first = _post(chat_server, {"message": "62yo first relapse, CD22 40%"}, key)
    again = _post(chat_server, {"message": "62yo first relapse, CD22 40%"}, key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert len(_transcript(chat_server, first.json()["session_id"])) == 2


def test_a_retry_continuing_a_session_adds_one_turn(chat_server: str) -> None:
    session_id = _post(chat_server, {"message": "45-year-old in first relapse"}, None).json()["session_id"]
    key = str(uuid.uuid4())
    body = {"message": "CD22 is 95%", "session_id": session_id}
    replies = [_post(chat_server, body, key).json() for _ in range(3)]
    assert replies[0] == replies[1] == replies[2]
    assert len(_transcript(chat_server, session_id)) == 4


def test_racing_retries_store_one_turn_and_get_one_reply(chat_server: str) -> None:
    session_id = _post(chat_server, {"message": "hello"}, None).json()["session_id"]
    key, body = str(uuid.uuid4()), {"message": "What is CRS?", "session_id": session_id}
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: _post(chat_server, body, key), range(6)))
    assert {r.status_code for r in responses} == {200}
    assert len({json.dumps(r.json(), sort_keys=True) for r in responses}) == 1
    assert len(_transcript(chat_server, session_id)) == 4


def test_the_same_key_with_another_message_is_refused(chat_server: str) -> None:
    key = str(uuid.uuid4())
    assert _post(chat_server, {"message": "What is CRS?"}, key).status_code == 200
    refused = _post(chat_server, {"message": "What is ICANS?"}, key)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "idempotency_key_reused"


def test_a_stream_replays_the_same_final_event(chat_server: str) -> None:
    key = str(uuid.uuid4())
    body = {"message": "risk factors for SOS after inotuzumab"}
    finals = []
    for _ in range(2):
        stream = _post(chat_server, body, key, Accept="text/event-stream")
        lines = stream.text.splitlines()
        at = lines.index("event: final")
        finals.append(json.loads(lines[at + 1].removeprefix("data: ")))
    assert finals[0] == finals[1]


@pytest.mark.parametrize("key", ["", "x" * 256, "has space"])
def test_a_malformed_key_is_a_422_naming_the_header(chat_server: str, key: str) -> None:
    response = httpx.post(f"{chat_server}/v1/chat", json={"message": "hi"}, headers={"Idempotency-Key": key},
                          timeout=30)
    assert response.status_code == 422
    assert "Idempotency-Key" in json.dumps(response.json()["error"])


def test_turns_saved_in_a_batch_are_written_only_when_it_commits(tmp_path: Path) -> None:
    store = SessionStore(f"sqlite:///{tmp_path / 's.sqlite3'}", ttl=timedelta(hours=1))
    session_id = store.create().id
    with store.deferred() as batch:
        store.save_turn(session_id, user_text="a", answer_text="b", patient={}, state={})
    record = store.get(session_id)
    assert record is not None and record.transcript == ()  # a crash here would have stored nothing
    store.commit(batch)
    record = store.get(session_id)
    assert record is not None and [t.text for t in record.transcript] == ["a", "b"]
