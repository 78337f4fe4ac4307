"""One catalogue, every surface: HTTP /v1/tools, the langchain tools, the LLM layer's patient-bound tools
and MCP list the same tools, with the catalogue's descriptions and schemas."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from mcp import Client

from api.mcp_server import build_mcp_server
from assistant.llm import _TurnTools
from knowledge.pack import default_pack
from tests.integrations.conftest import KEY
from tools.catalog import CATALOG
from tools.langchain_tools import CLINICAL_TOOLS, catalog_tools
from tools.profile import PatientProfile


class _NoSearch:
    """Listing tools never searches; a call would fail loudly."""

    def search(self, *_: Any, **__: Any) -> list[Any]:
        raise AssertionError("listing a tool must not run it")


def test_http_lists_every_tool_with_the_catalogue_schemas(service: str) -> None:
    listed = httpx.get(f"{service}/v1/tools", headers={"X-API-Key": KEY}).json()
    assert [t["name"] for t in listed] == list(CATALOG)
    for tool in listed:
        spec = CATALOG[tool["name"]]
        assert tool["description"] == spec.description
        assert tool["input_schema"] == spec.input_schema()
        assert tool["output_schema"] == spec.output_schema()


def test_mcp_lists_every_tool_with_the_catalogue_schemas() -> None:
    async def listed() -> list[Any]:
        async with Client(build_mcp_server(lambda: None)) as client:
            return list((await client.list_tools()).tools)

    tools = anyio.run(listed)
    assert [t.name for t in tools] == list(CATALOG)
    for tool in tools:
        spec = CATALOG[tool.name]
        assert (tool.description, tool.input_schema, tool.output_schema) == (
            spec.description, spec.input_schema(), spec.output_schema())


def test_langchain_tools_are_the_catalogue() -> None:
    tools = catalog_tools(searcher=_NoSearch())
    assert [t.name for t in tools] == list(CATALOG)
    for tool in tools:
        spec = CATALOG[tool.name]
        assert tool.description == spec.description
        assert tool.args_schema.model_json_schema() == spec.input_schema()  # type: ignore[union-attr]
    assert [t.name for t in CLINICAL_TOOLS] == [s.name for s in CATALOG.values() if s.takes_profile]


def test_llm_layer_tools_are_the_catalogue_bound_to_the_patient() -> None:
    turn = _TurnTools(pack=default_pack(), retriever=_NoSearch(), profile=PatientProfile())
    tools = turn.as_tools()
    assert [t.name for t in tools] == list(CATALOG)
    for tool in tools:
        spec = CATALOG[tool.name]
        assert tool.description.startswith(spec.description)
        schema = tool.args_schema.model_json_schema()  # type: ignore[union-attr]
        expected = spec.bound_args_model or spec.args_model
        assert schema == expected.model_json_schema()
        assert "profile" not in schema.get("properties", {})


@pytest.mark.parametrize("name", [s.name for s in CATALOG.values() if s.takes_profile])
def test_bound_tool_runs_on_the_sessions_patient(name: str) -> None:
    profile = PatientProfile(cd22_positive_pct=0, marrow_blasts_pct=80)
    arguments = {"agent": "InO"} if "agent" in CATALOG[name].args_model.model_fields else {}
    turn = _TurnTools(pack=default_pack(), retriever=_NoSearch(), profile=profile)
    tool = next(t for t in turn.as_tools() if t.name == name)
    assert tool.invoke(arguments) == CATALOG[name].call({**arguments, "profile": profile.model_dump()})
    assert turn.outputs, "the guard sees what the tool returned"
