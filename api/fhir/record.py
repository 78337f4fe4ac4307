"""A FHIR R4 record (resources from prefetch or a FHIR server) read into a PatientProfile.

Every mapped fact keeps its source (resource, code, date). Where several observations give one field,
the newest wins; if the newest cannot be read, the field stays unknown rather than falling back to an
older value, which may no longer be true. Whatever is not mapped is listed with the reason.

Resources are parsed with fhir.resources' R4B models: R4B is R4's technical correction and reads R4
Patient, Observation, Condition, Procedure and Medication* resources unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import BaseModel, Field, ValidationError

from tools.profile import PatientProfile, describe_problems

from .table import Entry, MappingTable
from .values import Unusable, read_value

_VOID = frozenset({"entered-in-error", "cancelled", "not-done", "not-taken", "draft", "unknown"})
_MEDICATIONS = ("MedicationAdministration", "MedicationRequest", "MedicationStatement")


class FactSource(BaseModel):
    resource: str = Field(description="Type/id of the resource, e.g. Observation/obs-1")
    code: str = Field(description="system|code that matched, or 'text: ...' when matched by code.text")
    date: str | None = Field(default=None, description="Effective date of the resource, if any")


class MappedFact(BaseModel):
    field: str
    value: Any
    sources: list[FactSource] = Field(description="Where the value came from; the first is the newest")
    superseded: list[FactSource] = Field(default_factory=list, description="Older values of this field")


class Unmapped(BaseModel):
    resource: str
    code: str
    field: str | None = None
    reason: str


class MappedRecord(BaseModel):
    patient_id: str | None
    in_scope: bool = Field(description="A B-ALL Condition is in the record")
    scope_source: FactSource | None = None
    profile: PatientProfile
    facts: list[MappedFact]
    unmapped: list[Unmapped]


def parse_resources(items: Iterable[dict[str, Any]]) -> tuple[list[Any], list[Unmapped]]:
    """FHIR JSON (resources or searchset Bundles) as models; unreadable resources are listed, not fatal."""
    parsed: list[Any] = []
    problems: list[Unmapped] = []
    for item in items:
        kind = item.get("resourceType")
        if kind == "Bundle":
            inner = [e.get("resource") for e in item.get("entry") or [] if isinstance(e, dict)]
            more, bad = parse_resources(r for r in inner if isinstance(r, dict))
            parsed += more
            problems += bad
            continue
        label = f"{kind}/{item.get('id', '?')}"
        try:
            parsed.append(get_fhir_model_class(str(kind)).model_validate(item))
        except (KeyError, ValueError, ValidationError) as exc:
            reason = f"not a readable FHIR R4 resource: {str(exc).splitlines()[0][:200]}"
            problems.append(Unmapped(resource=label, code="", reason=reason))
    return parsed, problems


def _label(resource: Any) -> str:
    return f"{resource.get_resource_type()}/{resource.id or '?'}"


def _date(resource: Any) -> dt.date | None:
    for name in ("effectiveDateTime", "performedDateTime", "occurrenceDateTime", "authoredOn", "recordedDate",
                 "issued", "onsetDateTime"):
        value = getattr(resource, name, None)
        if value is not None:
            return value if type(value) is dt.date else value.date() if isinstance(value, dt.datetime) else None
    for name in ("effectivePeriod", "performedPeriod"):
        period = getattr(resource, name, None)
        if period is not None and (period.end or period.start):
            value = period.end or period.start
            return value.date() if isinstance(value, dt.datetime) else value
    return None


def _match(entry: Entry, concept: Any) -> str | None:
    """How ``concept`` matches ``entry``: 'system|code', 'text: ...', or None."""
    if concept is None:
        return None
    for coding in concept.coding or []:
        for code in entry.codes:
            if coding.system == code.system and coding.code == code.code:
                return str(code)
    if entry.matches_text(concept.text):
        return f"text: {concept.text} (no known code; matched by its text)"
    return None


def _first_match(entries: Sequence[Any], concept: Any) -> tuple[Any, str] | None:
    for entry in entries:
        how = _match(entry, concept)
        if how is not None:
            return entry, how
    return None


def _age(patient: Any, today: dt.date) -> tuple[float | None, str | None]:
    born = patient.birthDate
    if type(born) is not dt.date:
        return None, "birthDate is missing or not a full date"
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return float(years), None


class _Candidates:
    """Observation values per field, kept until the newest is chosen."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[tuple[dt.date | None, FactSource, Any, str | None]]] = {}

    def add(self, field: str, date: dt.date | None, source: FactSource, value: Any, problem: str | None) -> None:
        self.by_field.setdefault(field, []).append((date, source, value, problem))

    def choose(self) -> tuple[list[MappedFact], list[Unmapped]]:
        facts: list[MappedFact] = []
        unmapped: list[Unmapped] = []
        for field, found in self.by_field.items():
            found.sort(key=lambda c: (c[0] or dt.date.min, c[1].resource), reverse=True)
            (_, newest, value, problem), older = found[0], found[1:]
            for _, source, _, old_problem in older:
                if old_problem:
                    unmapped.append(Unmapped(resource=source.resource, code=source.code, field=field,
                                             reason=old_problem))
            if problem:
                reason = problem + ("; older values are not used in its place" if older else "")
                unmapped.append(Unmapped(resource=newest.resource, code=newest.code, field=field, reason=reason))
                continue
            facts.append(MappedFact(field=field, value=value, sources=[newest],
                                    superseded=[s for _, s, _, p in older if not p]))
        return facts, unmapped


def map_record(resources: Sequence[Any], *, table: MappingTable, today: dt.date) -> MappedRecord:
    facts: list[MappedFact] = []
    unmapped: list[Unmapped] = []
    candidates = _Candidates()
    therapies: dict[str, list[FactSource]] = {}
    hsct: list[FactSource] = []
    patient_id: str | None = None
    scope: FactSource | None = None
    for resource in resources:
        kind = resource.get_resource_type()
        if getattr(resource, "status", None) in _VOID:
            unmapped.append(Unmapped(resource=_label(resource), code="", reason=f"status {resource.status}"))
            continue
        date = _date(resource)
        when = date.isoformat() if date else None
        if kind == "Patient":
            patient_id = resource.id
            age, problem = _age(resource, today)
            source = FactSource(resource=_label(resource), code="birthDate", date=str(resource.birthDate or ""))
            if problem:
                unmapped.append(Unmapped(resource=source.resource, code="birthDate", field="age_years",
                                         reason=problem))
            else:
                facts.append(MappedFact(field="age_years", value=age, sources=[source]))
        elif kind == "Observation":
            found = _first_match(table.observations, resource.code)
            if found is None:
                continue  # not a fact this tool reads
            entry, how = found
            source = FactSource(resource=_label(resource), code=how, date=when)
            try:
                candidates.add(entry.field, date, source, read_value(entry.value, resource), None)
            except Unusable as exc:
                candidates.add(entry.field, date, source, None, str(exc))
        elif kind == "Condition":
            verification = resource.verificationStatus
            refuted = verification is not None and any(
                c.code in ("refuted", "entered-in-error") for c in verification.coding or [])
            found = _first_match(table.scope_conditions, resource.code)
            if found is not None and not refuted and scope is None:
                scope = FactSource(resource=_label(resource), code=found[1], date=when)
        elif kind == "Procedure":
            found = _first_match(table.procedures, resource.code)
            if found is not None and resource.status == "completed":
                hsct.append(FactSource(resource=_label(resource), code=found[1], date=when))
        elif kind in _MEDICATIONS:
            found = _first_match(table.medications, resource.medicationCodeableConcept)
            if found is not None:
                therapies.setdefault(found[0].therapy, []).append(
                    FactSource(resource=_label(resource), code=found[1], date=when))
            elif resource.medicationReference is not None:
                unmapped.append(Unmapped(resource=_label(resource), code="medicationReference",
                                         reason="medication given by reference; only coded medications are read"))
    chosen, problems = candidates.choose()
    facts += chosen
    unmapped += problems
    if hsct:
        facts.append(MappedFact(field="prior_hsct", value=True, sources=hsct))
    if therapies:
        # An absent medication leaves prior_therapies unknown: a record may simply not hold it.
        facts.append(MappedFact(field="prior_therapies", value=sorted(therapies),
                                sources=[s for sources in therapies.values() for s in sources]))
    profile, rejected = _profile(facts)
    unmapped += rejected
    return MappedRecord(
        patient_id=patient_id, in_scope=scope is not None, scope_source=scope, profile=profile,
        facts=[f for f in facts if f.field in profile.model_fields_set], unmapped=unmapped,
    )


def _profile(facts: list[MappedFact]) -> tuple[PatientProfile, list[Unmapped]]:
    """The profile of the facts; a value the profile rejects (out of range) is listed, not clamped."""
    values: dict[str, Any] = {}
    rejected: list[Unmapped] = []
    for fact in facts:
        try:
            PatientProfile.model_validate({fact.field: fact.value})
        except ValidationError as exc:
            source = fact.sources[0]
            rejected.append(Unmapped(resource=source.resource, code=source.code, field=fact.field,
                                     reason=describe_problems(exc)))
            continue
        values[fact.field] = fact.value
    return PatientProfile.model_validate(values), rejected
