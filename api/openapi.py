"""What the middleware may answer, written into /openapi.json next to what each route documents.

Routes document their own errors; the refusals below come from api/middleware.py before a route
runs, so they are added here to every operation they can reach: 401/429 on the gated paths (403 on /v1),
400 and 413 on operations with a body. When API keys are configured, the two ways of sending one are
declared as security schemes.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from starlette.routing import compile_path

from api.tool_paths import one_operation_per_tool
from assistant.settings import Settings

# What api/middleware.py's access gate covers (keys, then rate limits): the API, metrics, MCP, CDS Hooks.
GATED_PREFIXES = ("/v1/", "/metrics", "/mcp", "/cds-services")

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "string"}}}
_GATE = {
    "401": {"description": "Missing or invalid API key, or not a local client while no keys are set",
            "content": _ERROR},
    "429": {"description": "Rate limit of this client address or key", "content": _ERROR, "headers": _RETRY_AFTER},
}
_WIDGET = {"403": {"description": "A widget key from an origin it is not allowed for", "content": _ERROR}}
_BODY = {
    "400": {"description": "The body is not valid JSON, or Content-Length is not a number", "content": _ERROR},
    "413": {"description": "The body is larger than RRALL_MAX_BODY_BYTES", "content": _ERROR},
}
_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer KEY"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def add_refusals(schema: dict[str, Any], *, keys_required: bool) -> dict[str, Any]:
    for path, operations in schema.get("paths", {}).items():
        gated = path.startswith(GATED_PREFIXES)
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            extra = {**_GATE, **(_WIDGET if path.startswith("/v1/") else {})} if gated else {}
            if "requestBody" in operation:
                extra.update(_BODY)
            for status, response in extra.items():
                responses.setdefault(status, response)
            if gated and keys_required:
                operation["security"] = [{"bearer": []}, {"apiKey": []}]
    if keys_required:
        schema.setdefault("components", {}).setdefault("securitySchemes", {}).update(_SCHEMES)
    return schema


def install_openapi(app: FastAPI, settings: Settings) -> None:
    keys_required = bool(settings.api_key_list)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_refusals(one_operation_per_tool(FastAPI.openapi(app)), keys_required=keys_required)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


class DocumentedMethods:
    """The methods /openapi.json documents for a request path, for the ``Allow`` header of a 405.

    Starlette's 405 names only the methods of the first route whose path matched; RFC 9110 asks for
    every method the resource supports (GET /v1/sessions/{id} and DELETE are two routes).
    """

    def __init__(self) -> None:
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    def allow(self, app: FastAPI, path: str) -> str | None:
        if self._patterns is None:
            self._patterns = [
                (compile_path(template)[0], _allow_value(operations))
                for template, operations in app.openapi().get("paths", {}).items()
            ]
        return next((methods for pattern, methods in self._patterns if pattern.match(path)), None)


def _allow_value(operations: dict[str, Any]) -> str:
    methods = [m.upper() for m in operations if m in {"get", "post", "put", "patch", "delete"}]
    if "GET" in methods:
        methods.append("HEAD")
    return ", ".join(methods)
