"""The patient profile: the facts the tools reason with (clinical-rules.md section 4).

Every field is optional: the tools work with what is known and report what is missing. Unknown
fields are rejected (a typo must never be silently ignored) and every rejection says, in words a
clinician can act on, what was wrong: "marrow_blasts_pct must be between 0 and 100, got 150".
Common names are accepted on input ("blina", "Kymriah", "first relapse", "MRD+") and the
canonical keys are what the profile holds and returns.
"""

from __future__ import annotations

import difflib
import math
import sys
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tools.agents import AGENT_SYNONYMS, Agent, normalise_term

DiseaseStatus = Literal["refractory", "first_relapse", "second_or_later_relapse", "mrd_positive"]
Cd19Status = Literal["positive", "dim", "negative"]
PriorTherapy = Literal["blinatumomab", "inotuzumab_ozogamicin", "cd19_car_t", "cd22_car_t", "chemotherapy"]

DISEASE_STATUS_SYNONYMS: dict[str, DiseaseStatus] = {
    "refractory": "refractory",
    "primary refractory": "refractory",
    "first relapse": "first_relapse",
    "1st relapse": "first_relapse",
    "second or later relapse": "second_or_later_relapse",
    "second relapse": "second_or_later_relapse",
    "2nd relapse": "second_or_later_relapse",
    "third relapse": "second_or_later_relapse",
    "3rd relapse": "second_or_later_relapse",
    "mrd positive": "mrd_positive",
    "mrd+": "mrd_positive",
}

CD19_SYNONYMS: dict[str, Cd19Status] = {
    "positive": "positive",
    "pos": "positive",
    "dim": "dim",
    "low": "dim",
    "negative": "negative",
    "neg": "negative",
}

# An earlier course of one of the three agents is named as the agent is; tisagenlecleucel counts as
# CD19 CAR T (the class the review's antigen-loss data concern).
_AGENT_AS_PRIOR_THERAPY: dict[Agent, PriorTherapy] = {
    "blinatumomab": "blinatumomab",
    "inotuzumab_ozogamicin": "inotuzumab_ozogamicin",
    "tisagenlecleucel": "cd19_car_t",
}
PRIOR_THERAPY_SYNONYMS: dict[str, PriorTherapy] = {
    **{name: _AGENT_AS_PRIOR_THERAPY[agent] for name, agent in AGENT_SYNONYMS.items()},
    "cd19 car t": "cd19_car_t",
    "cd22 car t": "cd22_car_t",
    "chemotherapy": "chemotherapy",
    "chemo": "chemotherapy",
}

_TRUE_WORDS = frozenset({"true", "yes", "y"})
_FALSE_WORDS = frozenset({"false", "no", "n"})

# Numeric fields: (lowest, highest, what the number is). The bilirubin ceiling only catches entry
# errors (a value in umol/L typed as a multiple of ULN); no patient is at 100 x ULN.
_NUMBER_RANGES: dict[str, tuple[float, float, str]] = {
    "age_years": (0, 120, "age in years"),
    "marrow_blasts_pct": (0, 100, "percent of marrow cells that are blasts"),
    "cd22_positive_pct": (0, 100, "percent of blasts that are CD22-positive"),
    "bilirubin_x_uln": (0, 100, "bilirubin as a multiple of the upper limit of normal"),
}
_CYCLES_RANGE = (1, 6)


def _fmt(value: object) -> str:
    if _beyond_float(value):
        return "a number of more than 300 digits"  # the digits themselves would flood the message
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _beyond_float(value: object) -> bool:
    """A JSON integer too large for a float (JSON integers have no size limit: 10**309 is valid JSON)."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max


def _json_kind(value: object) -> str:
    kinds = {list: "an array", tuple: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def _choices(options: tuple[str, ...]) -> str:
    return ", ".join(options[:-1]) + " or " + options[-1]


def _parse_number(value: object) -> float | None:
    """A finite number from a number or a numeric string; None for anything else (true/false included)."""
    number: float | None = None
    if _beyond_float(value):
        number = None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    return number if number is not None and math.isfinite(number) else None


def _to_number(field: str, value: object) -> float:
    lowest, highest, meaning = _NUMBER_RANGES[field]
    number = _parse_number(value)
    if _beyond_float(value):
        raise ValueError(f"{field} must be between {lowest:g} and {highest:g}, got {_fmt(value)}")
    if number is None:
        raise ValueError(f"{field} must be a number ({meaning}), got {_fmt(value)}")
    if not lowest <= number <= highest:
        raise ValueError(f"{field} must be between {lowest:g} and {highest:g}, got {number:g}")
    return number


def _to_cycles(value: object) -> int:
    lowest, highest = _CYCLES_RANGE
    number = _parse_number(value)
    if number is None or not number.is_integer() or not lowest <= number <= highest:
        raise ValueError(
            f"planned_ino_cycles must be a whole number from {lowest} to {highest}, got {_fmt(value)}"
        )
    return int(number)


def _to_bool(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    raise ValueError(f"{field} must be true or false, got {_fmt(value)}")


def _to_choice(field: str, value: object, synonyms: dict[str, Any], options: tuple[str, ...]) -> str:
    if isinstance(value, str):
        key = normalise_term(value)
        choice = synonyms.get(key) or synonyms.get(key.replace(" ", ""))
        if choice is not None:
            return str(choice)
    raise ValueError(f"{field} must be one of {_choices(options)}, got {_fmt(value)}")


class PatientProfile(BaseModel):
    """What is known about one patient with relapsed/refractory B-ALL. Leave out what is not known."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age_years: float | None = Field(default=None, ge=0, le=120, description="Age in years")
    disease_status: DiseaseStatus | None = Field(
        default=None,
        description="Disease setting: refractory, first_relapse, second_or_later_relapse, mrd_positive",
    )
    ph_positive: bool | None = Field(default=None, description="Philadelphia chromosome present")
    marrow_blasts_pct: float | None = Field(default=None, ge=0, le=100, description="Bone-marrow blasts, %")
    cd19: Cd19Status | None = Field(default=None, description="CD19 on blasts: positive, dim or negative")
    cd22_positive_pct: float | None = Field(
        default=None, ge=0, le=100, description="Share of blasts that are CD22-positive, %"
    )
    kmt2a_rearranged: bool | None = Field(default=None, description="KMT2A rearrangement (KMT2A-R)")
    cns_disease: bool | None = Field(default=None, description="CNS involvement")
    extramedullary_disease: bool | None = Field(default=None, description="Non-CNS extramedullary disease")
    prior_therapies: tuple[PriorTherapy, ...] | None = Field(
        default=None,
        description=(
            "Earlier lines: blinatumomab, inotuzumab_ozogamicin, cd19_car_t, cd22_car_t, chemotherapy; "
            "[] means none, leaving it out means unknown"
        ),
    )
    prior_hsct: bool | None = Field(default=None, description="Earlier allogeneic HSCT")
    hsct_planned: bool | None = Field(default=None, description="HSCT intended after this therapy")
    hsct_feasible: bool | None = Field(default=None, description="A candidate for HSCT at all")
    dual_alkylator_conditioning: bool | None = Field(
        default=None, description="Planned HSCT conditioning with two alkylating agents"
    )
    bilirubin_x_uln: float | None = Field(
        default=None, ge=0, le=100, description="Bilirubin as a multiple of the upper limit of normal"
    )
    planned_ino_cycles: int | None = Field(default=None, ge=1, le=6, description="InO cycles intended (1-6)")
    t_cell_dysfunction: bool | None = Field(default=None, description="Poor T-cell number or function")
    rapidly_progressive: bool | None = Field(default=None, description="Needs disease control within weeks")
    prior_car_t_manufacturing_failure: bool | None = Field(
        default=None, description="An earlier CAR T product could not be manufactured"
    )
    prefers_no_pump: bool | None = Field(
        default=None, description="The patient does not want to carry a continuous-infusion pump"
    )

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: object) -> object:
        if not isinstance(data, dict | PatientProfile):
            raise ValueError(
                f"a patient profile must be a JSON object of named fields, got {_json_kind(data)}"
            )
        return data

    @field_validator("age_years", "marrow_blasts_pct", "cd22_positive_pct", "bilirubin_x_uln", mode="before")
    @classmethod
    def _numbers(cls, value: object, info: ValidationInfo) -> float | None:
        return None if value is None else _to_number(str(info.field_name), value)

    @field_validator("planned_ino_cycles", mode="before")
    @classmethod
    def _cycles(cls, value: object) -> int | None:
        return None if value is None else _to_cycles(value)

    @field_validator(
        "ph_positive",
        "kmt2a_rearranged",
        "cns_disease",
        "extramedullary_disease",
        "prior_hsct",
        "hsct_planned",
        "hsct_feasible",
        "dual_alkylator_conditioning",
        "t_cell_dysfunction",
        "rapidly_progressive",
        "prior_car_t_manufacturing_failure",
        "prefers_no_pump",
        mode="before",
    )
    @classmethod
    def _booleans(cls, value: object, info: ValidationInfo) -> bool | None:
        return None if value is None else _to_bool(str(info.field_name), value)

    @field_validator("disease_status", mode="before")
    @classmethod
    def _disease_status(cls, value: object) -> str | None:
        options = get_args(DiseaseStatus)
        return (
            None if value is None else _to_choice("disease_status", value, DISEASE_STATUS_SYNONYMS, options)
        )

    @field_validator("cd19", mode="before")
    @classmethod
    def _cd19(cls, value: object) -> str | None:
        return None if value is None else _to_choice("cd19", value, CD19_SYNONYMS, get_args(Cd19Status))

    @field_validator("prior_therapies", mode="before")
    @classmethod
    def _prior_therapies(cls, value: object) -> tuple[str, ...] | None:
        if value is None:
            return None
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValueError(f"prior_therapies must be a list of therapies, got {_fmt(value)}")
        found: set[str] = set()
        for item in items:
            key = normalise_term(item) if isinstance(item, str) else ""
            therapy = PRIOR_THERAPY_SYNONYMS.get(key) or PRIOR_THERAPY_SYNONYMS.get(key.replace(" ", ""))
            if therapy is None:
                raise ValueError(
                    f"prior_therapies: unknown therapy {_fmt(item)}; use {_choices(get_args(PriorTherapy))} "
                    "(common names such as blina, InO, Kymriah, CAR-T or chemo are accepted)"
                )
            found.add(therapy)
        # One canonical order, so the same history always reads (and compares) the same way.
        return tuple(t for t in get_args(PriorTherapy) if t in found)

    def had(self, therapy: PriorTherapy) -> bool:
        """True when ``therapy`` is among the earlier lines (False when none or unknown)."""
        return self.prior_therapies is not None and therapy in self.prior_therapies


PROFILE_FIELDS: tuple[str, ...] = tuple(PatientProfile.model_fields)


def profile_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field, problem) pairs in plain words, for edges that render a ValidationError themselves; the
    field is "" for a problem with the profile as a whole."""
    problems = []
    for err in error.errors():
        field = ".".join(str(part) for part in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown field{_did_you_mean(field)}; check the spelling against the documented fields"
        problems.append((field, message))
    return problems


def _did_you_mean(field: str) -> str:
    close = difflib.get_close_matches(field.split(".")[-1], PROFILE_FIELDS, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def describe_problems(error: ValidationError) -> str:
    """All problems on one line: "marrow_blasts_pct must be between 0 and 100, got 150; cd19: ..."."""
    return "; ".join(
        problem if not field or problem.startswith(field.split(".")[-1]) else f"{field}: {problem}"
        for field, problem in profile_problems(error)
    )
