"""What the hook's prefetch did not bring, read from the EHR's FHIR server (``fhirServer``) with the
bearer token the EHR gave (``fhirAuthorization``). Failures are reported per query, never raised: the
cards then say what could not be read."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from .hooks import HookRequest

TIMEOUT_SECONDS = 10.0
MAX_PAGES = 5  # a searchset's "next" links followed at most this often per query


def render(template: str, request: HookRequest) -> str:
    context = request.context
    values = {"patientId": context.patientId, "userId": context.userId, "encounterId": context.encounterId or ""}
    for name, value in values.items():
        template = template.replace("{{context.%s}}" % name, value)  # noqa: UP031 - braces in the template
    return template


async def gather(request: HookRequest, templates: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The FHIR JSON of every prefetch key (given, or fetched), and the keys that could not be had, with why."""
    found: list[dict[str, Any]] = []
    problems: dict[str, str] = {}
    prefetch = request.prefetch or {}
    to_fetch = []
    for key in templates:
        if key in prefetch:
            value = prefetch[key]
            if value is not None:  # null: the EHR has no data for this query
                found.append(value)
        else:
            to_fetch.append(key)
    if not to_fetch:
        return found, problems
    if request.fhirServer is None:
        return found, {key: "not in prefetch, and no fhirServer to read it from" for key in to_fetch}
    headers = {"Accept": "application/fhir+json"}
    if request.fhirAuthorization is not None:
        headers["Authorization"] = f"Bearer {request.fhirAuthorization.access_token}"
    base = str(request.fhirServer).rstrip("/")
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, headers=headers, follow_redirects=False) as client:
        for key in to_fetch:
            try:
                found += await _query(client, f"{base}/{render(templates[key], request)}")
            except (httpx.HTTPError, ValueError) as exc:
                problems[key] = f"could not be read from the FHIR server: {exc}"
    return found, problems


async def _query(client: httpx.AsyncClient, url: str) -> list[dict[str, Any]]:
    parts = urlsplit(url)
    target: str | None = parts._replace(query="").geturl()
    params: list[tuple[str, str | int | float | bool | None]] | None = list(
        parse_qsl(parts.query, keep_blank_values=True))
    results: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if target is None:
            break
        response = await client.get(target, params=params)
        if response.status_code == 404 and not params:
            return results  # a read of a resource the server does not have
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code} for {parts.path}")
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError("the response is not a FHIR resource")
        results.append(body)
        target = next((link.get("url") for link in body.get("link") or [] if link.get("relation") == "next"), None)
        params = None
    return results
