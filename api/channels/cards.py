"""Adaptive Cards (schema 1.4, which Teams renders): the assessment, and a quiz question's choices.

Built from the structured assessment, not from the answer's prose, so a card cannot disagree with
the rules; each flag carries the citation markers of the answer it sits beside.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.answer import ChatResponse, QuizCard, strip_review_refs
from assistant.compose import AGENT_NAMES, FIELD_LABELS, SEVERITY_ORDER
from assistant.currency import format_source

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
_LABEL = {"on_label": "on label", "off_label": "off label", "unknown": "cannot be judged yet"}
_COLOUR = {"critical": "Attention", "warning": "Warning", "info": "Default"}
_SEVERITY = {"critical": "Critical", "warning": "Warning", "info": "Note"}


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.4", "body": body}
    if actions:
        card["actions"] = actions
    return card


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def assessment_card(response: ChatResponse) -> dict[str, Any] | None:
    assessment = response.assessment
    if not assessment or not isinstance(assessment.get("agents"), list):
        return None
    markers = {c.passage_id: c.marker for c in response.citations}
    through = next((str(e["label_now"].get("as_of")) for e in assessment["agents"]
                    if isinstance(e.get("label_now"), dict)), None)
    basis = f"one 2020 review, label changes since it (current through {through})" if through else "one 2020 review"
    body = [_text("Assessment", weight="Bolder", size="Medium"),
            _text(f"Decision support from {basis} and fixed rules; the treating team decides.",
                  isSubtle=True, size="Small")]
    for entry in assessment["agents"]:
        agent = str(entry.get("agent", ""))
        flags = sorted(entry.get("flags") or [], key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 3))
        items: list[dict[str, Any]] = [
            _text(AGENT_NAMES.get(agent, agent), weight="Bolder"),
            {"type": "FactSet", "facts": [
                {"title": "FDA label", "value": _LABEL.get(str(entry.get("label_status")), "unknown")},
                *_label_now(entry, markers),
                {"title": "Suitable", "value": "yes" if entry.get("suitable") else "no (critical finding)"},
            ]},
        ]
        for flag in flags:
            tag = "".join(f"[{markers[c['passage_id']]}]" for c in flag.get("citations") or []
                          if c.get("passage_id") in markers)
            summary = strip_review_refs(str(flag.get("summary") or flag.get("message") or ""))
            severity = str(flag.get("severity"))
            items.append(_text(f"{_SEVERITY.get(severity, severity)} ({flag.get('code')}): {summary} {tag}".rstrip(),
                               size="Small", color=_COLOUR.get(severity, "Default")))
        body.append({"type": "Container", "separator": True, "items": items})
    body += _later_approvals(assessment, response)
    missing = [FIELD_LABELS.get(m, m) for m in assessment.get("missing") or []]
    if missing:
        body.append(_text("Would sharpen this: " + ", ".join(missing) + ".", isSubtle=True, separator=True))
    return _card(body)


def _label_now(entry: dict[str, Any], markers: dict[str, int]) -> list[dict[str, str]]:
    """The current edition's status beside the review's, with the markers of the updates behind a change."""
    now = entry.get("label_now")
    if not isinstance(now, dict):
        return []
    tag = "".join(f"[{markers[p]}]" for p in now.get("changed_by") or [] if p in markers)
    value = f"{_LABEL.get(str(now.get('status')), 'unknown')} (as of {now.get('as_of')}) {tag}".rstrip()
    return [{"title": "FDA label now", "value": value}]


def _later_approvals(assessment: dict[str, Any], response: ChatResponse) -> list[dict[str, Any]]:
    """The CAR T products approved after the review: label status, dated source with its link, the note."""
    later = assessment.get("later_approvals") or []
    if not later:
        return []
    by_id = {c.passage_id: c for c in response.citations}
    items: list[dict[str, Any]] = [_text("Approved after the review", weight="Bolder")]
    for approval in later:
        name = str(approval.get("agent", "")).replace("_", " ")
        sources = []
        for cited in approval.get("citations") or []:
            known = by_id.get(str(cited.get("passage_id")))
            label = format_source(cited.get("publisher"), _date(cited.get("date")), cited.get("source_kind"))
            link = f"[{label}]({cited['url']})" if cited.get("url") else label
            sources.append(link + (f" [{known.marker}]" if known else ""))
        status = _LABEL.get(str(approval.get("label_status")), "unknown")
        items.append(_text(f"{name}: {status}; " + "; ".join(sources), size="Small"))
    if assessment.get("later_approvals_note"):
        items.append(_text(str(assessment["later_approvals_note"]), isSubtle=True, size="Small"))
    return [{"type": "Container", "separator": True, "items": items}]


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def quiz_card(quiz: QuizCard | None) -> dict[str, Any] | None:
    """Choices as buttons that post the option's number back as the user's message (imBack)."""
    if quiz is None or not quiz.options:
        return None
    body = [_text(quiz.prompt, weight="Bolder")]
    body += [_text(f"{n}. {option.text}") for n, option in enumerate(quiz.options, start=1)]
    actions = [{"type": "Action.Submit", "title": str(n), "data": {"msteams": {"type": "imBack", "value": str(n)}}}
               for n in range(1, len(quiz.options) + 1)]
    return _card(body, actions)
