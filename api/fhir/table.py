"""The FHIR mapping table: which codes feed which profile field, as data (mapping.yaml), extended by a
hospital's own file (RRALL_FHIR_MAPPING_FILE, same shape). An entry of the hospital file whose system
and code match a default entry replaces it; others are added."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.profile import PROFILE_FIELDS, PriorTherapy

ValueKind = Literal[
    "percent", "times_uln", "ratio_present", "ratio_positive_only", "cd19_result", "disease_status", "boolean"
]


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    code: str

    def __str__(self) -> str:
        return f"{self.system}|{self.code}"


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    codes: tuple[Code, ...] = Field(min_length=1)
    display: str
    texts: tuple[str, ...] = Field(default=(), description="code.text accepted when no coding matches")
    source: str = Field(description="Where the code was checked, or 'local'")

    def matches_text(self, text: str | None) -> bool:
        return text is not None and text.strip().lower() in {t.lower() for t in self.texts}


class ObservationEntry(Entry):
    field: str
    value: ValueKind

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in PROFILE_FIELDS:
            raise ValueError(f"unknown profile field {value!r}")
        return value


class ProcedureEntry(Entry):
    field: Literal["prior_hsct"]


class MedicationEntry(Entry):
    therapy: PriorTherapy


class MappingTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    local_system: str
    observations: tuple[ObservationEntry, ...] = ()
    scope_conditions: tuple[Entry, ...] = ()
    procedures: tuple[ProcedureEntry, ...] = ()
    medications: tuple[MedicationEntry, ...] = ()

    def extended(self, extra: MappingTable) -> MappingTable:
        return MappingTable(
            local_system=self.local_system,
            observations=_merge(self.observations, extra.observations),
            scope_conditions=_merge(self.scope_conditions, extra.scope_conditions),
            procedures=_merge(self.procedures, extra.procedures),
            medications=_merge(self.medications, extra.medications),
        )

    def observation_codes(self) -> list[Code]:
        return [code for entry in self.observations for code in entry.codes]


E = TypeVar("E", bound=Entry)


def _merge(defaults: tuple[E, ...], extra: tuple[E, ...]) -> tuple[E, ...]:
    replaced = {code for entry in extra for code in entry.codes}
    kept = [e for e in defaults if not replaced.intersection(e.codes)]
    return (*kept, *extra)


class MappingFileError(ValueError):
    """The hospital's mapping file cannot be read; the message names the file and the problem."""


def _read(text: str, origin: str, *, partial: bool) -> MappingTable:
    data = yaml.safe_load(text) or {}
    if partial and isinstance(data, dict):
        data.setdefault("local_system", "")
    try:
        return MappingTable.model_validate(data)
    except ValueError as exc:
        raise MappingFileError(f"{origin}: {exc}") from exc


@lru_cache(maxsize=8)
def load_mapping(extra_file: str = "") -> MappingTable:
    """The default table, extended by ``extra_file`` when one is configured."""
    default = _read((resources.files("api.fhir") / "mapping.yaml").read_text(encoding="utf-8"), "mapping.yaml",
                    partial=False)
    if not extra_file:
        return default
    path = Path(extra_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingFileError(f"{path}: {exc.strerror}") from exc
    return default.extended(_read(text, str(path), partial=True))
