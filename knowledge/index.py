"""Open the knowledge index: the pack's chromadb collection and the updates source's (each built on
first start, rebuilt when its content hash changes), any ingested sources found beside them, and the
BM25 index over all."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from knowledge.pack import KnowledgePack, default_pack
from knowledge.retrieval import HybridRetriever
from knowledge.schema import UPDATES_SOURCE
from knowledge.store import (
    REVIEW_SOURCE,
    IndexedPassage,
    NamedEmbedder,
    ensure_collection,
    stored_sources,
)

log = logging.getLogger("rrall.knowledge")
_BUILD_LOCK = threading.Lock()


@contextmanager
def _building(index_dir: Path) -> Iterator[None]:
    """One builder at a time: threads of this process, and the workers of `serve --workers N`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with _BUILD_LOCK, open(index_dir / ".build.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: threads are still serialised; workers rely on chromadb
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def chroma_client(*, index_dir: Path, chroma_url: str = "") -> ClientAPI:
    """An embedded store under ``index_dir``, or a Chroma server when ``chroma_url`` is set."""
    # No telemetry: the assistant makes no network calls of its own accord.
    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"chroma_url {chroma_url!r} must look like http://host:port")
        port = url.port or (443 if url.scheme == "https" else 8000)
        return chromadb.HttpClient(
            host=url.hostname, port=port, ssl=url.scheme == "https", settings=settings
        )
    path = index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def default_embedder() -> NamedEmbedder:
    from knowledge.embedder import MiniLMEmbeddingFunction

    return MiniLMEmbeddingFunction()


def open_retriever(
    *,
    index_dir: Path,
    chroma_url: str = "",
    pack: KnowledgePack | None = None,
    rebuild: bool = False,
    embedder: NamedEmbedder | None = None,
) -> HybridRetriever:
    """Build or load the index and return a retriever over it.

    The pack's collection is built on first start and whenever the pack's content hash (or the
    embedder) changes; ``rebuild=True`` forces it. Ingested sources stored earlier are reopened.
    """
    pack = pack or default_pack()
    embedder = embedder or default_embedder()
    with _building(index_dir):
        return _open(index_dir, chroma_url, pack, rebuild, embedder)


def _open(
    index_dir: Path, chroma_url: str, pack: KnowledgePack, rebuild: bool, embedder: NamedEmbedder
) -> HybridRetriever:
    client = chroma_client(index_dir=index_dir, chroma_url=chroma_url)
    retriever = HybridRetriever(client, embedder, cache_dir=index_dir)
    passages = [IndexedPassage.from_any(p, source=REVIEW_SOURCE) for p in pack.passages]
    collection, built = ensure_collection(
        client, source=REVIEW_SOURCE, passages=passages, embedder=embedder,
        source_hash=pack.content_hash, rebuild=rebuild,
    )
    retriever.attach(REVIEW_SOURCE, collection, passages)
    # Logged once the retriever can answer (attaching also loads the ranking signals).
    log.info("index %s: %s %d passages", collection.name, "built" if built else "loaded", len(passages))
    if len(pack.updates):
        # The updates layer is a second named source with its own collection, named after its own
        # content hash: editing an update rebuilds that collection and leaves the review's alone.
        updates = [IndexedPassage.from_any(p, source=UPDATES_SOURCE) for p in pack.updates]
        collection, built = ensure_collection(
            client, source=UPDATES_SOURCE, passages=updates, embedder=embedder,
            source_hash=pack.updates.content_hash, rebuild=rebuild,
        )
        log.info("index %s: %s %d passages", collection.name, "built" if built else "loaded", len(updates))
        retriever.attach(UPDATES_SOURCE, collection, updates)
    for stored in stored_sources(client):
        collection, built = ensure_collection(
            client, source=stored.source, passages=list(stored.passages), embedder=embedder,
            source_hash=stored.source_hash, rebuild=rebuild,
        )
        retriever.attach(stored.source, collection, stored.passages)
    return retriever
