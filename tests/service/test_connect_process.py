"""`assistant connect telegram` as a real process (its own index, its own hub) against the loopback
fake of the Bot API: it long-polls, answers, and ends cleanly on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channels.drivers import TelegramDriver
from tests.channels.fake_platform import FakePlatform
from tests.channels.harness import TELEGRAM_BOT_TOKEN, LiveApp

pytestmark = pytest.mark.slow


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform().start()
    yield platform
    platform.stop()


def _until(check: object, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode}: {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {log.read_text()[-2000:]}")
        time.sleep(0.1)


def test_connect_telegram_answers_by_long_polling_and_stops_on_sigterm(fake: FakePlatform, tmp_path: Path) -> None:
    env = {**os.environ, "RRALL_DATA_DIR": str(tmp_path), "RRALL_TELEGRAM_MODE": "polling",
           "RRALL_TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN, "RRALL_TELEGRAM_API_URL": f"{fake.url}/telegram",
           "RRALL_TELEGRAM_POLL_TIMEOUT_SECONDS": "1"}
    log = tmp_path / "connect.log"
    command = [sys.executable, "-c", "from assistant.cli import main; main()", "connect", "telegram"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _until(lambda: bool(fake.calls_to("/getUpdates")), proc, log, 240)  # index built, polling
        telegram = TelegramDriver(LiveApp(base="", app=None, settings=None), fake)  # type: ignore[arg-type]
        chat = telegram.new_conversation()
        fake.queue_update(telegram.update("What is CRS with tisagenlecleucel?", chat))
        _until(lambda: bool(telegram.replies(chat)), proc, log, 60)
        assert "CRS" in telegram.replies(chat)[0]
        proc.terminate()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
