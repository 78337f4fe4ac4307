"""PatientProfile: clinician-readable rejections, synonyms on input, canonical values on output."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tools.profile import PatientProfile, describe_problems, profile_problems


def _problems(**data: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        PatientProfile.model_validate(data)
    return profile_problems(info.value)


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (
            {"marrow_blasts_pct": 150},
            "marrow_blasts_pct",
            "marrow_blasts_pct must be between 0 and 100, got 150",
        ),
        (
            {"marrow_blasts_pct": -1},
            "marrow_blasts_pct",
            "marrow_blasts_pct must be between 0 and 100, got -1",
        ),
        (
            {"cd22_positive_pct": 100.5},
            "cd22_positive_pct",
            "cd22_positive_pct must be between 0 and 100, got 100.5",
        ),
        ({"age_years": 121}, "age_years", "age_years must be between 0 and 120, got 121"),
        ({"age_years": -0.5}, "age_years", "age_years must be between 0 and 120, got -0.5"),
        ({"bilirubin_x_uln": -0.1}, "bilirubin_x_uln", "bilirubin_x_uln must be between 0 and 100, got -0.1"),
        ({"bilirubin_x_uln": 250}, "bilirubin_x_uln", "bilirubin_x_uln must be between 0 and 100, got 250"),
        (
            {"planned_ino_cycles": 0},
            "planned_ino_cycles",
            "planned_ino_cycles must be a whole number from 1 to 6, got 0",
        ),
        (
            {"planned_ino_cycles": 7},
            "planned_ino_cycles",
            "planned_ino_cycles must be a whole number from 1 to 6, got 7",
        ),
    ],
)
def test_out_of_range_values_are_rejected_with_the_range(
    data: dict[str, Any], field: str, problem: str
) -> None:
    assert _problems(**data) == [(field, problem)]


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"age_years": "old"}, "age_years", "age_years must be a number (age in years), got 'old'"),
        ({"age_years": True}, "age_years", "age_years must be a number"),
        ({"marrow_blasts_pct": [80]}, "marrow_blasts_pct", "marrow_blasts_pct must be a number"),
        ({"marrow_blasts_pct": "nan"}, "marrow_blasts_pct", "marrow_blasts_pct must be a number"),
        (
            {"planned_ino_cycles": 2.5},
            "planned_ino_cycles",
            "planned_ino_cycles must be a whole number from 1 to 6, got 2.5",
        ),
        ({"planned_ino_cycles": "two"}, "planned_ino_cycles", "planned_ino_cycles must be a whole number"),
        ({"cns_disease": "maybe"}, "cns_disease", "cns_disease must be true or false, got 'maybe'"),
        ({"prior_hsct": 1}, "prior_hsct", "prior_hsct must be true or false, got 1"),
        (
            {"disease_status": "remission"},
            "disease_status",
            "disease_status must be one of refractory, first_relapse",
        ),
        ({"cd19": "bright"}, "cd19", "cd19 must be one of positive, dim or negative, got 'bright'"),
        ({"cd19": 1}, "cd19", "cd19 must be one of positive, dim or negative, got 1"),
        (
            {"prior_therapies": ["rituximab"]},
            "prior_therapies",
            "prior_therapies: unknown therapy 'rituximab'",
        ),
        ({"prior_therapies": [1]}, "prior_therapies", "prior_therapies: unknown therapy 1"),
        ({"prior_therapies": {"blina": 1}}, "prior_therapies", "prior_therapies must be a list of therapies"),
    ],
)
def test_wrong_types_are_rejected_naming_the_field(data: dict[str, Any], field: str, expected: str) -> None:
    [(got_field, problem)] = _problems(**data)
    assert got_field == field and problem.startswith(expected)


def test_unknown_field_is_rejected_with_a_suggestion() -> None:
    [(field, problem)] = _problems(marrow_blast_pct=80)
    assert field == "marrow_blast_pct"
    assert problem.startswith("unknown field (did you mean marrow_blasts_pct?)")


def test_non_object_profile_is_rejected_in_plain_words() -> None:
    with pytest.raises(ValidationError) as info:
        PatientProfile.model_validate([1, 2])
    assert (
        describe_problems(info.value)
        == "a patient profile must be a JSON object of named fields, got an array"
    )


def test_every_problem_is_reported_at_once() -> None:
    assert {f for f, _ in _problems(age_years=500, cd19="x", typo=1)} == {"age_years", "cd19", "typo"}


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("blina", "blinatumomab"),
        ("Blincyto", "blinatumomab"),
        ("BiTE", "blinatumomab"),
        ("InO", "inotuzumab_ozogamicin"),
        ("ino", "inotuzumab_ozogamicin"),
        ("Inotuzumab", "inotuzumab_ozogamicin"),
        ("Besponsa", "inotuzumab_ozogamicin"),
        ("inotuzumab ozogamicin", "inotuzumab_ozogamicin"),
        ("tisa-cel", "cd19_car_t"),
        ("Kymriah", "cd19_car_t"),
        ("CTL019", "cd19_car_t"),
        ("CAR-T", "cd19_car_t"),
        ("CD19 CAR T", "cd19_car_t"),
        ("cd19_car_t", "cd19_car_t"),
        ("CD22 CAR T", "cd22_car_t"),
        ("chemo", "chemotherapy"),
        ("Chemotherapy", "chemotherapy"),
    ],
)
def test_prior_therapy_synonyms_are_normalised(typed: str, canonical: str) -> None:
    assert PatientProfile(prior_therapies=[typed]).prior_therapies == (canonical,)


def test_prior_therapies_are_deduplicated_in_a_canonical_order() -> None:
    profile = PatientProfile(prior_therapies=["chemo", "Kymriah", "blina", "Blincyto", "tisa-cel"])
    assert profile.prior_therapies == ("blinatumomab", "cd19_car_t", "chemotherapy")
    assert profile.model_dump(mode="json")["prior_therapies"] == [
        "blinatumomab",
        "cd19_car_t",
        "chemotherapy",
    ]


def test_empty_prior_therapies_means_none_not_unknown() -> None:
    assert PatientProfile(prior_therapies=[]).prior_therapies == ()
    assert PatientProfile().prior_therapies is None


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("refractory", "refractory"),
        ("primary refractory", "refractory"),
        ("Primary-Refractory", "refractory"),
        ("first relapse", "first_relapse"),
        ("1st relapse", "first_relapse"),
        ("first_relapse", "first_relapse"),
        ("second relapse", "second_or_later_relapse"),
        ("2nd relapse", "second_or_later_relapse"),
        ("third relapse", "second_or_later_relapse"),
        ("MRD+", "mrd_positive"),
        ("MRD-positive", "mrd_positive"),
        ("mrd positive", "mrd_positive"),
    ],
)
def test_disease_status_synonyms(typed: str, canonical: str) -> None:
    assert PatientProfile(disease_status=typed).disease_status == canonical


@pytest.mark.parametrize(
    ("typed", "canonical"), [("dim", "dim"), ("Low", "dim"), ("POSITIVE", "positive"), ("neg", "negative")]
)
def test_cd19_synonyms(typed: str, canonical: str) -> None:
    assert PatientProfile(cd19=typed).cd19 == canonical


@pytest.mark.parametrize(("typed", "value"), [(True, True), ("yes", True), ("No", False), ("false", False)])
def test_booleans_accept_true_false_and_yes_no(typed: Any, value: bool) -> None:
    assert PatientProfile(cns_disease=typed).cns_disease is value


def test_numeric_strings_and_integers_are_accepted() -> None:
    profile = PatientProfile.model_validate(
        {"age_years": "72", "marrow_blasts_pct": 80, "planned_ino_cycles": 2.0}
    )
    assert (profile.age_years, profile.marrow_blasts_pct, profile.planned_ino_cycles) == (72.0, 80.0, 2)


def test_json_schema_documents_the_ranges() -> None:
    schema = PatientProfile.model_json_schema()
    assert schema["additionalProperties"] is False
    blasts = next(s for s in schema["properties"]["marrow_blasts_pct"]["anyOf"] if s.get("type") == "number")
    assert (blasts["minimum"], blasts["maximum"]) == (0, 100)


def test_validated_profile_round_trips_through_json() -> None:
    profile = PatientProfile(age_years=30, prior_therapies=["blina"], disease_status="MRD+")
    assert PatientProfile.model_validate_json(profile.model_dump_json()) == profile
