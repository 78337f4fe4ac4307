"""The hybrid retriever as a langchain-core ``BaseRetriever``, for chains and agents built on langchain."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field


class PassageRetriever(BaseRetriever):
    """Documents are passages; metadata carries what a citation needs (passage_id, section, refs)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any = Field(description="a knowledge.retrieval.HybridRetriever")
    k: int = Field(default=5, ge=1, le=50)
    filters: dict[str, Any] = Field(default_factory=dict, description="agents, sections, source, mode")

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, **self.filters)
        return [
            Document(
                id=hit.passage_id,
                page_content=hit.text,
                metadata={
                    "passage_id": hit.passage_id,
                    "section": hit.section,
                    "refs": list(hit.refs),
                    "agents": list(hit.agents),
                    "source": hit.source,
                    "score": hit.score,
                },
            )
            for hit in hits
        ]
