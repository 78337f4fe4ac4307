"""Logistics and patient preferences (section "Logistics/patient preferences"): CAR T takes weeks to
make and can fail to be made; blinatumomab needs a pump for four weeks; InO is the simplest to give."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, rule

_NO_PRODUCT = (
    "Some patients never receive product: 30 of 83 adults in one large CAR T study [24]; in ELIANA, of 92 "
    "enrolled, 7 had a production failure and 10 were not infused because of toxicity or death [20]."
)

MANUFACTURING_DELAY_OUTCOME = Outcome(
    severity="warning",
    text=(
        "tisagenlecleucel manufacturing takes 4 to 5 weeks; disease may be hard to control meanwhile, and "
        "bridging chemotherapy can bring severe complications, including infectious death. " + _NO_PRODUCT
    ),
    summary="Needs control within weeks: CAR T manufacturing takes 4-5 weeks; 30 of 83 adults got no product",
    citations=(
        cite("logistics-cart-01"),
        cite("logistics-cart-02", 24),
        cite("agent-cart-04", 20),
        cite("table1-convenience"),
    ),
)


@rule("MANUFACTURING_DELAY", agents=("tisagenlecleucel",), reads=("rapidly_progressive",))
def manufacturing_delay(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Disease needs control within weeks, sooner than a CAR T product can be made."""
    if profile.rapidly_progressive is not True:
        return None
    return Finding(
        outcome=MANUFACTURING_DELAY_OUTCOME,
        facts=("rapidly progressive disease needing control within weeks",),
    )


PRIOR_FAILURE_OUTCOME = Outcome(
    severity="warning",
    text=(
        "manufacturing failure or inadequate T-cell count or function can leave no CAR T product to infuse. "
        + _NO_PRODUCT
        + " Off-the-shelf allogeneic CAR T products are in development but risk graft-versus-host disease "
        "and persist only briefly [56,57]."
    ),
    summary=(
        "Earlier CAR T product failed: manufacturing can fail (7 of 92 on ELIANA; 30 of 83 adults got none)"
    ),
    citations=(
        cite("logistics-cart-02", 24),
        cite("agent-cart-04", 20),
        cite("logistics-cart-03", 56, 57),
        cite("table1-convenience"),
    ),
)


@rule(
    "PRIOR_MANUFACTURING_FAILURE", agents=("tisagenlecleucel",), reads=("prior_car_t_manufacturing_failure",)
)
def prior_manufacturing_failure(profile: PatientProfile, agent: Agent) -> Finding | None:
    """An earlier CAR T product could not be manufactured."""
    if profile.prior_car_t_manufacturing_failure is not True:
        return None
    return Finding(outcome=PRIOR_FAILURE_OUTCOME, facts=("earlier CAR T manufacturing failure",))


_PUMP = (
    "blinatumomab runs as a continuous infusion for 4 weeks (then 2 weeks off) through a pump, with frequent "
    "bag changes, continuous IV access and a short hospital stay for the dose ramp-up; InO, by contrast, is "
    "a short weekly outpatient infusion."
)
CONTINUOUS_INFUSION_OUTCOMES: dict[bool, Outcome] = {
    True: Outcome(
        severity="warning",
        text=_PUMP,
        summary=(
            "Prefers no pump: blinatumomab is a 4-week continuous infusion by pump; InO is weekly outpatient"
        ),
        citations=(
            cite("logistics-blina-01"),
            cite("agent-blina-01"),
            cite("logistics-ino-01"),
            cite("table1-convenience"),
        ),
    ),
    # No preference recorded: the schedule is worth raising with the patient.
    False: Outcome(
        severity="info",
        text=_PUMP + " Ask whether the patient can manage a pump.",
        summary="Blinatumomab: 4-week continuous infusion by pump (bag changes, IV access, short admission)",
        citations=(cite("logistics-blina-01"), cite("agent-blina-01"), cite("table1-convenience")),
    ),
}


@rule("CONTINUOUS_INFUSION", agents=("blinatumomab",), reads=("prefers_no_pump",))
def continuous_infusion(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Warning when the patient prefers no pump, info when no preference is recorded, nothing when the
    patient accepts the pump."""
    if profile.prefers_no_pump is False:
        return None
    prefers_no_pump = profile.prefers_no_pump is True
    facts = ("patient prefers not to carry an infusion pump",) if prefers_no_pump else ()
    return Finding(outcome=CONTINUOUS_INFUSION_OUTCOMES[prefers_no_pump], facts=facts)
