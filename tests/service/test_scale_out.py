"""Scale-out on real engines: the session store on SQLite and PostgreSQL (one contract), several
`assistant serve` workers sharing one store, and the index in a Chroma server."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import chromadb
import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text, update

from assistant.sessions import SessionRow, SessionStore
from knowledge.index import open_retriever
from tests.live import live_server
from tests.service.conftest import wait_ready
from tests.service.servers import assistant_serve, chroma_server

pytestmark = pytest.mark.slow

_DATABASES = iter(range(10_000))
# A generous timeout: the machine may be busy, and these tests are about correctness, not speed. No
# keep-alive: each request is a new connection, which either worker may accept.
_client = httpx.Client(timeout=60, limits=httpx.Limits(max_keepalive_connections=0))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    server: str = request.getfixturevalue("postgres")
    name = f"rrall_{next(_DATABASES)}"  # a fresh database per test
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


def _store(url: str) -> SessionStore:
    return SessionStore(url, ttl=timedelta(hours=1), retention=timedelta(days=30))


def test_store_round_trip(store_url: str) -> None:
    store = _store(store_url)
    session_id = store.create().id
    store.save_turn(session_id, user_text="q1", answer_text="a1", patient={"age_years": 40}, state={"x": 1},
                    answer_meta={"intent": "assess"})
    store.save_turn(session_id, user_text="q2", answer_text="a2", patient={"age_years": 41}, state={})
    record = store.get(session_id)
    assert record is not None
    assert [t.text for t in record.transcript] == ["q1", "a1", "q2", "a2"]
    assert record.patient == {"age_years": 41} and record.transcript[1].meta == {"intent": "assess"}
    assert record.created_at.tzinfo is not None
    assert store.delete(session_id) and store.get(session_id) is None and not store.delete(session_id)


def test_store_counts_active_sessions_and_purges_expired_ones(store_url: str) -> None:
    store = _store(store_url)
    live, stale = store.create().id, store.create().id
    with store.engine.begin() as db:
        db.execute(update(SessionRow).where(SessionRow.id == stale)
                   .values(last_active=datetime.now(UTC) - timedelta(hours=2)))
    assert (store.count(), store.active_count()) == (2, 1)
    assert store.purge() == 1
    assert store.get(live) is not None and store.count() == 1


def test_store_takes_text_and_ids_postgres_cannot_hold(store_url: str) -> None:
    store = _store(store_url)
    session_id = store.create().id
    store.save_turn(session_id, user_text="nul \x00 byte", answer_text="ok", patient={"note": "\x00"}, state={})
    record = store.get(session_id)
    assert record is not None and record.transcript[0].text == "nul \ufffd byte"
    assert record.patient == {"note": "\x00"}  # JSON escapes it
    assert store.get("s_\x00") is None and not store.delete("s_\x00")


def test_concurrent_turns_from_several_workers_keep_every_entry(store_url: str) -> None:
    workers = [_store(store_url) for _ in range(4)]  # one engine each, as separate processes have
    session_id = workers[0].create().id

    def turns(store: SessionStore) -> None:
        for n in range(5):
            store.save_turn(session_id, user_text=f"q{n}", answer_text=f"a{n}", patient={}, state={})

    threads = [threading.Thread(target=turns, args=(store,)) for store in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = workers[0].get(session_id)
    assert record is not None and len(record.transcript) == 40
    roles = [t.role for t in record.transcript]
    assert roles == ["user", "assistant"] * 20  # each turn's pair stays together


def test_a_chat_turn_through_the_app_on_postgres(make_app: Any, postgres: str) -> None:
    with TestClient(make_app(database_url=postgres)) as client:
        wait_ready(client)
        first = client.post("/v1/chat", json={"message": "52-year-old, 30% blasts, CD22 95%; is InO an option?"})
        assert first.status_code == 200
        session_id = first.json()["session_id"]
        assert client.post("/v1/chat", json={"message": "and CAR T?", "session_id": session_id}).status_code == 200
        session = client.get(f"/v1/sessions/{session_id}").json()
    assert len(session["transcript"]) == 4 and session["patient"]["age_years"] == 52


# -- several workers --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_workers(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("workers")
    shutil.copytree(indexed_data_dir / "index", data_dir / "index")  # built already: workers only load it
    with assistant_serve(data_dir, workers=2) as (base, log):
        yield base, log


def _pids_by_request(log: Path) -> dict[str, int]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return {e["request_id"]: e["pid"] for e in lines if e.get("logger") == "rrall.http" and "request_id" in e}


def test_two_workers_serve_turns_of_the_same_sessions(two_workers: tuple[str, Path]) -> None:
    base, log = two_workers

    def conversation(n: int) -> str:
        first = _client.post(f"{base}/v1/chat", json={"message": f"{30 + n}-year-old with 70% marrow blasts"},
                             headers={"X-Request-ID": f"c{n}-t0"})
        assert first.status_code == 200, first.text
        session_id: str = first.json()["session_id"]
        for turn in range(1, 4):
            response = _client.post(f"{base}/v1/chat", json={"message": "is blinatumomab suitable?",
                                                           "session_id": session_id},
                                  headers={"X-Request-ID": f"c{n}-t{turn}"})
            assert response.status_code == 200
            assert response.json()["patient"]["age_years"] == 30 + n  # whichever worker stored it
        return session_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        sessions = list(pool.map(conversation, range(6)))
    for n, session_id in enumerate(sessions):
        session = _client.get(f"{base}/v1/sessions/{session_id}").json()
        assert len(session["transcript"]) == 8 and session["patient"]["age_years"] == 30 + n
    pids = _pids_by_request(log)
    served = {pids[f"c{n}-t{t}"] for n in range(6) for t in range(4)}
    assert len(served) == 2, "both workers should have served chat turns"
    assert any(len({pids[f"c{n}-t{t}"] for t in range(4)}) == 2 for n in range(6)), \
        "some session should have been continued by the other worker"


def test_two_workers_append_simultaneous_turns_of_one_session(two_workers: tuple[str, Path]) -> None:
    base, _ = two_workers
    first = _client.post(f"{base}/v1/chat", json={"message": "hello"})
    assert first.status_code == 200, first.text
    session_id = first.json()["session_id"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(
            lambda n: _client.post(f"{base}/v1/chat", json={"message": f"CRS risk {n}?", "session_id": session_id})
            .status_code, range(8)))
    assert statuses == [200] * 8
    assert len(_client.get(f"{base}/v1/sessions/{session_id}").json()["transcript"]) == 18


def test_metrics_add_up_both_workers(two_workers: tuple[str, Path]) -> None:
    base, log = two_workers
    for _ in range(10):
        _client.get(f"{base}/healthz")
    served = {pid for pid in _pids_by_request(log).values()}
    families = {f.name: f for f in text_string_to_metric_families(_client.get(f"{base}/metrics").text)}
    requests = families["rrall_http_requests"].samples
    healthz = sum(s.value for s in requests if s.labels["route"] == "/healthz" and s.name.endswith("_total"))
    assert healthz >= 10 + 1 and len(served) == 2  # 10 here, at least one while starting


# -- the index in a Chroma server ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def test_a_chroma_server_index_ranks_like_the_embedded_one(chroma: str, indexed_data_dir: Path,
                                                           tmp_path: Path) -> None:
    server = open_retriever(index_dir=tmp_path / "index", chroma_url=chroma)
    embedded = open_retriever(index_dir=indexed_data_dir / "index")
    for query in ("CRS after blinatumomab", "VOD risk factors inotuzumab", "CAR T manufacturing time"):
        assert [h.passage_id for h in server.search(query, k=5)] == [h.passage_id for h in embedded.search(query, k=5)]
    assert not (tmp_path / "index" / "chroma").exists()  # nothing embedded was written


def test_search_and_chat_through_an_app_on_the_chroma_server(chroma: str, make_app: Any) -> None:
    with live_server(make_app(chroma_url=chroma), wait_ready=True) as base:
        search = _client.get(f"{base}/v1/search", params={"q": "sinusoidal obstruction syndrome", "k": 3})
        chat = _client.post(f"{base}/v1/chat", json={"message": "What are the risk factors for SOS after InO?"})
    assert search.status_code == 200 and len(search.json()["results"]) == 3
    assert chat.status_code == 200 and chat.json()["citations"]
    names = [c.name for c in chromadb.HttpClient(host="127.0.0.1", port=int(chroma.rsplit(":", 1)[1]))
             .list_collections()]
    assert any(name.startswith("rrall-review-") for name in names)
