"""One live service for the integration tests (OpenAI-compatible chat, MCP, CDS Hooks): a real
`assistant serve` process with two workers on loopback over a real index, with an API key configured so
every client has to send it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.service.servers import assistant_serve

KEY = "integration-key-0123456789"


@pytest.fixture(scope="module")
def service_settings(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A key required, limits off (one busy test client), a session store of the module's own."""
    db = tmp_path_factory.mktemp("integration-db") / "sessions.sqlite3"
    return Settings(data_dir=indexed_data_dir, database_url=f"sqlite:///{db}", api_keys=KEY,
                    rate_limit_per_minute=0, key_rate_limit_per_minute=0)


@pytest.fixture(scope="module")
def service(service_settings: Settings) -> Iterator[str]:
    """The base URL of a running `assistant serve` that requires ``KEY``."""
    env = {"RRALL_DATABASE_URL": service_settings.database_url, "RRALL_API_KEYS": KEY,
           "RRALL_RATE_LIMIT_PER_MINUTE": "0", "RRALL_KEY_RATE_LIMIT_PER_MINUTE": "0"}
    with assistant_serve(service_settings.data_dir, workers=2, env=env) as (base, _):
        yield base
