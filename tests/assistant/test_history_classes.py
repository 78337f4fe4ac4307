"""Treatment-history classes found in development vignettes 3 and 4, tested with wordings of our own:

- a sentence that opens with a date tells what was given then, until it reaches the present;
- a step of an arrow timeline is history when an outcome follows it, even one with a word of its own
  ("-> CD19-dim R2");
- the disease's course names a drug given only through a linking word ("relapsed on blina"); "first
  relapse, InO x2 then allo" names the plan for this relapse;
- perfect-tense adverbs after a therapy ("chemo only so far", "blina to date") make it history.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.understanding.interpret import interpret


def _facts(text: str) -> dict[str, Any]:
    return dict(interpret(text, {}).update.set)


@pytest.mark.parametrize(
    ("message", "given"),
    [
        ("In 2021 she relapsed and got inotuzumab for three cycles. Now relapsed again, 33F",
         {"inotuzumab_ozogamicin"}),
        ("04/2022: blinatumomab, MRD-negative CR2. Marrow relapse now, 51M", {"blinatumomab"}),
        ("In early 2023 he had tisa-cel. It is back now in the marrow, 19 yo", {"cd19_car_t"}),
        ("Frontline chemo -> CR1 -> blina -> CD19-dim R2 now. 28 yo", {"chemotherapy", "blinatumomab"}),
        ("37F, first relapse, hyper-CVAD only so far", {"chemotherapy"}),
        ("relapsed on blinatumomab; BM 40%, 45M", {"blinatumomab"}),
    ],
)
def test_history_told_in_these_shapes_is_stored(message: str, given: set[str]) -> None:
    assert set(_facts(message).get("prior_therapies") or ()) == given


@pytest.mark.parametrize(
    ("message", "planned"),
    [
        ("2019 dx, now first relapse, InO x2 then allo", {"planned_ino_cycles": 2, "hsct_planned": True}),
        ("In 2027 the plan is InO x2 and then a MUD allo; 40 yo first relapse", {"planned_ino_cycles": 2}),
        ("second relapse, blina then allo if MRD-negative", {}),
    ],
)
def test_a_plan_is_not_history(message: str, planned: dict[str, Any]) -> None:
    facts = _facts(message)
    assert not {"inotuzumab_ozogamicin", "blinatumomab"} & set(facts.get("prior_therapies") or ())
    assert facts.items() >= planned.items()
