"""One JSON error shape everywhere: {"error": {"code", "message", "fields"}}.

Validation problems become 422 with a list of {field, problem}; anything unexpected becomes a
500 with no stack trace (and is logged with the request id).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("rrall.api")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "not_ready",
}


class FieldProblem(BaseModel):
    field: str
    problem: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldProblem] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """Raised by routes for a known failure; rendered in the common shape."""

    def __init__(self, status: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _STATUS_CODES.get(status, "error")
        self.message = message


def error_response(
    status: int, message: str, *, code: str | None = None, fields: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(code=code or _STATUS_CODES.get(status, "error"), message=message, fields=fields)
    return JSONResponse(
        status_code=status,
        content={"error": body.model_dump(exclude_none=True)},
        headers=headers,
    )


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # Drop the "body"/"query" prefix FastAPI adds; keep the path the user wrote.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _problem(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        return "unknown field; check the spelling against the documented fields"
    if err.get("type") == "json_invalid":
        return "malformed JSON: " + str(err.get("ctx", {}).get("error", msg))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def validation_fields(errors: list[dict[str, Any]]) -> list[FieldProblem]:
    return [FieldProblem(field=_field_name(e.get("loc", ())), problem=_problem(e)) for e in errors]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            fields = validation_fields(errors)
            return error_response(400, "The request body is not valid JSON.", code="malformed_json", fields=None) \
                if not fields else error_response(
                    400, "The request body is not valid JSON: " + fields[0].problem, code="malformed_json"
                )
        fields = validation_fields(errors)
        summary = "; ".join(f"{f.field}: {f.problem}" for f in fields[:3])
        return error_response(422, f"Invalid input: {summary}", fields=fields)

    @app.exception_handler(ValidationError)
    async def _pydantic(_: Request, exc: ValidationError) -> JSONResponse:
        fields = validation_fields([dict(e) for e in exc.errors()])
        summary = "; ".join(f"{f.field}: {f.problem}" for f in fields[:3])
        return error_response(422, f"Invalid input: {summary}", fields=fields)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, code=exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"request_id": getattr(request.state, "request_id", None)})
        return error_response(500, "Internal error; it has been logged.", code="internal_error")
