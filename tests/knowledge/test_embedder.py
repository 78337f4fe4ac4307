"""The dense embedder: MiniLM vectors from the installed int8 ONNX weights, as chromadb expects them."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embedder import (
    DIMENSIONS,
    HashEmbeddingFunction,
    LangchainEmbedder,
    MiniLMEmbeddingFunction,
    model_file,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbeddingFunction:
    return MiniLMEmbeddingFunction()


def test_weights_come_from_the_installed_package() -> None:
    assert model_file().is_file()
    assert model_file().stat().st_size > 10_000_000


def test_vectors_are_unit_length_with_384_dimensions(embedder: MiniLMEmbeddingFunction) -> None:
    vectors = np.asarray(embedder(["CAR T cells", "a much longer sentence about sinusoidal obstruction"]))
    assert vectors.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_gets_the_same_vector_alone_or_in_a_padded_batch(embedder: MiniLMEmbeddingFunction) -> None:
    alone = embedder.encode(["SOS after inotuzumab"])[0]
    batched = embedder.encode(["SOS after inotuzumab", "a far longer text " * 20])[0]
    assert np.allclose(alone, batched, atol=1e-4)


def test_related_sentences_are_closer_than_unrelated_ones(embedder: MiniLMEmbeddingFunction) -> None:
    query, related, unrelated = embedder.encode(
        [
            "how long does it take to manufacture CAR T cells",
            "CAR T-cell manufacturing can take 4 to 5 weeks.",
            "Blinatumomab neurotoxicity occurred in 9.4% of patients.",
        ]
    )
    assert query @ related > query @ unrelated + 0.1


@pytest.mark.parametrize("function", [MiniLMEmbeddingFunction(), HashEmbeddingFunction(dimensions=32)])
def test_chromadb_sees_a_named_configurable_embedding_function(
    function: MiniLMEmbeddingFunction | HashEmbeddingFunction,
) -> None:
    assert not function.is_legacy()
    rebuilt = type(function).build_from_config(function.get_config())
    assert rebuilt.get_config() == function.get_config()
    assert function.name() == type(function).name()


def test_the_embedder_name_is_stable() -> None:
    # Collections are named after it: changing it rebuilds every index in the field.
    assert MiniLMEmbeddingFunction.name() == "rrall-minilm-l6-v2-int8-onnx"


def test_langchain_wrapper_embeds_queries_and_documents(embedder: MiniLMEmbeddingFunction) -> None:
    wrapper = LangchainEmbedder(embedder)
    assert len(wrapper.embed_query("blinatumomab")) == DIMENSIONS
    assert len(wrapper.embed_documents(["a", "b"])) == 2
