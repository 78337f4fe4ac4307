"""Deterministic prose from tool results and retrieved passages. Pure: no I/O.

Every factual sentence ends with citation markers from the ledger. Sentences that are not
factual claims (the decision-support notice, questions back to the user, headings) carry none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from assistant.answer import CitationLedger

NOTICE = (
    "_Decision support only: this summarises one 2020 review (Curran & O'Brien, Semin Hematol) and "
    "fixed rules; the treating team makes the decision._"
)

AGENT_NAMES = {
    "blinatumomab": "Blinatumomab (Blincyto)",
    "inotuzumab_ozogamicin": "Inotuzumab ozogamicin (InO, Besponsa)",
    "tisagenlecleucel": "Tisagenlecleucel (Kymriah, CD19 CAR T)",
}
# Where each agent's label, as the review states it, is written down in the pack.
LABEL_PASSAGES = {
    "blinatumomab": ("label-01", "agent-blina-02"),
    "inotuzumab_ozogamicin": ("label-02", "agent-ino-01"),
    "tisagenlecleucel": ("label-03", "agent-cart-02"),
}
LABEL_WORDS = {
    "on_label": "within the FDA label as the review gives it",
    "off_label": "outside the FDA label as the review gives it",
    "unknown": "label status cannot be judged yet",
}
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
SEVERITY_MARK = {"critical": "**Critical**", "warning": "Warning", "info": "Note"}

FIELD_LABELS = {
    "age_years": "age",
    "disease_status": "disease setting",
    "ph_positive": "Ph status",
    "marrow_blasts_pct": "marrow blasts",
    "cd19": "CD19",
    "cd22_positive_pct": "CD22-positive blasts",
    "kmt2a_rearranged": "KMT2A rearrangement",
    "cns_disease": "CNS disease",
    "extramedullary_disease": "extramedullary disease",
    "prior_therapies": "prior therapies",
    "prior_hsct": "prior allogeneic HSCT",
    "hsct_planned": "HSCT planned",
    "hsct_feasible": "HSCT feasible",
    "dual_alkylator_conditioning": "dual-alkylator conditioning",
    "bilirubin_x_uln": "bilirubin",
    "planned_ino_cycles": "planned InO cycles",
    "t_cell_dysfunction": "T-cell dysfunction",
    "rapidly_progressive": "rapidly progressive",
    "prior_car_t_manufacturing_failure": "prior CAR T manufacturing failure",
    "prefers_no_pump": "prefers no pump",
}
STATUS_WORDS = {
    "refractory": "refractory",
    "first_relapse": "first relapse",
    "second_or_later_relapse": "second or later relapse",
    "mrd_positive": "MRD-positive",
}
# The question to ask for each missing fact, most decisive first.
ASK_ORDER: tuple[tuple[str, str], ...] = (
    ("age_years", "How old is the patient? (the InO and tisagenlecleucel labels depend on age)"),
    ("disease_status", "What is the disease setting: refractory, first relapse, second or later relapse, "
     "or MRD-positive?"),
    ("cd22_positive_pct", "What share of blasts is CD22-positive? (needed before judging inotuzumab)"),
    ("cd19", "Is CD19 positive, dim or negative on the blasts? (needed for blinatumomab and CAR T)"),
    ("marrow_blasts_pct", "What is the marrow blast percentage? (disease burden changes the picture)"),
)


class Hit(Protocol):
    passage_id: str
    text: str
    section: str


def describe_fact(field: str, value: Any) -> str:
    label = FIELD_LABELS.get(field, field)
    if field == "age_years":
        return f"age {value:g}" if isinstance(value, float) else f"age {value}"
    if field == "disease_status":
        return STATUS_WORDS.get(str(value), str(value))
    if field in ("marrow_blasts_pct", "cd22_positive_pct"):
        return f"{label} {value:g}%"
    if field == "bilirubin_x_uln":
        return f"bilirubin {value:g} x ULN"
    if field == "cd19":
        return f"CD19 {value}"
    if field == "prior_therapies":
        return "prior " + ", ".join(str(v).replace("_", " ") for v in value) if value else "no prior therapies"
    if field == "planned_ino_cycles":
        return f"{value} InO cycles planned"
    if isinstance(value, bool):
        return label if value else f"no {label}"
    return f"{label} {value}"


def describe_patient(patient: dict[str, Any]) -> str:
    return "; ".join(describe_fact(k, v) for k, v in patient.items() if v is not None)


def questions_for(missing: Sequence[str], *, limit: int = 2) -> list[tuple[str, str]]:
    wanted = [(field, q) for field, q in ASK_ORDER if field in missing]
    return wanted[:limit]


def compose_assessment(assessment: dict[str, Any], ledger: CitationLedger, *, focus: Sequence[str] = ()) -> str:
    """The three agents with label status and flags, most severe first; ``focus`` agents lead."""
    agents = sorted(
        assessment["agents"], key=lambda a: (0 if a["agent"] in focus else 1)
    ) if focus else assessment["agents"]
    lines: list[str] = []
    for entry in agents:
        agent = entry["agent"]
        status = entry["label_status"]
        label_sentence = ledger.cite_each_sentence(
            f"{AGENT_NAMES[agent].split(' (')[0]} is {LABEL_WORDS[status]}.", LABEL_PASSAGES[agent]
        ) if status != "unknown" else f"{AGENT_NAMES[agent].split(' (')[0]}: {LABEL_WORDS[status]}."
        verdict = "not suitable for this patient" if not entry["suitable"] else "no finding rules it out"
        lines.append(f"**{AGENT_NAMES[agent]}**: {verdict}. {label_sentence}")
        flags = sorted(entry["flags"], key=lambda f: SEVERITY_ORDER.get(f["severity"], 3))
        for flag in flags:
            ids = [c["passage_id"] for c in flag.get("citations", [])]
            text = ledger.cite_each_sentence(flag["message"], ids)
            lines.append(f"- {SEVERITY_MARK.get(flag['severity'], flag['severity'])} ({flag['code']}): {text}")
        lines.append("")
    return "\n".join(lines).strip()


def compose_passages(hits: Sequence[Hit], ledger: CitationLedger, *, intro: str = "") -> str:
    parts = [intro] if intro else []
    for hit in hits:
        parts.append("- " + ledger.cite_each_sentence(hit.text, [hit.passage_id]))
    return "\n".join(parts)


def compose_points(points: Sequence[dict[str, Any]], ledger: CitationLedger, *, with_reasons: bool = False) -> str:
    """Sequencing or comparison points: a bold title, the reason, and its citations."""
    lines = []
    for point in points:
        ids = [c["passage_id"] for c in point.get("citations", [])]
        body = ledger.cite_each_sentence(point.get("point") or point.get("reason") or "", ids)
        title = point.get("title") or point.get("code", "")
        line = f"- **{title}**: {body}"
        if with_reasons and point.get("reason"):
            line += " _For this patient:_ " + ledger.cite_each_sentence(point["reason"], ids)
        lines.append(line)
    return "\n".join(lines)


def out_of_scope(subject: str | None = None) -> str:
    what = f" ({subject})" if subject else ""
    return (
        f"The review this assistant is built on does not cover that{what}, so I will not guess. "
        "It covers blinatumomab, inotuzumab ozogamicin and tisagenlecleucel in relapsed/refractory B-ALL: "
        "trial results, toxicity (CRS, ICANS, SOS), disease burden, CD19/CD22 antigen expression, CNS and "
        "extramedullary disease, the need for HSCT, logistics, sequencing and combinations, as of 2020."
    )


HELP = (
    "I help choose and sequence **blinatumomab**, **inotuzumab ozogamicin** and **tisagenlecleucel** for "
    "relapsed/refractory B-ALL, using one review (Curran & O'Brien, Semin Hematol 2020) and fixed rules.\n\n"
    "- Describe a patient in your own words (age, setting, marrow blasts, CD19/CD22, prior therapy, "
    "transplant history, bilirubin, CNS disease) and ask which agent fits.\n"
    "- Ask what the evidence says, e.g. \"What were the CR/CRi rates in INO-VATE?\"\n"
    "- Ask about sequencing, e.g. \"Can I give CAR T after blinatumomab?\"\n"
    "- Say \"new patient\" to start over. Every factual sentence links to the passage it rests on."
)
GREETING = "Hello. " + HELP
