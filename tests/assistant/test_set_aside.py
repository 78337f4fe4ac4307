"""What a question sets aside is not searched for (assistant/understanding/parts.py)."""

from __future__ import annotations

import pytest

from assistant.engine import ChatEngine
from assistant.understanding.parts import without_set_aside


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("which toxicities of InO apart from SOS?", "which toxicities of InO?"),
        ("Besides CRS and ICANS, what else happens after tisa-cel?", ", what else happens after tisa-cel?"),
        ("blina side effects other than CRS", "blina side effects"),
        ("except for SOS", "except for SOS"),  # nothing would be left to search with
        ("What CR rate did INO-VATE report?", "What CR rate did INO-VATE report?"),
    ],
)
def test_the_words_set_aside_are_dropped_from_the_search(question: str, searched: str) -> None:
    assert without_set_aside(question) == searched


def test_other_side_effects_find_the_passage_that_lists_them(engine: ChatEngine) -> None:
    response = engine.respond("What other adverse effects does inotuzumab have, leaving aside SOS?")
    assert "myelosuppression" in response.answer.lower()
