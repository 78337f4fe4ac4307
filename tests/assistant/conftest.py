"""A real chat engine (the shipped pack, the real embedder, SQLite) shared by the tests that read its
answers. Regenerate the answer golden files with ``pytest tests/assistant --update-answer-golden``."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine import ChatEngine
from assistant.settings import Settings


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-answer-golden", action="store_true", default=False,
                     help="Rewrite tests/assistant/golden/*.md from the current engine (review the diff).")


@pytest.fixture(scope="session")
def update_answer_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-answer-golden", default=False))


@pytest.fixture(scope="package")
def engine(tmp_path_factory: pytest.TempPathFactory) -> ChatEngine:
    from assistant.runtime import build_engine

    data_dir: Path = tmp_path_factory.mktemp("engine")
    return build_engine(Settings(data_dir=data_dir))
