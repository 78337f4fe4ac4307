"""A library of synthetic FHIR R4 records, built with fhir.resources (R4B models), for the CDS Hooks tests:
children and adults, missing data, conflicting observations, wrong units, out of scope, text-only codes.

Each record is a prefetch dict (the keys of the service's prefetch templates) so it can be sent as
prefetch, or served by the loopback FHIR server (tests/integrations/fhir_server.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.resource import Resource

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
LOCAL = "urn:rrall-navigator:fhir-local"


def _concept(system: str | None, code: str | None, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if system and code:
        concept["coding"] = [{"system": system, "code": code}]
    if text:
        concept["text"] = text
    return concept


@dataclass
class Record:
    name: str
    patient_id: str
    resources: list[Resource] = field(default_factory=list)
    _count: int = 0

    def _id(self, kind: str) -> str:
        self._count += 1
        return f"{self.patient_id}-{kind}-{self._count}"

    def _subject(self) -> dict[str, str]:
        return {"reference": f"Patient/{self.patient_id}"}

    def patient(self, birth_date: str) -> Record:
        self.resources.append(Patient(id=self.patient_id, birthDate=birth_date))
        return self

    def condition(self, system: str | None, code: str | None, text: str | None = None) -> Record:
        self.resources.append(Condition(id=self._id("cond"), subject=self._subject(), code=_concept(system, code, text),
                                        recordedDate="2025-11-02"))
        return self

    def quantity(self, code: str, value: float, unit: str, date: str, *, system: str = LOINC,
                 high: tuple[float, str] | None = None, text: str | None = None) -> Record:
        observation: dict[str, Any] = {
            "id": self._id("obs"), "status": "final", "subject": self._subject(), "effectiveDateTime": date,
            "code": _concept(system if code else None, code or None, text),
            "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        }
        if high is not None:
            observation["referenceRange"] = [{"high": {"value": high[0], "unit": high[1], "system": UCUM,
                                                       "code": high[1]}}]
        self.resources.append(Observation(**observation))
        return self

    def coded(self, code: str, result: str, date: str, *, system: str = LOINC) -> Record:
        self.resources.append(Observation(
            id=self._id("obs"), status="final", subject=self._subject(), effectiveDateTime=date,
            code=_concept(system, code), valueCodeableConcept={"text": result},
        ))
        return self

    def procedure(self, system: str, code: str, date: str, status: str = "completed") -> Record:
        self.resources.append(Procedure(id=self._id("proc"), status=status, subject=self._subject(),
                                        code=_concept(system, code), performedDateTime=date))
        return self

    def given(self, rxnorm: str, date: str) -> Record:
        self.resources.append(MedicationAdministration(
            id=self._id("medadmin"), status="completed", subject=self._subject(),
            medicationCodeableConcept=_concept(RXNORM, rxnorm), effectiveDateTime=date,
        ))
        return self

    def ordered(self, rxnorm: str, date: str) -> Record:
        self.resources.append(MedicationRequest(
            id=self._id("medreq"), status="completed", intent="order", subject=self._subject(),
            medicationCodeableConcept=_concept(RXNORM, rxnorm), authoredOn=date,
        ))
        return self

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [_json(r) for r in self.resources if r.get_resource_type() == kind]

    def prefetch(self) -> dict[str, Any]:
        """The record as the EHR would prefetch it: one resource, then searchset Bundles (null when empty)."""
        patients = self.of_type("Patient")
        keys = {"observations": "Observation", "conditions": "Condition", "procedures": "Procedure",
                "medicationAdministrations": "MedicationAdministration", "medicationRequests": "MedicationRequest",
                "medicationStatements": "MedicationStatement"}
        prefetch: dict[str, Any] = {"patient": patients[0] if patients else None}
        for key, kind in keys.items():
            found = self.of_type(kind)
            prefetch[key] = searchset(found) if found else None
        return prefetch


def _json(resource: Resource) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource.model_dump_json())
    return data


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    bundle = Bundle(type="searchset", total=len(resources), entry=[{"resource": r} for r in resources])
    return _json(bundle)


def b_all(record: Record) -> Record:
    return record.condition(SNOMED, "277571004")


def library() -> dict[str, Record]:
    records = [
        b_all(Record("adult_first_relapse_high_burden", "adult-1").patient("1991-03-14"))
        .quantity("11150-0", 82, "%", "2026-05-20")
        .coded("32525-8", "positive", "2026-05-20")
        .quantity("14017-8", 96, "%", "2026-05-20")
        .quantity("1975-2", 0.8, "mg/dL", "2026-05-21", high=(1.2, "mg/dL"))
        .coded("disease-status", "first relapse", "2026-05-20", system=LOCAL),
        b_all(Record("child_refractory_cd22_negative", "child-1").patient("2016-09-02"))
        .quantity("11150-0", 35, "%", "2026-05-10")
        .coded("32525-8", "dim", "2026-05-10")
        .quantity("cd22-marrow-blasts", 0, "%", "2026-05-10", system=LOCAL)
        .coded("disease-status", "refractory", "2026-05-10", system=LOCAL)
        .coded("cns-involvement", "yes", "2026-05-11", system=LOCAL)
        .given("1597258", "2025-12-01"),
        b_all(Record("older_adult_after_hsct_sos_risk", "older-1").patient("1966-01-30"))
        .quantity("11150-0", 12, "%", "2026-04-28")
        .quantity("14017-8", 91, "%", "2026-04-28")
        .quantity("1975-2", 38, "umol/L", "2026-04-29", high=(21, "umol/L"))
        .coded("disease-status", "second relapse", "2026-04-28", system=LOCAL)
        .procedure(SNOMED, "234336002", "2024-07-15")
        .ordered("1942950", "2025-10-03"),
        b_all(Record("missing_data", "sparse-1").patient("1984-06-11")),
        b_all(Record("conflicting_observations", "conflict-1").patient("1979-11-23"))
        .quantity("11150-0", 20, "%", "2026-01-05")
        .quantity("11150-0", 74, "%", "2026-05-02")
        .quantity("14017-8", 95, "%", "2026-01-05")
        .quantity("14017-8", 40, "%", "2026-05-02")
        .coded("disease-status", "first relapse", "2026-05-02", system=LOCAL),
        b_all(Record("wrong_units", "units-1").patient("1995-02-17"))
        .quantity("11150-0", 3.1, "10*9/L", "2026-05-15")
        .quantity("32525-8", 15, "%", "2026-05-15")
        .quantity("1975-2", 1.1, "g", "2026-05-15", high=(1.2, "mg/dL"))
        .quantity("72313-0", 0, "{ratio}", "2026-05-15")
        .quantity("14017-8", 130, "%", "2026-05-15"),
        Record("out_of_scope_aml", "aml-1").patient("1970-08-08").condition(SNOMED, "91861009")
        .quantity("11150-0", 60, "%", "2026-05-01"),
        # The patient of the patient-view request example in the CDS Hooks specification.
        Record("spec_example_patient", "1288992").patient("1925-12-23"),
        Record("codes_by_text_only", "text-1").patient("2004-04-04").condition(None, None, "B-ALL")
        .quantity("", 65, "%", "2026-05-03", text="Bone marrow blasts")
        .given("2044973", "2025-09-09"),
    ]
    return {r.name: r for r in records}
