"""CNS and extramedullary disease (section "CNS and extramedullary disease"): CAR T reaches the CNS;
InO and blinatumomab do not, and need CNS-directed therapy alongside."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, rule

CNS_OUTCOMES: dict[Agent, Outcome] = {
    "blinatumomab": Outcome(
        severity="warning",
        text=(
            "blinatumomab does not penetrate the CNS, so CNS-directed therapy must be added; CNS prophylaxis "
            "given alongside blinatumomab caused no extra toxicity [8,50], despite early concern [34]."
        ),
        summary="CNS disease: blinatumomab does not reach the CNS; add CNS-directed therapy (safe alongside)",
        citations=(cite("cns-02"), cite("cns-03", 8, 34, 50), cite("cns-04"), cite("table1-cns")),
    ),
    "inotuzumab_ozogamicin": Outcome(
        severity="warning",
        text=(
            "InO does not penetrate the CNS: in the COG phase 2 trial, 2 of 28 patients in CR/CRi progressed "
            "in the CNS despite marrow remission [49]. Add CNS-directed therapy."
        ),
        summary=(
            "CNS disease: InO does not reach the CNS (2 of 28 responders progressed there); add CNS therapy"
        ),
        citations=(cite("cns-02", 49), cite("cns-04"), cite("table1-cns")),
    ),
    "tisagenlecleucel": Outcome(
        severity="info",
        text="CAR T cells traffic to the CNS and have induced potent, durable CNS responses [48].",
        summary="CNS disease: CAR T cells reach the CNS with durable CNS responses (favourable)",
        citations=(cite("cns-01", 48), cite("cns-04"), cite("table1-cns")),
    ),
}


@rule(
    "CNS_DISEASE",
    agents=("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"),
    reads=("cns_disease",),
)
def cns_disease(profile: PatientProfile, agent: Agent) -> Finding | None:
    """CNS involvement."""
    if profile.cns_disease is not True:
        return None
    return Finding(outcome=CNS_OUTCOMES[agent], facts=("CNS involvement",))


EMD_OUTCOMES: dict[Agent, Outcome] = {
    "blinatumomab": Outcome(
        severity="warning",
        text=(
            "there is little evidence that blinatumomab is active against extramedullary disease, and "
            "extramedullary relapse appears relatively common in some series [42]."
        ),
        summary="Extramedullary disease: little evidence of blinatumomab activity; EM relapse common",
        citations=(cite("emd-02", 42), cite("table1-emd")),
    ),
    "inotuzumab_ozogamicin": Outcome(
        severity="info",
        text=(
            "activity of InO in extramedullary disease is anecdotal [52]; in the adult phase 1/2 study, "
            "4 of 8 patients (50%) with concurrent extramedullary disease had regression [53]."
        ),
        summary="Extramedullary disease: limited data; 4 of 8 (50%) regressed with InO in a phase 1/2 study",
        citations=(cite("emd-01", 52, 53), cite("table1-emd")),
    ),
    "tisagenlecleucel": Outcome(
        severity="info",
        text=(
            "activity of CAR T cells in extramedullary disease is reported anecdotally; data are limited "
            "[51]."
        ),
        summary="Extramedullary disease: anecdotal reports of CAR T activity; data limited",
        citations=(cite("emd-01", 51), cite("table1-emd")),
    ),
}


@rule(
    "EXTRAMEDULLARY_DISEASE",
    agents=("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel"),
    reads=("extramedullary_disease",),
)
def extramedullary_disease(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Non-CNS extramedullary disease."""
    if profile.extramedullary_disease is not True:
        return None
    return Finding(outcome=EMD_OUTCOMES[agent], facts=("extramedullary (non-CNS) disease",))
