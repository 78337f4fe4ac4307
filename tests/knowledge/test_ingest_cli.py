"""`assistant ingest` parses an article and indexes it as its own named source, kept across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from knowledge.index import open_retriever


def test_ingesting_the_review_indexes_a_separate_searchable_source(
    seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RRALL_DATA_DIR", str(tmp_path))
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["ingest", str(seed_path), "--source", "curran-2020"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "source 'curran-2020'" in result.output and "67 references" in result.output

    reopened = open_retriever(index_dir=tmp_path / "index")
    hits = reopened.search("risk factors for VOD after inotuzumab", k=3, source="curran-2020")
    assert hits and all(h.source == "curran-2020" for h in hits)
    assert reopened.search("risk factors for VOD after inotuzumab", k=3)[0].source == "review"


def test_ingesting_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "nope.md")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
