"""/readyz over real HTTP tells the truth: 503 naming each part that is down (the session database,
the index, a Chroma server), 200 listing what it checked once everything answers."""

from __future__ import annotations

import time

import httpx
import pytest

from api.readiness import NotReady, readiness_for
from tests.live import free_port, live_server


def _ready_problems(base: str, *, until_index_loaded: bool = True, timeout: float = 60.0) -> httpx.Response:
    """/readyz, once the index has had its chance to load (so only the parts under test are down)."""
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{base}/readyz")
        fields = {f["field"] for f in response.json().get("error", {}).get("fields", [])}
        if not until_index_loaded or "index" not in fields or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def _down(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "not_ready"
    return {f["field"]: f["problem"] for f in error["fields"]}


def test_ready_lists_the_parts_it_checked(make_app) -> None:  # type: ignore[no-untyped-def]
    with live_server(make_app(), wait_ready=True) as base:
        response = httpx.get(f"{base}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": ["index", "database"]}


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "sqlite"])
def test_a_database_that_is_down_is_503_naming_the_database(make_app, scheme: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = (f"postgresql+psycopg://rrall:not-a-secret@127.0.0.1:{free_port()}/rrall" if scheme != "sqlite"
           else f"sqlite:///{tmp_path / 'no-such-dir' / 'sessions.sqlite3'}")
    with live_server(make_app(database_url=url)) as base:
        down = _down(_ready_problems(base))
        chat = httpx.post(f"{base}/v1/chat", json={"message": "what is CRS?"})
    assert list(down) == ["database"]
    assert "not-a-secret" not in down["database"]
    assert chat.status_code >= 500  # what /readyz warned of


def test_the_index_loading_is_503_naming_the_index(make_app) -> None:  # type: ignore[no-untyped-def]
    with live_server(make_app(load_knowledge=False)) as base:
        down = _down(httpx.get(f"{base}/readyz"))
    assert down == {"index": "the knowledge index is still loading"}


def test_a_chroma_server_that_is_down_is_named(make_app) -> None:  # type: ignore[no-untyped-def]
    with live_server(make_app(chroma_url=f"http://127.0.0.1:{free_port()}")) as base:
        down = _down(_ready_problems(base, until_index_loaded=False))
    assert "chroma" in down and "database" not in down


def test_a_registered_check_takes_part(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    state = {"up": False}

    def queue() -> None:
        if not state["up"]:
            raise NotReady("the delivery queue has no worker")

    readiness_for(app).add("queue", queue)
    with live_server(app) as base:
        down = _down(_ready_problems(base))
        state["up"] = True
        ready = httpx.get(f"{base}/readyz")
    assert down == {"queue": "the delivery queue has no worker"}
    assert ready.status_code == 200 and ready.json()["checks"] == ["index", "database", "queue"]


def test_a_check_that_hangs_counts_as_down(make_app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("api.readiness.CHECK_TIMEOUT_SECONDS", 0.2)
    app = make_app()
    readiness_for(app).add("queue", lambda: time.sleep(2))
    with live_server(app) as base:
        down = _down(_ready_problems(base))
    assert down == {"queue": "no answer within 0.2 s"}
