"""The registry against the spec's flag table (clinical-rules.md section 3): every code is produced by
some profile, for exactly the agents the spec names, at the severity the spec gives."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from tools.agents import AGENTS, Agent
from tools.profile import PROFILE_FIELDS
from tools.rules import RULES, RULES_BY_CODE
from tools.rules.base import FlagCode

# (code, agent, a profile that fires it, the spec's severity). The cases also cover every agent the
# spec lists for each code.
SPEC_TABLE: list[tuple[str, Agent, dict[str, Any], str]] = [
    ("LABEL_AGE", "inotuzumab_ozogamicin", {"age_years": 17}, "warning"),
    ("LABEL_AGE", "tisagenlecleucel", {"age_years": 26}, "warning"),
    ("LABEL_SETTING", "inotuzumab_ozogamicin", {"disease_status": "mrd_positive"}, "warning"),
    ("LABEL_SETTING", "tisagenlecleucel", {"disease_status": "first_relapse"}, "warning"),
    ("CD19_NEGATIVE", "blinatumomab", {"cd19": "negative"}, "critical"),
    ("CD19_NEGATIVE", "tisagenlecleucel", {"cd19": "negative"}, "critical"),
    ("CD19_DIM", "tisagenlecleucel", {"cd19": "dim"}, "warning"),
    ("CD19_DIM", "blinatumomab", {"cd19": "dim"}, "info"),
    ("CD22_NEGATIVE", "inotuzumab_ozogamicin", {"cd22_positive_pct": 0}, "critical"),
    ("CD22_PARTIAL", "inotuzumab_ozogamicin", {"cd22_positive_pct": 50}, "warning"),
    ("KMT2A_REARRANGED", "blinatumomab", {"kmt2a_rearranged": True}, "warning"),
    ("KMT2A_REARRANGED", "inotuzumab_ozogamicin", {"kmt2a_rearranged": True}, "warning"),
    ("KMT2A_REARRANGED", "tisagenlecleucel", {"kmt2a_rearranged": True}, "warning"),
    ("PRIOR_CD19_THERAPY", "tisagenlecleucel", {"prior_therapies": ["blinatumomab"]}, "warning"),
    ("PRIOR_CD19_THERAPY", "blinatumomab", {"prior_therapies": ["cd19_car_t"]}, "warning"),
    ("HIGH_DISEASE_BURDEN", "blinatumomab", {"marrow_blasts_pct": 50}, "warning"),
    ("HIGH_DISEASE_BURDEN", "tisagenlecleucel", {"marrow_blasts_pct": 50}, "warning"),
    ("HIGH_DISEASE_BURDEN", "inotuzumab_ozogamicin", {"marrow_blasts_pct": 50}, "info"),
    ("LOW_DISEASE_BURDEN", "blinatumomab", {"marrow_blasts_pct": 4}, "info"),
    ("LOW_DISEASE_BURDEN", "tisagenlecleucel", {"disease_status": "mrd_positive"}, "info"),
    ("SOS_RISK", "inotuzumab_ozogamicin", {"prior_hsct": True}, "warning"),
    ("CRS_RISK", "tisagenlecleucel", {"marrow_blasts_pct": 50}, "warning"),
    ("CRS_RISK", "tisagenlecleucel", {}, "info"),
    ("CRS_RISK", "blinatumomab", {}, "info"),
    ("ICANS_RISK", "tisagenlecleucel", {"marrow_blasts_pct": 50}, "warning"),
    ("ICANS_RISK", "tisagenlecleucel", {}, "info"),
    ("ICANS_RISK", "blinatumomab", {}, "info"),
    ("CNS_DISEASE", "blinatumomab", {"cns_disease": True}, "warning"),
    ("CNS_DISEASE", "inotuzumab_ozogamicin", {"cns_disease": True}, "warning"),
    ("CNS_DISEASE", "tisagenlecleucel", {"cns_disease": True}, "info"),
    ("EXTRAMEDULLARY_DISEASE", "blinatumomab", {"extramedullary_disease": True}, "warning"),
    ("EXTRAMEDULLARY_DISEASE", "inotuzumab_ozogamicin", {"extramedullary_disease": True}, "info"),
    ("EXTRAMEDULLARY_DISEASE", "tisagenlecleucel", {"extramedullary_disease": True}, "info"),
    ("T_CELL_DYSFUNCTION", "blinatumomab", {"t_cell_dysfunction": True}, "warning"),
    ("T_CELL_DYSFUNCTION", "tisagenlecleucel", {"t_cell_dysfunction": True}, "warning"),
    ("T_CELL_DYSFUNCTION", "inotuzumab_ozogamicin", {"t_cell_dysfunction": True}, "info"),
    ("MANUFACTURING_DELAY", "tisagenlecleucel", {"rapidly_progressive": True}, "warning"),
    (
        "PRIOR_MANUFACTURING_FAILURE",
        "tisagenlecleucel",
        {"prior_car_t_manufacturing_failure": True},
        "warning",
    ),
    ("CONTINUOUS_INFUSION", "blinatumomab", {"prefers_no_pump": True}, "warning"),
    ("CONTINUOUS_INFUSION", "blinatumomab", {}, "info"),
    ("HSCT_BRIDGE", "inotuzumab_ozogamicin", {}, "info"),
    ("HSCT_BRIDGE", "inotuzumab_ozogamicin", {"hsct_feasible": False}, "warning"),
    ("HSCT_NOT_NEEDED", "tisagenlecleucel", {"hsct_feasible": False}, "info"),
    ("HSCT_NOT_NEEDED", "blinatumomab", {"hsct_planned": False}, "info"),
]


@pytest.mark.parametrize(("code", "agent", "facts", "severity"), SPEC_TABLE)
def test_each_flag_fires_at_the_spec_severity(
    flags_for: Any, code: str, agent: Agent, facts: dict[str, Any], severity: str
) -> None:
    flag = flags_for(agent, **facts)[code]
    assert (flag.severity, flag.indicator) == (severity, severity)


def test_every_spec_code_is_produced_by_some_profile() -> None:
    assert {code for code, *_ in SPEC_TABLE} == set(get_args(FlagCode))


def test_rules_apply_to_exactly_the_agents_the_spec_names() -> None:
    expected: dict[str, set[str]] = {}
    for code, agent, *_ in SPEC_TABLE:
        expected.setdefault(code, set()).add(agent)
    assert {r.code: set(r.agents) for r in RULES} == expected


def test_registry_has_one_rule_per_code_in_a_fixed_order() -> None:
    assert [r.code for r in RULES] == list(get_args(FlagCode))
    assert set(RULES_BY_CODE) == set(get_args(FlagCode))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rules_read_only_profile_fields(rule: Any) -> None:
    assert set(rule.reads) <= set(PROFILE_FIELDS)
    assert set(rule.agents) <= set(AGENTS)
