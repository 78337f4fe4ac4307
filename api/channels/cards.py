"""Adaptive Cards (schema 1.4, which Teams renders): the assessment, and a quiz question's choices.

Built from the structured assessment, not from the answer's prose, so a card cannot disagree with
the rules; each flag carries the citation markers of the answer it sits beside.
"""

from __future__ import annotations

from typing import Any

from assistant.answer import ChatResponse, QuizCard, strip_review_refs
from assistant.compose import AGENT_NAMES, FIELD_LABELS, SEVERITY_ORDER

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
    body = [_text("Assessment", weight="Bolder", size="Medium"),
            _text("Decision support from one 2020 review and fixed rules; the treating team decides.",
                  isSubtle=True, size="Small")]
    for entry in assessment["agents"]:
        agent = str(entry.get("agent", ""))
        flags = sorted(entry.get("flags") or [], key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 3))
        items: list[dict[str, Any]] = [
            _text(AGENT_NAMES.get(agent, agent), weight="Bolder"),
            {"type": "FactSet", "facts": [
                {"title": "FDA label", "value": _LABEL.get(str(entry.get("label_status")), "unknown")},
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
    missing = [FIELD_LABELS.get(m, m) for m in assessment.get("missing") or []]
    if missing:
        body.append(_text("Would sharpen this: " + ", ".join(missing) + ".", isSubtle=True, separator=True))
    return _card(body)


def quiz_card(quiz: QuizCard | None) -> dict[str, Any] | None:
    """Choices as buttons that post the option's number back as the user's message (imBack)."""
    if quiz is None or not quiz.options:
        return None
    body = [_text(quiz.prompt, weight="Bolder")]
    body += [_text(f"{n}. {option.text}") for n, option in enumerate(quiz.options, start=1)]
    actions = [{"type": "Action.Submit", "title": str(n), "data": {"msteams": {"type": "imBack", "value": str(n)}}}
               for n in range(1, len(quiz.options) + 1)]
    return _card(body, actions)
