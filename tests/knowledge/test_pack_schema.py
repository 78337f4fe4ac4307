"""knowledge.pack names the file and the passage of every problem it finds in a pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.pack import PackError, load_pack

SECTION = "Toxicity"


def _passage(pid: str, **changes: Any) -> dict[str, Any]:
    passage: dict[str, Any] = {
        "id": pid,
        "section": SECTION,
        "topics": ["toxicity"],
        "agents": ["blinatumomab"],
        "refs": [1],
        "text": "Cytokine release is common after the infusion starts. It settles with supportive care.",
    }
    return passage | changes


def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _reference(number: int) -> dict[str, Any]:
    return {
        "number": number, "authors": "Doe J", "title": "A title", "journal": "Blood", "year": 2019,
        "doi": None, "citation": f"Doe J. A title. Blood 2019. ({number})",
    }


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A valid two-file pack with a three-item bibliography."""
    _write(tmp_path / "bibliography.yaml", {"references": [_reference(n) for n in (1, 2, 3)]})
    _write(tmp_path / "01-first.yaml", {"section": SECTION, "passages": [_passage("tox-a-01")]})
    _write(tmp_path / "02-second.yaml", {"section": SECTION, "passages": [_passage("tox-b-01")]})
    return tmp_path


def _break(pack_dir: Path, **changes: Any) -> None:
    _write(pack_dir / "02-second.yaml", {"section": SECTION, "passages": [_passage("tox-b-01", **changes)]})


def test_valid_pack_loads(pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    assert [p.id for p in pack] == ["tox-a-01", "tox-b-01"]
    assert sorted(pack.references) == [1, 2, 3]


def test_duplicate_id_across_files_names_both_files_and_the_id(pack_dir: Path) -> None:
    _break(pack_dir, id="tox-a-01")
    with pytest.raises(PackError) as err:
        load_pack(pack_dir)
    message = str(err.value)
    assert message.startswith("02-second.yaml")
    assert "tox-a-01" in message and "01-first.yaml" in message and "duplicate" in message


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"agents": ["rituximab"]}, "agents"),
        ({"refs": [99]}, "outside 1-67"),
        ({"refs": [50]}, "not in bibliography.yaml"),
        ({"text": "One. Two here. Three here. Four here. Five here."}, "found 5"),
        ({"section": "Dosing"}, "unknown section"),
        ({"topics": ["gossip"]}, "unknown topic"),
        ({"id": "Tox B 01"}, "lower-case words"),
    ],
)
def test_bad_passage_names_file_and_passage(pack_dir: Path, changes: dict[str, Any], complaint: str) -> None:
    _break(pack_dir, **changes)
    with pytest.raises(PackError) as err:
        load_pack(pack_dir)
    message = str(err.value)
    assert message.startswith("02-second.yaml:")
    assert f"passage {changes.get('id', 'tox-b-01')}" in message
    assert complaint in message


def test_missing_bibliography_is_named(pack_dir: Path) -> None:
    (pack_dir / "bibliography.yaml").unlink()
    with pytest.raises(PackError, match=r"^bibliography\.yaml: missing"):
        load_pack(pack_dir)


def test_invalid_yaml_names_the_file(pack_dir: Path) -> None:
    (pack_dir / "02-second.yaml").write_text("passages: [unclosed", encoding="utf-8")
    with pytest.raises(PackError, match=r"^02-second\.yaml: not valid YAML"):
        load_pack(pack_dir)


def test_duplicate_reference_number_is_named(pack_dir: Path) -> None:
    _write(pack_dir / "bibliography.yaml", {"references": [_reference(1), _reference(1)]})
    with pytest.raises(PackError, match=r"^bibliography\.yaml: duplicate reference number\(s\) \[1\]"):
        load_pack(pack_dir)
