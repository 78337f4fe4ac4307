"""Golden assessments of ten varied profiles, each reviewed by hand against the review and the spec.

A change to any rule shows up here as a diff of the full assessment. To accept a reviewed change:
``pytest tests/tools --update-golden``, then read the diff of tests/tools/golden/*.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.assess import assess
from tools.profile import PatientProfile

GOLDEN = Path(__file__).parent / "golden"
PROFILES = sorted((GOLDEN / "profiles").glob("*.json"))


def test_there_are_ten_golden_profiles() -> None:
    assert len(PROFILES) == 10


@pytest.mark.parametrize("profile_path", PROFILES, ids=[p.stem for p in PROFILES])
def test_assessment_matches_its_golden_file(profile_path: Path, update_golden: bool) -> None:
    profile = PatientProfile.model_validate_json(profile_path.read_text(encoding="utf-8"))
    actual = assess(profile).model_dump(mode="json")
    golden_path = GOLDEN / profile_path.name
    if update_golden:
        golden_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden_path.is_file(), f"no golden file {golden_path.name}; run pytest tests/tools --update-golden"
    assert actual == json.loads(golden_path.read_text(encoding="utf-8"))
