"""Since the review: which label edition an answer uses, and the dated updates it cites. Pure: no I/O.

The product rests on a review of early 2020; the updates source (knowledge/updates) holds what changed
after it, each passage dated and sourced. This module decides what an answer adds about that:

- ``label_since_review_lines(assessment)``: one "Since the review: ... (FDA, date) [n]" line per agent
  whose current label status (``label_now``) differs from the review's (``label_status``), and one for
  the CAR T products approved after the review when they are not off label for the patient;
- ``updates_for(text)``: the updates passages an evidence or label question is about (the later
  trials E1910, ZUMA-3 and FELIX, the REMS removal, InO in children, CAR T for adults, blinatumomab
  consolidation), each shown beside the review passage it changes;
- ``later_trials_without_updates(text)``: later trials named in the question that no passage covers
  (the answer says the review predates them);
- ``knowledge_current_through()`` and ``decision_support_line()``: the notice every answer that
  states a label carries, with "knowledge current through DATE".

The question matching (``updates_for`` and the trial names) lives in assistant.currency_match and is
re-exported here. ``since_the_review(...)`` puts these together into one Markdown block for a chat answer, and
``with_decision_support(...)`` puts the dated notice in the answer. The chat engine calls both at one
marked call site; the wording lives here so any composer can reuse it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.currency_match import (
    LATER_TRIALS_WITHOUT_PASSAGES,
    asks_about_label,
    later_trials_without_updates,
    trials_named,
    updates_for,
)
from knowledge.pack import KnowledgePack, default_pack
from knowledge.schema import UpdatePassage

__all__ = [
    "LATER_TRIALS_WITHOUT_PASSAGES", "SinceLine", "SinceTheReview", "decision_support_line", "format_source",
    "knowledge_current_through", "label_since_review_lines", "later_trials_without_updates", "render_lines",
    "since_the_review", "source_label", "trials_named", "updates_for", "with_decision_support",
]

REVIEW_EDITION = "the review (early 2020)"
AGENT_WORDS = {
    "blinatumomab": "Blinatumomab",
    "inotuzumab_ozogamicin": "Inotuzumab ozogamicin",
    "tisagenlecleucel": "Tisagenlecleucel",
    "brexucabtagene_autoleucel": "brexucabtagene autoleucel",
    "obecabtagene_autoleucel": "obecabtagene autoleucel",
}
STATUS_WORDS = {"on_label": "on label", "off_label": "off label", "unknown": "not yet judgeable"}

class Ledger(Protocol):
    """What this module needs of the answer's citation ledger (assistant.answer.CitationLedger)."""

    def markers(self, passage_ids: list[str] | tuple[str, ...]) -> str: ...

    def cite_each_sentence(self, text: str, passage_ids: list[str] | tuple[str, ...]) -> str: ...


@dataclass(frozen=True)
class SinceLine:
    """One line of an answer about a change since the review, and the updates passages it cites."""

    text: str
    passage_ids: tuple[str, ...]


@dataclass(frozen=True)
class SinceTheReview:
    """What an answer adds about currency: a Markdown block (may be empty) and whether it states a label."""

    block: str
    states_label: bool
    replaces_body: bool = False

    def apply(self, body: str) -> str:
        """The body with the block added (or, for a question only the updates answer, replaced)."""
        if not self.block:
            return body
        return self.block if self.replaces_body or not body else f"{body}\n\n{self.block}"


def knowledge_current_through(pack: KnowledgePack | None = None) -> dt.date | None:
    """The latest date in the updates source (None for a pack without updates)."""
    return (pack or default_pack()).updates.current_through


def decision_support_line(pack: KnowledgePack | None = None) -> str:
    """The decision-support notice of an answer that states a label, dated."""
    through = knowledge_current_through(pack)
    dated = f"knowledge current through {through.isoformat()}" if through else "no later updates loaded"
    return (
        f"_Decision support only: labels are given as {REVIEW_EDITION} states them, with later changes marked "
        f"\"Since the review\" ({dated}). The treating team makes the decision._"
    )


def format_source(publisher: str | None, date: dt.date | None, kind: str | None) -> str:
    """How an updates citation reads: "FDA, 2024-03-06"; a secondary source adds "reported (secondary source)"."""
    label = ", ".join(x for x in (publisher or "updates", date.isoformat() if date else "") if x)
    return f"{label}, reported (secondary source)" if kind == "secondary" else label


def source_label(update: UpdatePassage) -> str:
    """``format_source`` of an updates passage."""
    return format_source(update.source_name, update.date, update.source_kind)


def _line(update: UpdatePassage, ledger: Ledger, lead: str = "Since the review: ") -> str:
    return f"{lead}{update.headline} ({source_label(update)}) {ledger.markers([update.id])}."


def label_since_review_lines(
    assessment: Mapping[str, Any], pack: KnowledgePack | None = None
) -> list[SinceLine]:
    """One line per agent whose current label status differs from the review's, then one for the
    later CAR T products when they are not off label for this patient. Markers are added by the caller
    (``render_lines``), so the lines can be composed in any order."""
    pack = pack or default_pack()
    lines: list[SinceLine] = []
    for entry in assessment.get("agents", []):
        now = entry.get("label_now") or {}
        if not now or now.get("status") == entry.get("label_status"):
            continue
        ids = tuple(p for p in now.get("changed_by", []) if p in pack.updates.by_id)
        if not ids:
            continue
        name = AGENT_WORDS.get(entry["agent"], entry["agent"]).lower()
        why = "; ".join(pack.updates.by_id[p].headline for p in ids)
        lines.append(SinceLine(
            text=(f"{name} is {STATUS_WORDS[now['status']]} for this patient as of {now['as_of']}, "
                  f"{STATUS_WORDS[entry['label_status']]} in the review's edition: {why}"),
            passage_ids=ids,
        ))
    later = [a for a in assessment.get("later_approvals", []) if a.get("label_status") != "off_label"]
    if later:
        names = " and ".join(AGENT_WORDS[a["agent"]] for a in later)
        status = {a["label_status"] for a in later}
        words = STATUS_WORDS[status.pop()] if len(status) == 1 else "on label or not yet judgeable"
        ids = tuple(c["passage_id"] for a in later for c in a.get("citations", []))
        lines.append(SinceLine(
            text=f"two CD19 CAR T products approved after the review, {names}, are {words} for this patient",
            passage_ids=ids,
        ))
    return lines


def render_lines(lines: Iterable[SinceLine], ledger: Ledger, pack: KnowledgePack | None = None) -> list[str]:
    """'Since the review: <line> (FDA, 2024-03-06) [n].' with every cited update's source and date."""
    pack = pack or default_pack()
    out = []
    for line in lines:
        cited = [pack.updates.by_id[p] for p in line.passage_ids if p in pack.updates.by_id]
        sources = "; ".join(f"{source_label(u)} {ledger.markers([u.id])}" for u in cited)
        out.append(f"Since the review: {line.text} ({sources}).")
    return out


def _states_label(pack: KnowledgePack, passage_ids: Iterable[str]) -> bool:
    for pid in passage_ids:
        passage = pack.citable(pid)
        if passage is not None and {"label", "approval"} & set(passage.topics):
            return True
    return False


def since_the_review(
    text: str,
    *,
    ledger: Ledger,
    assessment: Mapping[str, Any] | None = None,
    cited: Sequence[str] = (),
    out_of_scope: bool = False,
    pack: KnowledgePack | None = None,
) -> SinceTheReview:
    """What a chat answer adds about changes since the review.

    ``cited``: the passage ids the answer already cites; ``out_of_scope``: the review-only answer found
    nothing, so an updates answer (or "the review predates it") replaces it.
    """
    pack = pack or default_pack()
    lines: list[str] = []
    shown: set[str] = set()
    if assessment is not None:
        since = label_since_review_lines(assessment, pack)
        lines += render_lines(since, ledger, pack)
        shown |= {p for line in since for p in line.passage_ids}
        if any(a.get("label_status") != "off_label" for a in assessment.get("later_approvals", [])):
            note = str(assessment.get("later_approvals_note") or "")
            later_ids = [c["passage_id"] for a in assessment["later_approvals"] for c in a.get("citations", [])]
            if note:
                lines.append(ledger.cite_each_sentence(note, [*later_ids, "seq-03"] if "CD19" in note else later_ids))
    for update in updates_for(text, pack):
        if update.id in shown:
            continue
        shown.add(update.id)
        # The review's own statement beside the change, unless the answer already shows it.
        for review_id in update.supersedes:
            review = pack.by_id.get(review_id)
            if review is not None and review_id not in cited and review_id not in shown:
                shown.add(review_id)
                lines.append(f"The review (2020): {ledger.cite_each_sentence(review.text, [review_id])}")
        if update.facts or not update.supersedes:
            lines.append(f"After the review ({source_label(update)}): "
                         f"{ledger.cite_each_sentence(update.text, [update.id])}")
        else:
            lines.append(_line(update, ledger))
    if assessment is None and asks_about_label(text):
        # A label the review states that has changed since: one dated line beside the review's statement.
        for review_id in cited:
            for update in pack.updates.superseding(review_id):
                if update.id not in shown and not update.facts:
                    shown.add(update.id)
                    lines.append(_line(update, ledger))
    if named := trials_named(text, pack):
        lines.insert(0, f"The review (early 2020) predates {' and '.join(named)}; what follows comes from the "
                        "updates source.")
    for trial in later_trials_without_updates(text, pack):
        lines.append(f"The review (early 2020) predates {trial}, and the updates source holds no passage on it.")
    if not lines:
        return SinceTheReview(block="", states_label=assessment is not None or _states_label(pack, cited))
    heading = "**Since the review** (updates after the 2020 review, each dated):"
    block = "\n".join([heading, *(f"- {line}" for line in lines)])
    states = assessment is not None or _states_label(pack, [*cited, *shown])
    return SinceTheReview(block=block, states_label=states or bool(shown), replaces_body=out_of_scope)


def with_decision_support(answer: str, *, notice: str, since: SinceTheReview, pack: KnowledgePack | None = None) -> str:
    """An answer that states a label carries the dated decision-support line (in place of ``notice``)."""
    if not since.states_label:
        return answer
    line = decision_support_line(pack)
    if notice and notice in answer:
        return answer.replace(notice, line, 1)
    return f"{line}\n\n{answer}" if answer else line
