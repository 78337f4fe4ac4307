"""`assistant quiz` in the terminal with scripted input, and its coverage table."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.cli import quiz as quiz_cli
from assistant.settings import Settings
from assistant.tutor.generator import generate


@pytest.fixture(autouse=True)
def local_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quiz_cli, "get_settings", lambda: Settings(data_dir=tmp_path))


def test_a_scripted_session_answers_by_number_letter_and_words() -> None:
    first, second = generate(40, "antigen"), generate(41, "antigen")
    free = "Besponsa" if first.free_text else "1"
    result = CliRunner().invoke(cli, ["quiz", "--topic", "antigen", "--seed", "40", "--count", "3",
                                      "--learner", "cli-1"], input=f"{free}\nwhat?\nb\nnone\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Question 1 of 3 · antigen" in out and "Question 3 of 3" in out
    assert first.vignette in out and second.prompt in out
    if second.options:
        assert "  1. [A] " in out and "Type the number" in out
    assert out.count("Sources:") >= 2
    assert "**Correct.**" in out or "**Not quite.**" in out
    assert "Progress (cli-1):" in out and "answered correctly" in out


def test_quit_leaves_early_and_still_reports_progress() -> None:
    result = CliRunner().invoke(cli, ["quiz", "--seed", "3", "--learner", "cli-2"], input="quit\n")
    assert result.exit_code == 0, result.output
    assert "Question 1 of 10" in result.output and "Question 2 of 10" not in result.output
    assert "Progress (cli-2): No answers yet" in result.output


def test_end_of_input_ends_the_session() -> None:
    result = CliRunner().invoke(cli, ["quiz", "--count", "2", "--learner", "cli-3"], input="")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args", [["--learner", "me@example.org"], ["--topic", "dosing"], ["--count", "0"],
                                  ["--seed", "-4"]])
def test_bad_options_fail_with_status_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["quiz", *args], input="")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_coverage_mode_prints_the_table_over_500_seeds() -> None:
    result = CliRunner().invoke(cli, ["quiz", "--coverage", "500"])
    assert result.exit_code == 0, result.output
    assert "covered 28 of 28 codes" in result.output and "disagreements with the tools: 0" in result.output
    assert "SOS_RISK" in result.output and "KMT2A_LINEAGE_SWITCH" in result.output


def test_coverage_mode_fails_when_seeds_are_too_few_to_cover_everything() -> None:
    result = CliRunner().invoke(cli, ["quiz", "--coverage", "5", "--json"])
    assert result.exit_code == 1
    assert '"missing": [' in result.output
