"""A live server over a real index and a real SQLite session store, shared by the API tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from assistant.settings import Settings
from tests.live import live_server


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("chat-api")
    with live_server(create_app(Settings(data_dir=data_dir)), wait_ready=True) as base:
        yield base
