"""Invariants over many profiles: determinism, monotone risk factors, suitability, card-sized summaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from profile_strategies import profile_data, profiles

from tools.assess import assess
from tools.flags import SEVERITY_RANK, SUMMARY_MAX_CHARS, Assessment
from tools.profile import PatientProfile


@given(profile_data)
def test_same_profile_same_result(data: dict[str, Any]) -> None:
    first = assess(PatientProfile.model_validate(data))
    second = assess(PatientProfile.model_validate(dict(data)))
    assert first.model_dump_json() == second.model_dump_json()


@given(profiles)
def test_assessing_the_echoed_profile_gives_the_same_result(profile: PatientProfile) -> None:
    result = assess(profile)
    echoed = PatientProfile.model_validate(result.profile.model_dump(mode="json"))
    assert assess(echoed) == result


@given(profiles)
def test_suitable_is_false_exactly_when_a_critical_flag_exists(profile: PatientProfile) -> None:
    for verdict in assess(profile).agents:
        assert verdict.suitable is not any(f.severity == "critical" for f in verdict.flags)


@given(profiles)
def test_every_flag_is_card_sized_and_names_its_facts(profile: PatientProfile) -> None:
    for verdict in assess(profile).agents:
        for flag in verdict.flags:
            assert 0 < len(flag.summary) <= SUMMARY_MAX_CHARS
            assert "{" not in flag.message and "{" not in flag.summary  # every placeholder filled
            assert flag.citations and flag.indicator == flag.severity
            if flag.facts:
                assert flag.message.lower().startswith(flag.facts[0].lower())


# Adding a risk factor: (description, how to add it, the codes it feeds).
Change = Callable[[dict[str, Any]], dict[str, Any]]


def _raise_to(field: str, value: float) -> Change:
    return lambda d: {**d, field: max(d.get(field) or 0, value)}


def _set(field: str, value: Any) -> Change:
    return lambda d: {**d, field: value}


def _add_prior(therapy: str) -> Change:
    return lambda d: {**d, "prior_therapies": [*(d.get("prior_therapies") or []), therapy]}


RISK_FACTORS: list[tuple[str, Change, set[str]]] = [
    ("prior HSCT", _set("prior_hsct", True), {"SOS_RISK"}),
    ("dual alkylators", _set("dual_alkylator_conditioning", True), {"SOS_RISK"}),
    ("bilirubin up", _raise_to("bilirubin_x_uln", 1.5), {"SOS_RISK"}),
    ("older", _raise_to("age_years", 70), {"SOS_RISK"}),
    ("HSCT planned", _set("hsct_planned", True), {"SOS_RISK"}),
    ("more cycles", lambda d: {**d, "planned_ino_cycles": 6}, {"SOS_RISK"}),
    ("more blasts", _raise_to("marrow_blasts_pct", 90), {"HIGH_DISEASE_BURDEN", "CRS_RISK", "ICANS_RISK"}),
    ("CNS", _set("cns_disease", True), {"CNS_DISEASE"}),
    ("EMD", _set("extramedullary_disease", True), {"EXTRAMEDULLARY_DISEASE"}),
    ("T cells", _set("t_cell_dysfunction", True), {"T_CELL_DYSFUNCTION"}),
    ("rapid", _set("rapidly_progressive", True), {"MANUFACTURING_DELAY"}),
    ("failed product", _set("prior_car_t_manufacturing_failure", True), {"PRIOR_MANUFACTURING_FAILURE"}),
    ("no pump", _set("prefers_no_pump", True), {"CONTINUOUS_INFUSION"}),
    ("KMT2A", _set("kmt2a_rearranged", True), {"KMT2A_REARRANGED"}),
    ("prior blina", _add_prior("blinatumomab"), {"PRIOR_CD19_THERAPY"}),
    ("prior CAR T", _add_prior("cd19_car_t"), {"PRIOR_CD19_THERAPY"}),
    ("no HSCT", _set("hsct_feasible", False), {"HSCT_BRIDGE", "HSCT_NOT_NEEDED"}),
    ("CD19 lost", _set("cd19", "negative"), {"CD19_NEGATIVE"}),
    ("CD22 lost", _set("cd22_positive_pct", 0), {"CD22_NEGATIVE"}),
]


def _severities(result: Assessment, codes: set[str]) -> dict[tuple[str, str], int]:
    return {
        (v.agent, f.code): SEVERITY_RANK[f.severity]
        for v in result.agents
        for f in v.flags
        if f.code in codes
    }


@pytest.mark.parametrize(("name", "add", "codes"), RISK_FACTORS, ids=[r[0] for r in RISK_FACTORS])
@settings(max_examples=60)
@given(data=profile_data)
def test_adding_a_risk_factor_never_removes_or_softens_a_flag_it_feeds(
    name: str, add: Change, codes: set[str], data: dict[str, Any]
) -> None:
    before = _severities(assess(PatientProfile.model_validate(data)), codes)
    after = _severities(assess(PatientProfile.model_validate(add(data))), codes)
    for key, rank in before.items():
        assert key in after, f"{name} removed {key}"
        assert after[key] <= rank, f"{name} softened {key}"  # lower rank = more serious


@given(profiles)
def test_missing_fields_are_all_unknown_in_the_profile(profile: PatientProfile) -> None:
    for field in assess(profile).missing:
        assert getattr(profile, field) is None
