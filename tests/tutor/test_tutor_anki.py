"""`assistant quiz export --anki`: a valid .apkg, read back with sqlite3 from the zip Anki opens."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from assistant.tutor.anki import DECK_ID, FIELDS, MODEL_ID
from assistant.tutor.generator import generate


def _read(apkg: Path, tmp: Path) -> tuple[list[list[str]], dict[str, object], dict[str, object], list[str]]:
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", tmp)
    db = sqlite3.connect(tmp / "collection.anki2")
    try:
        notes = [(flds.split("\x1f"), tags) for flds, tags in db.execute("SELECT flds, tags FROM notes ORDER BY id")]
        models, decks = (json.loads(v) for v in db.execute("SELECT models, decks FROM col").fetchone())
        cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        db.close()
    assert cards == len(notes)
    return [n for n, _ in notes], models, decks, [t for _, t in notes]


def test_the_exported_deck_reads_back_with_every_case_and_its_cited_explanation(tmp_path: Path) -> None:
    apkg = tmp_path / "cases.apkg"
    cli = Path(sys.executable).with_name("assistant")  # the installed console script, as a trainee runs it
    run = subprocess.run([str(cli), "quiz", "export", "--anki", str(apkg),
                          "--count", "12", "--seed", "40"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    notes, models, decks, tags = _read(apkg, tmp_path)
    assert len(notes) == 12
    assert [f["name"] for f in models[str(MODEL_ID)]["flds"]] == list(FIELDS)  # type: ignore[index]
    assert str(DECK_ID) in decks
    for i, fields in enumerate(notes):
        q = generate(40 + i, free_text=False)
        record = dict(zip(FIELDS, fields, strict=True))
        assert record["Seed"] == str(q.seed) and record["Topic"] == q.topic
        assert q.prompt.split("(")[0].strip()[:30] in record["Case"].replace("&#x27;", "'")
        assert "Teaching point" in record["Explanation"]
        assert "[1]" in record["Explanation"] and "[1]" in record["Sources"]
        assert "`" not in record["Explanation"] and "<script" not in record["Case"]
    assert all(f"rrall::{t}" in tags[i] for i, t in enumerate(generate(40 + i, free_text=False).topic
                                                                 for i in range(12)))


def test_the_same_options_write_the_same_notes(tmp_path: Path) -> None:
    from assistant.tutor import anki
    from knowledge.pack import default_pack

    questions = [generate(s, "toxicity", free_text=False) for s in range(3)]
    first = [n.guid for n in anki.deck(questions, default_pack()).notes]
    again = [n.guid for n in anki.deck(questions, default_pack()).notes]
    assert first == again and len(set(first)) == 3
