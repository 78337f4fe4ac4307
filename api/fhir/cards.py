"""Cards from a mapped record and its assessment (pure): a summary card with the bottom line per agent,
one card per warning or critical flag, and an info card naming the decisive facts the record lacks.
A record without a B-ALL Condition gets one info card and nothing clinical."""

from __future__ import annotations

import uuid
from typing import Any

from knowledge.pack import KnowledgePack
from tools.agents import DISPLAY_NAME, Agent
from tools.flags import REVIEW_SOURCE, Assessment, Citation, Flag
from tools.profile import PatientProfile

from .hooks import SERVICE_ID, Card, CardSource, Coding, Link
from .record import FactSource, MappedRecord

SOURCE_LABEL = "Curran & O'Brien, Semin Hematol 2020 (RR-ALL Navigator rules)"
_SYSTEM = "urn:rrall-navigator"
OVERRIDE_REASONS = [
    Coding(system=f"{_SYSTEM}:override-reason", code="clinical-judgement", display="Treating team's judgement"),
    Coding(system=f"{_SYSTEM}:override-reason", code="newer-information", display="Newer information than the record"),
    Coding(system=f"{_SYSTEM}:override-reason", code="not-applicable", display="Does not apply to this patient"),
    Coding(system=f"{_SYSTEM}:override-reason", code="patient-preference", display="Patient's preference"),
]
_SHORT = {"blinatumomab": "blinatumomab", "inotuzumab_ozogamicin": "InO", "tisagenlecleucel": "tisagenlecleucel"}
_LABEL = {"on_label": "on label", "off_label": "off label", "unknown": "label unknown"}


def _uuid(hook_instance: str, key: str) -> str:
    # Stable per hook call and card, so feedback on a card can be matched to it.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{_SYSTEM}/{SERVICE_ID}/{hook_instance}/{key}"))


def _where(source: FactSource) -> str:
    return ", ".join(p for p in (source.resource, source.code, source.date) if p)


def _field_name(field: str) -> str:
    # The profile's own description up to its first colon: "CD19 on blasts: positive, ..." -> "CD19 on blasts".
    description = PatientProfile.model_fields[field].description or field
    return f"{description.split(':')[0]} (`{field}`)"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _evidence(citations: list[Citation], pack: KnowledgePack, base_url: str) -> list[str]:
    lines = []
    for citation in citations:
        passage = pack.get(citation.passage_id)
        section = f" ({passage.section})" if passage else ""
        refs = "; ".join(f"[{n}] {pack.references[n].citation}" for n in citation.refs if n in pack.references)
        lines.append(f"- [{citation.passage_id}]({base_url}/v1/passages/{citation.passage_id}){section}"
                     + (f": {refs}" if refs else ""))
    return lines


def _record_lines(record: MappedRecord) -> list[str]:
    lines = ["**Read from the record**"]
    lines += [f"- {_field_name(f.field)}: {_value(f.value)} ({_where(f.sources[0])})" for f in record.facts] \
        or ["- nothing"]
    superseded = [(f.field, s) for f in record.facts for s in f.superseded]
    if superseded:
        lines += ["", "**Older values, superseded by a newer observation**"]
        lines += [f"- `{field}`: {_where(source)}" for field, source in superseded]
    if record.unmapped:
        lines += ["", "**Not used**"]
        lines += [f"- {u.resource} {u.code}".rstrip() + f": {u.reason}" for u in record.unmapped]
    return lines


def out_of_scope_card(record: MappedRecord, *, hook_instance: str) -> Card:
    return Card(
        uuid=_uuid(hook_instance, "out-of-scope"), indicator="info",
        summary="No B-cell ALL diagnosis in this record: RR-ALL Navigator has no advice here",
        detail=("This service covers relapsed/refractory B-cell acute lymphoblastic leukaemia only. No Condition "
                "coded as B-ALL (SNOMED CT 277571004, or a code the hospital mapped) was found, so no clinical "
                "cards are shown."),
        source=CardSource(label=SOURCE_LABEL),
    )


def _summary_line(assessment: Assessment) -> str:
    parts = [
        f"{_SHORT[a.agent]} {'suitable' if a.suitable else 'not suitable'}, {_LABEL[a.label_status]}"
        for a in assessment.agents
    ]
    line = "Agent choice: " + "; ".join(parts)
    return line if len(line) < 140 else line[:136] + "..."


def _flag_card(flag: Flag, agent: Agent, *, pack: KnowledgePack, base_url: str, hook_instance: str,
               links: list[Link]) -> Card:
    first = flag.citations[0].passage_id
    detail = "\n".join([f"**{DISPLAY_NAME[agent]}**: {flag.message}", "", "**Evidence**",
                        *_evidence(flag.citations, pack, base_url)])
    return Card(
        uuid=_uuid(hook_instance, f"{agent}/{flag.code}"), summary=flag.summary, indicator=flag.severity,
        detail=detail, links=links, overrideReasons=OVERRIDE_REASONS,
        source=CardSource(label=SOURCE_LABEL, url=f"{base_url}/v1/passages/{first}",
                          topic=Coding(system=f"{_SYSTEM}:flag", code=flag.code, display=flag.code)),
    )


def build_cards(
    record: MappedRecord, assessment: Assessment | None, *, pack: KnowledgePack, base_url: str,
    hook_instance: str, session_url: str | None,
) -> list[Card]:
    if not record.in_scope or assessment is None:
        return [out_of_scope_card(record, hook_instance=hook_instance)]
    links = [Link(label="Open in RR-ALL Navigator", url=session_url, type="absolute")] if session_url else []
    agents = [
        f"- **{DISPLAY_NAME[a.agent]}**: {'suitable' if a.suitable else 'not suitable'}. {a.label_reason}"
        for a in assessment.agents
    ]
    summary = Card(
        uuid=_uuid(hook_instance, "summary"), summary=_summary_line(assessment), indicator="info",
        detail="\n".join([f"**Bottom line per agent** ({assessment.label_basis})", *agents, "",
                          *_record_lines(record), "", f"Rules and evidence: {REVIEW_SOURCE}."]),
        source=CardSource(label=SOURCE_LABEL), links=links, overrideReasons=OVERRIDE_REASONS,
    )
    cards = [summary]
    for agent in assessment.agents:
        for flag in agent.flags:
            if flag.severity in ("warning", "critical"):
                cards.append(_flag_card(flag, agent.agent, pack=pack, base_url=base_url,
                                        hook_instance=hook_instance, links=links))
    if assessment.missing:
        names = [_field_name(f).split(" (`")[0] for f in assessment.missing]
        shown = "; ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        line = f"Not in the record, could change the advice: {shown}"
        cards.append(Card(
            uuid=_uuid(hook_instance, "missing"), indicator="info",
            summary=line if len(line) < 140 else line[:136] + "...",
            detail="\n".join(["These facts were not found (or could not be read) in the record; each could "
                              "change a label status or a flag:",
                              *[f"- {_field_name(f)}" for f in assessment.missing]]),
            source=CardSource(label=SOURCE_LABEL), links=links,
        ))
    # Critical first, then warnings, the summary leading: the order an EHR usually shows them in.
    rank = {"critical": 0, "warning": 1, "info": 2}
    return [summary, *sorted(cards[1:], key=lambda c: rank[c.indicator])]
