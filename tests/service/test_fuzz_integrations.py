"""API fuzzing of the integration surfaces (OpenAI-compatible chat, passages, CDS Hooks) with
schemathesis, as tests/service/test_fuzz.py does for the core operations: no 5xx, and every response
(errors included) matches what /openapi.json documents. Same set-up: in process, API keys on, limits off.

A CDS Hooks call with ``fhirServer`` only would make the service fetch from a generated URL; the
generated requests carry no reachable server, so those calls end in 412 or read from prefetch."""

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

MAX_EXAMPLES = 25
# The patient-view call itself is left out: its body names a FHIR server the service then fetches, and a
# fuzzer's made-up host names must not send the service looking them up. tests/integrations/ covers it
# against the loopback FHIR server.
OPERATIONS = (
    r"^/(v1/(chat/completions|models|passages/\{passage_id\}|tools)|cds-services(/\{service_id\}/feedback)?)$"
)
# Schema-valid values the schema cannot tell apart from wrong ones: a passage id, a service id, a tool
# name, the CDS request's FHIR content. For these a documented 4xx is the right answer to valid-looking data.
_LENIENT = ("/v1/passages/{passage_id}", "/cds-services/{service_id}", "/cds-services/{service_id}/feedback",
            "/v1/chat/completions")

_STORE_DIR = Path(tempfile.mkdtemp(prefix="rrall-fuzz-integrations-"))
atexit.register(shutil.rmtree, _STORE_DIR, ignore_errors=True)
app = create_app(Settings(data_dir=_STORE_DIR, api_keys=KEY, rate_limit_per_minute=0, key_rate_limit_per_minute=0),
                 load_knowledge=False)
_CONFIG = schemathesis.Config.from_dict({"auth": {"openapi": {"apiKey": {"api_key": KEY}}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=_CONFIG).include(path_regex=OPERATIONS)


@pytest.fixture(scope="module", autouse=True)
def _index_attached(indexed_data_dir: Path) -> Iterator[None]:
    app.state.rrall.retriever = observe_retriever(open_retriever(index_dir=indexed_data_dir / "index"))
    yield


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_response_matches_the_schema(case: Any) -> None:
    lenient = [positive_data_acceptance] if case.operation.path in _LENIENT else []
    case.call_and_validate(excluded_checks=lenient)
