"""GET /widget.js and GET /widget: the embeddable script and its demo page, served as package data."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import Settings


def _client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path), load_knowledge=False))


def test_widget_script_is_javascript_with_cache_headers(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert "max-age=" in response.headers["cache-control"]
    assert response.headers["etag"]
    assert "attachShadow" in response.text


def test_unchanged_widget_script_revalidates_as_304(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        etag = client.get("/widget.js").headers["etag"]
        again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_widget_script_loads_nothing_from_other_hosts(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        script = client.get("/widget.js").text
    assert "https://" not in script.replace("https://navigator.example.org", "")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script


def test_demo_page_embeds_the_script_and_escapes_the_key(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        plain = client.get("/widget")
        keyed = client.get("/widget", params={"api_key": 'pk_1"><script>alert(1)</script>'})
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/html")
    assert '<script src="widget.js" defer></script>' in plain.text
    assert "script-src 'self'" in plain.headers["content-security-policy"]
    assert 'data-api-key="pk_1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in keyed.text
    assert "<script>alert(1)" not in keyed.text
