"""The catalogue's tools as langchain-core StructuredTools, for the LLM layer and any langchain agent.

Each tool validates its arguments with the catalogue's pydantic models (the same as the HTTP API and
MCP) and returns the result's JSON (a dict). Invalid arguments come back as a plain-words message the
model can act on, rather than an exception.

    from tools.langchain_tools import CLINICAL_TOOLS, catalog_tools
    CLINICAL_TOOLS            # the clinical tools; each takes {"profile": {...}} (plus "agent")
    catalog_tools(searcher=retriever)   # the same plus search_review over a loaded index
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import ValidationError

from tools.catalog import CATALOG, ToolContext, ToolSpec
from tools.passage_search import Searcher
from tools.profile import PatientProfile, describe_problems

ResultHook = Callable[[str, dict[str, Any]], None]


def _explain(error: ValidationError) -> str:
    return (
        f"Invalid tool input: {describe_problems(error)}. Correct these fields, or leave unknown facts out."
    )


def as_structured_tool(
    spec: ToolSpec,
    *,
    context: ToolContext | None = None,
    profile: PatientProfile | None = None,
    on_result: ResultHook | None = None,
) -> StructuredTool:
    """``spec`` as a langchain tool. With ``profile`` it is the patient-bound form: the model gives only
    the other arguments and the tool runs on that patient. ``on_result(name, result)`` sees each result."""
    bound = profile is not None and spec.bound_args_model is not None

    def call(**arguments: Any) -> dict[str, Any]:
        if bound:
            assert profile is not None
            result = spec.call_bound(arguments, profile=profile, context=context)
        else:
            result = spec.call(arguments, context=context)
        if on_result is not None:
            on_result(spec.name, result)
        return result

    return StructuredTool.from_function(
        func=call,
        name=spec.name,
        description=spec.description + (" Runs on the current patient." if bound else ""),
        args_schema=spec.bound_args_model if bound else spec.args_model,
        handle_validation_error=_explain,
    )


def catalog_tools(
    *, searcher: Searcher | None = None, profile: PatientProfile | None = None, on_result: ResultHook | None = None
) -> list[StructuredTool]:
    """Every catalogue tool; the search only when a ``searcher`` is given (it has nothing to search
    otherwise). With ``profile``, the patient-bound forms."""
    context = ToolContext(searcher=searcher)
    return [
        as_structured_tool(spec, context=context, profile=profile, on_result=on_result)
        for spec in CATALOG.values()
        if spec.takes_profile or searcher is not None
    ]


CLINICAL_TOOLS: list[StructuredTool] = catalog_tools()
