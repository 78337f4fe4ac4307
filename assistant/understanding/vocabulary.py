"""The words the understanding layer reads: profile field names, value vocabularies, agent names.

Field names and value sets mirror clinical-rules.md section 4 (the `PatientProfile`); they are
spelled out here rather than imported so this layer stays pure text logic and never depends on
the profile model at import time. A contract test checks the two lists agree.
"""

from __future__ import annotations

import re
from typing import Final, Literal

DiseaseStatus = Literal["refractory", "first_relapse", "second_or_later_relapse", "mrd_positive"]
Cd19Status = Literal["positive", "dim", "negative"]
PriorTherapy = Literal["blinatumomab", "inotuzumab_ozogamicin", "cd19_car_t", "cd22_car_t", "chemotherapy"]
AgentKey = Literal["blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"]

# A value the extractor may set: booleans, numbers, one of the vocabularies above, or a therapy list.
FactValue = bool | int | float | str | list[str]

PROFILE_FIELDS: Final[tuple[str, ...]] = (
    "age_years",
    "disease_status",
    "ph_positive",
    "marrow_blasts_pct",
    "cd19",
    "cd22_positive_pct",
    "kmt2a_rearranged",
    "cns_disease",
    "extramedullary_disease",
    "prior_therapies",
    "prior_hsct",
    "hsct_planned",
    "hsct_feasible",
    "dual_alkylator_conditioning",
    "bilirubin_x_uln",
    "planned_ino_cycles",
    "t_cell_dysfunction",
    "rapidly_progressive",
    "prior_car_t_manufacturing_failure",
    "prefers_no_pump",
)

# The profile rejects values outside these ranges (clinical-rules.md section 4); the extractor never
# produces one. The bilirubin ceiling matches the profile's entry-error guard.
AGE_RANGE: Final = (0.0, 120.0)
PCT_RANGE: Final = (0.0, 100.0)
BILIRUBIN_RANGE: Final = (0.0, 100.0)
CYCLES_RANGE: Final = (1, 6)

AGENT_KEYS: Final[tuple[AgentKey, ...]] = ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel")

# -- names clinicians type ----------------------------------------------------------------------
# Misspellings are caught by shape (blin...mab, ino...mab) rather than listed one by one.
# Development code names count too: MT103 / AMG 103 (blinatumomab), CMC-544 (inotuzumab ozogamicin).
_BLINA = r"\b(?:blin[a-z]*mab|blina|blincyto|mt[\s-]?103|amg[\s-]?103)\b|(?-i:\bBi[Tt][Ee]\b)"
# "INO" inside the trial name INO-VATE is not the drug.
_INO = r"\b(?:ino[a-z]{2,}mab(?:\s+ozogamicin)?|besponsa|cmc[\s-]?544|ino(?![\s-]?vate))\b"
_CAR_T = r"car[\s-]?t(?:[\s-]?cells?)?(?:[\s-]cell\s+therapy)?"
_TISA = (
    r"\b(?:tisagen[a-z]*|tisa[\s-]?cel|kymriah|ctl[\s-]?019|19[\s-]?28z"
    rf"|(?:cd[\s-]?19[\s-]*(?:directed\s+|targeted\s+|specific\s+)?)?{_CAR_T}"
    r"|cd[\s-]?19[\s-]*(?:directed\s+|targeted\s+)?car)\b"
)
# CD19 CAR T products licensed after the review (2020): a patient may have had one, but the review
# says nothing about them, so they count as prior CD19 CAR T and never as "tisagenlecleucel".
_LATER_CD19_CAR = (
    r"\b(?:brexucabtagene(?:\s+autoleucel)?|brexu[\s-]?cel|tecartus|obecabtagene(?:\s+autoleucel)?|obe[\s-]?cel"
    r"|aucatzyl)\b"
)
_CD22_CAR = r"\bcd[\s-]?22[\s-]*(?:directed\s+|targeted\s+|specific\s+)?car(?:[\s-]?t(?:[\s-]?cells?)?)?\b"
_CHEMO = (
    r"\b(?:chemo(?:therapy)?(?![\s-]?free)|hyper[\s-]?cvad|(?:mini[\s-]?)?hyper[\s-]?cvd|flag[\s-]?ida"
    r"|(?:re)?induction(?:\s+chemo(?:therapy)?)?|salvage\s+chemo(?:therapy)?|ukall\s?\d*|(?:augmented\s+)?bfm"
    # Named protocols and regimens are chemotherapy backbones: COG AALL0232, AIEOP-BFM, Interfant-06,
    # ALL-REZ BFM, GRAALL, NOPHO, DFCI, CALGB 10403, PETHEMA, GIMEMA, EsPhALL, St Jude Total XV.
    r"|(?:cog\s+)?aall\s?\d{3,4}|interfant(?:[\s-]?\d{2})?|all[\s-]?rez(?:[\s-]?bfm)?|graa?ll(?:[\s-]?\d+)?|nopho"
    r"|dfci(?:[\s-]?\d+)?|calgb(?:[\s-]?\d+)?|pethema|gimema|esphall|total\s+(?:therapy\s+)?(?:xv|xvi|xvii|\d+)"
    r"|fla(?:g)?[\s-]?ida|ida[\s-]?flag|mec|hyper[\s-]?c[\s-]?vad"
    r"|cytarabine|hidac|clofarabine|vincristine|peg[\s-]?asparaginase|asparaginase"
    # more adult and paediatric backbones: GMALL 08/2013, the Larson (CALGB 8811) regimen, POMP
    # maintenance, SEHOP-PETHEMA, NILG, HOVON, JALSG, ALL R3 reinduction, high-dose methotrexate
    r"|gmall(?:[\s-]?\d+(?:/\d+)?)?|larson(?:\s+regimen)?|pomp|sehop|nilg|hovon|jalsg|all[\s-]?r3|r3\s+reinduction"
    r"|hd[\s-]?mtx|high[\s-]dose\s+methotrexate)\b"
)

FLAGS: Final = re.IGNORECASE

AGENT_PATTERNS: Final[dict[AgentKey, re.Pattern[str]]] = {
    "blinatumomab": re.compile(_BLINA, FLAGS),
    "inotuzumab_ozogamicin": re.compile(_INO, FLAGS),
    "tisagenlecleucel": re.compile(_TISA, FLAGS),
}

# Order matters: a CD22 CAR T is matched before the generic "CAR T" inside it claims the words.
THERAPY_PATTERNS: Final[tuple[tuple[PriorTherapy, re.Pattern[str]], ...]] = (
    ("cd22_car_t", re.compile(_CD22_CAR, FLAGS)),
    ("cd19_car_t", re.compile(rf"{_TISA}|{_LATER_CD19_CAR}", FLAGS)),
    ("blinatumomab", re.compile(_BLINA, FLAGS)),
    ("inotuzumab_ozogamicin", re.compile(_INO, FLAGS)),
    ("chemotherapy", re.compile(_CHEMO, FLAGS)),
)

INO_TERM: Final = _INO
CD22_CAR_TERM: Final = _CD22_CAR


def mentioned_agents(text: str) -> list[AgentKey]:
    """The review's agents named in ``text``, in the order they first appear."""
    positions: list[tuple[int, AgentKey]] = []
    for key, pattern in AGENT_PATTERNS.items():
        for match in pattern.finditer(text):
            if key == "tisagenlecleucel" and re.search(
                _CD22_CAR, text[max(0, match.start() - 8) : match.end()], FLAGS
            ):
                continue  # "CD22 CAR T" is not tisagenlecleucel
            positions.append((match.start(), key))
            break
    return [key for _, key in sorted(positions)]
