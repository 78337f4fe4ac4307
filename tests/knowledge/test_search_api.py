"""GET /v1/search over a real uvicorn server on a loopback port, with the real embedder and index."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from assistant.settings import Settings

pytestmark = pytest.mark.slow


@dataclass
class LiveServer:
    app: FastAPI
    client: httpx.Client


@pytest.fixture(scope="module")
def live(real_data_dir: Path) -> Iterator[LiveServer]:
    # The index is loaded by hand below, so the test sees /readyz before and after it.
    app = create_app(Settings(data_dir=real_data_dir), load_knowledge=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield LiveServer(app=app, client=client)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def ready(live: LiveServer) -> httpx.Client:
    live.app.state.rrall.load_knowledge()
    return live.client


def test_readyz_is_503_and_search_503_until_the_index_loads_then_200(live: LiveServer) -> None:
    assert live.client.get("/readyz").status_code == 503
    loading = live.client.get("/v1/search", params={"q": "CRS"})
    assert loading.status_code == 503
    assert loading.json()["error"]["code"] == "not_ready"
    live.app.state.rrall.load_knowledge()
    assert live.client.get("/readyz").status_code == 200


def test_vod_after_inotuzumab_returns_sos_risk_factor_passages_first(ready: httpx.Client) -> None:
    response = ready.get("/v1/search", params={"q": "risk factors for VOD after inotuzumab"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "risk factors for VOD after inotuzumab"
    assert "sinusoidal obstruction syndrome" in body["normalized_query"]
    assert len(body["results"]) == 5
    assert body["results"][0]["passage_id"].startswith("tox-sos-")
    first = body["results"][0]
    assert set(first) == {"passage_id", "section", "text", "agents", "topics", "refs", "score", "source", "date", "url"}
    assert first["date"] is None and first["url"] is None  # set only for the dated updates source
    assert first["section"] == "Toxicity" and first["source"] == "review"


def test_k_and_agent_and_section_filters_apply(ready: httpx.Client) -> None:
    params: dict[str, str | int] = {"q": "neurotoxicity", "k": 3, "agent": "blina", "section": "Toxicity"}
    results = ready.get("/v1/search", params=params).json()["results"]
    assert len(results) == 3
    assert all("blinatumomab" in r["agents"] and r["section"] == "Toxicity" for r in results)


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_single_retriever_modes_answer(ready: httpx.Client, mode: str) -> None:
    results = ready.get("/v1/search", params={"q": "kymriah manufacturing time", "mode": mode}).json()[
        "results"
    ]
    assert "logistics-cart-01" in [r["passage_id"] for r in results]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 501}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "CRS", "k": 0}, "k"),
        ({"q": "CRS", "k": 51}, "k"),
        ({"q": "CRS", "agent": "aspirin"}, "agent"),
        ({"q": "CRS", "section": "Dosing"}, "section"),
        ({"q": "CRS", "source": "nope"}, "source"),
        ({"q": "CRS", "mode": "fuzzy"}, "mode"),
    ],
)
def test_bad_parameters_get_422_naming_the_parameter(ready: httpx.Client, params: dict, field: str) -> None:  # type: ignore[type-arg]
    response = ready.get("/v1/search", params=params)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]
