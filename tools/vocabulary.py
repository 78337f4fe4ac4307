"""The one vocabulary of the patient profile and the agents: names, labels, ranges, wording, questions.

Every surface reads this module: the profile's range checks (tools.profile), the fact extractor's
bounds (assistant.understanding), the answer's wording (assistant.compose), the questions the planner
asks (assistant.planner) and the widget's chips (``GET /v1/vocabulary``). Adding a field or renaming
a label happens here once. Pure data, no I/O.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FieldKind = Literal["number", "integer", "bool", "choice", "multi"]


class FieldWords(BaseModel):
    """How one profile field is named, bounded, worded and asked for."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: FieldKind
    label: str = Field(description="Short label for a chip: 'Marrow blasts'")
    long: str = Field(description="Full label for a form: 'Marrow blasts (%)'")
    meaning: str = Field(description="What the value is, for error messages")
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    choices: dict[str, str] = Field(default_factory=dict, description="value -> how an answer says it")
    when_true: str = Field(default="", description="How an answer says a true value")
    when_false: str = Field(default="", description="How an answer says a false value")
    ask: str = Field(default="", description="The question asked when the fact is missing and decisive")
    decisive_for: tuple[str, ...] = Field(default=(), description="Agents whose judgement needs the fact")


AGENT_NAMES: dict[str, str] = {
    "blinatumomab": "Blinatumomab (Blincyto)",
    "inotuzumab_ozogamicin": "Inotuzumab ozogamicin (InO, Besponsa)",
    "tisagenlecleucel": "Tisagenlecleucel (Kymriah, CD19 CAR T)",
}
AGENT_SHORT: dict[str, str] = {
    "blinatumomab": "Blinatumomab",
    "inotuzumab_ozogamicin": "InO",
    "tisagenlecleucel": "Tisagenlecleucel",
}

THERAPY_WORDS: dict[str, str] = {
    "blinatumomab": "blinatumomab",
    "inotuzumab_ozogamicin": "inotuzumab ozogamicin",
    "cd19_car_t": "CD19 CAR T",
    "cd22_car_t": "CD22 CAR T",
    "chemotherapy": "chemotherapy",
}

_FIELDS: tuple[FieldWords, ...] = (
    FieldWords(
        name="age_years", kind="number", label="Age", long="Age (years)", meaning="age in years",
        minimum=0, maximum=120, unit=" y",
        ask="How old is the patient? (the InO and tisagenlecleucel labels depend on age)",
        decisive_for=("inotuzumab_ozogamicin", "tisagenlecleucel"),
    ),
    FieldWords(
        name="disease_status", kind="choice", label="Setting", long="Disease setting",
        meaning="the disease setting",
        choices={"refractory": "refractory", "first_relapse": "first relapse",
                 "second_or_later_relapse": "second or later relapse", "mrd_positive": "MRD-positive"},
        ask="What is the disease setting: refractory, first relapse, second or later relapse, or MRD-positive?",
        decisive_for=("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"),
    ),
    FieldWords(name="ph_positive", kind="bool", label="Ph", long="Philadelphia chromosome",
               meaning="Philadelphia chromosome", when_true="Ph-positive", when_false="Ph-negative"),
    FieldWords(
        name="marrow_blasts_pct", kind="number", label="Marrow blasts", long="Marrow blasts (%)",
        meaning="percent of marrow cells that are blasts", minimum=0, maximum=100, unit="%",
        ask="What is the marrow blast percentage? (disease burden changes the picture)",
    ),
    FieldWords(
        name="cd19", kind="choice", label="CD19", long="CD19 on blasts", meaning="CD19 on blasts",
        choices={"positive": "CD19-positive", "dim": "CD19 dim", "negative": "CD19-negative"},
        ask="Is CD19 positive, dim or negative on the blasts? (needed for blinatumomab and CAR T)",
        decisive_for=("blinatumomab", "tisagenlecleucel"),
    ),
    FieldWords(
        name="cd22_positive_pct", kind="number", label="CD22+ blasts", long="CD22-positive blasts (%)",
        meaning="percent of blasts that are CD22-positive", minimum=0, maximum=100, unit="%",
        ask="What share of blasts is CD22-positive? (needed before judging inotuzumab)",
        decisive_for=("inotuzumab_ozogamicin",),
    ),
    FieldWords(name="kmt2a_rearranged", kind="bool", label="KMT2A", long="KMT2A rearrangement",
               meaning="KMT2A rearrangement", when_true="KMT2A-rearranged", when_false="KMT2A not rearranged"),
    FieldWords(name="cns_disease", kind="bool", label="CNS disease", long="CNS disease", meaning="CNS involvement",
               when_true="CNS disease", when_false="no CNS disease"),
    FieldWords(name="extramedullary_disease", kind="bool", label="Extramedullary", long="Extramedullary disease",
               meaning="non-CNS extramedullary disease", when_true="extramedullary disease",
               when_false="no extramedullary disease"),
    FieldWords(name="prior_therapies", kind="multi", label="Prior therapy", long="Prior therapies",
               meaning="earlier lines of therapy", choices=dict(THERAPY_WORDS)),
    FieldWords(name="prior_hsct", kind="bool", label="Prior HSCT", long="Prior allogeneic HSCT",
               meaning="earlier allogeneic HSCT", when_true="prior allogeneic HSCT",
               when_false="no prior allogeneic HSCT"),
    FieldWords(name="hsct_planned", kind="bool", label="HSCT planned", long="HSCT planned",
               meaning="HSCT intended after this therapy", when_true="HSCT planned", when_false="no HSCT planned"),
    FieldWords(name="hsct_feasible", kind="bool", label="HSCT feasible", long="HSCT feasible",
               meaning="a candidate for HSCT", when_true="HSCT feasible", when_false="not an HSCT candidate"),
    FieldWords(name="dual_alkylator_conditioning", kind="bool", label="Dual alkylator",
               long="Dual-alkylator conditioning", meaning="conditioning with two alkylators",
               when_true="dual-alkylator conditioning planned", when_false="no dual-alkylator conditioning"),
    FieldWords(name="bilirubin_x_uln", kind="number", label="Bilirubin", long="Bilirubin (× ULN)",
               meaning="bilirubin as a multiple of the upper limit of normal", minimum=0, maximum=100,
               unit="× ULN"),
    FieldWords(name="planned_ino_cycles", kind="integer", label="InO cycles", long="Planned InO cycles",
               meaning="InO cycles intended", minimum=1, maximum=6),
    FieldWords(name="t_cell_dysfunction", kind="bool", label="T-cell dysfunction", long="T-cell dysfunction",
               meaning="poor T-cell number or function", when_true="T-cell dysfunction",
               when_false="T cells adequate"),
    FieldWords(name="rapidly_progressive", kind="bool", label="Rapidly progressive",
               long="Rapidly progressive disease", meaning="needs disease control within weeks",
               when_true="rapidly progressive disease", when_false="not rapidly progressive"),
    FieldWords(name="prior_car_t_manufacturing_failure", kind="bool", label="CAR T mfg failure",
               long="Prior CAR T manufacturing failure", meaning="an earlier CAR T product could not be made",
               when_true="an earlier CAR T product failed manufacturing",
               when_false="no earlier CAR T manufacturing failure"),
    FieldWords(name="prefers_no_pump", kind="bool", label="Prefers no pump", long="Prefers no infusion pump",
               meaning="does not want a continuous-infusion pump", when_true="prefers not to carry a pump",
               when_false="accepts an infusion pump"),
)

FIELDS: dict[str, FieldWords] = {f.name: f for f in _FIELDS}
PROFILE_FIELDS: tuple[str, ...] = tuple(FIELDS)
# Most decisive first: the order in which missing facts are asked for.
ASK_ORDER: tuple[str, ...] = ("age_years", "disease_status", "cd22_positive_pct", "cd19", "marrow_blasts_pct")


def number_range(name: str) -> tuple[float, float]:
    words = FIELDS[name]
    if words.minimum is None or words.maximum is None:
        raise KeyError(f"{name} is not a numeric field")
    return (words.minimum, words.maximum)


def describe(name: str, value: object) -> str:
    """A fact as an answer says it: "age 45", "Ph-negative", "marrow blasts 80%", "not an HSCT candidate"."""
    words = FIELDS.get(name)
    if words is None:
        return f"{name} {value}"
    if words.kind == "bool" and isinstance(value, bool):
        return words.when_true if value else words.when_false
    if words.kind == "choice":
        return words.choices.get(str(value), str(value))
    if words.kind == "multi":
        items = [words.choices.get(str(v), str(v)) for v in (value or [])]  # type: ignore[attr-defined]
        return "prior " + ", ".join(items) if items else "no prior therapies"
    if name == "age_years":
        return f"age {value:g}" if isinstance(value, float) else f"age {value}"
    if name == "bilirubin_x_uln":
        # A plain "x", not the times sign: text messages stay in the GSM-7 alphabet (twice the room).
        return f"bilirubin {value:g} x ULN" if isinstance(value, int | float) else f"bilirubin {value}"
    if name == "planned_ino_cycles":
        return f"{value} InO cycles planned"
    number = f"{value:g}" if isinstance(value, int | float) else str(value)
    return f"{phrase(name)} {number}{words.unit}"


def phrase(name: str) -> str:
    """The field as a sentence names it: "marrow blasts", "CD22-positive blasts", "prior allogeneic HSCT"."""
    text = FIELDS[name].long.split(" (")[0]
    # "Marrow blasts" reads as "marrow blasts" mid-sentence; "CD22-positive blasts" keeps its capitals.
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def as_json() -> dict[str, object]:
    """The vocabulary for clients (``GET /v1/vocabulary``): fields in profile order, agents in fixed order."""
    return {
        "fields": [f.model_dump() for f in _FIELDS],
        "agents": [{"key": k, "name": v, "short": AGENT_SHORT[k]} for k, v in AGENT_NAMES.items()],
        "ask_order": list(ASK_ORDER),
    }
