"""Fixtures for the clinical tools: profile helpers, the --update-golden switch, and a real HTTP server.

Regenerate the golden assessments with ``pytest tests/tools --update-golden`` and review the diff.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.agents import Agent
from tools.assess import assess_agent
from tools.flags import Flag
from tools.profile import PatientProfile


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/tools/golden/*.json from the current rules (review the diff by hand).",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


FlagsFor = Callable[..., dict[str, Flag]]


def _flags_for(agent: Agent, **facts: Any) -> dict[str, Flag]:
    return {flag.code: flag for flag in assess_agent(PatientProfile(**facts), agent).flags}


@pytest.fixture
def flags_for() -> FlagsFor:
    """flags_for(agent, **facts): the agent's flags for a profile of those facts, keyed by code."""
    return _flags_for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    from api.app import create_app
    from assistant.settings import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), load_knowledge=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


GOLDEN_DIR = Path(__file__).parent / "golden"
