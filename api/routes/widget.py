"""The web chat widget: GET /widget.js (the embeddable script) and GET /widget (a demo page embedding it).

Both are package data under api/static. The script is cached briefly and revalidated by ETag, so a
new release reaches the pages that embed it within minutes without every page view downloading it.
"""

from __future__ import annotations

import hashlib
import html
from functools import lru_cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["widget"])

SCRIPT_CACHE = "public, max-age=300, stale-while-revalidate=86400"
# The demo page runs no inline script; its own styles are inline. The widget needs only 'self'.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'none'"
)


@lru_cache(maxsize=4)
def _static(name: str) -> str:
    return (resources.files("api") / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    body = _static("widget.js").encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.get(
    "/widget.js",
    response_class=Response,
    summary="The embeddable chat widget",
    responses={200: {"content": {"application/javascript": {}}}, 304: {"description": "Not modified"}},
)
def widget_script(if_none_match: Annotated[str | None, Header()] = None) -> Response:
    body, etag = _script()
    headers = {"ETag": etag, "Cache-Control": SCRIPT_CACHE, "X-Content-Type-Options": "nosniff"}
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/javascript; charset=utf-8", headers=headers)


@router.get("/widget", response_class=HTMLResponse, summary="A demo page with the chat widget")
def widget_demo(
    api_key: Annotated[str | None, Query(max_length=200, description="Public widget key to embed")] = None,
    session: Annotated[
        str | None,
        Query(max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Open this session (CDS Hooks card links)"),
    ] = None,
) -> HTMLResponse:
    attribute = f' data-api-key="{html.escape(api_key, quote=True)}"' if api_key else ""
    if session:
        attribute += f' data-session-id="{session}"'
    page = _static("demo.html").replace("__API_KEY_ATTR__", attribute)
    return HTMLResponse(page, headers={"Content-Security-Policy": DEMO_CSP, "Cache-Control": "no-cache",
                                       "X-Content-Type-Options": "nosniff"})
