"""Earlier CD19-directed therapy before blinatumomab or tisagenlecleucel."""

from __future__ import annotations

from typing import Any

import pytest

from tools.agents import Agent


@pytest.mark.parametrize(
    ("agent", "prior", "fires"),
    [
        ("tisagenlecleucel", ["blinatumomab"], True),
        ("tisagenlecleucel", ["cd19_car_t"], True),
        ("blinatumomab", ["cd19_car_t"], True),
        ("blinatumomab", ["blinatumomab"], True),
        ("blinatumomab", ["inotuzumab_ozogamicin", "chemotherapy"], False),
        ("tisagenlecleucel", ["cd22_car_t"], False),
        ("tisagenlecleucel", [], False),
        ("tisagenlecleucel", None, False),
        ("inotuzumab_ozogamicin", ["blinatumomab", "cd19_car_t"], False),
    ],
)
def test_prior_cd19_therapy_fires_after_blina_or_cd19_car_t(
    flags_for: Any, agent: Agent, prior: Any, fires: bool
) -> None:
    assert ("PRIOR_CD19_THERAPY" in flags_for(agent, prior_therapies=prior)) is fires


def test_car_t_after_blina_cites_both_sides_of_the_evidence(flags_for: Any) -> None:
    flag = flags_for("tisagenlecleucel", prior_therapies=["blina"])["PRIOR_CD19_THERAPY"]
    assert flag.severity == "warning"
    assert flag.message.startswith("Prior blinatumomab:")
    for figure in ("8% to 22%", "[45]", "4 of 6", "re-test CD19"):
        assert figure in flag.message
    assert {c.passage_id for c in flag.citations} >= {"antigen-cd19-04", "antigen-cd19-05", "seq-03"}


def test_blina_after_car_t_states_cd19_loss_after_car_t(flags_for: Any) -> None:
    flag = flags_for("blinatumomab", prior_therapies=["Kymriah"])["PRIOR_CD19_THERAPY"]
    for figure in ("15 of 22 (68%)", "25% to 39%", "Prior CD19 CAR T:"):
        assert figure in flag.message
    assert "[45]" not in flag.message  # the prior-blina-before-CAR-T point is not about this patient
