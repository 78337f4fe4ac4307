"""The MCP server with the SDK's own client, over stdio (``assistant mcp``) and streamable HTTP (/mcp of
the live service, behind its API key): list the catalogue's tools, call assess_patient, read a passage."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from api.mcp_server import clinical_rules_text
from tests.integrations.conftest import KEY
from tools.assess import assess
from tools.catalog import CATALOG
from tools.profile import PatientProfile

REPO = Path(__file__).resolve().parents[2]
PROFILE = {"age_years": 34, "disease_status": "first_relapse", "cd22_positive_pct": 0, "marrow_blasts_pct": 80}

Connect = Callable[[], AbstractAsyncContextManager[Client]]


def _stdio(data_dir: Path) -> Client:
    command = shutil.which("assistant", path=str(Path(sys.executable).parent)) or "assistant"
    env = {**os.environ, "RRALL_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    return Client(StdioServerParameters(command=command, args=["mcp"], env=env, cwd=str(REPO)))


def _http(base: str, key: str = KEY) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60)
    return Client(streamable_http_client(f"{base}/mcp", http_client=http))


@pytest.fixture(params=["stdio", "http"])
def connect(request: pytest.FixtureRequest, indexed_data_dir: Path) -> Connect:
    if request.param == "stdio":
        return lambda: _stdio(indexed_data_dir)
    base = request.getfixturevalue("service")
    return lambda: _http(base)


def _run(check: Callable[[Client], Any], connect: Connect) -> Any:
    async def main() -> Any:
        async with connect() as client:
            return await check(client)

    return anyio.run(main)


def test_lists_the_catalogues_tools_with_its_schemas(connect: Connect) -> None:
    async def check(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = _run(check, connect)
    assert [t.name for t in tools] == list(CATALOG)
    for tool in tools:
        assert tool.description == CATALOG[tool.name].description
        assert tool.input_schema == CATALOG[tool.name].input_schema()
        assert tool.output_schema == CATALOG[tool.name].output_schema()


def test_assess_patient_returns_the_assessment(connect: Connect) -> None:
    async def check(client: Client) -> Any:
        return await client.call_tool("assess_patient", {"profile": PROFILE})

    result = _run(check, connect)
    assert not result.is_error
    assert result.structured_content == assess(PatientProfile(**PROFILE)).model_dump(mode="json")


def test_search_then_read_the_passage_it_found(connect: Connect) -> None:
    async def check(client: Client) -> Any:
        found = await client.call_tool("search_review", {"query": "risk factors for SOS after inotuzumab", "k": 3})
        passage_id = found.structured_content["results"][0]["passage_id"]
        return passage_id, await client.read_resource(f"rrall://passage/{passage_id}")

    passage_id, read = _run(check, connect)
    text = read.contents[0].text
    assert text.startswith(f"# {passage_id} (")
    assert "References:\n[" in text


def test_reference_resource_and_rules_prompt(connect: Connect) -> None:
    async def check(client: Client) -> Any:
        reference = await client.read_resource("rrall://reference/3")
        prompt = await client.get_prompt("clinical_rules")
        return reference.contents[0].text, prompt.messages[0].content.text

    reference, prompt = _run(check, connect)
    assert reference.startswith("[3] ")
    assert prompt == clinical_rules_text()
    assert "CD22_NEGATIVE" in prompt


def test_invalid_arguments_are_a_tool_error_naming_the_field(connect: Connect) -> None:
    async def check(client: Client) -> Any:
        return await client.call_tool("assess_patient", {"profile": {"marrow_blasts_pct": 150}})

    result = _run(check, connect)
    assert result.is_error
    assert "marrow_blasts_pct must be between 0 and 100, got 150" in result.content[0].text


def test_http_transport_needs_the_api_key(service: str) -> None:
    response = httpx.post(f"{service}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    wrong = httpx.post(f"{service}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                       headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401

