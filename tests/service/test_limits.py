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
from api.ratelimit import TokenBuckets, retry_after
from tests.live import live_server
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
    # 600/min refills a token every 0.1 s: a tight loop of requests outruns it, a short pause does not.
    app = make_app(rate_limit_per_minute=600, rate_limit_burst=5)
    with live_server(app, wait_ready=True) as base:
        yield base, app


def test_a_burst_gets_429_with_retry_after_and_loses_no_accepted_turn(limited: tuple[str, FastAPI]) -> None:
    base, app = limited
    with httpx.Client(base_url=base) as client:
        first = client.post("/v1/chat", json={"message": "34-year-old in first relapse, CD22 90%"})
        session_id = first.json()["session_id"]
        statuses = []
        for n in range(15):
            response = client.post("/v1/chat", json={"message": f"question {n}: and CRS?", "session_id": session_id})
            statuses.append(response.status_code)
            if response.status_code == 429:
                error = _assert_shape(response, 429)
                assert error["code"] == "rate_limited"
                assert int(response.headers["retry-after"]) >= 1
        assert 429 in statuses and set(statuses) <= {200, 429}
        assert _turns(app, session_id) == 2 * (1 + statuses.count(200))
        time.sleep(0.35)
        assert client.post("/v1/chat", json={"message": "again", "session_id": session_id}).status_code == 200


def test_probes_are_not_rate_limited(limited: tuple[str, FastAPI]) -> None:
    base, _ = limited
    assert all(httpx.get(f"{base}/healthz").status_code == 200 for _ in range(12))


def test_each_key_has_its_own_budget(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(load_knowledge=False, api_keys=f"{KEY},other-key", key_rate_limit_per_minute=6,
                   key_rate_limit_burst=3)
    with live_server(app) as base:
        first = [httpx.get(f"{base}/v1/tools", headers={"X-API-Key": KEY}).status_code for _ in range(5)]
        other = httpx.get(f"{base}/v1/tools", headers={"X-API-Key": "other-key"})
    assert first[:3] == [200, 200, 200] and first[3:] == [429, 429]
    assert other.status_code == 200


def test_token_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(per_minute=60, burst=2, clock=lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # another client is untouched
    now[0] = 1.0
    assert buckets.take("a") == 0.0


def test_token_bucket_zero_rate_means_no_limit() -> None:
    buckets = TokenBuckets(per_minute=0, burst=1)
    assert all(buckets.take("a") == 0.0 for _ in range(100))


def test_token_bucket_tracks_a_bounded_number_of_clients() -> None:
    buckets = TokenBuckets(per_minute=60, burst=1, max_tracked=10)
    for n in range(100):
        buckets.take(f"client-{n}")
    assert len(buckets._buckets) == 10


@pytest.mark.parametrize(("wait", "header"), [(0.01, "1"), (1.0, "1"), (1.2, "2"), (59.5, "60")])
def test_retry_after_is_whole_seconds_rounded_up(wait: float, header: str) -> None:
    assert retry_after(wait) == header
