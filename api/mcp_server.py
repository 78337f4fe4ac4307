"""The MCP server (official ``mcp`` SDK): the catalogue's tools, passages and references as resources,
and the clinical rules as a prompt. Served over stdio by ``assistant mcp`` and over streamable HTTP at
``/mcp`` inside the API (behind the same keys, limits and body cap as /v1: api/middleware.py).

Tools are the catalogue's own (tools/catalog.py): their input and output schemas are the catalogue's
models, so an MCP client sees exactly what GET /v1/tools lists."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ValidationError

from assistant import __version__
from assistant.llm import SYSTEM_PROMPT
from knowledge.pack import KnowledgePack, default_pack
from tools.catalog import CATALOG, SearchUnavailable, ToolContext, ToolSpec
from tools.passage_search import Searcher
from tools.profile import describe_problems
from tools.rules import RULES
from tools.rules import __doc__ as RULES_DOC

SearcherSource = Callable[[], Searcher | None]

INSTRUCTIONS = (
    "Decision support for relapsed/refractory B-ALL (blinatumomab, inotuzumab ozogamicin, tisagenlecleucel), "
    "from deterministic rules and the cited passages of Curran & O'Brien (Semin Hematol 2020). Cite passages "
    "by id; read one with rrall://passage/{id} and a reference with rrall://reference/{n}. Not a substitute "
    "for clinical judgement."
)


class _NoArguments(ArgModelBase):
    """Placeholder: catalogue tools validate with their own models (CatalogTool.run)."""


class CatalogTool(Tool):
    """A catalogue tool as an MCP tool: the catalogue's schemas, validated and run by the catalogue."""

    spec: ToolSpec
    searcher: Any = None  # a SearcherSource; Any because pydantic cannot model a callable protocol

    @classmethod
    def of(cls, spec: ToolSpec, searcher: SearcherSource) -> CatalogTool:
        return cls(
            fn=lambda: None, name=spec.name, description=spec.description, parameters=spec.input_schema(),
            fn_metadata=FuncMetadata(arg_model=_NoArguments, output_schema=spec.output_schema()),
            is_async=False, annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False),
            spec=spec, searcher=searcher,
        )

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        try:
            result = self.spec.call(arguments, context=ToolContext(searcher=self.searcher()))
        except ValidationError as exc:
            raise ToolError(f"Invalid arguments for {self.name}: {describe_problems(exc)}") from exc
        except SearchUnavailable as exc:
            raise ToolError(str(exc)) from exc
        return CallToolResult(content=[TextContent(type="text", text=json.dumps(result))], structured_content=result)


def passage_markdown(pack: KnowledgePack, passage_id: str) -> str | None:
    passage = pack.get(passage_id)
    if passage is None:
        return None
    lines = [f"# {passage.id} ({passage.section})", "", passage.text]
    if passage.refs:
        lines += ["", "References:"]
        lines += [f"[{n}] {pack.references[n].citation}" for n in passage.refs if n in pack.references]
    return "\n".join(lines)


def clinical_rules_text() -> str:
    """The rules an answer must respect: how to answer, each rule's code, agents and the facts it reads,
    and the judgement calls made where the review gives no cut-off."""
    rules = "\n".join(f"- {r.code}: for {', '.join(r.agents)}; reads {', '.join(r.reads)}" for r in RULES)
    return "\n\n".join([SYSTEM_PROMPT, "The deterministic rules (call the tools; never restate them from memory):",
                        rules, (RULES_DOC or "").strip()])


def build_mcp_server(searcher: SearcherSource, *, pack: KnowledgePack | None = None) -> MCPServer:
    """The server; ``searcher()`` returns the loaded index (or None while it loads)."""
    pack = pack or default_pack()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    server: MCPServer = MCPServer(
        name="rrall-navigator", title="RR-ALL Navigator", version=__version__, instructions=INSTRUCTIONS,
        tools=[CatalogTool.of(spec, searcher) for spec in CATALOG.values()],
    )
    # The SDK's constructor calls logging.basicConfig; logging belongs to the host (api/logs.py), so undo it.
    for handler in root.handlers[len(handlers):]:
        root.removeHandler(handler)
    root.setLevel(level)

    @server.resource("rrall://passage/{passage_id}", name="passage", mime_type="text/markdown",
                     description="One passage of the review by id, with its section and full references")
    def passage(passage_id: str) -> str:
        text = passage_markdown(pack, passage_id)
        if text is None:
            raise ResourceError(f"No passage {passage_id!r}; passage ids come from search_review or the tools.")
        return text

    @server.resource("rrall://reference/{number}", name="reference", mime_type="text/plain",
                     description="One of the review's numbered references, in full")
    def reference(number: str) -> str:
        ref = pack.references.get(int(number)) if number.isdigit() else None
        if ref is None:
            raise ResourceError(f"No reference {number!r}; the review has references 1-{len(pack.references)}.")
        return f"[{ref.number}] {ref.citation}"

    @server.prompt(name="clinical_rules", title="RR-ALL Navigator clinical rules",
                   description="How to answer with these tools, the rules they apply and their judgement calls")
    def clinical_rules() -> str:
        return clinical_rules_text()

    return server
