"""Shared fixtures. Keep this small: fixtures used by more than one test package only."""

from __future__ import annotations

from pathlib import Path

import pytest

# The review lives beside the repository, in ../shared (it is not shipped with the code).
REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_cd4cf317bea96a14.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.fail(f"review seed not found at {SEED}; the tests need ../shared beside the repository")
    return SEED


@pytest.fixture(scope="session")
def indexed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose index was built once from the shipped pack; apps share it read-only
    (the service and the integration tests)."""
    from knowledge.index import open_retriever

    data_dir = tmp_path_factory.mktemp("service-data")
    open_retriever(index_dir=data_dir / "index")
    return data_dir
