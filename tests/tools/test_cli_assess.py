"""`assistant assess --profile FILE.json [--json]`: table, JSON, and one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli.assess import assess_command
from tools.assess import assess
from tools.profile import PatientProfile

PROFILE = {
    "age_years": 34,
    "disease_status": "first relapse",
    "marrow_blasts_pct": 80,
    "cd22_positive_pct": 85,
}


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_table_lists_agents_labels_flags_and_missing(tmp_path: Path) -> None:
    result = CliRunner().invoke(assess_command, ["--profile", _write(tmp_path, json.dumps(PROFILE))])
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "blinatumomab",
        "inotuzumab ozogamicin (InO)",
        "tisagenlecleucel",
        "OFF LABEL",
        "WARNING  CD22_PARTIAL",
        "Missing (could change a label status or flag):",
    ):
        assert text in out
    assert out.index("blinatumomab") < out.index("inotuzumab ozogamicin") < out.index("tisagenlecleucel")


def test_json_prints_the_same_object_as_the_api(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        assess_command, ["--profile", _write(tmp_path, json.dumps(PROFILE)), "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output) == assess(PatientProfile(**PROFILE)).model_dump(mode="json")


def test_unsuitable_agent_shows_no_in_the_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(assess_command, ["--profile", _write(tmp_path, '{"cd19": "negative"}')])
    assert "NO" in result.output and "CRITICAL CD19_NEGATIVE" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"age_years": ', "is not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"marrow_blasts_pct": 150}', "marrow_blasts_pct must be between 0 and 100, got 150"),
        ('{"marow_blasts_pct": 15}', "unknown field"),
        ('{"cns_disease": "maybe"}', "cns_disease must be true or false"),
    ],
)
def test_bad_profile_file_is_one_line_and_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    result = CliRunner().invoke(assess_command, ["--profile", _write(tmp_path, text)])
    assert result.exit_code == 2
    assert (
        expected in result.stderr and result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    )
    assert "Traceback" not in result.output


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(assess_command, ["--profile", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "not found" in result.stderr and result.stderr.count("\n") == 1


def test_binary_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"\xff\xfe\x00\x01")
    result = CliRunner().invoke(assess_command, ["--profile", str(path)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")


def test_assess_is_a_subcommand_of_assistant(tmp_path: Path) -> None:
    from assistant.cli import cli

    result = CliRunner().invoke(cli, ["assess", "--profile", _write(tmp_path, json.dumps(PROFILE)), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["agents"][0]["agent"] == "blinatumomab"


def test_the_table_shows_the_current_edition_beside_the_review_and_the_later_approvals(tmp_path: Path) -> None:
    path = tmp_path / "child.json"
    path.write_text(json.dumps({"age_years": 10, "disease_status": "first_relapse", "cd22_positive_pct": 95}))
    result = CliRunner().invoke(assess_command, ["--profile", str(path)])
    assert result.exit_code == 0, result.output
    assert "Since the review: on label as of 2025-06-26 (upd-ino-peds-01)" in result.output
    assert "brexucabtagene autoleucel" in result.output and "approved 2021-10-01" in result.output
    current = CliRunner().invoke(assess_command, ["--profile", str(path), "--edition", "current", "--json"])
    assert json.loads(current.output)["edition"] == "current"
