"""Request ids, JSON logs without message text at INFO, and the Prometheus series."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.logs import JsonFormatter, logging_config
from tests.service.conftest import wait_ready

SECRET_PHRASE = "zebrafinch"
MESSAGE = f"Patient {SECRET_PHRASE}, MRN 84512377, 45-year-old with 60% marrow blasts. Is inotuzumab an option?"


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def rrall_logs() -> Iterator[Any]:
    """capture(level) -> the JSON lines the rrall loggers write at that level, formatted as in production."""
    logger = logging.getLogger("rrall")
    old_level = logger.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)

    def capture(level: int) -> Captured:
        logger.setLevel(level)
        return Captured(stream)

    yield capture
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.fixture
def ready_client(make_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(make_app()) as client:
        wait_ready(client)
        yield client


def test_a_sent_request_id_is_echoed(ready_client: TestClient) -> None:
    response = ready_client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert response.headers["x-request-id"] == "trace-abc.123"


@pytest.mark.parametrize("sent", [None, "has spaces in it", "x" * 200, "<script>"])
def test_a_missing_or_unsafe_request_id_is_replaced(ready_client: TestClient, sent: str | None) -> None:
    headers = {"X-Request-ID": sent} if sent else {}
    response = ready_client.get("/v1/no-such-route", headers=headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_request_log_is_one_json_object_with_the_request_fields(ready_client: TestClient, rrall_logs: Any) -> None:
    logs = rrall_logs(logging.INFO)
    response = ready_client.get("/v1/sessions/s_unknown", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 404
    line = next(e for e in logs.entries if e["logger"] == "rrall.http")
    assert line["request_id"] == "req-42"
    assert line["path"] == "/v1/sessions/{session_id}"  # the template, never the raw path
    assert {"time", "level", "message", "method", "status", "duration_ms", "client"} <= set(line)
    assert line["status"] == 404 and line["level"] == "INFO"


def test_probe_requests_are_logged_only_at_debug(ready_client: TestClient, rrall_logs: Any) -> None:
    logs = rrall_logs(logging.INFO)
    ready_client.get("/healthz")
    assert not [e for e in logs.entries if e["logger"] == "rrall.http"]
    logs = rrall_logs(logging.DEBUG)
    ready_client.get("/readyz")
    assert [e["level"] for e in logs.entries if e["logger"] == "rrall.http"] == ["DEBUG"]


def test_info_logs_never_contain_the_message_text(ready_client: TestClient, rrall_logs: Any) -> None:
    logs = rrall_logs(logging.INFO)
    assert ready_client.post("/v1/chat", json={"message": MESSAGE}).status_code == 200
    assert ready_client.get("/v1/search", params={"q": f"{SECRET_PHRASE} CRS"}).status_code == 200
    text = json.dumps(logs.entries)
    assert logs.entries and SECRET_PHRASE not in text and "84512377" not in text and "inotuzumab" not in text


def test_debug_logs_carry_the_message_only_redacted(ready_client: TestClient, rrall_logs: Any) -> None:
    logs = rrall_logs(logging.DEBUG)
    ready_client.post("/v1/chat", json={"message": MESSAGE})
    debug = [e for e in logs.entries if e["level"] == "DEBUG" and e["message"] == "chat message"]
    assert debug and "inotuzumab" in debug[0]["text"]
    assert "84512377" not in json.dumps(logs.entries)


@pytest.mark.parametrize("message", [
    "Jane Doe 30F refractory Ph-negative, CD19 positive, Kymriah?",
    "Quick one about Oluwaseun Adeyemi, 41M, CD22 80%: InO or blina?",
])
def test_a_bare_name_is_neither_stored_nor_logged_at_any_level(ready_client: TestClient, rrall_logs: Any,
                                                               message: str) -> None:
    logs = rrall_logs(logging.DEBUG)
    response = ready_client.post("/v1/chat", json={"message": message})
    assert response.status_code == 200
    stored = ready_client.get(f"/v1/sessions/{response.json()['session_id']}").json()
    user_turn = stored["transcript"][0]["text"]
    everything = json.dumps(stored) + json.dumps(logs.entries) + json.dumps(response.json())
    for name in ("Jane", "Doe", "Oluwaseun", "Adeyemi"):
        assert name not in everything
    assert "[NAME]" in user_turn and ("CD19" in user_turn or "CD22" in user_turn)
    assert any(e["message"] == "chat message" and "[NAME]" in e["text"] for e in logs.entries)


def test_an_unexpected_error_is_500_in_the_shape_and_logged_with_its_request_id(
    make_app: Any, rrall_logs: Any
) -> None:
    app: FastAPI = make_app(load_knowledge=False)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    logs = rrall_logs(logging.INFO)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-boom"})
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
    assert "kaboom" not in response.text
    error = next(e for e in logs.entries if e["level"] == "ERROR")
    assert error["request_id"] == "req-boom" and "exception" in error


def test_logging_config_is_json_and_leaves_out_uvicorn_access_lines() -> None:
    config = logging_config("debug")
    assert config["loggers"]["rrall"]["level"] == "DEBUG"
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    assert config["handlers"]["libraries"]["level"] == "WARNING"  # bm25s sets DEBUG on itself
    logging.config.dictConfig({**config, "loggers": {}, "root": {"handlers": [], "level": "WARNING"}})


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text) for s in family.samples
    }


def _value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_expose_requests_tools_retrieval_and_sessions(ready_client: TestClient) -> None:
    before = _samples(ready_client.get("/metrics").text)
    chat = ready_client.post("/v1/chat", json={"message": MESSAGE}).json()
    ready_client.post("/v1/chat", json={"message": "How common is CRS after blinatumomab?"})
    ready_client.post("/v1/assess", json={"age_years": 40})
    ready_client.post("/v1/tools/compare_agents", json={"profile": {"age_years": 40}})
    ready_client.get("/v1/search", params={"q": "CRS", "mode": "bm25"})
    response = ready_client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    after = _samples(response.text)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("rrall_http_requests_total", method="POST", route="/v1/chat", status="200") == 2
    assert grew("rrall_http_request_duration_seconds_count", method="POST", route="/v1/chat") == 2
    for call in chat["tool_calls"]:
        assert grew("rrall_tool_calls_total", tool=call["name"], via="chat") >= 1
    assert chat["tool_calls"], "the test message should run a tool"
    assert grew("rrall_tool_calls_total", tool="assess_patient", via="assess") == 1
    assert grew("rrall_tool_calls_total", tool="compare_agents", via="tools") == 1
    assert grew("rrall_retrieval_duration_seconds_count", mode="bm25") == 1
    assert grew("rrall_retrieval_duration_seconds_count", mode="hybrid") >= 1  # the chat turn's retrieval
    assert grew("rrall_chat_turns_total", intent=chat["intent"], answered_by="rules") >= 1
    assert grew("rrall_sessions_created_total") == 2
    assert _value(after, "rrall_sessions_active") == 2  # this test's own store


def test_metrics_count_refusals_by_reason(make_app: Any) -> None:
    with TestClient(make_app(load_knowledge=False, api_keys="k")) as client:
        before = _samples(client.get("/metrics", headers={"X-API-Key": "k"}).text)
        client.get("/v1/tools", headers={"X-API-Key": "wrong"})
        after = _samples(client.get("/metrics", headers={"X-API-Key": "k"}).text)
    assert _value(after, "rrall_requests_rejected_total", reason="invalid_api_key") - \
        _value(before, "rrall_requests_rejected_total", reason="invalid_api_key") == 1
    assert _value(after, "rrall_http_requests_total", method="GET", route="<refused>", status="401") >= 1
