"""CDS Hooks 2.0 wire models: discovery, the patient-view request, cards and feedback."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from tools.flags import SUMMARY_MAX_CHARS

from .table import MappingTable

SERVICE_ID = "rrall-agent-choice"
HOOK = "patient-view"
MEDICATION_KEYS = {
    "medicationAdministrations": "MedicationAdministration",
    "medicationRequests": "MedicationRequest",
    "medicationStatements": "MedicationStatement",
}


def prefetch_templates(table: MappingTable) -> dict[str, str]:
    """The FHIR queries the service reads; observations by the mapped codes only."""
    patient = "{{context.patientId}}"
    codes = ",".join(str(code) for code in table.observation_codes())
    return {
        "patient": f"Patient/{patient}",
        "observations": f"Observation?patient={patient}&code={codes}",
        "conditions": f"Condition?patient={patient}",
        "procedures": f"Procedure?patient={patient}",
        **{key: f"{kind}?patient={patient}" for key, kind in MEDICATION_KEYS.items()},
    }


class Service(BaseModel):
    hook: str
    id: str
    title: str
    description: str
    prefetch: dict[str, str]


class Discovery(BaseModel):
    services: list[Service]


def discovery(table: MappingTable) -> Discovery:
    return Discovery(services=[Service(
        hook=HOOK, id=SERVICE_ID, title="RR-ALL Navigator: agent choice",
        description=(
            "For a patient with relapsed/refractory B-ALL: whether blinatumomab, inotuzumab ozogamicin and "
            "tisagenlecleucel fit, with the warnings and critical flags of the rules and their cited evidence "
            "(Curran & O'Brien, Semin Hematol 2020; FDA labels as of 2020)."
        ),
        prefetch=prefetch_templates(table),
    )])


class PatientViewContext(BaseModel):
    model_config = ConfigDict(extra="allow")

    userId: str = Field(min_length=1, max_length=256)
    patientId: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]+$",
                           description="A FHIR id: letters, digits, '-' and '.'")
    encounterId: str | None = Field(default=None, max_length=64)


class FhirAuthorization(BaseModel):
    model_config = ConfigDict(extra="allow")

    access_token: str = Field(min_length=1, max_length=8192)
    token_type: Literal["Bearer"]
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    hook: Literal["patient-view"]
    hookInstance: str = Field(min_length=1, max_length=128)
    context: PatientViewContext
    fhirServer: HttpUrl | None = None
    fhirAuthorization: FhirAuthorization | None = None
    prefetch: dict[str, dict[str, Any] | None] | None = Field(
        default=None, description="FHIR resources or searchset Bundles by prefetch key; null for an empty one"
    )


class Coding(BaseModel):
    system: str
    code: str
    display: str | None = None


class CardSource(BaseModel):
    label: str
    url: str | None = None
    topic: Coding | None = None


class Link(BaseModel):
    label: str
    url: str
    type: Literal["absolute", "smart"]


class Card(BaseModel):
    uuid: str
    summary: str = Field(max_length=SUMMARY_MAX_CHARS - 1, description="Under 140 characters")
    indicator: Literal["info", "warning", "critical"]
    detail: str | None = Field(default=None, description="Markdown")
    source: CardSource
    links: list[Link] = Field(default_factory=list)
    overrideReasons: list[Coding] = Field(default_factory=list)


class CardsResponse(BaseModel):
    cards: list[Card]


class FeedbackItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    card: str = Field(min_length=1, max_length=128)
    outcome: Literal["accepted", "overridden"]
    overrideReason: dict[str, Any] | None = Field(default=None, description="{reason: Coding, userComment}")
    outcomeTimestamp: str = Field(min_length=1, max_length=64)


class FeedbackRequest(BaseModel):
    feedback: list[FeedbackItem] = Field(min_length=1, max_length=100)


class FeedbackAck(BaseModel):
    stored: int
