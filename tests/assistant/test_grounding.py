"""The grounding guard accepts only answers whose citations and figures the tools support."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.grounding import check_grounding, numbers_in

SOS = "In INO-VATE, SOS occurred in 23 of 164 patients (14.0%) on InO versus 2.1% with chemotherapy."


def test_supported_answer_passes() -> None:
    result = check_grounding("SOS affected 14.0% of InO patients [tox-sos-01].",
                             available={"tox-sos-01": SOS}, tool_text=[])
    assert result.ok, result.problems


def test_invented_figure_fails() -> None:
    result = check_grounding("SOS affected 19.5% of InO patients [tox-sos-01].",
                             available={"tox-sos-01": SOS}, tool_text=[])
    assert not result.ok
    assert "19.5" in result.problems[0]


def test_citing_a_passage_no_tool_returned_fails() -> None:
    result = check_grounding("SOS is common [tox-sos-09].", available={"tox-sos-01": SOS}, tool_text=[])
    assert not result.ok


def test_figures_without_any_citation_fail() -> None:
    assert not check_grounding("SOS affected 14.0%.", available={"tox-sos-01": SOS}, tool_text=[]).ok


def test_figures_from_tool_output_count_as_support() -> None:
    result = check_grounding("Marrow blasts are 85% [tox-sos-01].", available={"tox-sos-01": SOS},
                             tool_text=['{"message": "Marrow blasts 85%"}'])
    assert result.ok


@pytest.mark.parametrize(("text", "expected"), [
    ("P=.032", {"0.032"}), ("14.0%", {"14.0"}), ("23 of 164", {"23", "164"}), ("no figures", set()),
])
def test_numbers_are_read_as_written(text: str, expected: set[str]) -> None:
    assert numbers_in(text) == expected


@given(st.text(max_size=200))
def test_guard_never_raises(text: str) -> None:
    check_grounding(text, available={"tox-sos-01": SOS}, tool_text=[])
