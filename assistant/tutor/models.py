"""What the tutor works with: topics, question kinds, claims, options, questions and grades.

A question's options are *claims* about one generated patient ("InO cannot work: CD22 is absent").
Each claim is structured, so the clinical tools can judge it: the keyed option is the one claim they
confirm, and every distractor is one they refute. Free-text answers are read into the same structure.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from tools.agents import Agent

Topic = Literal["label", "toxicity", "antigen", "burden", "cns", "hsct", "logistics", "sequencing", "evidence"]
TOPICS: tuple[Topic, ...] = get_args(Topic)

Kind = Literal[
    "label_status",  # is a named agent on label here, and if not, why
    "off_label_agents",  # free text: which agents are outside their label
    "unsuitable_agent",  # which agent cannot work (target antigen absent), and why
    "toxicity_concern",  # the main toxicity to plan for with a named agent, and this patient's level
    "factor",  # which agents one patient fact weighs against
    "missing_fact",  # the one fact still needed before deciding on a named agent
    "sequencing_point",  # which of the review's sequencing or combination points applies
    "evidence_figure",  # recall a figure from the pack's structured facts
    "evidence_trial",  # recall which trial reported a figure
    "label_now",  # which agents are on label in the current edition (label_currency.py)
]
KINDS: tuple[Kind, ...] = get_args(Kind)

Syndrome = Literal["SOS", "CRS", "ICANS"]
RiskLevel = Literal["baseline", "raised", "high"]


class Claim(BaseModel):
    """One answer in structured form. Each kind reads only the fields it needs (see judge.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agents: tuple[Agent, ...] | None = Field(
        default=None, description="unsuitable / off-label agents; for 'factor' the agents it weighs against"
    )
    noted: tuple[Agent, ...] | None = Field(default=None, description="factor: agents with a note (info) only")
    code: str | None = Field(default=None, description="the flag code of a reason, or a sequencing point code")
    syndromes: tuple[Syndrome, ...] | None = None
    level: RiskLevel | None = None
    age_out: bool | None = None
    setting_out: bool | None = None
    field: str | None = Field(default=None, description="a profile field (missing_fact)")
    figure: str | None = Field(default=None, description="a figure as the pack writes it, e.g. 73.8%")
    trial: str | None = None


class Cited(BaseModel):
    """One sentence of a reason and the passages it rests on (none for a sentence about the case itself)."""

    model_config = ConfigDict(frozen=True)

    text: str
    passage_ids: tuple[str, ...] = ()


Reason = tuple[Cited, ...]


def plain(reason: Reason) -> str:
    return " ".join(part.text for part in reason)


class Option(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(description="A, B, C, ...")
    text: str
    claim: Claim
    correct: bool
    reason: Reason = Field(description="Why the tools confirm or refute this option for this patient")


class RuleOutput(BaseModel):
    """One output of the deterministic tools (or a pack fact) that decides the question."""

    model_config = ConfigDict(frozen=True)

    tool: str = Field(description="assess, check_eligibility, assess_toxicity, sequencing_considerations, pack")
    agent: str | None = None
    code: str = Field(description="Flag code, label, sequencing point code, syndrome or passage id")
    value: str = Field(description="Severity, label status, risk level, applies / does not apply, ...")
    text: str = Field(description="What the tool says, in its own words")
    passage_ids: tuple[str, ...] = ()


class Question(BaseModel):
    """A generated question. ``seed`` and ``topic`` reproduce it exactly."""

    model_config = ConfigDict(frozen=True)

    seed: int
    topic: Topic
    kind: Kind
    vignette: str
    prompt: str
    options: tuple[Option, ...] = Field(default=(), description="Empty for a free-text question")
    answer: Claim = Field(description="The keyed answer, structured (free text is graded against it)")
    answer_text: str = Field(description="The keyed answer in words")
    answer_reason: Reason
    rule_outputs: tuple[RuleOutput, ...] = Field(description="The tool outputs that decide the question")
    profile: dict[str, Any] | None = Field(default=None, description="The vignette's patient; None for recall")
    agent: Agent | None = Field(default=None, description="The agent the question names, if any")
    focus_codes: tuple[str, ...] = Field(default=(), description="factor: the flag codes the question is about")
    fact_ref: tuple[str, int] | None = Field(default=None, description="recall: (passage id, index of the fact)")
    difficulty: Literal["easy", "standard", "hard"] = Field(
        default="standard", description="Set from the learner's record on the topic when the question is asked")

    @property
    def free_text(self) -> bool:
        return not self.options

    @property
    def keyed(self) -> Option | None:
        return next((o for o in self.options if o.correct), None)


class Grade(BaseModel):
    """The verdict on one answer, before rendering."""

    model_config = ConfigDict(frozen=True)

    recognised: bool = Field(description="False when a multiple-choice reply matches no option")
    correct: bool
    chosen: str | None = Field(default=None, description="The option key the reply chose, if any")
    why_wrong: Reason | None = None
