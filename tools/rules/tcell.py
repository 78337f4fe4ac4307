"""T-cell fitness (Table 1 "Prior/current therapy"; sections "Logistics" and "Combination with other
agents"): blinatumomab and CAR T work through the patient's own T cells; InO does not."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, rule

T_CELL_OUTCOMES: dict[Agent, Outcome] = {
    "blinatumomab": Outcome(
        severity="warning",
        text=(
            "blinatumomab kills blasts through the patient's own T cells (CD19 x CD3 engagement) [3,4], so "
            "poor T-cell number or function weighs against it."
        ),
        summary="T-cell dysfunction: blinatumomab depends on the patient's T cells",
        citations=(cite("agent-blina-01", 3, 4), cite("table1-prior-therapy")),
    ),
    "tisagenlecleucel": Outcome(
        severity="warning",
        text=(
            "CAR T cells are made from the patient's own T cells; inadequate T-cell count or function can "
            "leave no product to infuse; in one large adult study, 30 of 83 enrolled patients never received "
            "CAR T cells [24]."
        ),
        summary="T-cell dysfunction: CAR T is made from the patient's T cells; the product may fail",
        citations=(cite("logistics-cart-02", 24), cite("table1-prior-therapy")),
    ),
    "inotuzumab_ozogamicin": Outcome(
        severity="info",
        text=(
            "InO does not depend on the patient's T cells, which also lets it be combined with cytotoxic "
            "chemotherapy [58]."
        ),
        summary="T-cell dysfunction: InO does not rely on T cells (favourable)",
        citations=(cite("combo-01", 58), cite("table1-prior-therapy")),
    ),
}


@rule(
    "T_CELL_DYSFUNCTION",
    agents=("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"),
    reads=("t_cell_dysfunction",),
)
def t_cell_dysfunction(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Poor T-cell number or function."""
    if profile.t_cell_dysfunction is not True:
        return None
    return Finding(outcome=T_CELL_OUTCOMES[agent], facts=("poor T-cell number or function",))
