"""CDS Hooks 2.0: GET /cds-services (discovery), POST /cds-services/rrall-agent-choice (patient-view
cards from a FHIR R4 record) and POST /cds-services/rrall-agent-choice/feedback.

Behind the same keys and rate limits as /v1 (api/middleware.py). A malformed hook request is a 400 in
the one error shape, naming the field (CDS Hooks clients expect 400, not 422)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from api.cached import per_app
from api.channels.links import ChannelLinks
from api.deps import SettingsDep, StateDep, get_caller
from api.errors import ApiError, ErrorResponse, error_response, validation_fields
from api.fhir.cards import build_cards
from api.fhir.feedback import FeedbackStore
from api.fhir.fetch import gather
from api.fhir.hooks import (
    SERVICE_ID,
    CardsResponse,
    Discovery,
    FeedbackAck,
    FeedbackRequest,
    HookRequest,
    discovery,
    prefetch_templates,
)
from api.fhir.record import MappedRecord, Unmapped, map_record, parse_resources
from api.fhir.table import MappingFileError, MappingTable, load_mapping
from api.state import AppState
from knowledge.pack import default_pack
from tools.assess import assess

log = logging.getLogger("rrall.cds")
_LINKS = "cds-hooks"  # the channel_links platform of EHR patients -> widget sessions


class HookRoute(APIRoute):
    """Validation failures as 400 with the fields named, as CDS Hooks asks of a bad request."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                fields = validation_fields(list(exc.errors()))
                summary = "; ".join(f"{f.field}: {f.problem}" for f in fields[:3])
                return error_response(400, f"Invalid CDS Hooks request: {summary}", code="invalid_hook_request",
                                      fields=fields)

        return checked


router = APIRouter(prefix="/cds-services", tags=["cds-hooks"], route_class=HookRoute)
_BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Not a valid request; `fields` names each problem"},
    404: {"model": ErrorResponse, "description": "No service of that id"}}


def _table(settings: Any) -> MappingTable:
    try:
        return load_mapping(settings.fhir_mapping_file)
    except MappingFileError as exc:
        log.error("FHIR mapping file unusable: %s", exc)
        raise ApiError(503, f"The FHIR mapping file is not usable: {exc}") from exc


def _known(service_id: str) -> None:
    if service_id != SERVICE_ID:
        raise ApiError(404, f"No CDS service {service_id!r}; this server offers {SERVICE_ID!r}.")


@router.get("", response_model=Discovery, summary="CDS Hooks discovery")
async def services(settings: SettingsDep) -> Discovery:
    return discovery(_table(settings))


@router.post(
    "/{service_id}",
    response_model=CardsResponse,
    responses={**_BAD, 412: {"model": ErrorResponse, "description": "Neither prefetch nor a FHIR server to read"}},
    summary="patient-view: cards for a FHIR R4 record",
)
async def call_service(
    service_id: str, body: HookRequest, request: Request, state: StateDep, settings: SettingsDep
) -> CardsResponse:
    _known(service_id)
    table = _table(settings)
    items, problems = await gather(body, prefetch_templates(table))
    if not items:
        raise ApiError(412, "No FHIR data: " + "; ".join(f"{k} {why}" for k, why in problems.items()),
                       code="precondition_failed")
    resources, unreadable = parse_resources(items)
    record = map_record(resources, table=table, today=dt.date.today())
    record.unmapped += unreadable + [Unmapped(resource=key, code="", reason=why) for key, why in problems.items()]
    base = (settings.public_base_url or str(request.base_url)).rstrip("/")
    assessment = assess(record.profile) if record.in_scope else None
    session_url = None
    if assessment is not None:
        principal = getattr(request.state, "principal", None)
        links = per_app(request, "conversation_links", lambda: ChannelLinks(state.store.engine))
        owner = get_caller(request, settings).owner
        session_id = await run_in_threadpool(_patient_session, state, links, record, body, principal, owner)
        session_url = f"{base}/widget?session={session_id}"
    cards = build_cards(record, assessment, pack=default_pack(), base_url=base, hook_instance=body.hookInstance,
                        session_url=session_url)
    return CardsResponse(cards=cards)


def _patient_session(
    state: AppState, links: ChannelLinks, record: MappedRecord, body: HookRequest, principal: str | None, owner: str
) -> str:
    """The chat session of this EHR patient (one per key, FHIR server and patient), with the record's facts
    over any the clinician added in the widget."""
    conversation = f"{principal or ''}|{body.fhirServer or 'prefetch'}|{body.context.patientId}"
    facts = record.profile.model_dump(mode="json", exclude_none=True)
    link = links.get(_LINKS, conversation)
    if link is not None and (session := state.store.get(link.session_id)) is not None:
        state.store.update_patient(session.id, {**session.patient, **facts})
        return session.id
    created = state.store.create(owner=owner)  # the caller's: its widget link opens it with the same key
    state.store.update_patient(created.id, facts)
    links.save(_LINKS, conversation, session_id=created.id, quiz=None, owner=owner)
    return created.id


@router.post("/{service_id}/feedback", response_model=FeedbackAck, responses=_BAD,
             summary="Feedback on cards: accepted or overridden")
async def feedback(service_id: str, body: FeedbackRequest, request: Request, state: StateDep) -> FeedbackAck:
    _known(service_id)
    store = per_app(request, "cds_feedback", lambda: FeedbackStore(state.store.engine))
    stored = await run_in_threadpool(store.add, service_id, body.feedback,
                                     principal=getattr(request.state, "principal", None))
    return FeedbackAck(stored=stored)
