"""The relapse ordinal counted from a story told from its beginning (assistant/understanding/setting.py,
`_counted_relapses`). Wordings are our own; the class came from development vignettes that tell the
history instead of naming the setting."""

from __future__ import annotations

import pytest

from assistant.understanding.interpret import interpret


def _status(text: str) -> object:
    return interpret(text, {}).update.set.get("disease_status")


@pytest.mark.parametrize(
    ("message", "status"),
    [
        # diagnosis, remission, one relapse: the first
        ("Diagnosed in 2021, treated on UKALL14 and went into remission; the leukaemia has now come back. 40F",
         "first_relapse"),
        ("dx 2019 -> hyperCVAD -> CR. now relapsed, BM 35%", "first_relapse"),
        ("7 yo, relapse in the marrow 2 years after completing frontline therapy", "first_relapse"),
        ("isolated testicular relapse six months off treatment; frontline was AALL0932", "first_relapse"),
        # each relapse told after a line of therapy or a remission is one more
        ("Diagnosed 2018, chemo, CR1. Relapsed 2021, blinatumomab, CR2. Relapsed again this month.",
         "second_or_later_relapse"),
        ("Frontline GRAALL; relapse treated with InO then allo; now it is back in the marrow",
         "second_or_later_relapse"),
        ("He was diagnosed at 3, relapsed at 5 and had a transplant; the disease returned last week",
         "second_or_later_relapse"),
        # the shorthand numbers the relapse itself; one telling is not counted as the first
        ("frontline hyper-CVAD, now R3, BM 60%", "second_or_later_relapse"),
    ],
)
def test_a_story_told_from_the_diagnosis_counts_its_relapses(message: str, status: str) -> None:
    assert _status(message) == status


@pytest.mark.parametrize(
    "message",
    [
        "52M relapsed after his allograft, BM 30%",  # no beginning told: the first or a later one
        "had blina, went into remission, then relapsed",  # the remission may have been a second one
        "Diagnosed with a CNS relapse last week, 12 yo",  # the diagnosis is of the relapse itself
        "In ELIANA, how many patients diagnosed at a young age relapsed after remission?",
        "If she were diagnosed at 5 and relapsed once, would tisa-cel be on label?",
        "Her brother was diagnosed with ALL in 2015 and relapsed in 2017. She is 30, Ph-negative.",
    ],
)
def test_a_relapse_without_its_beginning_or_not_this_patients_is_not_counted(message: str) -> None:
    assert _status(message) in (None, "refractory")
