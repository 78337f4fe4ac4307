"""Every citation the tools can emit names a passage that exists in the knowledge pack, with reference
numbers that passage carries."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from profile_strategies import profiles
from pydantic import BaseModel

import tools.compare
import tools.rules.label
import tools.sequencing
import tools.toxicity
from knowledge.pack import KnowledgePack, default_pack
from tools.assess import assess
from tools.flags import Citation
from tools.profile import PatientProfile
from tools.rules import antigen, burden, cns, hsct, kmt2a, logistics, prior_therapy, sos, tcell, toxicity
from tools.rules.base import Outcome

MODULES: tuple[ModuleType, ...] = (
    antigen,
    burden,
    cns,
    hsct,
    kmt2a,
    logistics,
    prior_therapy,
    sos,
    tcell,
    toxicity,
    tools.rules.label,
    tools.compare,
    tools.sequencing,
    tools.toxicity,
)


@pytest.fixture(scope="module")
def pack() -> KnowledgePack:
    return default_pack()


def _citations_in(value: Any, depth: int = 0) -> Iterator[Citation]:
    """Every Citation reachable from a module constant (outcomes, tables, points)."""
    if depth > 6:
        return
    if isinstance(value, Citation):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _citations_in(getattr(value, name), depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _citations_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _citations_in(item, depth + 1)


def _all_static_citations() -> list[Citation]:
    found = {c for module in MODULES for value in vars(module).values() for c in _citations_in(value)}
    return sorted(found, key=lambda c: (c.passage_id, c.refs))


def _check(citation: Citation, pack: KnowledgePack) -> None:
    passage = pack.get(citation.passage_id)
    assert passage is not None, f"passage {citation.passage_id} is not in the pack"
    assert set(citation.refs) <= set(passage.refs), (
        f"{citation.passage_id} cites refs {citation.refs}, passage has {passage.refs}"
    )


@pytest.mark.parametrize("citation", _all_static_citations(), ids=lambda c: f"{c.passage_id}{list(c.refs)}")
def test_every_written_citation_exists_in_the_pack(citation: Citation, pack: KnowledgePack) -> None:
    _check(citation, pack)


@settings(max_examples=150)
@given(profiles)
def test_every_flag_cites_passages_that_exist_in_the_pack(profile: PatientProfile) -> None:
    pack = default_pack()
    for verdict in assess(profile).agents:
        for flag in verdict.flags:
            for citation in flag.citations:
                _check(citation, pack)


def _outcomes(value: Any) -> Iterator[Outcome]:
    if isinstance(value, Outcome):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _outcomes(item)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_an_outcome_cites_each_passage_once(module: ModuleType) -> None:
    for outcome in (o for value in vars(module).values() for o in _outcomes(value)):
        ids = [c.passage_id for c in outcome.citations]
        assert len(ids) == len(set(ids)), ids
