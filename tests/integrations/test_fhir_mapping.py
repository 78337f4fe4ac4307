"""The FHIR mapping: value readers by unit and kind, the mapping table as data, a hospital's own file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from api.fhir.record import map_record, parse_resources
from api.fhir.table import MappingFileError, load_mapping
from tests.integrations.fhir_bundles import LOCAL, Record, b_all

TODAY = dt.date(2026, 6, 1)


def _profile(record: Record, **kwargs: Any) -> tuple[dict[str, Any], list[str]]:
    resources, _ = parse_resources([r.model_dump(mode="json") for r in record.resources])
    mapped = map_record(resources, table=kwargs.get("table") or load_mapping(), today=TODAY)
    return mapped.profile.model_dump(exclude_none=True), [u.reason for u in mapped.unmapped]


def _with(*steps: Any) -> Record:
    record = b_all(Record("t", "p-1").patient("1990-06-02"))
    for step in steps:
        step(record)
    return record


@pytest.mark.parametrize(
    ("value", "unit", "high", "expected"),
    [
        (1.2, "mg/dL", (1.2, "mg/dL"), 1.0),
        (41.04, "umol/L", (1.2, "mg/dL"), 2.0),  # 41.04 umol/L = 2.4 mg/dL
        (12, "mg/L", (1.2, "mg/dL"), 1.0),
        (30, "umol/L", (20, "umol/L"), 1.5),
    ],
)
def test_bilirubin_becomes_a_multiple_of_the_upper_limit(value: float, unit: str, high: tuple[float, str],
                                                          expected: float) -> None:
    profile, _ = _profile(_with(lambda r: r.quantity("1975-2", value, unit, "2026-05-01", high=high)))
    assert profile["bilirubin_x_uln"] == expected


def test_bilirubin_without_an_upper_limit_is_not_mapped() -> None:
    profile, reasons = _profile(_with(lambda r: r.quantity("1975-2", 1.0, "mg/dL", "2026-05-01")))
    assert "bilirubin_x_uln" not in profile
    assert any("referenceRange.high" in reason for reason in reasons)


@pytest.mark.parametrize(("ratio", "expected"), [(0.31, True), (0, False)])
def test_bcr_abl1_ratio_gives_ph_status(ratio: float, expected: bool) -> None:
    profile, _ = _profile(_with(lambda r: r.quantity("46434-7", ratio, "{ratio}", "2026-05-01")))
    assert profile["ph_positive"] is expected


def test_age_is_in_completed_years_on_the_day() -> None:
    record = b_all(Record("t", "p-1").patient("2008-06-02"))  # 18 tomorrow
    assert _profile(record)[0]["age_years"] == 17


def test_a_newest_value_that_cannot_be_read_leaves_the_field_unknown() -> None:
    record = _with(lambda r: r.quantity("11150-0", 30, "%", "2026-01-01"),
                   lambda r: r.quantity("11150-0", 2.0, "10*9/L", "2026-05-01"))
    profile, reasons = _profile(record)
    assert "marrow_blasts_pct" not in profile
    assert any("older values are not used" in reason for reason in reasons)


def test_a_hospital_file_adds_codes_and_replaces_defaults(tmp_path: Path) -> None:
    path = tmp_path / "hospital.yaml"
    path.write_text(
        "observations:\n"
        "  - field: marrow_blasts_pct\n"
        "    codes: [{system: 'http://hospital.example/labs', code: 'BMBL'}]\n"
        "    display: Knochenmark Blasten\n"
        "    value: percent\n"
        "    source: hospital lab catalogue\n"
        "  - field: disease_status\n"
        f"    codes: [{{system: '{LOCAL}', code: 'disease-status'}}]\n"
        "    display: Krankheitsstatus\n"
        "    texts: [krankheitsstatus]\n"
        "    value: disease_status\n"
        "    source: hospital\n",
        encoding="utf-8",
    )
    table = load_mapping(str(path))
    assert [e.display for e in table.observations if e.field == "disease_status"] == ["Krankheitsstatus"]
    record = _with(lambda r: r.quantity("BMBL", 45, "%", "2026-05-01", system="http://hospital.example/labs"))
    assert _profile(record, table=table)[0]["marrow_blasts_pct"] == 45
    assert "marrow_blasts_pct" not in _profile(record)[0]


def test_a_broken_hospital_file_names_itself_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("observations:\n  - field: marrow_blast\n    codes: []\n", encoding="utf-8")
    with pytest.raises(MappingFileError, match=r"broken\.yaml") as raised:
        load_mapping(str(path))
    assert "marrow_blast" in str(raised.value)
