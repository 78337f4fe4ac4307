"""Learner-facing words for the tools' codes: the learner reads "partial CD22 expression", never
``CD22_PARTIAL``. Any code left in a text is replaced by its words before a learner sees it."""

from __future__ import annotations

import re

from tools.sequencing import POINTS

CONCERN: dict[str, str] = {
    "LABEL_AGE": "the label's age limit",
    "LABEL_SETTING": "the label's disease setting",
    "CD19_NEGATIVE": "CD19-negative disease",
    "CD19_DIM": "dim CD19",
    "CD22_NEGATIVE": "CD22-negative disease",
    "CD22_PARTIAL": "partial CD22 expression",
    "KMT2A_REARRANGED": "the KMT2A rearrangement",
    "PRIOR_CD19_THERAPY": "earlier CD19-directed therapy",
    "HIGH_DISEASE_BURDEN": "a high disease burden",
    "LOW_DISEASE_BURDEN": "a low disease burden",
    "SOS_RISK": "the risk of SOS",
    "CRS_RISK": "the risk of CRS",
    "ICANS_RISK": "the risk of neurotoxicity",
    "CNS_DISEASE": "CNS disease",
    "EXTRAMEDULLARY_DISEASE": "extramedullary disease",
    "T_CELL_DYSFUNCTION": "poor T-cell fitness",
    "MANUFACTURING_DELAY": "the weeks of CAR T manufacturing",
    "PRIOR_MANUFACTURING_FAILURE": "the earlier manufacturing failure",
    "CONTINUOUS_INFUSION": "the continuous infusion",
    "HSCT_BRIDGE": "the role of a transplant afterwards",
    "HSCT_NOT_NEEDED": "whether a transplant must follow",
    **{p.code: f'the point "{p.title}"' for p in POINTS},
}
SEVERITY_WORDS = {"critical": "a contraindication", "warning": "a caution", "info": "a note"}

_CODE = re.compile(r"`?\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b`?(?:\s*\((critical|warning|info)\))?")


def plain_words(text: str) -> str:
    """``text`` with every code the tutor knows replaced by its words (and a severity in brackets
    by what it means clinically)."""
    def spell(m: re.Match[str]) -> str:
        words = CONCERN.get(m.group(1))
        if words is None:
            return m.group(0)
        return f"{words} ({SEVERITY_WORDS[m.group(2)]})" if m.group(2) else words
    return _CODE.sub(spell, text).replace("'s its label", "'s label")


def has_code(text: str) -> bool:
    return any(m.group(1) in CONCERN for m in _CODE.finditer(text))
