"""The chromadb side of the index: one collection per source, named after what built it.

A collection's name is derived from the source's content hash and the embedder's name, so a changed
pack or a new embedding model gets a fresh collection and the stale one for that source is deleted
(the idea paper-qa uses for its index names). chromadb metadata holds only scalars, so a passage's
agents are stored twice: as a comma-joined string to read back and as one boolean flag per agent
to filter on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from pydantic import BaseModel, ConfigDict

from knowledge.schema import AGENTS, UPDATES_SOURCE

log = logging.getLogger("rrall.knowledge")

REVIEW_SOURCE = "review"
# The dated updates layer (knowledge/updates, UPDATES_SOURCE) ships like the review: not an ingested source.
SHIPPED_SOURCES = frozenset({REVIEW_SOURCE, UPDATES_SOURCE})
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,38}[a-z0-9]$|^[a-z0-9]$")
_META_SOURCE = "rrall_source"
_META_HASH = "rrall_content_hash"
_META_EMBEDDER = "rrall_embedder"
_META_COUNT = "rrall_passages"


class NamedEmbedder(Protocol):
    """What the index needs of an embedding function: its vectors and a stable name."""

    def __call__(self, input: list[str]) -> Any: ...

    @staticmethod
    def name() -> str: ...


class IndexedPassage(BaseModel):
    """A passage as the index holds it, from the pack or from an ingested document."""

    model_config = ConfigDict(frozen=True)

    passage_id: str
    section: str
    text: str
    agents: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    refs: tuple[int, ...] = ()
    source: str = REVIEW_SOURCE
    # Questions the passage answers (pack passages only): embedded and matched beside the text.
    questions: tuple[str, ...] = ()

    @classmethod
    def from_any(cls, passage: Any, *, source: str) -> IndexedPassage:
        """From a pack ``Passage`` or anything with ``id``, ``section``, ``text`` and ``refs``."""
        return cls(
            passage_id=str(passage.id),
            section=str(passage.section),
            text=str(passage.text),
            agents=tuple(getattr(passage, "agents", ()) or ()),
            topics=tuple(getattr(passage, "topics", ()) or ()),
            refs=tuple(int(r) for r in (getattr(passage, "refs", ()) or ())),
            source=source,
            questions=tuple(str(q) for q in (getattr(passage, "questions", ()) or ())),
        )


def dense_text(passage: IndexedPassage) -> str:
    """What the embedder sees: the section heading gives a passage shown alone its context."""
    return f"{passage.section}: {passage.text}"


def lexical_text(passage: IndexedPassage) -> str:
    """What BM25 sees: the topic tags say what a passage is about ("mechanism", "checkpoint") even
    where its sentences do not use the word."""
    return " ".join([passage.text, *(t.replace("_", " ") for t in passage.topics)])


QUESTION_MARK = "#q"


def question_id(passage_id: str, number: int) -> str:
    """The record id of a passage's question in the collection: ``tox-sos-02#q3``."""
    return f"{passage_id}{QUESTION_MARK}{number}"


def record_passage_id(record_id: str) -> str:
    return record_id.split(QUESTION_MARK, 1)[0]


def record_count(passages: Sequence[IndexedPassage]) -> int:
    return sum(1 + len(p.questions) for p in passages)


def validate_source_name(name: str) -> str:
    """The name of a source to ingest: well-formed, and not one of the shipped sources."""
    if name == UPDATES_SOURCE:
        raise ValueError(f"source name {UPDATES_SOURCE!r} is reserved for the dated updates layer")
    if not SOURCE_NAME.match(name):
        raise ValueError(
            f"source name {name!r} must be 1-40 lower-case letters, digits, '-' or '_', "
            "starting and ending with a letter or digit"
        )
    return name


def content_hash(passages: Iterable[IndexedPassage]) -> str:
    digest = hashlib.sha256()
    for passage in passages:
        digest.update(passage.model_dump_json().encode() + b"\n")
    return digest.hexdigest()


def collection_name(source: str, source_hash: str, embedder_name: str) -> str:
    key = hashlib.sha256(f"{source_hash}\0{embedder_name}".encode()).hexdigest()[:16]
    return f"rrall-{source}-{key}"


def _metadata(passage: IndexedPassage) -> dict[str, str | int | bool]:
    meta: dict[str, str | int | bool] = {
        "passage_id": passage.passage_id,
        "section": passage.section,
        "agents": ",".join(passage.agents),
        "topics": ",".join(passage.topics),
        "refs": ",".join(str(r) for r in passage.refs),
        "source": passage.source,
    }
    for agent in AGENTS:
        meta[f"agent_{agent}"] = agent in passage.agents
    return meta


def _split(value: Any) -> tuple[str, ...]:
    return tuple(v for v in str(value or "").split(",") if v)


def _question_metadata(passage: IndexedPassage) -> dict[str, str | int | bool]:
    return {**_metadata(passage), "record": "question"}


def _passage_from_record(document: str, meta: dict[str, Any]) -> IndexedPassage:
    return IndexedPassage(
        passage_id=str(meta["passage_id"]),
        section=str(meta["section"]),
        text=document,
        agents=_split(meta.get("agents")),
        topics=_split(meta.get("topics")),
        refs=tuple(int(r) for r in _split(meta.get("refs"))),
        source=str(meta["source"]),
    )


def where_filter(agents: Sequence[str], sections: Sequence[str]) -> dict[str, Any] | None:
    """chromadb's ``where`` for "concerns any of these agents" and "is in one of these sections"."""
    clauses: list[dict[str, Any]] = []
    agent_flags = [{f"agent_{a}": True} for a in agents]
    if len(agent_flags) == 1:
        clauses.append(agent_flags[0])
    elif agent_flags:
        clauses.append({"$or": agent_flags})
    if sections:
        clauses.append({"section": {"$in": list(sections)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def ensure_collection(
    client: ClientAPI,
    *,
    source: str,
    passages: Sequence[IndexedPassage],
    embedder: NamedEmbedder,
    source_hash: str,
    rebuild: bool = False,
) -> tuple[Collection, bool]:
    """Open the source's collection, building it if missing, incomplete or stale; True if built."""
    name = collection_name(source, source_hash, embedder.name())
    existing = {c.name: c for c in client.list_collections()}
    for stale in existing.values():
        if (stale.metadata or {}).get(_META_SOURCE) == source and (stale.name != name or rebuild):
            log.info("deleting index collection %s", stale.name)
            client.delete_collection(stale.name)
    if name in existing and not rebuild:
        collection = client.get_collection(name, embedding_function=embedder)  # type: ignore[arg-type]
        # A start that crashed while adding leaves a short collection; rebuild it rather than trust it.
        if collection.count() == record_count(passages):
            return collection, False
        client.delete_collection(name)
    collection = client.create_collection(
        name,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={
            _META_SOURCE: source,
            _META_HASH: source_hash,
            _META_EMBEDDER: embedder.name(),
            _META_COUNT: record_count(passages),
        },
        embedding_function=embedder,  # type: ignore[arg-type]
    )
    if passages:
        collection.add(
            ids=[p.passage_id for p in passages],
            embeddings=embedder([dense_text(p) for p in passages]),
            documents=[p.text for p in passages],
            metadatas=[_metadata(p) for p in passages],
        )
    asked = [(question_id(p.passage_id, n), q, p) for p in passages for n, q in enumerate(p.questions)]
    if asked:
        collection.add(
            ids=[record_id for record_id, _, _ in asked],
            embeddings=embedder([q for _, q, _ in asked]),
            documents=[q for _, q, _ in asked],
            metadatas=[_question_metadata(p) for _, _, p in asked],
        )
    return collection, True


class StoredSource(BaseModel):
    """An ingested source found in the store at start-up."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    source: str
    source_hash: str
    embedder_name: str
    passages: tuple[IndexedPassage, ...]


def stored_sources(client: ClientAPI) -> list[StoredSource]:
    """Ingested sources (everything but the shipped review and updates) found in the store.

    They are returned whichever embedder built them: the caller reopens with ``ensure_collection``,
    which reuses a collection built by the same embedder and re-embeds the text otherwise.
    """
    found: dict[str, StoredSource] = {}
    for collection in client.list_collections():
        meta = collection.metadata or {}
        source = meta.get(_META_SOURCE)
        if not isinstance(source, str) or source in SHIPPED_SOURCES or source in found:
            continue
        records = collection.get(include=["documents", "metadatas"])
        documents = records["documents"] or []
        metadatas = records["metadatas"] or []
        found[source] = StoredSource(
            source=source,
            source_hash=str(meta.get(_META_HASH, "")),
            embedder_name=str(meta.get(_META_EMBEDDER, "")),
            passages=tuple(
                _passage_from_record(doc, dict(m))
                for doc, m in zip(documents, metadatas, strict=True)
                if m.get("record") != "question"
            ),
        )
    return list(found.values())
