"""FastAPI dependencies as Annotated aliases, so routes read like their signatures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.state import AppState
from assistant.settings import Settings

if TYPE_CHECKING:
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
