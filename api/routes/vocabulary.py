"""GET /v1/vocabulary: the profile's fields and the agents as every surface names them (tools.vocabulary).

The widget builds its fact chips and editors from this, so a label changed in one place changes
everywhere; integrations can use it to label the profile fields they send.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tools.vocabulary import as_json

router = APIRouter(tags=["vocabulary"])


class VocabularyField(BaseModel):
    name: str
    kind: str = Field(description="number, integer, bool, choice or multi")
    label: str
    long: str
    meaning: str
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    choices: dict[str, str] = Field(default_factory=dict)
    when_true: str = ""
    when_false: str = ""
    ask: str = ""
    decisive_for: list[str] = Field(default_factory=list)


class VocabularyAgent(BaseModel):
    key: str
    name: str
    short: str


class Vocabulary(BaseModel):
    fields: list[VocabularyField]
    agents: list[VocabularyAgent]
    ask_order: list[str] = Field(description="Missing facts are asked for in this order, most decisive first")


@router.get("/v1/vocabulary", response_model=Vocabulary, summary="Profile fields and agents, as labelled")
def vocabulary() -> Vocabulary:
    return Vocabulary.model_validate(as_json())
