"""Generated cases are ones a clinician could meet, and their vignettes state only what matters."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.tutor import focus
from assistant.tutor.generator import generate
from assistant.tutor.models import TOPICS, Topic
from assistant.tutor.plausibility import problems
from assistant.tutor.vignette import profile_of


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1), topic=st.sampled_from(TOPICS))
def test_no_generated_case_is_implausible(seed: int, topic: Topic) -> None:
    q = generate(seed, topic)
    assert problems(q.profile or {}, agent=q.agent) == [], (seed, topic, q.vignette)


@pytest.mark.parametrize(("profile", "agent", "problem"), [
    ({"hsct_planned": True, "hsct_feasible": False}, None, "not a transplant candidate"),
    ({"hsct_planned": False, "dual_alkylator_conditioning": True}, None, "conditioning regimen without"),
    ({"planned_ino_cycles": 3}, "tisagenlecleucel", "another agent"),
    ({"planned_ino_cycles": 2, "cd22_positive_pct": 0}, "inotuzumab_ozogamicin", "CD22-negative"),
    ({"age_years": 76, "hsct_feasible": True, "hsct_planned": True}, None, "over 70"),
    ({"disease_status": "mrd_positive", "marrow_blasts_pct": 12}, None, "morphological blasts"),
    ({"disease_status": "mrd_positive", "rapidly_progressive": True}, None, "within weeks"),
    ({"disease_status": "refractory", "marrow_blasts_pct": 3}, None, "remission"),
])
def test_each_implausible_combination_is_named(profile: dict[str, object], agent: str | None, problem: str) -> None:
    found = problems(profile, agent=agent)  # type: ignore[arg-type]
    assert len(found) == 1 and problem in found[0]


@pytest.mark.parametrize("profile", [
    {"age_years": 70, "hsct_feasible": True, "hsct_planned": True, "dual_alkylator_conditioning": True},
    {"age_years": 76, "hsct_feasible": False, "prior_hsct": True},
    {"planned_ino_cycles": 3, "cd22_positive_pct": 95, "disease_status": "refractory", "marrow_blasts_pct": 5},
    {"disease_status": "mrd_positive", "marrow_blasts_pct": 4, "rapidly_progressive": False},
])
def test_the_boundaries_of_plausible_cases_pass(profile: dict[str, object]) -> None:
    assert problems(profile, agent="inotuzumab_ozogamicin") == []


def test_a_vignette_states_what_its_question_turns_on_plus_at_most_the_distractors() -> None:
    for seed in range(200):
        q = generate(seed)
        if q.profile is None:
            continue
        needed = focus.turns_on(q)
        extra = set(q.profile) - needed
        assert len(extra) <= focus.DISTRACTOR_COUNT, (seed, extra)
        assert extra <= set(focus.DISTRACTORS)


def test_vignettes_are_short_presentations_not_checklists() -> None:
    vignettes = [q.vignette for q in (generate(seed) for seed in range(300)) if q.profile is not None]
    sentences = [v.count(". ") + 1 for v in vignettes]
    assert max(sentences) <= 13 and sum(sentences) / len(sentences) < 8
    assert all(v.split(" presents with ")[0].endswith("-year-old") or v.startswith("A patient") for v in vignettes)


def test_conditioning_is_mentioned_only_with_a_planned_transplant() -> None:
    for seed in range(300):
        q = generate(seed, "toxicity")
        if q.profile is None:
            continue
        if "conditioning" in q.vignette:
            assert profile_of(q.profile).hsct_planned is True, q.vignette
        assert "No HSCT" not in q.vignette or "conditioning" not in q.vignette
