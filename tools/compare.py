"""compare_agents: the review's Table 1, row by row, with the rows that matter for this patient marked
and the patient facts that make them matter. The table's question marks are kept as "uncertain"."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tools.agents import DISPLAY_NAME, Agent
from tools.assess import assess
from tools.flags import AgentAssessment, Citation
from tools.profile import PatientProfile, PriorTherapy
from tools.rules.base import cite


class Table1Row(BaseModel):
    """One row of Table 1 as data, with the flag codes that make it matter for a patient."""

    model_config = ConfigDict(frozen=True)

    key: str
    row: str
    cells: dict[Agent, str]
    citation: Citation
    flag_codes: tuple[str, ...]


def _row(key: str, row: str, blina: str, ino: str, car_t: str, codes: tuple[str, ...]) -> Table1Row:
    cells: dict[Agent, str] = {"blinatumomab": blina, "inotuzumab_ozogamicin": ino, "tisagenlecleucel": car_t}
    return Table1Row(
        key=key, row=row, cells=cells, citation=cite(f"table1-{key.replace('_', '-')}"), flag_codes=codes
    )


TABLE1: tuple[Table1Row, ...] = (
    _row(
        "approval",
        "FDA approval",
        "R/R or MRD-positive B-ALL; any age",
        "R/R B-ALL; age 18 and over",
        "R/R B-ALL; age <25 in the table (the text says up to 25)",
        ("LABEL_AGE", "LABEL_SETTING"),
    ),
    # Never marked as deciding: the review says the trials cannot be compared head to head.
    _row(
        "efficacy",
        "Efficacy",
        "CR 36-44%; median OS 6.1-9.8 months; MRD-negative 76%",
        "CR 58-80%; median OS 5.1-7.7 months; MRD-negative 78%",
        "CR 81-93%; median OS 12.9 months; MRD-negative 81%",
        (),
    ),
    _row(
        "burden",
        "Disease burden",
        "low",
        "low or high",
        "low (uncertain)",
        ("HIGH_DISEASE_BURDEN", "LOW_DISEASE_BURDEN"),
    ),
    _row(
        "toxicity",
        "Toxicity",
        "ICANS and CRS, more likely with high disease burden",
        "SOS, more likely around HSCT",
        "ICANS and CRS, more likely with high disease burden",
        ("SOS_RISK", "CRS_RISK", "ICANS_RISK"),
    ),
    _row(
        "prior_therapy",
        "Prior/current therapy",
        "T-cell dependent; loss of CD19 (uncertain)",
        "not T-cell dependent; lack or loss of CD22",
        "T-cell dependent; loss of CD19/CD22",
        (
            "PRIOR_CD19_THERAPY",
            "T_CELL_DYSFUNCTION",
            "CD19_NEGATIVE",
            "CD19_DIM",
            "CD22_NEGATIVE",
            "CD22_PARTIAL",
            "KMT2A_REARRANGED",
        ),
    ),
    _row("cns", "CNS efficacy", "no", "no", "yes", ("CNS_DISEASE",)),
    _row(
        "emd",
        "Extramedullary disease",
        "probably not (uncertain)",
        "uncertain",
        "probably yes (uncertain)",
        ("EXTRAMEDULLARY_DISEASE",),
    ),
    _row(
        "convenience",
        "Convenience",
        "continuous IV infusion for 4 weeks",
        "short IV infusion weekly for 3 weeks",
        "start delayed by manufacturing",
        ("CONTINUOUS_INFUSION", "MANUFACTURING_DELAY", "PRIOR_MANUFACTURING_FAILURE"),
    ),
)

EFFICACY_CAVEAT = (
    "Response rates come from trials with different populations and eligibility (INO-VATE excluded third or "
    "later salvage, while nearly a quarter of TOWER patients were in it), so they cannot be compared head "
    "to head."
)


class ComparisonRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    row: str
    blinatumomab: str
    inotuzumab_ozogamicin: str
    tisagenlecleucel: str
    matters: bool = Field(description="Whether this row bears on this patient")
    why: str = Field(description="The patient facts that make it matter, and the flags they raise")
    citations: list[Citation]


class Comparison(BaseModel):
    model_config = ConfigDict(frozen=True)

    rows: list[ComparisonRow]
    note: str
    citations: list[Citation]


def _why(row: Table1Row, verdicts: list[AgentAssessment], profile: PatientProfile) -> str:
    """Patient facts behind the row's flags, each with the agents and severities they produced."""
    by_fact: dict[str, list[str]] = {}
    for verdict in verdicts:
        for flag in verdict.flags:
            if flag.code in row.flag_codes and flag.facts:
                key = "; ".join(flag.facts)
                by_fact.setdefault(key, []).append(
                    f"{DISPLAY_NAME[verdict.agent]} {flag.code} {flag.severity}"
                )
    if row.key == "approval":
        for verdict in verdicts:
            if verdict.label_status == "unknown":
                by_fact.setdefault("label facts missing", []).append(
                    f"{DISPLAY_NAME[verdict.agent]} label unknown"
                )
    if row.key == "prior_therapy":
        priors: tuple[tuple[PriorTherapy, str], ...] = (
            ("inotuzumab_ozogamicin", "prior InO"),
            ("cd22_car_t", "prior CD22 CAR T"),
        )
        for therapy, name in priors:
            if profile.had(therapy):
                by_fact.setdefault(name, []).append("CD22 may be lost (see sequencing)")
    return " | ".join(f"{fact}: {', '.join(effects)}" for fact, effects in by_fact.items())


def compare_agents(profile: PatientProfile) -> Comparison:
    """Table 1 of the review, row by row, with the rows that matter for this patient marked and why."""
    verdicts = assess(profile).agents
    rows = []
    for row in TABLE1:
        why = _why(row, verdicts, profile)
        if row.key == "efficacy":
            why = EFFICACY_CAVEAT
        rows.append(
            ComparisonRow(
                key=row.key,
                row=row.row,
                blinatumomab=row.cells["blinatumomab"],
                inotuzumab_ozogamicin=row.cells["inotuzumab_ozogamicin"],
                tisagenlecleucel=row.cells["tisagenlecleucel"],
                matters=row.key != "efficacy" and bool(why),
                why=why or "Nothing in the profile given bears on this row.",
                citations=[row.citation],
            )
        )
    note = "Rows marked as mattering are those where a patient fact raised a flag; " + EFFICACY_CAVEAT
    return Comparison(rows=rows, note=note, citations=[row.citation for row in TABLE1])
