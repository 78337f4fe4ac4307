"""check_eligibility: one agent for one patient. Label status and why, what rules it out, what weighs
against it, what favours it, and which missing facts could change the answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tools.agents import DISPLAY_NAME, Agent
from tools.assess import assess_agent, missing_facts
from tools.flags import Citation, Flag, LabelStatus
from tools.profile import PatientProfile
from tools.rules.base import merge_citations
from tools.rules.label import LABELS


class EligibilityResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    agent: Agent
    label_status: LabelStatus
    label_reason: str
    suitable: bool = Field(description="False exactly when a critical flag exists")
    verdict: str = Field(description="One sentence: suitability, label status and the deciding facts")
    blocking: list[Flag] = Field(description="Critical flags: the agent cannot work for this patient")
    cautions: list[Flag] = Field(description="Warnings: weigh against the agent or need a plan")
    context: list[Flag] = Field(description="Info flags: context, often favourable")
    missing: list[str] = Field(description="Fields not given that could change this agent's answer")
    citations: list[Citation] = Field(description="Every passage the label and the flags rest on")


def _verdict(
    agent: Agent, suitable: bool, status: LabelStatus, blocking: list[Flag], cautions: list[Flag]
) -> str:
    name = DISPLAY_NAME[agent][:1].upper() + DISPLAY_NAME[agent][1:]
    label = {"on_label": "on label", "off_label": "off label", "unknown": "label status unknown"}[status]
    if not suitable:
        return f"{name} is not suitable ({label}): {'; '.join(f.summary for f in blocking)}."
    if cautions:
        codes = ", ".join(f.code for f in cautions)
        return f"{name} is possible ({label}) with {len(cautions)} caution(s): {codes}."
    return f"{name} is possible ({label}); nothing weighs against it on the facts given."


def check_eligibility(profile: PatientProfile, agent: Agent) -> EligibilityResult:
    """Whether ``agent`` can be used for this patient, on label or not, and why."""
    verdict = assess_agent(profile, agent)
    blocking = [f for f in verdict.flags if f.severity == "critical"]
    cautions = [f for f in verdict.flags if f.severity == "warning"]
    context = [f for f in verdict.flags if f.severity == "info"]
    citations = merge_citations([*LABELS[agent].citations, *(c for f in verdict.flags for c in f.citations)])
    return EligibilityResult(
        agent=agent,
        label_status=verdict.label_status,
        label_reason=verdict.label_reason,
        suitable=verdict.suitable,
        verdict=_verdict(agent, verdict.suitable, verdict.label_status, blocking, cautions),
        blocking=blocking,
        cautions=cautions,
        context=context,
        missing=missing_facts(profile, agent),
        citations=citations,
    )
