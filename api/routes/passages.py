"""GET /v1/passages/{passage_id}: one passage of the knowledge pack with its full references (the URL
that CDS Hooks cards and MCP resources point to)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.errors import ApiError, ErrorResponse
from knowledge.pack import default_pack

router = APIRouter(prefix="/v1", tags=["search"])


class Reference(BaseModel):
    number: int
    citation: str = Field(description="The full reference as one line")


class PassageResponse(BaseModel):
    passage_id: str
    section: str
    text: str
    agents: list[str]
    topics: list[str]
    references: list[Reference] = Field(description="The review's references this passage rests on, in full")


@router.get(
    "/passages/{passage_id}",
    response_model=PassageResponse,
    responses={404: {"model": ErrorResponse, "description": "No passage of that id"}},
    summary="One passage of the review, with its references",
)
def passage(passage_id: Annotated[str, Path(max_length=64)]) -> PassageResponse:
    pack = default_pack()
    found = pack.get(passage_id)
    if found is None:
        raise ApiError(404, f"No passage {passage_id!r}; ids come from /v1/search, citations and tool results.")
    return PassageResponse(
        passage_id=found.id, section=found.section, text=found.text, agents=list(found.agents),
        topics=list(found.topics),
        references=[Reference(number=n, citation=pack.references[n].citation) for n in found.refs
                    if n in pack.references],
    )
