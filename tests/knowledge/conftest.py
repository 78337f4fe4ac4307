"""Fixtures of the knowledge tests: a small hand-made pack with the hash embedder (fast, no model),
and the real index over the shipped pack, built once per session with the real embedder."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.embedder import HashEmbeddingFunction
from knowledge.index import open_retriever
from knowledge.pack import KnowledgePack
from knowledge.retrieval import HybridRetriever
from knowledge.schema import Passage

SMALL_PASSAGES: tuple[dict[str, Any], ...] = (
    {
        "id": "blina-crs",
        "section": "Toxicity",
        "topics": ("toxicity", "crs"),
        "agents": ("blinatumomab",),
        "refs": (6,),
        "text": "Cytokine release syndrome after blinatumomab is uncommon with a dose ramp-up.",
    },
    {
        "id": "ino-sos",
        "section": "Toxicity",
        "topics": ("toxicity", "sos"),
        "agents": ("inotuzumab_ozogamicin",),
        "refs": (11, 13),
        "text": "Sinusoidal obstruction syndrome follows inotuzumab ozogamicin, mostly after HSCT.",
    },
    {
        "id": "cart-crs",
        "section": "Toxicity",
        "topics": ("toxicity", "crs"),
        "agents": ("tisagenlecleucel",),
        "refs": (21,),
        "text": "Cytokine release syndrome is common after tisagenlecleucel CAR T cells.",
    },
    {
        "id": "cart-cns",
        "section": "CNS and extramedullary disease",
        "topics": ("cns",),
        "agents": ("tisagenlecleucel",),
        "refs": (48,),
        "text": "CAR T cells reach the central nervous system and give durable responses there.",
    },
    {
        "id": "ino-blina-cns",
        "section": "CNS and extramedullary disease",
        "topics": ("cns",),
        "agents": ("inotuzumab_ozogamicin", "blinatumomab"),
        "refs": (49,),
        "text": "Neither inotuzumab ozogamicin nor blinatumomab penetrates the central nervous system.",
    },
    {
        "id": "cart-make",
        "section": "Logistics/patient preferences",
        "topics": ("logistics", "manufacturing"),
        "agents": ("tisagenlecleucel",),
        "refs": (),
        "text": "Manufacturing CAR T cells takes four to five weeks, so bridging therapy is often needed.",
    },
)


def _small_pack(*, edited: bool = False) -> KnowledgePack:
    """Six passages; ``edited=True`` changes one sentence, which must change the content hash."""
    passages = [Passage.model_validate(p) for p in SMALL_PASSAGES]
    if edited:
        passages[0] = passages[0].model_copy(update={"text": passages[0].text + " Steroids help."})
    digest = "edited" if edited else "original"
    return KnowledgePack(passages=tuple(passages), references={}, content_hash=f"test-{digest}")


@pytest.fixture
def small_pack() -> KnowledgePack:
    return _small_pack()


@pytest.fixture
def edited_pack() -> KnowledgePack:
    return _small_pack(edited=True)


@pytest.fixture
def hash_embedder() -> HashEmbeddingFunction:
    return HashEmbeddingFunction()


@pytest.fixture
def small_retriever(
    tmp_path: Path, small_pack: KnowledgePack, hash_embedder: HashEmbeddingFunction
) -> HybridRetriever:
    return open_retriever(index_dir=tmp_path / "index", pack=small_pack, embedder=hash_embedder)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection that leaves the machine (telemetry, model downloads)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose index was built from the shipped pack with the real embedder."""
    data_dir = tmp_path_factory.mktemp("rrall-data")
    open_retriever(index_dir=data_dir / "index")
    return data_dir


@pytest.fixture(scope="session")
def real_retriever(real_data_dir: Path) -> Iterator[HybridRetriever]:
    yield open_retriever(index_dir=real_data_dir / "index")
