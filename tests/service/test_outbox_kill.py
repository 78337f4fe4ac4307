"""Replies survive a crash: kill -9 the server after it answered a Telegram message but before the reply
reached Telegram, start it again, and the (fake) platform gets the reply exactly once, while the turn is
stored once. Real processes (`assistant serve`), a real SQLite file or PostgreSQL server (where the new
server's procrastinate sweep finds the reply: no new webhook arrives), the platform faked on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN
from tests.service.servers import migrated_database, serve_process

pytestmark = pytest.mark.slow


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A port that accepts connections and never answers: the platform as a dying worker last saw it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def _env(database: str, api_url: str) -> dict[str, str]:
    return {"RRALL_DATABASE_URL": database, "RRALL_TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
            "RRALL_TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET_TOKEN, "RRALL_TELEGRAM_API_URL": api_url,
            "RRALL_WEBHOOK_DELIVERY_ATTEMPTS": "10", "RRALL_WEBHOOK_DELIVERY_BACKOFF_SECONDS": "0.05",
            "RRALL_OUTBOX_POLL_SECONDS": "0.2"}


def _update(chat: int, text_: str, update_id: int) -> bytes:
    message = {"message_id": update_id, "date": int(time.time()), "text": text_,
               "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "T"}}
    return json.dumps({"update_id": update_id, "message": message}).encode()


def _wait(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    return migrated_database(request.getfixturevalue("postgres_cluster"))


def test_a_worker_killed_between_the_answer_and_the_send_delivers_the_reply_once_after_restart(
    indexed_data_dir: Path, database: str, fake: FakePlatform, black_hole: str
) -> None:
    rows = create_engine(database)
    chat = 424242

    def outbox_states() -> list[tuple[str, str]]:
        with rows.connect() as db:
            inbox = [r[0] for r in db.execute(text("SELECT status FROM channel_inbox"))]
            outbox = [r[0] for r in db.execute(text("SELECT status FROM channel_outbox"))]
        return [("inbox", s) for s in inbox] + [("outbox", s) for s in outbox]

    with serve_process(indexed_data_dir, workers=1, env=_env(database, black_hole), log_name="kill-1.log") as (
            base, _, proc):
        sent = httpx.post(f"{base}/webhooks/telegram", content=_update(chat, "What is CRS?", 9001), timeout=30,
                          headers={"content-type": "application/json",
                                   "x-telegram-bot-api-secret-token": TELEGRAM_SECRET_TOKEN})
        assert sent.status_code == 200
        # answered and stored, reply queued, the send hanging on a platform that never answers: kill -9 now
        _wait(lambda: ("inbox", "done") in outbox_states() and ("outbox", "pending") in outbox_states())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert fake.calls_to("/sendMessage") == []

    with serve_process(indexed_data_dir, workers=1, env=_env(database, f"{fake.url}/telegram"),
                       log_name="kill-2.log") as (base, _, _):
        _wait(lambda: all(state in {"done", "sent"} for _, state in outbox_states()))
        time.sleep(1.0)  # time for a duplicate to show, if there were one
        replies = [c for c in fake.calls_to("/sendMessage") if c.data.get("chat_id") == str(chat)]
        assert len(replies) == 1 and "CRS" in replies[0].data["text"]
    with rows.connect() as db:
        assert db.execute(text("SELECT count(*) FROM chat_messages")).scalar() == 2  # one turn, stored once
