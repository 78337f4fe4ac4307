"""Build the chat engine from settings: the one place that wires store, index and pack together."""

from __future__ import annotations

from datetime import timedelta

from assistant.engine import ChatEngine
from assistant.llm import LLMAnswerer, load_chat_model
from assistant.sessions import SessionStore
from assistant.settings import Settings
from knowledge.pack import default_pack


def open_store(settings: Settings) -> SessionStore:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # 0 days keeps no transcript past the next purge (the setting's documented meaning), not "forever".
    return SessionStore(
        settings.session_database_url,
        ttl=timedelta(minutes=settings.session_ttl_minutes),
        retention=timedelta(days=settings.transcript_retention_days),
    )


def build_engine(settings: Settings) -> ChatEngine:
    from knowledge.index import open_retriever

    retriever = open_retriever(index_dir=settings.index_dir, chroma_url=settings.chroma_url)
    pack = default_pack()
    model = load_chat_model(settings)
    llm = LLMAnswerer(model, pack=pack, retriever=retriever) if model is not None else None
    return ChatEngine(pack=pack, store=open_store(settings), retriever=retriever, llm=llm)
