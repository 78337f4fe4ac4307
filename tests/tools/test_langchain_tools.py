"""The clinical tools as langchain StructuredTools: names, schemas, results and input errors."""

from __future__ import annotations

from tools.assess import assess
from tools.langchain_tools import CLINICAL_TOOLS
from tools.profile import PatientProfile

TOOLS = {tool.name: tool for tool in CLINICAL_TOOLS}


def test_the_five_tools_are_exposed_by_name() -> None:
    assert list(TOOLS) == [
        "assess_patient",
        "check_eligibility",
        "assess_toxicity",
        "compare_agents",
        "sequencing_considerations",
    ]
    assert all(len(tool.description) > 80 for tool in CLINICAL_TOOLS)


def test_assess_patient_returns_the_assessment_json() -> None:
    profile = {"age_years": 30, "marrow_blasts_pct": 80}
    result = TOOLS["assess_patient"].invoke({"profile": profile})
    assert result == assess(PatientProfile(**profile)).model_dump(mode="json")


def test_agent_synonyms_are_accepted() -> None:
    result = TOOLS["check_eligibility"].invoke({"profile": {"cd19": "negative"}, "agent": "Kymriah"})
    assert result["agent"] == "tisagenlecleucel" and result["suitable"] is False


def test_schemas_describe_the_profile_and_agent() -> None:
    schema = TOOLS["assess_toxicity"].tool_call_schema.model_json_schema()  # type: ignore[union-attr]
    assert set(schema["required"]) == {"profile", "agent"}
    assert "agent" not in TOOLS["compare_agents"].tool_call_schema.model_json_schema()["properties"]  # type: ignore[union-attr]


def test_invalid_input_comes_back_as_words_a_model_can_act_on() -> None:
    message = TOOLS["check_eligibility"].invoke({"profile": {"marrow_blasts_pct": 150}, "agent": "blina"})
    assert isinstance(message, str)
    assert "marrow_blasts_pct must be between 0 and 100, got 150" in message
