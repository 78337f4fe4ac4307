"""A small FHIR server for tests: answers reads and searches from the synthetic records, on loopback.

GET /fhir/Patient/{id}, and GET /fhir/{type}?patient={id}[&code=system|code,...] as searchset Bundles.
Every request needs ``Authorization: Bearer TOKEN``; the server records the queries it answered."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse

from tests.integrations.fhir_bundles import Record, searchset

TOKEN = "fhir-access-token-for-tests"


def fhir_app(records: dict[str, Record]) -> FastAPI:
    app = FastAPI()
    app.state.queries = []
    by_patient = {r.patient_id: r for r in records.values()}

    def _authorized(authorization: str | None) -> bool:
        return authorization == f"Bearer {TOKEN}"

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/fhir/Patient/{patient_id}")
    def read_patient(patient_id: str, request: Request,
                     authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
        app.state.queries.append(str(request.url.path))
        if not _authorized(authorization):
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
        record = by_patient.get(patient_id)
        patients = record.of_type("Patient") if record else []
        if not patients:
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=404)
        return JSONResponse(patients[0])

    @app.get("/fhir/{kind}")
    def search(kind: str, request: Request, patient: str, code: str | None = None,
               authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
        app.state.queries.append(f"{request.url.path}?{request.url.query}")
        if not _authorized(authorization):
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
        record = by_patient.get(patient)
        found = record.of_type(kind) if record else []
        if code:
            wanted = {tuple(token.split("|", 1)) for token in code.split(",")}
            found = [r for r in found if _codes(r) & wanted]
        return JSONResponse(searchset(found))

    return app


def _codes(resource: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c.get("system", ""), c.get("code", "")) for c in (resource.get("code") or {}).get("coding", [])}
