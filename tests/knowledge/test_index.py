"""The index on disk (real chromadb, hash embedder): build, reload, rebuild, filters, sources."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from langchain_core.documents import Document

from knowledge.embedder import HashEmbeddingFunction
from knowledge.index import chroma_client, open_retriever
from knowledge.pack import KnowledgePack
from knowledge.retrieval import HybridRetriever
from knowledge.store import collection_name


def _ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.passage_id for h in hits]


def _collections(index_dir: Path) -> list[str]:
    return sorted(c.name for c in chroma_client(index_dir=index_dir).list_collections())


def test_first_open_builds_the_collection_named_by_pack_hash_and_embedder(
    tmp_path: Path, small_pack: KnowledgePack, hash_embedder: HashEmbeddingFunction
) -> None:
    retriever = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    expected = collection_name("review", "test-original", HashEmbeddingFunction.name())
    assert retriever.collection_names == [expected]
    assert _collections(tmp_path) == [expected]
    assert len(retriever) == 6


def test_reopening_loads_from_disk_without_embedding_again(
    tmp_path: Path,
    small_pack: KnowledgePack,
    hash_embedder: HashEmbeddingFunction,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    calls: list[int] = []
    original = HashEmbeddingFunction.encode

    def counting(self: HashEmbeddingFunction, texts: list[str]):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(HashEmbeddingFunction, "encode", counting)
    reopened = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    assert calls == []  # nothing embedded while opening
    assert reopened.search("CAR T manufacturing weeks", k=1)[0].passage_id == "cart-make"
    assert calls == [1]  # one query embedding per search


def test_a_changed_pack_rebuilds_and_drops_the_stale_collection(
    tmp_path: Path,
    small_pack: KnowledgePack,
    edited_pack: KnowledgePack,
    hash_embedder: HashEmbeddingFunction,
) -> None:
    first = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    second = open_retriever(index_dir=tmp_path, pack=edited_pack, embedder=hash_embedder)
    assert first.collection_names != second.collection_names
    assert _collections(tmp_path) == second.collection_names
    assert "Steroids help" in second.search("steroids", k=1)[0].text


def test_rebuild_true_recreates_the_same_collection(
    tmp_path: Path, small_pack: KnowledgePack, hash_embedder: HashEmbeddingFunction
) -> None:
    first = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    again = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder, rebuild=True)
    assert again.collection_names == first.collection_names
    assert len(again) == 6


def test_an_incomplete_collection_is_rebuilt(
    tmp_path: Path, small_pack: KnowledgePack, hash_embedder: HashEmbeddingFunction
) -> None:
    first = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    chroma_client(index_dir=tmp_path).get_collection(first.collection_names[0]).delete(ids=["ino-sos"])
    reopened = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    assert "ino-sos" in _ids(reopened.search("sinusoidal obstruction", k=6, mode="dense"))


def test_telemetry_is_off(tmp_path: Path) -> None:
    assert chroma_client(index_dir=tmp_path).get_settings().anonymized_telemetry is False


@pytest.mark.usefixtures("no_network")
def test_building_and_searching_stay_on_this_machine(
    tmp_path: Path, small_pack: KnowledgePack, hash_embedder: HashEmbeddingFunction
) -> None:
    retriever = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    assert retriever.search("cytokine release", k=2)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_agent_filter_keeps_only_passages_about_that_agent(
    small_retriever: HybridRetriever, mode: str
) -> None:
    hits = small_retriever.search("cytokine release syndrome", k=6, agents=["blina"], mode=mode)  # type: ignore[arg-type]
    assert hits
    assert all("blinatumomab" in h.agents for h in hits)


def test_several_agents_mean_any_of_them(small_retriever: HybridRetriever) -> None:
    hits = small_retriever.search("central nervous system", k=6, agents=["InO", "Kymriah"], mode="dense")
    assert {"cart-cns", "ino-blina-cns"} <= set(_ids(hits))
    assert all({"inotuzumab_ozogamicin", "tisagenlecleucel"} & set(h.agents) for h in hits)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_section_filter_is_case_insensitive_and_exact(small_retriever: HybridRetriever, mode: str) -> None:
    hits = small_retriever.search("CAR T cells", k=6, sections=["cns and extramedullary disease"], mode=mode)  # type: ignore[arg-type]
    assert hits
    assert {h.section for h in hits} == {"CNS and extramedullary disease"}


def test_filters_combine(small_retriever: HybridRetriever) -> None:
    hits = small_retriever.search("cytokine release", k=6, agents=["tisagenlecleucel"], sections=["Toxicity"])
    assert _ids(hits) == ["cart-crs"]


@pytest.mark.parametrize(
    "filters",
    [{"agents": ["aspirin"]}, {"sections": ["Dosing"]}, {"source": "nope"}, {"mode": "fuzzy"}, {"k": 0}],
)
def test_unknown_filters_are_refused(small_retriever: HybridRetriever, filters: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError):
        small_retriever.search("CRS", **filters)


def test_hits_carry_metadata_and_both_ranks(small_retriever: HybridRetriever) -> None:
    hit = small_retriever.search("VOD after Besponsa", k=1)[0]
    assert hit.passage_id == "ino-sos"
    assert (hit.section, hit.agents, hit.refs, hit.source) == (
        "Toxicity",
        ["inotuzumab_ozogamicin"],
        [11, 13],
        "review",
    )
    assert hit.dense_rank is not None and hit.bm25_rank == 1


def test_a_query_of_stopwords_finds_nothing_lexically(small_retriever: HybridRetriever) -> None:
    assert small_retriever.search("what is the", mode="bm25") == []


def test_get_returns_a_passage_by_id(small_retriever: HybridRetriever) -> None:
    passage = small_retriever.get("cart-cns")
    assert passage is not None and passage.refs == (48,)
    assert small_retriever.get("no-such-passage") is None


@dataclass
class _IngestedPassage:
    id: str
    section: str
    text: str
    refs: tuple[int, ...] = ()


_INGESTED = [
    _IngestedPassage(
        "intro-1", "Introduction", "Ponatinib is studied with blinatumomab in Ph-positive ALL.", (7,)
    ),
    _IngestedPassage("intro-2", "Introduction", "Obecabtagene autoleucel is a newer CD19 CAR T product."),
]


def test_an_ingested_source_is_searchable_on_its_own_and_with_the_review(
    small_retriever: HybridRetriever,
) -> None:
    assert small_retriever.add_source("update-2024", _INGESTED) == 2
    assert _ids(small_retriever.search("ponatinib", k=1))[0] == "intro-1"
    only = small_retriever.search("CAR T", k=6, source="update-2024")
    assert {h.source for h in only} == {"update-2024"}
    review_only = small_retriever.search("ponatinib blinatumomab", k=6, source="review")
    assert all(h.source == "review" for h in review_only)


def test_ingested_passages_get_agent_tags_from_their_text(small_retriever: HybridRetriever) -> None:
    small_retriever.add_source("update", _INGESTED)
    tagged = {p: small_retriever.get(p, source="update") for p in ("intro-1", "intro-2")}
    assert tagged["intro-1"] is not None and tagged["intro-1"].agents == ("blinatumomab",)
    assert tagged["intro-2"] is not None and tagged["intro-2"].agents == ("tisagenlecleucel",)
    hits = small_retriever.search("ponatinib", agents=["blinatumomab"], source="update")
    assert [h.passage_id for h in hits] == ["intro-1"]


def test_ingested_sources_are_reopened_from_disk(
    tmp_path: Path, small_pack: KnowledgePack, hash_embedder: HashEmbeddingFunction
) -> None:
    open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder).add_source(
        "update", _INGESTED
    )
    reopened = open_retriever(index_dir=tmp_path, pack=small_pack, embedder=hash_embedder)
    assert sorted(reopened.sources) == ["review", "update"]
    passage = reopened.get("intro-1", source="update")
    assert passage is not None and passage.refs == (7,) and passage.section == "Introduction"


def test_adding_a_source_again_replaces_it(small_retriever: HybridRetriever) -> None:
    small_retriever.add_source("update", _INGESTED)
    small_retriever.add_source("update", _INGESTED[:1])
    assert len(small_retriever) == 7
    assert len(small_retriever.collection_names) == 2


@pytest.mark.parametrize("name", ["review", "Bad Name", "", "x" * 41])
def test_bad_source_names_are_refused(small_retriever: HybridRetriever, name: str) -> None:
    with pytest.raises(ValueError):
        small_retriever.add_source(name, _INGESTED)


def test_langchain_retriever_returns_documents_with_citation_metadata(
    small_retriever: HybridRetriever,
) -> None:
    docs = small_retriever.as_langchain_retriever(k=2, agents=["tisagenlecleucel"]).invoke(
        "how many weeks does manufacturing take"
    )
    assert all(isinstance(d, Document) for d in docs)
    assert docs[0].metadata["passage_id"] == "cart-make"
    assert set(docs[0].metadata) >= {"passage_id", "section", "refs", "score"}
