"""POST /v1/assess: the deterministic assessment of one patient profile (api-contract.md)."""

from __future__ import annotations

from fastapi import APIRouter

from api.errors import ErrorResponse
from tools.assess import assess
from tools.flags import Assessment
from tools.profile import PatientProfile

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
async def post_assess(profile: PatientProfile) -> Assessment:
    # Pure and sub-millisecond, so it runs on the event loop rather than a worker thread.
    return assess(profile)
