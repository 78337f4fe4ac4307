"""Golden card sets: each synthetic FHIR record mapped and carded in process, on a fixed date, compared
with tests/integrations/golden/cds/<record>.json. Regenerate with ``pytest tests --update-golden -k golden``
and review the diff."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from api.fhir.cards import build_cards
from api.fhir.hooks import Card
from api.fhir.record import map_record, parse_resources
from api.fhir.table import load_mapping
from knowledge.pack import default_pack
from tests.integrations.fhir_bundles import library
from tools.assess import assess

GOLDEN = Path(__file__).parent / "golden" / "cds"
TODAY = dt.date(2026, 6, 1)
BASE = "https://navigator.example.org"
RECORDS = library()


def cards_for(name: str) -> list[Card]:
    items = [value for value in RECORDS[name].prefetch().values() if value]
    resources, unreadable = parse_resources(items)
    record = map_record(resources, table=load_mapping(), today=TODAY)
    record.unmapped += unreadable
    assessment = assess(record.profile) if record.in_scope else None
    return build_cards(record, assessment, pack=default_pack(), base_url=BASE, hook_instance=f"golden-{name}",
                       session_url=f"{BASE}/widget?session=SESSION")


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_golden_card_set(name: str, request: pytest.FixtureRequest) -> None:
    produced: list[dict[str, Any]] = [card.model_dump(mode="json", exclude_none=True) for card in cards_for(name)]
    path = GOLDEN / f"{name}.json"
    if request.config.getoption("--update-golden", default=False):
        path.write_text(json.dumps(produced, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.is_file(), f"no golden file {path.name}; run pytest tests --update-golden -k golden"
    assert produced == json.loads(path.read_text(encoding="utf-8"))


def test_out_of_scope_record_gets_one_info_card_only() -> None:
    cards = cards_for("out_of_scope_aml")
    assert [(c.indicator, c.links) for c in cards] == [("info", [])]
    assert "B-cell ALL" in cards[0].summary


@pytest.mark.parametrize("name", [n for n in sorted(RECORDS) if n not in ("out_of_scope_aml", "spec_example_patient")])
def test_every_in_scope_card_is_well_formed(name: str) -> None:
    cards = cards_for(name)
    assert cards[0].uuid != cards[-1].uuid or len(cards) == 1
    for card in cards:
        assert len(card.summary) < 140
        assert [link.type for link in card.links] == ["absolute"]
        if card.indicator != "info":
            assert card.source.url and card.source.url.startswith(f"{BASE}/v1/passages/")
            assert card.overrideReasons and "**Evidence**" in (card.detail or "")


def test_missing_decisive_facts_are_named() -> None:
    missing = next(c for c in cards_for("missing_data") if c.summary.startswith("Not in the record"))
    assert "`cd22_positive_pct`" in (missing.detail or "") and "`marrow_blasts_pct`" in (missing.detail or "")


def test_newest_observation_wins_and_the_older_is_kept_as_superseded() -> None:
    summary = cards_for("conflicting_observations")[0].detail or ""
    assert "- `marrow_blasts_pct`: Observation/conflict-1-obs-2, http://loinc.org|11150-0, 2026-01-05" in summary
    assert "`marrow_blasts_pct`): 74 (Observation/conflict-1-obs-3, http://loinc.org|11150-0, 2026-05-02)" in summary


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        ("Observation/units-1-obs-2", "unit '10*9/L' cannot be converted to a percentage"),
        ("Observation/units-1-obs-3", "15 % is the share of all marrow cells (antigen load)"),
        ("Observation/units-1-obs-4", "unit 'g' is not a bilirubin unit"),
        ("Observation/units-1-obs-5", "negative for the AFF1 partner only"),
        ("Observation/units-1-obs-6", "cd22_positive_pct must be between 0 and 100, got 130"),
    ],
)
def test_unconvertible_values_are_listed_with_the_reason_not_mapped(resource: str, reason: str) -> None:
    summary = cards_for("wrong_units")[0].detail or ""
    line = next(line for line in summary.splitlines() if line.startswith(f"- {resource} "))
    assert reason in line
