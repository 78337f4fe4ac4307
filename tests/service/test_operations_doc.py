"""The README's operations section cannot drift: the settings it names exist, and so do the series it lists."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import Settings

DOC = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_the_doc_names_exists() -> None:
    # Whole names only: "RRALL_SLACK_*" stands for a family, not a setting.
    named = set(re.findall(r"RRALL_[A-Z_]+[A-Z](?![A-Z_*])", DOC))
    assert named <= {"RRALL_" + name.upper() for name in Settings.model_fields}


def test_every_series_the_doc_lists_is_exposed(tmp_path: Path) -> None:
    listed = set(re.findall(r"^\| `(rrall_[a-z_]+)`", DOC, flags=re.MULTILINE))
    with TestClient(create_app(Settings(data_dir=tmp_path), load_knowledge=False)) as client:
        client.post("/v1/chat", json={"message": "hi"})  # 503 while no index: still counted
        client.post("/v1/assess", json={"age_years": 30})
        exposed = client.get("/metrics").text
    assert listed and all(name in exposed for name in listed)
