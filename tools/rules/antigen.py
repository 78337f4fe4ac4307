"""Target antigens (section "Antigen expression"): CD19 for blinatumomab and tisagenlecleucel, CD22
for inotuzumab ozogamicin. An absent target makes the agent unsuitable (critical); partial or dim
expression weighs against it (warning) or is context (info)."""

from __future__ import annotations

from tools.agents import Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, pct, rule

# INO-VATE compared CD22 on <90% vs >=90% of blasts [12,13]: the only split the review gives.
# Below it, expression is "partial"; the review states that the minimum needed is not known.
CD22_FULL_EXPRESSION_PCT = 90.0


CD19_NEGATIVE_OUTCOMES: dict[Agent, Outcome] = {
    "blinatumomab": Outcome(
        severity="critical",
        text=(
            "blinatumomab is a CD19 x CD3 T-cell engager and needs CD19 on the blasts to act [3,4]; "
            "it cannot work against CD19-negative disease."
        ),
        summary="CD19-negative: blinatumomab targets CD19 and cannot act on CD19-negative blasts",
        citations=(cite("agent-blina-01", 3, 4), cite("table1-prior-therapy")),
    ),
    "tisagenlecleucel": Outcome(
        severity="critical",
        text=(
            "tisagenlecleucel is a CD19-directed CAR T product [17] and needs CD19 on the blasts; "
            "it cannot work against CD19-negative disease."
        ),
        summary="CD19-negative: tisagenlecleucel is a CD19 CAR T and cannot act on CD19-negative blasts",
        citations=(cite("agent-cart-02", 17), cite("table1-prior-therapy")),
    ),
}


@rule("CD19_NEGATIVE", agents=("blinatumomab", "tisagenlecleucel"), reads=("cd19",))
def cd19_negative(profile: PatientProfile, agent: Agent) -> Finding | None:
    """CD19-directed therapy needs CD19."""
    if profile.cd19 != "negative":
        return None
    return Finding(outcome=CD19_NEGATIVE_OUTCOMES[agent], facts=("CD19-negative blasts",))


CD19_DIM_OUTCOMES: dict[Agent, Outcome] = {
    "tisagenlecleucel": Outcome(
        severity="warning",
        text=(
            "CAR T expansion and the duration of B-cell aplasia track the marrow CD19 antigen load: a load "
            "of 15% or more was associated with longer B-cell aplasia (HR 2.99, 95% CI 1.32-9.81, P<.005), "
            "which in turn tracks remission duration [18]."
        ),
        summary=(
            "CD19 dim: CAR T expansion and B-cell aplasia track CD19 antigen load (HR 2.99 at >=15% load)"
        ),
        citations=(cite("antigen-cd19-01", 18),),
    ),
    "blinatumomab": Outcome(
        severity="info",
        text=(
            "CD19 antigen load did not predict response to blinatumomab [42], so the review suggests "
            "blinatumomab may be preferred when CD19 expression is low."
        ),
        summary="CD19 dim: CD19 load did not predict blinatumomab response; may be preferred over CAR T",
        citations=(cite("antigen-cd19-02", 42),),
    ),
}


@rule("CD19_DIM", agents=("blinatumomab", "tisagenlecleucel"), reads=("cd19",))
def cd19_dim(profile: PatientProfile, agent: Agent) -> Finding | None:
    """CD19 dim or low on the blasts."""
    if profile.cd19 != "dim":
        return None
    return Finding(outcome=CD19_DIM_OUTCOMES[agent], facts=("CD19 dim/low on blasts",))


CD22_NEGATIVE_OUTCOME = Outcome(
    severity="critical",
    text=(
        "inotuzumab ozogamicin is a CD22-directed antibody-drug conjugate; only patients with CD22-positive "
        "B-ALL were eligible for INO-VATE [13], and InO should be considered only when flow cytometry shows "
        "CD22 on the blasts."
    ),
    summary="CD22-positive blasts {cd22}: InO targets CD22 and cannot act on CD22-negative disease",
    citations=(cite("antigen-cd22-01", 13), cite("agent-ino-01", 9)),
)


@rule("CD22_NEGATIVE", agents=("inotuzumab_ozogamicin",), reads=("cd22_positive_pct",))
def cd22_negative(profile: PatientProfile, agent: Agent) -> Finding | None:
    """No CD22-positive blasts (0%)."""
    if profile.cd22_positive_pct is None or profile.cd22_positive_pct > 0:
        return None
    cd22 = pct(profile.cd22_positive_pct)
    return Finding(
        outcome=CD22_NEGATIVE_OUTCOME, facts=(f"CD22-positive blasts {cd22}",), values={"cd22": cd22}
    )


CD22_PARTIAL_OUTCOME = Outcome(
    severity="warning",
    text=(
        "the minimum CD22 expression InO needs is not known. INO-VATE saw no difference in outcome between "
        "CD22 on <90% and >=90% of blasts, but only 5 of 164 patients (3%) had CD22 on less than 70%. In "
        "AALL1621, 3 patients with partial CD22 expression (40%, 79% and 83% CD22-positive) developed "
        "predominantly CD22-negative disease after cycle 1 (6.5%, 34% and 48% CD22-positive) [46]. "
        "With a sizeable CD22-negative subpopulation, consider CD19-directed therapy instead."
    ),
    summary=(
        "CD22 on {cd22} of blasts (<90%): CD22-negative clones may escape InO; consider CD19-directed therapy"
    ),
    citations=(cite("antigen-cd22-01", 13), cite("antigen-cd22-02", 13), cite("antigen-cd22-03", 46)),
)


@rule("CD22_PARTIAL", agents=("inotuzumab_ozogamicin",), reads=("cd22_positive_pct",))
def cd22_partial(profile: PatientProfile, agent: Agent) -> Finding | None:
    """CD22 on more than 0% and fewer than 90% of blasts."""
    cd22_pct = profile.cd22_positive_pct
    if cd22_pct is None or not 0 < cd22_pct < CD22_FULL_EXPRESSION_PCT:
        return None
    cd22 = pct(cd22_pct)
    return Finding(
        outcome=CD22_PARTIAL_OUTCOME, facts=(f"CD22-positive blasts {cd22}",), values={"cd22": cd22}
    )
