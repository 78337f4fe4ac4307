"""Limits over real HTTP: the body cap (413) on the bytes that arrive, rate limits (429 + Retry-After)
that lose nothing already accepted, and every refusal in the common error shape."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.ratelimit import SqlStorage, rate_limits, retry_after
from assistant.settings import Settings
from tests.live import free_port, live_server
from tests.service.conftest import KEY, service_settings

CAP = 4096


@pytest.fixture(scope="module")
def capped(indexed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    app = create_app(service_settings(indexed_data_dir, tmp_path_factory.mktemp("capped"), max_body_bytes=CAP))
    with live_server(app, wait_ready=True) as base:
        yield base, app


def _session(base: str) -> str:
    response = httpx.post(f"{base}/v1/chat", json={"message": "45-year-old with 60% marrow blasts"})
    assert response.status_code == 200
    return str(response.json()["session_id"])


def _turns(app: FastAPI, session_id: str) -> int:
    record = app.state.rrall.store.get(session_id)
    return len(record.transcript)


def _assert_shape(response: httpx.Response, status: int) -> dict[str, str]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, str] = response.json()["error"]
    assert error["code"] and error["message"]
    return error


def test_declared_oversize_body_gets_413_and_stores_nothing(capped: tuple[str, FastAPI]) -> None:
    base, app = capped
    session_id = _session(base)
    body = json.dumps({"message": "x" * 3000, "session_id": session_id, "pad": "y" * CAP})
    response = httpx.post(f"{base}/v1/chat", content=body, headers={"content-type": "application/json"})
    assert _assert_shape(response, 413)["code"] == "payload_too_large"
    assert _turns(app, session_id) == 2


def test_streamed_oversize_body_without_length_gets_413_and_stores_nothing(capped: tuple[str, FastAPI]) -> None:
    base, app = capped
    session_id = _session(base)

    def chunks() -> Iterator[bytes]:  # chunked transfer encoding: no Content-Length to trust
        yield json.dumps({"session_id": session_id, "message": "what about CRS?"})[:-1].encode()
        for _ in range(8):
            yield b', "pad": "' + b"z" * 1000 + b'"'
        yield b"}"

    response = httpx.post(f"{base}/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    _assert_shape(response, 413)
    assert _turns(app, session_id) == 2


def test_streamed_body_under_the_cap_is_served(capped: tuple[str, FastAPI]) -> None:
    base, app = capped
    session_id = _session(base)

    def chunks() -> Iterator[bytes]:
        text = json.dumps({"session_id": session_id, "message": "and the risk of CRS?"}).encode()
        yield text[:10]
        yield text[10:]

    response = httpx.post(f"{base}/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert _turns(app, session_id) == 4


@pytest.mark.parametrize(("content", "status"), [(b'{"message": "hi"', 400), (b'{"message": 5}', 422), (b"[]", 422)])
def test_malformed_or_mistyped_json_gets_4xx_in_the_shape(capped: tuple[str, FastAPI], content: bytes,
                                                          status: int) -> None:
    base, _ = capped
    response = httpx.post(f"{base}/v1/chat", content=content, headers={"content-type": "application/json"})
    _assert_shape(response, status)


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v1/no-such-thing", 404), ("PUT", "/v1/chat", 405), ("GET", "/nowhere", 404),
])
def test_unknown_paths_and_methods_use_the_shape(capped: tuple[str, FastAPI], method: str, path: str,
                                                 status: int) -> None:
    base, _ = capped
    _assert_shape(httpx.request(method, base + path), status)


@pytest.fixture
def limited(make_app) -> Iterator[tuple[str, FastAPI]]:  # type: ignore[no-untyped-def]
    # 5 a second: a tight loop of requests outruns it, waiting out Retry-After does not.
    app = make_app(rate_limit_per_minute=600, rate_limit_burst=5)
    with live_server(app, wait_ready=True) as base:
        yield base, app


def test_a_burst_gets_429_with_retry_after_and_loses_no_accepted_turn(limited: tuple[str, FastAPI]) -> None:
    base, app = limited
    with httpx.Client(base_url=base) as client:
        first = client.post("/v1/chat", json={"message": "34-year-old in first relapse, CD22 90%"})
        session_id = first.json()["session_id"]
        statuses, wait = [], 0
        for n in range(15):
            response = client.post("/v1/chat", json={"message": f"question {n}: and CRS?", "session_id": session_id})
            statuses.append(response.status_code)
            if response.status_code == 429:
                error = _assert_shape(response, 429)
                assert error["code"] == "rate_limited"
                wait = int(response.headers["retry-after"])
                assert wait >= 1
        assert 429 in statuses and set(statuses) <= {200, 429}
        assert _turns(app, session_id) == 2 * (1 + statuses.count(200))
        time.sleep(wait)
        assert client.post("/v1/chat", json={"message": "again", "session_id": session_id}).status_code == 200


def test_probes_are_not_rate_limited(limited: tuple[str, FastAPI]) -> None:
    base, _ = limited
    assert all(httpx.get(f"{base}/healthz").status_code == 200 for _ in range(12))


def _statuses(base: str, key: str, count: int) -> list[int]:
    return [httpx.get(f"{base}/v1/tools", headers={"X-API-Key": key}).status_code for _ in range(count)]


def _clear_of_a_minute_edge(margin: float = 8.0) -> None:
    """Wait past the next clock minute when it is close. The sliding-window counter weights the last
    window by the time left in it, so a burst that straddles a minute edge may see one request more."""
    into = time.time() % 60
    if into > 60 - margin:
        time.sleep(60 - into + 0.5)


def test_each_key_has_its_own_budget(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(load_knowledge=False, api_keys=f"{KEY},other-key", key_rate_limit_per_minute=3)
    with live_server(app) as base:
        _clear_of_a_minute_edge()
        first = _statuses(base, KEY, 5)
        other = _statuses(base, "other-key", 1)
    assert first == [200, 200, 200, 429, 429]
    assert other == [200]


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def shared_storage(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where two workers' (or replicas') counts meet: a SQLite file, a real PostgreSQL or Redis server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared-limits.sqlite3'}"
    url: str = request.getfixturevalue(request.param)
    return url


def test_a_key_budget_is_shared_by_every_worker(make_app, shared_storage: str) -> None:  # type: ignore[no-untyped-def]
    # Two apps over one storage are two workers (or two replicas): a key's 4 a minute is 4 in all.
    settings = {"load_knowledge": False, "api_keys": KEY, "key_rate_limit_per_minute": 4,
                "rate_limit_storage": shared_storage}
    with live_server(make_app(**settings)) as one, live_server(make_app(**settings)) as two:
        served = _statuses(one, KEY, 3) + _statuses(two, KEY, 3)
    assert served == [200, 200, 200, 200, 429, 429]


def test_a_storage_per_process_counts_alone(make_app) -> None:  # type: ignore[no-untyped-def]
    settings = {"load_knowledge": False, "api_keys": KEY, "key_rate_limit_per_minute": 2,
                "rate_limit_storage": "memory://"}
    with live_server(make_app(**settings)) as one, live_server(make_app(**settings)) as two:
        assert _statuses(one, KEY, 3) + _statuses(two, KEY, 3) == [200, 200, 429, 200, 200, 429]


def test_the_default_storage_is_a_file_in_the_data_dir(tmp_path: Path) -> None:
    limits, _ = rate_limits(Settings(data_dir=tmp_path))
    assert limits.take("203.0.113.9") == 0.0
    assert (tmp_path / "ratelimits.sqlite3").is_file()


def test_requests_go_ahead_when_the_storage_is_down(make_app) -> None:  # type: ignore[no-untyped-def]
    down = f"postgresql+psycopg://rrall:pw@127.0.0.1:{free_port()}/rrall"
    app = make_app(load_knowledge=False, api_keys=KEY, key_rate_limit_per_minute=1, rate_limit_storage=down)
    with live_server(app) as base:
        assert _statuses(base, KEY, 3) == [200, 200, 200]


def test_the_sliding_window_refuses_past_the_limit_and_weighs_the_last_window(tmp_path: Path) -> None:
    storage = SqlStorage(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    assert [storage.acquire_sliding_window_entry("k", 3, 60) for _ in range(4)] == [True, True, True, False]
    previous, _, current, _ = storage.get_sliding_window("k", 60)
    assert previous + current == 3
    storage.clear_sliding_window("k", 60)
    assert storage.acquire_sliding_window_entry("k", 3, 60)


@pytest.mark.parametrize(("wait", "header"), [(0.01, "1"), (1.0, "1"), (1.2, "2"), (59.5, "60")])
def test_retry_after_is_whole_seconds_rounded_up(wait: float, header: str) -> None:
    assert retry_after(wait) == header
