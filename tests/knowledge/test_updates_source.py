"""The updates source: every passage dated and sourced, and traceable to a row of label-updates.md."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from knowledge.pack import UPDATES_DIR, PackError, default_pack, load_updates
from knowledge.schema import UpdatePassage

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "label-updates.md"
URL = "https://www.fda.gov/drugs/resources-information-approved-drugs/some-approval"


def _update(**changes: Any) -> dict[str, Any]:
    passage: dict[str, Any] = {
        "id": "upd-test-01", "row": "U2", "date": "2024-03-06", "source_name": "FDA", "source_url": URL,
        "source_kind": "regulator", "agents": ["inotuzumab_ozogamicin"], "topics": ["approval"],
        "headline": "the label was extended to children",
        "text": "The label was extended to children aged one year or more in early 2024.",
    }
    return {k: v for k, v in (passage | changes).items() if v is not ...}


def spec_rows() -> dict[str, dict[str, str]]:
    """The table of label-updates.md, by row id."""
    rows: dict[str, dict[str, str]] = {}
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| # |"))
    names = [c.strip() for c in header.strip("|").split("|")]
    for line in lines:
        if re.match(r"^\| U\d+ \|", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = dict(zip(names, cells, strict=True))
    return rows


def test_the_spec_table_is_read() -> None:
    rows = spec_rows()
    assert {"U1", "U2", "U3", "U6"} <= set(rows)
    assert rows["U2"]["date"] == "2024-03-06"


def test_the_shipped_updates_load_with_a_date_and_source_each() -> None:
    updates = default_pack().updates
    assert len(updates) >= 6
    assert all(p.date and p.source_url.startswith("https://") for p in updates)
    assert updates.current_through == max(p.date for p in updates)


@pytest.mark.parametrize("passage", default_pack().updates.passages, ids=lambda p: p.id)
def test_every_updates_passage_traces_to_a_row_of_the_spec(passage: UpdatePassage) -> None:
    row = spec_rows().get(passage.row)
    assert row is not None, f"{passage.id}: row {passage.row} is not in label-updates.md"
    assert passage.date.isoformat() in row["date"], f"{passage.id}: date not the row's"
    assert passage.source_url.removeprefix("https://").removeprefix("www.") == row["source"]
    checked = row["checked"].lower()
    expected_kind = {"regulator": checked.startswith("fda"), "label": checked.startswith("label"),
                     "secondary": "secondary" in checked, "publication": False}
    assert expected_kind[passage.source_kind], f"{passage.id}: {passage.source_kind} vs {row['checked']!r}"
    for fact in passage.facts:
        assert fact.value in row["pivotal trial, headline figure"], f"{passage.id}: {fact.value} not in the row"
        assert fact.value in passage.text


@pytest.mark.parametrize("passage", default_pack().updates.passages, ids=lambda p: p.id)
def test_every_superseded_review_passage_exists(passage: UpdatePassage) -> None:
    pack = default_pack()
    for target in passage.supersedes:
        assert target.startswith("label:") or target in pack.by_id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": ...}, "date"),
        ({"date": None}, "date"),
        ({"date": "June 2024"}, "date"),
        ({"source_url": ...}, "source_url"),
        ({"source_url": ""}, "source_url"),
        ({"source_url": "fda.gov/approval"}, "source_url"),
        ({"source_kind": ...}, "source_kind"),
        ({"source_kind": "blog"}, "source_kind"),
        ({"source_name": ...}, "source_name"),
        ({"agents": []}, "agents"),
        ({"row": "row 2"}, "row"),
        ({"id": "ino-peds"}, "id"),
        ({"supersedes": ["Label 02"]}, "supersedes"),
    ],
)
def test_the_schema_rejects_an_undated_or_unsourced_passage(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        UpdatePassage.model_validate(_update(**changes))
    assert field in {str(e["loc"][0]) for e in err.value.errors() if e["loc"]}


def test_a_secondary_passage_must_say_reported() -> None:
    with pytest.raises(ValidationError, match="reported"):
        UpdatePassage.model_validate(_update(source_kind="secondary"))
    UpdatePassage.model_validate(_update(source_kind="secondary", text="It was reported that the label grew.",
                                         headline="the label was reported to grow"))


def test_a_valid_passage_parses_its_date() -> None:
    assert UpdatePassage.model_validate(_update()).date == dt.date(2024, 3, 6)


def _write(directory: Path, passages: list[dict[str, Any]]) -> None:
    (directory / "u.yaml").write_text(yaml.safe_dump({"passages": passages}), encoding="utf-8")


def test_the_loader_names_the_file_and_passage_of_an_undated_one(tmp_path: Path) -> None:
    _write(tmp_path, [_update(date=...)])
    with pytest.raises(PackError, match=r"u\.yaml: passage upd-test-01: date"):
        load_updates(tmp_path, review={})


def test_the_loader_refuses_a_superseded_passage_the_review_lacks(tmp_path: Path) -> None:
    _write(tmp_path, [_update(supersedes=["label-99"])])
    with pytest.raises(PackError, match="label-99"):
        load_updates(tmp_path, review={})


def test_the_loader_refuses_duplicate_ids(tmp_path: Path) -> None:
    _write(tmp_path, [_update(), _update()])
    with pytest.raises(PackError, match="duplicate"):
        load_updates(tmp_path, review={})


def test_the_updates_hash_changes_with_its_files(tmp_path: Path) -> None:
    _write(tmp_path, [_update()])
    first = load_updates(tmp_path, review={}).content_hash
    _write(tmp_path, [_update(date="2024-03-07")])
    assert load_updates(tmp_path, review={}).content_hash != first
    assert load_updates(UPDATES_DIR, review=default_pack().by_id).content_hash == default_pack().updates.content_hash


# -- the index: a second named source, its collection named after its own content hash ------------

def _with_updates(pack: Any, updates_dir: Path) -> Any:
    from dataclasses import replace

    return replace(pack, by_id={}, updates=load_updates(updates_dir, review={}))


def test_the_updates_source_gets_its_own_collection_named_by_its_hash(
    tmp_path: Path, small_pack: Any, hash_embedder: Any
) -> None:
    from knowledge.index import open_retriever
    from knowledge.store import collection_name

    updates_dir = tmp_path / "updates"
    updates_dir.mkdir()
    _write(updates_dir, [_update()])
    pack = _with_updates(small_pack, updates_dir)
    retriever = open_retriever(index_dir=tmp_path / "index", pack=pack, embedder=hash_embedder)
    assert retriever.sources == ["review", "updates"]
    assert collection_name("updates", pack.updates.content_hash, hash_embedder.name()) in retriever.collection_names
    hit = retriever.search("label extended to children", k=1, source="updates")[0]
    assert (hit.passage_id, hit.section) == ("upd-test-01", "Since the review")

    # Editing an update rebuilds its collection only; the review's collection is reused.
    _write(updates_dir, [_update(text="The label was extended to children aged one or more in March 2024.")])
    edited = _with_updates(small_pack, updates_dir)
    again = open_retriever(index_dir=tmp_path / "index", pack=edited, embedder=hash_embedder)
    assert again.collection_names[0] == retriever.collection_names[0]
    assert again.collection_names[1] != retriever.collection_names[1]
    assert len(again) == len(small_pack) + 1


def test_the_updates_name_cannot_be_taken_by_an_ingested_source(small_retriever: Any) -> None:
    with pytest.raises(ValueError, match="reserved"):
        small_retriever.add_source("updates", [])


@pytest.mark.parametrize("mode", ["bm25", "hybrid", "dense"])
def test_a_review_only_search_is_unchanged_by_the_updates_source(
    tmp_path: Path, small_pack: Any, hash_embedder: Any, mode: str
) -> None:
    from knowledge.index import open_retriever

    updates_dir = tmp_path / "updates"
    updates_dir.mkdir()
    _write(updates_dir, [_update(text="Cytokine release syndrome after CAR T cells in children was reported."),
                         _update(id="upd-test-02", text="Sinusoidal obstruction syndrome after inotuzumab in 2024.")])
    alone = open_retriever(index_dir=tmp_path / "a", pack=small_pack, embedder=hash_embedder)
    both = open_retriever(index_dir=tmp_path / "b", pack=_with_updates(small_pack, updates_dir), embedder=hash_embedder)
    for query in ("cytokine release syndrome CAR T", "sinusoidal obstruction inotuzumab", "central nervous system"):
        before = [(h.passage_id, h.score) for h in alone.search(query, k=6, mode=mode)]  # type: ignore[arg-type]
        after = [(h.passage_id, h.score)
                 for h in both.search(query, k=6, mode=mode, source="review")]  # type: ignore[arg-type]
        assert after == before
