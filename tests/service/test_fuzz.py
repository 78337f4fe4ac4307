"""API fuzzing: schemathesis generates valid and invalid requests from /openapi.json for the main
operations; no 5xx, and every response (errors included) matches what the schema documents.

Runs in process (ASGI) against an app with a loaded index, API keys configured (so the key check
is part of what is fuzzed) and rate limits off (the fuzzer is one very busy client). Bounded:
``MAX_EXAMPLES`` per operation and generation mode.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from api.observability import observe_retriever
from assistant.settings import Settings
from knowledge.index import open_retriever
from tests.service.conftest import KEY

MAX_EXAMPLES = 40
OPERATIONS = (
    r"^/(v1/(assess|tools/\{name\}|chat|search|sessions/\{session_id\}|quiz|quiz/\{question_id\}/answer"
    r"|learners/\{learner_id\})|healthz|readyz)$"
)

# schemathesis parametrizes at collection, so the app exists then (loading its schema starts the app,
# whose purge opens the store); its index is attached below. The store goes when pytest exits.
_STORE_DIR = Path(tempfile.mkdtemp(prefix="rrall-fuzz-"))
atexit.register(shutil.rmtree, _STORE_DIR, ignore_errors=True)
app = create_app(Settings(data_dir=_STORE_DIR, api_keys=KEY, rate_limit_per_minute=0, key_rate_limit_per_minute=0),
                 load_knowledge=False)
# The key as schemathesis's own auth, so its ignored-auth check knows which credentials are valid.
_CONFIG = schemathesis.Config.from_dict({"auth": {"openapi": {"apiKey": {"api_key": KEY}}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=_CONFIG).include(path_regex=OPERATIONS)


@pytest.fixture(scope="module", autouse=True)
def _index_attached(indexed_data_dir: Path) -> Iterator[None]:
    app.state.rrall.retriever = observe_retriever(open_retriever(index_dir=indexed_data_dir / "index"))
    yield


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_response_matches_the_schema(case: Any) -> None:
    # /v1/search checks its filters against the index's vocabulary (agent spellings, section headings,
    # ingested sources): free text the schema cannot enumerate, so a schema-valid "agent=xyz" is a 422.
    lenient = [positive_data_acceptance] if case.operation.path == "/v1/search" else []
    case.call_and_validate(excluded_checks=lenient)
