"""Reading one Observation's value as a profile value, by the entry's value kind. A value that cannot
be read safely raises ``Unusable`` with the reason: units are converted only where the conversion is
exact and known, never guessed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tools.profile import CD19_SYNONYMS, DISEASE_STATUS_SYNONYMS

from .table import ValueKind

_PERCENT_UNITS = frozenset({"%", "/100", "/100{cells}", "%{cells}", "percent"})
# Bilirubin to mg/dL: 1 mg/dL = 17.1 umol/L (molar mass 584.7 g/mol); mg/L is a tenth of mg/dL.
_BILIRUBIN_TO_MG_DL = {"mg/dl": 1.0, "umol/l": 1 / 17.1, "µmol/l": 1 / 17.1, "μmol/l": 1 / 17.1, "mg/l": 0.1}
_TRUE = frozenset({"true", "yes", "present", "positive", "detected", "y"})
_FALSE = frozenset({"false", "no", "absent", "negative", "not detected", "n"})


class Unusable(ValueError):
    """The observation's value cannot become a profile value; the message says why."""


def _unit(quantity: Any) -> str:
    return str(quantity.code or quantity.unit or "").strip()


def _quantity(observation: Any) -> tuple[float, str]:
    quantity = observation.valueQuantity
    if quantity is None or quantity.value is None:
        raise Unusable("no numeric result (valueQuantity)")
    if quantity.comparator:
        raise Unusable(f"the result is a bound ({quantity.comparator}{quantity.value}), not a value")
    return float(Decimal(quantity.value)), _unit(quantity)


def _words(observation: Any) -> list[str]:
    """The result as words: valueString, a CodeableConcept's text, its codings' codes and displays."""
    words: list[str] = []
    if observation.valueString:
        words.append(observation.valueString)
    concept = observation.valueCodeableConcept
    if concept is not None:
        if concept.text:
            words.append(concept.text)
        for coding in concept.coding or []:
            words += [w for w in (coding.display, coding.code) if w]
    return [w.strip().lower().replace("_", " ").replace("-", " ") for w in words]


def _boolean_words(observation: Any) -> bool:
    if observation.valueBoolean is not None:
        return bool(observation.valueBoolean)
    for word in _words(observation):
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise Unusable("no yes/no result (valueBoolean, or a coded or text positive/negative)")


def percent(observation: Any) -> float:
    value, unit = _quantity(observation)
    if unit not in _PERCENT_UNITS:
        raise Unusable(f"unit {unit or '(none)'!r} cannot be converted to a percentage")
    return value


def times_uln(observation: Any) -> float:
    value, unit = _quantity(observation)
    ranges = [r for r in observation.referenceRange or [] if r.high is not None and r.high.value is not None]
    if not ranges:
        raise Unusable("no upper limit of normal (referenceRange.high) to divide by")
    high = ranges[0].high
    factor, high_factor = _BILIRUBIN_TO_MG_DL.get(unit.lower()), _BILIRUBIN_TO_MG_DL.get(_unit(high).lower())
    if factor is None:
        raise Unusable(f"unit {unit or '(none)'!r} is not a bilirubin unit this service converts")
    if high_factor is None:
        raise Unusable(f"the upper limit's unit {_unit(high) or '(none)'!r} is not a bilirubin unit")
    upper = float(Decimal(high.value)) * high_factor
    if upper <= 0:
        raise Unusable("the upper limit of normal is not positive")
    return round(value * factor / upper, 2)


def ratio_present(observation: Any) -> bool:
    if observation.valueQuantity is not None:
        value, _ = _quantity(observation)  # a ratio above 0 means the transcript is there, whatever the unit
        return value > 0
    return _boolean_words(observation)


def ratio_positive_only(observation: Any) -> bool:
    if ratio_present(observation):
        return True
    raise Unusable("negative for the AFF1 partner only; other KMT2A rearrangements are not ruled out")


def cd19_result(observation: Any) -> str:
    if observation.valueQuantity is not None:
        value, unit = _quantity(observation)
        raise Unusable(
            f"{value:g} {unit} is the share of all marrow cells (antigen load), not whether the blasts "
            "express CD19; quoted, not mapped"
        )
    for word in _words(observation):
        if word in CD19_SYNONYMS:
            return CD19_SYNONYMS[word]
    raise Unusable("the result is not positive, dim or negative")


def disease_status(observation: Any) -> str:
    for word in _words(observation):
        key = word.replace("_", " ")
        if key in DISEASE_STATUS_SYNONYMS:
            return DISEASE_STATUS_SYNONYMS[key]
    raise Unusable("not one of refractory, first relapse, second or later relapse, MRD-positive")


def boolean(observation: Any) -> bool:
    return _boolean_words(observation)


READERS: dict[ValueKind, Any] = {
    "percent": percent,
    "times_uln": times_uln,
    "ratio_present": ratio_present,
    "ratio_positive_only": ratio_positive_only,
    "cd19_result": cd19_result,
    "disease_status": disease_status,
    "boolean": boolean,
}


def read_value(kind: ValueKind, observation: Any) -> Any:
    reader = READERS[kind]
    return reader(observation)
