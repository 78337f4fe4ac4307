"""Every route added in docs/api-contract-additions.md is in /openapi.json (the MCP endpoint excepted:
it is JSON-RPC and says so there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import Settings

ADDITIONS = (Path(__file__).resolve().parents[2] / "docs" / "api-contract-additions.md").read_text(encoding="utf-8")
ROUTES = sorted(set(re.findall(r"`(GET|POST|PATCH|DELETE) (/[^`?\s]+)", ADDITIONS)))


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("openapi")), load_knowledge=False)
    paths: dict[str, object] = TestClient(app).get("/openapi.json").json()["paths"]
    return paths


def _template(path: str) -> str:
    # The doc names concrete ids where /openapi.json has parameters, and a tool by its placeholder where
    # /openapi.json documents one operation per tool (any of them stands for the route).
    return {"/cds-services/rrall-agent-choice": "/cds-services/{service_id}",
            "/cds-services/rrall-agent-choice/feedback": "/cds-services/{service_id}/feedback",
            "/v1/tools/{name}": "/v1/tools/assess_patient", "/v1/tools/<name>": "/v1/tools/assess_patient",
            "/webhooks/whatsapp": "/webhooks/{platform}", "/v1/sessions/{id}": "/v1/sessions/{session_id}",
            "/v1/quiz/{id}/answer": "/v1/quiz/{question_id}/answer",
            "/v1/learners/{id}": "/v1/learners/{learner_id}"}.get(path, path)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_documented_route_is_in_openapi(openapi: dict[str, dict[str, object]], method: str, path: str) -> None:
    assert method.lower() in openapi[_template(path)]


def test_the_integration_routes_are_documented() -> None:
    documented = {path for _, path in ROUTES}
    assert {"/v1/chat/completions", "/v1/models", "/v1/passages/{passage_id}", "/cds-services",
            "/cds-services/rrall-agent-choice", "/cds-services/rrall-agent-choice/feedback"} <= documented
