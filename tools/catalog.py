"""The clinical tools in one place: name, what a caller (or a language model) is told about each, the
input and output models, and the function. The langchain tools and the HTTP routes are built from this
catalogue, so the three ways of calling a tool cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.agents import Agent, parse_agent
from tools.assess import assess
from tools.compare import Comparison, compare_agents
from tools.eligibility import EligibilityResult, check_eligibility
from tools.flags import Assessment
from tools.profile import PatientProfile
from tools.sequencing import SequencingAdvice, sequencing_considerations
from tools.toxicity import ToxicityReport, assess_toxicity

_PROFILE_HELP = (
    "What is known about the patient. Give only facts that were stated; leave unknown fields out "
    "(they are reported as missing). Common names are accepted: 'first relapse', 'MRD+', 'blina', 'Kymriah'."
)


class ProfileArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: PatientProfile = Field(description=_PROFILE_HELP)


class AgentArgs(ProfileArgs):
    agent: Agent = Field(
        description=(
            "blinatumomab, inotuzumab_ozogamicin or tisagenlecleucel (also blina, InO, tisa-cel, Kymriah)"
        )
    )

    @field_validator("agent", mode="before")
    @classmethod
    def _agent(cls, value: object) -> Agent:
        return parse_agent(value)


class ToolSpec(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    description: str
    args_model: type[ProfileArgs]
    output_model: type[BaseModel]
    run: Callable[[Any], BaseModel]


CATALOG: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(
            name="assess_patient",
            description=(
                "Assess blinatumomab, inotuzumab ozogamicin (InO) and tisagenlecleucel for one patient with "
                "relapsed/refractory B-ALL. For each agent: FDA label status as the 2020 review states it "
                "(on_label, off_label, unknown), whether it is suitable (false only when a critical flag, "
                "such "
                "as an absent target antigen, exists), and flags with severity, a message naming the patient "
                "facts, and citations (passage ids and the review's reference numbers). Also lists the "
                "profile fields not given that could change the result."
            ),
            args_model=ProfileArgs,
            output_model=Assessment,
            run=lambda args: assess(args.profile),
        ),
        ToolSpec(
            name="check_eligibility",
            description=(
                "Whether one agent can be used for this patient: label status and why, critical flags that "
                "rule it out, warnings that weigh against it, favourable context, and the missing facts that "
                "could change the answer, with citations."
            ),
            args_model=AgentArgs,
            output_model=EligibilityResult,
            run=lambda args: check_eligibility(args.profile, args.agent),
        ),
        ToolSpec(
            name="assess_toxicity",
            description=(
                "Toxicity of one agent for this patient: sinusoidal obstruction syndrome (SOS), cytokine "
                "release syndrome (CRS) and neurotoxicity (ICANS), each with the rates the review reports "
                "and each named risk factor as present, absent or unknown for this patient, with citations."
            ),
            args_model=AgentArgs,
            output_model=ToxicityReport,
            run=lambda args: assess_toxicity(args.profile, args.agent),
        ),
        ToolSpec(
            name="compare_agents",
            description=(
                "The review's Table 1 comparing the three agents row by row (FDA approval, efficacy, disease "
                "burden, toxicity, prior/current therapy, CNS, extramedullary disease, convenience), with "
                "the rows that matter for this patient marked and the patient facts that make them matter."
            ),
            args_model=ProfileArgs,
            output_model=Comparison,
            run=lambda args: compare_agents(args.profile),
        ),
        ToolSpec(
            name="sequencing_considerations",
            description=(
                "The review's sequencing and combination points (InO to debulk then blinatumomab; CAR T "
                "after "
                "InO in place of HSCT; shared CD19 target of blinatumomab and CD19 CAR T; CD22 CAR T after "
                "InO; InO with mini-hyper-CVD at a reduced dose; blinatumomab with checkpoint inhibitors; "
                "KMT2A-R and lineage switch), each with whether it applies to this patient and why."
            ),
            args_model=ProfileArgs,
            output_model=SequencingAdvice,
            run=lambda args: sequencing_considerations(args.profile),
        ),
    )
}


def run_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Validate ``arguments`` for tool ``name`` and return its result as JSON-ready data.
    KeyError for an unknown name; pydantic ValidationError for invalid arguments."""
    spec = CATALOG[name]
    result = spec.run(spec.args_model.model_validate(arguments))
    return result.model_dump(mode="json")
