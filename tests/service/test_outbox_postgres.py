"""On PostgreSQL the outbox's work runs on procrastinate's workers (jobs in the same database): a
Telegram message is answered and its reply delivered once, through a real PostgreSQL server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from api.channels.tasks import ProcrastinateWorker
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import TELEGRAM_SECRET_TOKEN, platform_settings, ready_app
from tests.live import live_server
from tests.service.servers import migrated_database

pytestmark = pytest.mark.slow


def test_replies_go_out_once_through_procrastinate_workers(postgres_cluster: str, tmp_path: Path,
                                                           fake: FakePlatform) -> None:
    database = migrated_database(postgres_cluster)
    settings = platform_settings(tmp_path, fake.url, database_url=database, outbox_poll_seconds=0.5)
    app = ready_app(settings)
    chats = [777001, 777002, 777003]
    with live_server(app, wait_ready=True) as base:
        for n, chat in enumerate(chats):
            update = {"update_id": 5000 + n, "message": {
                "message_id": 10 + n, "date": int(time.time()), "text": "What is CRS?",
                "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "T"}}}
            for _ in range(2):  # Telegram resends an update it thinks was lost: answered once all the same
                response = httpx.post(f"{base}/webhooks/telegram", json=update, timeout=30,
                                      headers={"x-telegram-bot-api-secret-token": TELEGRAM_SECRET_TOKEN})
                assert response.status_code == 200
        deadline = time.monotonic() + 60
        while len(fake.calls_to("/sendMessage")) < len(chats) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        assert isinstance(app.state.rrall_channels._worker, ProcrastinateWorker)
        sent = [c.data.get("chat_id") for c in fake.calls_to("/sendMessage")]
        assert sorted(sent) == sorted(str(c) for c in chats)
        with create_engine(database).connect() as db:
            assert db.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() >= 1
            assert db.execute(text("SELECT count(*) FROM channel_outbox WHERE status = 'sent'")).scalar() == 3
