"""What the app holds while it runs: settings and the knowledge index once it has loaded."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from api.observability import observe_engine, observe_retriever
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.db.audit import AuditLog
    from assistant.engine import ChatEngine
    from assistant.sessions import SessionStore
    from knowledge.retrieval import HybridRetriever

log = logging.getLogger("rrall.api")


@dataclass
class AppState:
    settings: Settings
    retriever: HybridRetriever | None = None
    load_error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _store: SessionStore | None = None
    _engine: ChatEngine | None = None
    _audit: AuditLog | None = None

    @property
    def store(self) -> SessionStore:
        if self._store is None:
            from assistant.runtime import open_store

            self._store = open_store(self.settings)
        return self._store

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            from assistant.db.audit import AuditLog

            self._audit = AuditLog(self.store.engine)
        return self._audit

    @property
    def engine(self) -> ChatEngine | None:
        """The chat engine, once the index is ready (answers need retrieval)."""
        if self._engine is None and self.retriever is not None:
            from assistant.engine import ChatEngine
            from assistant.llm import LLMAnswerer, load_chat_model
            from knowledge.pack import default_pack

            pack = default_pack()
            model = load_chat_model(self.settings)
            llm = LLMAnswerer(model, pack=pack, retriever=self.retriever) if model is not None else None
            self._engine = observe_engine(ChatEngine(pack=pack, store=self.store, retriever=self.retriever, llm=llm))
        return self._engine

    @property
    def ready(self) -> bool:
        return self.retriever is not None

    def load_knowledge(self) -> None:
        """Build or open the index; called once in a background thread at start-up."""
        from knowledge.index import open_retriever

        with self._lock:
            if self.retriever is not None:
                return
            try:
                self.retriever = observe_retriever(
                    open_retriever(index_dir=self.settings.index_dir, chroma_url=self.settings.chroma_url)
                )
                # The moment answers can be given (the indexes log "loaded" earlier, before the second
                # stage is fitted or read): what a supervisor or a test waits for.
                log.info("knowledge ready", extra={"passages": len(self.retriever)})
            except Exception as exc:  # surfaced by /readyz, never as a crash
                log.exception("knowledge index failed to load")
                self.load_error = f"{type(exc).__name__}: {exc}"
