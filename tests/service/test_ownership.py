"""Records belong to the principal that created them: every /v1 route that takes an id answers any
other principal (another API key, the same public widget key from another origin) with the same 404
as an unknown id. Admin keys read everything and change nothing. The audit log records who did what."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from tests.live import live_server
from tests.service.conftest import service_settings

OWNER_KEY, OTHER_KEY, ADMIN_KEY, WIDGET = "owner-key-0123456789", "other-key-0123456789", "admin-key-01234567", "pk_w"
SITE_A, SITE_B = "https://a.example.org", "https://b.example.org"
OWNER = {"X-API-Key": OWNER_KEY}
OTHER = {"X-API-Key": OTHER_KEY}
ADMIN = {"X-API-Key": ADMIN_KEY}
WIDGET_A = {"X-API-Key": WIDGET, "Origin": SITE_A}
WIDGET_B = {"X-API-Key": WIDGET, "Origin": SITE_B}


_LEARNERS = itertools.count()


@dataclass
class Server:
    base: str
    data_dir: Path
    database_url: str

    def call(self, method: str, path: str, headers: dict[str, str], body: object = None) -> httpx.Response:
        return httpx.request(method, self.base + path, headers=headers, json=body, timeout=60)


@pytest.fixture(scope="module")
def server(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db_dir = tmp_path_factory.mktemp("owned")
    settings = service_settings(indexed_data_dir, db_dir, api_keys=f"{OWNER_KEY},{OTHER_KEY}", admin_keys=ADMIN_KEY,
                                widget_keys=WIDGET, allowed_origins=f"{SITE_A},{SITE_B}",
                                rate_limit_per_minute=0, key_rate_limit_per_minute=0)
    with live_server(create_app(settings), wait_ready=True) as base:
        yield Server(base=base, data_dir=indexed_data_dir, database_url=settings.session_database_url)


def _session(server: Server, headers: dict[str, str]) -> dict[str, str]:
    response = server.call("POST", "/v1/chat", headers, {"message": "62yo first relapse, CD22 40%"})
    assert response.status_code == 200, response.text
    return {"session_id": response.json()["session_id"]}


def _question(server: Server, headers: dict[str, str], learner: str = "") -> dict[str, str]:
    body = {"learner_id": learner or f"trainee-{next(_LEARNERS)}", "topic": "cns", "seed": 3}
    response = server.call("POST", "/v1/quiz", headers, body)
    assert response.status_code == 200, response.text
    return {"question_id": response.json()["id"]}


def _learner(server: Server, headers: dict[str, str]) -> dict[str, str]:
    learner = f"trainee-{next(_LEARNERS)}"
    _question(server, headers, learner)
    return {"learner_id": learner}


Make = Callable[[Server, dict[str, str]], dict[str, str]]
# Every /v1 route with an id in its path: how to create what it names, and a body for the request.
ROUTES: dict[tuple[str, str], tuple[Make, object]] = {
    ("GET", "/v1/sessions/{session_id}"): (_session, None),
    ("PATCH", "/v1/sessions/{session_id}"): (_session, {"patient": {"cd22_positive_pct": 95}}),
    ("DELETE", "/v1/sessions/{session_id}"): (_session, None),
    ("POST", "/v1/quiz/{question_id}/answer"): (_question, {"answer": "A"}),
    ("GET", "/v1/learners/{learner_id}"): (_learner, None),
}
# Path parameters that name no one's record.
NOT_OWNED = {("GET", "/v1/passages/{passage_id}"): "a passage of the review, the same for everyone"}


def test_the_table_covers_every_route_with_an_id_in_the_openapi_document(server: Server) -> None:
    document = httpx.get(server.base + "/openapi.json").json()
    with_ids = {(method.upper(), path) for path, item in document["paths"].items() if "{" in path
                and path.startswith("/v1/") for method in item if method in {"get", "post", "patch", "delete", "put"}}
    assert with_ids == set(ROUTES) | set(NOT_OWNED)


PAIRS = [(OWNER, OTHER), (WIDGET_A, WIDGET_B), (WIDGET_A, OWNER), (OWNER, WIDGET_A)]


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize(("owner", "intruder"), PAIRS, ids=["key", "widget-origin", "widget-key", "key-widget"])
def test_another_principal_gets_404_and_the_owner_does_not(server: Server, route: tuple[str, str],
                                                           owner: dict[str, str], intruder: dict[str, str]) -> None:
    method, template = route
    make, body = ROUTES[route]
    path = template.format(**make(server, owner))
    refused = server.call(method, path, intruder, body)
    assert refused.status_code == 404, refused.text
    assert refused.json()["error"]["code"] == "not_found"
    unknown = server.call(method, template.format(**{k: "x_unknown" for k in make(server, owner)}), intruder, body)
    assert unknown.json()["error"]["message"].replace("x_unknown", "ID") == \
        refused.json()["error"]["message"].replace(path.split("/")[3], "ID")  # nothing tells the two apart
    assert server.call(method, path, owner, body).status_code in {200, 204}


def test_continuing_another_principals_session_is_404_and_stores_nothing(server: Server) -> None:
    session = _session(server, OWNER)
    refused = server.call("POST", "/v1/chat", WIDGET_B, {"message": "CD19 negative", **session})
    assert refused.status_code == 404
    transcript = server.call("GET", f"/v1/sessions/{session['session_id']}", OWNER).json()["transcript"]
    assert len(transcript) == 2


def test_the_same_learner_id_from_two_keys_is_two_learners(server: Server) -> None:
    server.call("POST", "/v1/quiz", OTHER, {"learner_id": "shared-name", "topic": "cns", "seed": 1})
    assert server.call("GET", "/v1/learners/shared-name", OTHER).status_code == 200
    assert server.call("GET", "/v1/learners/shared-name", OWNER).status_code == 404


def test_admin_keys_read_everything_and_change_nothing(server: Server) -> None:
    session = _session(server, OWNER)["session_id"]
    assert server.call("GET", f"/v1/sessions/{session}", ADMIN).status_code == 200
    learner = _learner(server, OWNER)["learner_id"]
    assert server.call("GET", f"/v1/learners/{learner}", ADMIN).status_code == 200
    assert server.call("PATCH", f"/v1/sessions/{session}", ADMIN, {"patient": {"age_years": 40}}).status_code == 404
    assert server.call("DELETE", f"/v1/sessions/{session}", ADMIN).status_code == 404
    assert server.call("GET", f"/v1/sessions/{session}", OWNER).status_code == 200


def test_the_audit_log_records_who_did_what_and_assistant_audit_prints_it(server: Server) -> None:
    session = _session(server, OWNER)["session_id"]
    server.call("GET", f"/v1/sessions/{session}", OTHER)
    server.call("DELETE", f"/v1/sessions/{session}", OWNER)
    env = {**os.environ, "RRALL_DATABASE_URL": server.database_url, "RRALL_DATA_DIR": str(server.data_dir)}
    done = subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", "audit", "--json",
                           "--resource-id", session], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    seen = [(e["action"], e["outcome"]) for e in reversed(entries)]
    assert seen == [("create", "ok"), ("read", "denied"), ("erase", "ok")]
    assert len({e["principal"] for e in entries}) == 2
    assert "relapse" not in done.stdout and OWNER_KEY not in done.stdout
