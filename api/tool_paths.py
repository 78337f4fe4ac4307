"""/openapi.json documents each catalogue tool as its own operation, POST /v1/tools/<name>, with that
tool's own request and response schemas.

One route serves them all (``POST /v1/tools/{name}``, api/routes/tools.py), but a single templated
operation can only document "some object": a client (or a fuzzer) reading it cannot know that
``agent`` belongs to check_eligibility and is refused by assess_patient. Listed per tool, every body
the schema allows is one the server accepts, and a body it refuses is one the schema refuses.
"""

from __future__ import annotations

import copy
from typing import Any

from tools.catalog import CATALOG

TEMPLATE = "/v1/tools/{name}"
_REF = "#/components/schemas/{model}"


def _lift(model_schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The model's schema with its definitions moved into the document's components."""
    for name, definition in model_schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    return model_schema


def one_operation_per_tool(schema: dict[str, Any]) -> dict[str, Any]:
    template = schema.get("paths", {}).pop(TEMPLATE, {}).get("post")
    if template is None:
        return schema
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for spec in CATALOG.values():
        operation = copy.deepcopy(template)
        operation["operationId"] = f"call_tool_{spec.name}"
        operation["summary"] = f"Run the {spec.name} tool"
        operation["description"] = spec.description
        operation["parameters"] = [p for p in operation.get("parameters", []) if p.get("name") != "name"]
        operation["responses"].pop("404", None)  # the tool exists: its path says so
        body = _lift(spec.args_model.model_json_schema(ref_template=_REF), components)
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        output = _lift(spec.output_model.model_json_schema(ref_template=_REF, mode="serialization"), components)
        operation["responses"]["200"]["content"] = {"application/json": {"schema": output}}
        schema["paths"][f"/v1/tools/{spec.name}"] = {"post": operation}
    return schema
