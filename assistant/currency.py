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

``since_the_review(...)`` puts these together into one Markdown block for a chat answer, and
``with_decision_support(...)`` puts the dated notice in the answer. The chat engine calls both at one
marked call site; the wording lives here so any composer can reuse it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from knowledge.normalize import mentioned_agents
from knowledge.pack import KnowledgePack, default_pack
from knowledge.schema import UpdatePassage

REVIEW_EDITION = "the review (early 2020)"
AGENT_WORDS = {
    "blinatumomab": "Blinatumomab",
    "inotuzumab_ozogamicin": "Inotuzumab ozogamicin",
    "tisagenlecleucel": "Tisagenlecleucel",
    "brexucabtagene_autoleucel": "brexucabtagene autoleucel",
    "obecabtagene_autoleucel": "obecabtagene autoleucel",
}
STATUS_WORDS = {"on_label": "on label", "off_label": "off label", "unknown": "not yet judgeable"}
# Later trials the spec names that the updates source has no passage on (out of R/R agent choice):
# asked about, the answer says the review predates them rather than saying nothing.
LATER_TRIALS_WITHOUT_PASSAGES = ("AALL1731", "PhALLCON")

# Question words that say what an update is about; matched as word starts, case-insensitive.
_CHILD = re.compile(r"\b(?:child|children|kids?|pediatric|paediatric|infants?|toddlers?|boy|girl|adolescents?)\b",
                    re.IGNORECASE)
_ADULT = re.compile(r"\badults?\b", re.IGNORECASE)
# A patient's age ("10-year-old", "30 yo"); "2-year OS" is not one.
_AGE = re.compile(r"\b(\d{1,3})\s*(?:-?\s*years?[- ]old\b|yo\b|y/o\b)", re.IGNORECASE)
# The question asks what is approved or available, not what a trial found.
_LABEL_INTENT = re.compile(
    r"\b(?:approv\w*|label\w*|indicat\w*|licen[sc]\w*|fda|options?|eligib\w*|availab\w*|allowed|which agents?"
    r"|can (?:i|we|you|they|he|she) (?:give|use|get)|(?:give|get|receive|use|offer)s? (?:ino|inotuzumab|car[- ]?t))\b",
    re.IGNORECASE,
)
_CAR_T = re.compile(r"\bcar[- ]?t\b|\bcell therapy\b|\bcar-?t-?cells?\b", re.IGNORECASE)
_LATER_CAR_T = re.compile(r"\bbrexu|\btecartus\b|\bobe-?cel\b|\bobecabtagene\b|\baucatzyl\b", re.IGNORECASE)
_REMS = re.compile(r"\brems\b|\brisk evaluation\b|\bcertifi|\bdriv(?:e|ing)\b|\bstay (?:near|close)\b",
                   re.IGNORECASE)
_REMS_NAMED = re.compile(r"\brems\b", re.IGNORECASE)
_LOGISTICS = re.compile(r"\blogistic|\bpractical|\bmonitoring after\b", re.IGNORECASE)
_CONSOLIDATION = re.compile(r"\bconsolidat|\bfrontline\b|\bfront-line\b|\bupfront\b", re.IGNORECASE)
_MRD_APPROVAL = re.compile(r"\bmrd\b.*\b(?:approv|label|indicat)|\b(?:approv|label|indicat)\w*\b.*\bmrd\b",
                           re.IGNORECASE)


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
    """How an updates citation reads: "FDA, 2024-03-06"; a secondary source adds "reported"."""
    label = ", ".join(x for x in (publisher or "updates", date.isoformat() if date else "") if x)
    return f"{label}, reported" if kind == "secondary" else label


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


def _ages(text: str) -> list[int]:
    return [int(m.group(1)) for m in _AGE.finditer(text)]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def updates_for(text: str, pack: KnowledgePack | None = None) -> list[UpdatePassage]:
    """The updates passages a question is about, oldest first; empty when it touches none of them."""
    pack = pack or default_pack()
    agents = set(mentioned_agents(text))
    ages = _ages(text)
    child = bool(_CHILD.search(text)) or any(age < 18 for age in ages)
    adult = bool(_ADULT.search(text)) or any(age >= 26 for age in ages)
    car_t = bool(_CAR_T.search(text)) or "tisagenlecleucel" in agents
    rows: set[str] = set()
    asks_label = bool(_LABEL_INTENT.search(text))
    if "inotuzumab_ozogamicin" in agents and child and asks_label:
        rows.add("U2")
    if _LATER_CAR_T.search(text) or (car_t and adult and asks_label):
        rows |= {"U1", "U5"}
    about_car_t = car_t or bool(_LATER_CAR_T.search(text))
    if _REMS_NAMED.search(text) or (about_car_t and (_REMS.search(text) or _LOGISTICS.search(text))):
        rows.add("U6")
    if "blinatumomab" in agents and _CONSOLIDATION.search(text):
        rows.add("U3")
    if "blinatumomab" in agents and _MRD_APPROVAL.search(text):
        rows.add("U4")
    named = set(trials_named(text, pack))
    trials = {p.id for p in pack.updates for f in p.facts if f.trial in named}
    found = [p for p in pack.updates if p.row in rows or p.id in trials]
    # A trial question also gets the approval the trial led to, so its date and label come with it.
    trial_rows = {p.row for p in pack.updates if p.id in trials}
    found += [p for p in pack.updates if p.row in trial_rows and not p.facts and p not in found]
    return sorted(found, key=lambda p: (p.date, p.id))


def trials_named(text: str, pack: KnowledgePack | None = None) -> list[str]:
    """The later trials of the updates source that the question names (E1910, ZUMA-3, FELIX, ...)."""
    pack = pack or default_pack()
    wanted = _norm(text)
    trials = dict.fromkeys(f.trial for p in pack.updates for f in p.facts)
    return [t for t in trials if _norm(t) and _norm(t) in wanted]


def later_trials_without_updates(text: str, pack: KnowledgePack | None = None) -> list[str]:
    """Later trials named in the question that the updates source holds no passage on."""
    pack = pack or default_pack()
    covered = {_norm(f.trial) for p in pack.updates for f in p.facts}
    wanted = _norm(text)
    return [t for t in LATER_TRIALS_WITHOUT_PASSAGES if _norm(t) in wanted and _norm(t) not in covered]


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
