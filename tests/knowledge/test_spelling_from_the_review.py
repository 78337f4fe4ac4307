"""A misspelt word is matched to the review's own words when it is no English word; an English word
the review does not use is left alone (it may be a subject the review lacks, assistant.scope)."""

from __future__ import annotations

import pytest

from knowledge.normalize import correct_spelling


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("going straight to trasplant", "going straight to transplant"),
        ("primary refrctory disease", "primary refractory disease"),
        ("how many were enroled", "how many were enrolled"),
        ("given as a continous infusion", "given as a continuous infusion"),
        ("inotuzamab for a tisagenleucel failure", "inotuzumab for a tisagenlecleucel failure"),
    ],
)
def test_a_misspelling_of_a_review_word_is_read_as_that_word(typed: str, read: str) -> None:
    assert correct_spelling(typed) == read


@pytest.mark.parametrize("typed", ["which lumen and filter", "hepatitis serology first", "leukapheresis slot",
                                   "rasburicase before blinatumomab"])
def test_a_word_the_review_does_not_use_is_left_as_written(typed: str) -> None:
    assert correct_spelling(typed) == typed
