"""FastAPI dependencies as Annotated aliases, so routes read like their signatures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.state import AppState
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.db.audit import AuditLog
    from assistant.engine import ChatEngine
    from assistant.sessions import SessionStore
    from knowledge.retrieval import HybridRetriever


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.rrall
    return state


def get_settings(state: Annotated[AppState, Depends(get_state)]) -> Settings:
    return state.settings


def get_retriever(state: Annotated[AppState, Depends(get_state)]) -> HybridRetriever:
    if state.retriever is None:
        raise ApiError(503, "The knowledge index is still loading; retry shortly.")
    return state.retriever


StateDep = Annotated[AppState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RetrieverDep = Annotated["HybridRetriever", Depends(get_retriever)]


def get_engine(state: Annotated[AppState, Depends(get_state)]) -> ChatEngine:
    engine = state.engine
    if engine is None:
        raise ApiError(503, "The knowledge index is still loading; retry shortly.")
    return engine


def get_store(state: Annotated[AppState, Depends(get_state)]) -> SessionStore:
    return state.store


EngineDep = Annotated["ChatEngine", Depends(get_engine)]
StoreDep = Annotated["SessionStore", Depends(get_store)]


@dataclass(frozen=True)
class Caller:
    """Who is calling, as the owner name stored on what they create (assistant.db.tables)."""

    owner: str
    admin: bool = False

    def may_read(self, owner: str) -> bool:
        return self.admin or owner == self.owner


@lru_cache(maxsize=8)
def _admin_ids(keys: tuple[str, ...]) -> frozenset[str]:
    # The same 8-hex key id api.security gives a principal.
    return frozenset(hashlib.sha256(k.encode("utf-8")).hexdigest()[:8] for k in keys)


def get_caller(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Caller:
    """The principal the access gate admitted (api.security). A widget key is also bound to its origin:
    the same public key used from two sites is two principals, so one site cannot read the other's."""
    label = str(getattr(request.state, "principal", "") or "local")
    kind, _, key_id = label.partition(":")
    if kind == "widget_key":
        origin = request.headers.get("origin", "").rstrip("/").lower()
        return Caller(owner=f"{label}@{origin}")
    return Caller(owner=label, admin=kind == "api_key" and key_id in _admin_ids(tuple(settings.admin_key_list)))


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_audit(state: Annotated[AppState, Depends(get_state)]) -> AuditLog:
    return state.audit


AuditDep = Annotated["AuditLog", Depends(get_audit)]
