"""What the app holds while it runs: settings and the knowledge index once it has loaded."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from knowledge.retrieval import HybridRetriever

log = logging.getLogger("rrall.api")


@dataclass
class AppState:
    settings: Settings
    retriever: HybridRetriever | None = None
    load_error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
                self.retriever = open_retriever(
                    index_dir=self.settings.index_dir, chroma_url=self.settings.chroma_url
                )
            except Exception as exc:  # surfaced by /readyz, never as a crash
                log.exception("knowledge index failed to load")
                self.load_error = f"{type(exc).__name__}: {exc}"
