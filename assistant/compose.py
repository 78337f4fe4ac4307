"""Deterministic prose from tool results and retrieved passages. Pure: no I/O.

An answer leads with what a busy clinician needs: for an evidence question, the sentence that
answers it, with its figure; for a patient, a bottom line of one line per agent (ruled out, main
concern, or no finding against it). The details follow, and questions back to the user come last.

Citations: a block of text resting on the same passages carries one marker run at its end, not one
per sentence. Sentences that are not claims (the notice, questions, headings) carry none. Wording of
the profile's fields and agents comes from ``tools.vocabulary``, the one vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from assistant.answer import CitationLedger
from knowledge.normalize import analyze
from knowledge.ranking_signals import has_figure, wants_figure
from tools.vocabulary import AGENT_NAMES, AGENT_SHORT, ASK_ORDER, FIELDS, describe, phrase

__all__ = [
    "AGENT_NAMES",
    "FIELD_LABELS",
    "GREETING",
    "HELP",
    "NOTICE",
    "SEVERITY_MARK",
    "SEVERITY_ORDER",
    "bottom_line",
    "compose_assessment",
    "compose_evidence",
    "compose_points",
    "compose_toxicity",
    "describe_fact",
    "describe_patient",
    "out_of_scope",
    "questions_for",
]

NOTICE = (
    "_Decision support only: this summarises one 2020 review (Curran & O'Brien, Semin Hematol) and "
    "fixed rules; the treating team makes the decision._"
)
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
# Field names as a sentence says them ("I could not use the marrow blasts: ...").
FIELD_LABELS = {name: phrase(name) for name in FIELDS}


class Hit(Protocol):
    passage_id: str
    text: str
    section: str


def describe_fact(field: str, value: Any) -> str:
    return describe(field, value)


def describe_patient(patient: Mapping[str, Any]) -> str:
    return "; ".join(describe(k, v) for k, v in patient.items() if v is not None)


def questions_for(missing: Sequence[str], *, limit: int = 2) -> list[tuple[str, str]]:
    """The questions for the most decisive missing facts, most decisive first."""
    return [(name, FIELDS[name].ask) for name in ASK_ORDER if name in missing][:limit]


# -- a patient ------------------------------------------------------------------------------------
def _flags(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return sorted(entry["flags"], key=lambda f: SEVERITY_ORDER.get(f["severity"], 3))


def _flag_ids(flag: Mapping[str, Any]) -> list[str]:
    return [c["passage_id"] for c in flag.get("citations", [])]


def bottom_line(assessment: Mapping[str, Any], ledger: CitationLedger, *, focus: Sequence[str] = ()) -> list[str]:
    """One line per agent: what decides it for this patient."""
    lines = []
    for entry in _ordered(assessment, focus):
        name = AGENT_SHORT[entry["agent"]]
        flags = _flags(entry)
        worst = flags[0] if flags else None
        if worst is not None and worst["severity"] == "critical":
            verdict = "ruled out: " + worst["summary"]
        elif worst is not None and worst["severity"] == "warning":
            more = sum(1 for f in flags[1:] if f["severity"] == "warning")
            verdict = "main concern: " + worst["summary"] + (f" (+{more} more below)" if more else "")
        else:
            worst = None
            verdict = "no finding against it; " + LABEL_WORDS[entry["label_status"]]
        ids = _flag_ids(worst) if worst is not None else list(LABEL_PASSAGES[entry["agent"]])
        lines.append(f"- **{name}**: {ledger.cite(verdict.rstrip('.') + '.', ids)}")
    return lines


def _ordered(assessment: Mapping[str, Any], focus: Sequence[str]) -> list[Mapping[str, Any]]:
    agents = list(assessment["agents"])
    return sorted(agents, key=lambda a: 0 if a["agent"] in focus else 1) if focus else agents


def compose_assessment(assessment: Mapping[str, Any], ledger: CitationLedger, *, focus: Sequence[str] = ()) -> str:
    """The details under the bottom line: each agent's label status and flags, most severe first."""
    lines: list[str] = []
    for entry in _ordered(assessment, focus):
        agent = entry["agent"]
        status = entry["label_status"]
        short = AGENT_NAMES[agent].split(" (")[0]
        label = (ledger.cite(f"{short} is {LABEL_WORDS[status]}.", LABEL_PASSAGES[agent])
                 if status != "unknown" else f"{short}: {LABEL_WORDS[status]}.")
        verdict = "not suitable for this patient" if not entry["suitable"] else "no finding rules it out"
        lines.append(f"**{AGENT_NAMES[agent]}**: {verdict}. {label}")
        for flag in _flags(entry):
            text = ledger.cite(flag["message"], _flag_ids(flag))
            lines.append(f"- {SEVERITY_MARK.get(flag['severity'], flag['severity'])} ({flag['code']}): {text}")
        lines.append("")
    return "\n".join(lines).strip()


# -- the evidence ---------------------------------------------------------------------------------
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def lead_sentence(question: str, hits: Sequence[Hit]) -> tuple[int, int] | None:
    """(passage index, sentence index) of the sentence that best answers ``question``: the one sharing
    most of its rarer terms, stating a figure when a figure is asked for. Looks at the first two hits."""
    asked = set(analyze(question, query=True))
    if not asked or not hits:
        return None
    figure = wants_figure(question)
    best: tuple[float, int, int] | None = None
    for h_index, hit in enumerate(hits[:2]):
        for s_index, sentence in enumerate(_sentences(hit.text)):
            terms = set(analyze(sentence))
            score = len(asked & terms) / len(asked) + (0.5 if figure and has_figure(sentence) else 0.0)
            # The top passage is the retriever's best judgement: another must be clearly better to lead.
            score -= 0.15 * h_index
            if best is None or score > best[0]:
                best = (score, h_index, s_index)
    return (best[1], best[2]) if best is not None else None


def compose_evidence(question: str, hits: Sequence[Hit], ledger: CitationLedger) -> str:
    """The answering sentence first, then what else the passages say."""
    if not hits:
        return ""
    lead = lead_sentence(question, hits)
    parts: list[str] = []
    rest: list[str] = []
    for h_index, hit in enumerate(hits):
        sentences = _sentences(hit.text)
        if lead is not None and lead[0] == h_index:
            parts.append(ledger.cite(sentences[lead[1]], [hit.passage_id]))
            sentences = [s for i, s in enumerate(sentences) if i != lead[1]]
        if sentences:
            rest.append("- " + ledger.cite(" ".join(sentences), [hit.passage_id]))
    if rest:
        parts.append("**Also in the review:**\n" + "\n".join(rest))
    return "\n\n".join(parts)


def compose_points(points: Sequence[Mapping[str, Any]], ledger: CitationLedger, *, with_reasons: bool = False) -> str:
    """Sequencing or comparison points: a bold title, the point, and (for a patient) why it applies."""
    lines = []
    for point in points:
        ids = [c["passage_id"] for c in point.get("citations", [])]
        body = ledger.cite(point.get("point") or point.get("reason") or "", ids)
        title = point.get("title") or point.get("code", "")
        line = f"- **{title}**: {body}"
        if with_reasons and point.get("reason"):
            line += " _For this patient:_ " + point["reason"]
        lines.append(line)
    return "\n".join(lines)


_LEVEL_WORDS = {"high": "high risk here", "raised": "raised here", "baseline": "no added risk factor known"}
_REVIEW_REF = re.compile(r"\s*\[\d+(?:[,-]\d+)*\]")


def compose_toxicity(reports: Sequence[Mapping[str, Any]], ledger: CitationLedger) -> str:
    """For each agent, the toxicities the review describes with it, how this patient's facts bear on
    each, and the review's rates; the ones it does not describe with the agent in one line."""
    blocks = ["**Toxicity to watch for, for this patient:**"]
    for report in reports:
        lines = [f"**{AGENT_NAMES[report['agent']]}**"]
        absent = []
        for risk in report["risks"]:
            if risk["level"] == "not_described":
                absent.append(risk["syndrome"])
                continue
            present = [f"{f['factor']} ({f['patient_fact']})" for f in risk["risk_factors"] if f["status"] == "present"]
            unknown = [f["factor"] for f in risk["risk_factors"] if f["status"] == "unknown"]
            name = str(risk["name"])
            text = f"{name[:1].upper()}{name[1:]} ({risk['syndrome']}): {_LEVEL_WORDS[risk['level']]}"
            if present:
                text += "; risk factors present: " + ", ".join(present)
            if unknown:
                text += "; not known yet: " + ", ".join(unknown)
            rates = [_REVIEW_REF.sub("", r) for r in risk["review_rates"]]
            if rates:
                text += ". The review reports " + "; ".join(rates)
            ids = [c["passage_id"] for c in risk["citations"]]
            lines.append("- " + ledger.cite(text.rstrip(".") + ".", ids))
        if absent:
            lines.append(f"- The review does not describe {' or '.join(absent)} with this agent.")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def out_of_scope(subject: str | None = None) -> str:
    what = f" ({subject})" if subject else ""
    return (
        f"The review this assistant is built on does not cover that{what}, so I will not guess. "
        "It covers blinatumomab, inotuzumab ozogamicin and tisagenlecleucel in relapsed/refractory B-ALL: "
        "trial results, toxicity (CRS, ICANS, SOS), disease burden, CD19/CD22 antigen expression, CNS and "
        "extramedullary disease, the need for HSCT, logistics, sequencing and combinations, as of 2020."
    )


def after_the_review(subject: str | None = None) -> str:
    what = f" ({subject})" if subject else ""
    return (
        f"That{what} came after the review this assistant is built on (early 2020), so the review does not "
        "cover it and I will not guess. Check the current prescribing information or a recent guideline."
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
