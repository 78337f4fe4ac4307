"""Every tool in one place: name, what a caller (or a language model) is told about it, the input and
output models, and the function. The HTTP routes, the langchain tools, the LLM layer (its patient-bound
variants included) and the MCP server are all built from this catalogue, so they cannot drift apart.

A tool that takes a ``profile`` also has a patient-bound form (``bound_args_model``: the same arguments
without the profile), used where the patient comes from a session rather than from the caller, so a
model cannot change the facts it is reasoning about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.agents import Agent, parse_agent
from tools.assess import assess
from tools.compare import Comparison, compare_agents
from tools.eligibility import EligibilityResult, check_eligibility
from tools.flags import Assessment
from tools.passage_search import PassageSearch, SearchArgs, Searcher, SearchUnavailable, search_passages
from tools.profile import PatientProfile
from tools.sequencing import SequencingAdvice, sequencing_considerations
from tools.toxicity import ToxicityReport, assess_toxicity

__all__ = ["CATALOG", "SEARCH_TOOL", "SearchUnavailable", "ToolContext", "ToolSpec", "run_tool"]

_PROFILE_HELP = (
    "What is known about the patient. Give only facts that were stated; leave unknown fields out "
    "(they are reported as missing). Common names are accepted: 'first relapse', 'MRD+', 'blina', 'Kymriah'."
)


class NoArgs(BaseModel):
    """The arguments of a patient-bound tool that needs nothing but the patient."""

    model_config = ConfigDict(extra="forbid")


class AgentChoice(NoArgs):
    agent: Agent = Field(
        description=(
            "blinatumomab, inotuzumab_ozogamicin or tisagenlecleucel (also blina, InO, tisa-cel, Kymriah)"
        )
    )

    @field_validator("agent", mode="before")
    @classmethod
    def _agent(cls, value: object) -> Agent:
        return parse_agent(value)


class ProfileArgs(NoArgs):
    profile: PatientProfile = Field(description=_PROFILE_HELP)


class AgentArgs(ProfileArgs, AgentChoice):
    pass


@dataclass(frozen=True)
class ToolContext:
    """What a tool may need from the running service besides its arguments."""

    searcher: Searcher | None = None


class ToolSpec(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    description: str
    args_model: type[BaseModel]
    bound_args_model: type[BaseModel] | None = Field(
        default=None, description="The arguments without the profile, for tools bound to a session's patient"
    )
    output_model: type[BaseModel]
    run: Callable[[Any, ToolContext], BaseModel]

    @property
    def takes_profile(self) -> bool:
        return self.bound_args_model is not None

    def input_schema(self) -> dict[str, Any]:
        return self.args_model.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        return self.output_model.model_json_schema()

    def call(self, arguments: dict[str, Any], *, context: ToolContext | None = None) -> dict[str, Any]:
        """Validate ``arguments`` and return the result as JSON-ready data (pydantic ValidationError if
        invalid; SearchUnavailable for the search without an index)."""
        return self.run(self.args_model.model_validate(arguments), context or ToolContext()).model_dump(mode="json")

    def call_bound(
        self, arguments: dict[str, Any], *, profile: PatientProfile, context: ToolContext | None = None
    ) -> dict[str, Any]:
        """The patient-bound form: ``arguments`` must not carry a profile; ``profile`` is the session's."""
        if self.bound_args_model is None:
            return self.call(arguments, context=context)
        bound = self.bound_args_model.model_validate(arguments)
        args = self.args_model.model_validate({**bound.model_dump(), "profile": profile})
        return self.run(args, context or ToolContext()).model_dump(mode="json")


SEARCH_TOOL = "search_review"


def _search(args: SearchArgs, context: ToolContext) -> PassageSearch:
    return search_passages(args, context.searcher)


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
            bound_args_model=NoArgs,
            output_model=Assessment,
            run=lambda args, _: assess(args.profile),
        ),
        ToolSpec(
            name="check_eligibility",
            description=(
                "Whether one agent can be used for this patient: label status and why, critical flags that "
                "rule it out, warnings that weigh against it, favourable context, and the missing facts that "
                "could change the answer, with citations."
            ),
            args_model=AgentArgs,
            bound_args_model=AgentChoice,
            output_model=EligibilityResult,
            run=lambda args, _: check_eligibility(args.profile, args.agent),
        ),
        ToolSpec(
            name="assess_toxicity",
            description=(
                "Toxicity of one agent for this patient: sinusoidal obstruction syndrome (SOS), cytokine "
                "release syndrome (CRS) and neurotoxicity (ICANS), each with the rates the review reports "
                "and each named risk factor as present, absent or unknown for this patient, with citations."
            ),
            args_model=AgentArgs,
            bound_args_model=AgentChoice,
            output_model=ToxicityReport,
            run=lambda args, _: assess_toxicity(args.profile, args.agent),
        ),
        ToolSpec(
            name="compare_agents",
            description=(
                "The review's Table 1 comparing the three agents row by row (FDA approval, efficacy, disease "
                "burden, toxicity, prior/current therapy, CNS, extramedullary disease, convenience), with "
                "the rows that matter for this patient marked and the patient facts that make them matter."
            ),
            args_model=ProfileArgs,
            bound_args_model=NoArgs,
            output_model=Comparison,
            run=lambda args, _: compare_agents(args.profile),
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
            bound_args_model=NoArgs,
            output_model=SequencingAdvice,
            run=lambda args, _: sequencing_considerations(args.profile),
        ),
        ToolSpec(
            name=SEARCH_TOOL,
            description=(
                "Search the review's passages (hybrid dense and keyword retrieval) for evidence: trial "
                "results, toxicity rates, risk factors, sequencing. Returns the best passages with their ids, "
                "sections and the review's reference numbers; cite a passage by its id in square brackets."
            ),
            args_model=SearchArgs,
            output_model=PassageSearch,
            run=_search,
        ),
    )
}


def run_tool(name: str, arguments: dict[str, Any], *, context: ToolContext | None = None) -> dict[str, Any]:
    """Validate ``arguments`` for tool ``name`` and return its result as JSON-ready data.
    KeyError for an unknown name; pydantic ValidationError for invalid arguments."""
    return CATALOG[name].call(arguments, context=context)
