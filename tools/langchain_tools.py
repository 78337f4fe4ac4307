"""The clinical tools as langchain-core StructuredTools, for the chat layer and any langchain agent.

Each tool validates its arguments with the same pydantic models as the HTTP API and returns the
result's JSON (a dict). Invalid arguments come back as a plain-words message the model can act on,
rather than an exception."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import ValidationError

from tools.catalog import CATALOG, ToolSpec
from tools.profile import describe_problems


def _explain(error: ValidationError) -> str:
    return (
        f"Invalid tool input: {describe_problems(error)}. Correct these fields, or leave unknown facts out."
    )


def _as_structured_tool(spec: ToolSpec) -> StructuredTool:
    def call(**arguments: Any) -> dict[str, Any]:
        result = spec.run(spec.args_model(**arguments))
        return result.model_dump(mode="json")

    return StructuredTool.from_function(
        func=call,
        name=spec.name,
        description=spec.description,
        args_schema=spec.args_model,
        handle_validation_error=_explain,
    )


CLINICAL_TOOLS: list[StructuredTool] = [_as_structured_tool(spec) for spec in CATALOG.values()]
