"""POST /v1/assess: the deterministic assessment of one patient profile (api-contract.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.errors import ErrorResponse
from tools.assess import assess
from tools.flags import Assessment
from tools.profile import PatientProfile
from tools.rules.label_editions import Edition

router = APIRouter(tags=["assess"])


@router.post(
    "/v1/assess",
    response_model=Assessment,
    responses={
        400: {"model": ErrorResponse, "description": "The body is not valid JSON"},
        422: {"model": ErrorResponse, "description": "Invalid profile; `fields` names each problem"},
    },
    summary="Assess blinatumomab, inotuzumab ozogamicin and tisagenlecleucel for one patient",
)
async def post_assess(
    profile: PatientProfile,
    edition: Annotated[
        Edition,
        Query(description="Which label edition the label flags follow: the review's (2020) or the current "
                          "one (the updates source). Both editions' statuses are returned either way."),
    ] = "review-2020",
) -> Assessment:
    # Pure and sub-millisecond, so it runs on the event loop rather than a worker thread.
    return assess(profile, edition=edition)
