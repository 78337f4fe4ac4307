"""Earlier CD19-directed therapy (sections "Antigen expression" and "Sequencing approaches"):
blinatumomab and CD19 CAR T share their target, so one can select CD19-negative disease that escapes
the other. The flag tells the clinician to re-test CD19 and states how often CD19 is lost."""

from __future__ import annotations

from tools.agents import DISPLAY_NAME, Agent
from tools.profile import PatientProfile
from tools.rules.base import Finding, Outcome, cite, rule

_SHARED_TARGET_TEXT = (
    "blinatumomab and CD19 CAR T share the CD19 target, so sequential use may lower response; "
    "re-test CD19 on the blasts before giving {agent}."
)

PRIOR_CD19_OUTCOMES: dict[Agent, Outcome] = {
    agent: Outcome(
        severity="warning",
        text=_SHARED_TARGET_TEXT,
        summary="Prior {prior}: CD19-negative relapse possible; re-test CD19 before {agent}",
        citations=(cite("seq-03"),),
    )
    for agent in ("blinatumomab", "tisagenlecleucel")
}

# What the review reports after each earlier CD19-directed therapy, keyed by (earlier, now).
AFTER_BLINATUMOMAB = (
    "CD19-negative relapse after blinatumomab is less common than after CAR T (8% to 22%) [43,44]."
)
BLINATUMOMAB_BEFORE_CAR_T = (
    "Some reports suggest earlier blinatumomab may impair response to CD19 CAR T and raise the risk of "
    "CD19-negative relapse [45]; in another series, 4 of 6 patients with earlier blinatumomab still reached "
    "MRD-negative CR with CD19 CAR T [18]."
)
AFTER_CD19_CAR_T = (
    "After CD19 CAR T, 15 of 22 (68%) pediatric relapses after CR with tisagenlecleucel were CD19-negative "
    "[21], as were 25% to 39% of relapses after MRD-negative CR [22,24]; that antigen loss may preclude "
    "further CD19-directed therapy."
)


@rule(
    "PRIOR_CD19_THERAPY",
    agents=("blinatumomab", "tisagenlecleucel"),
    reads=("prior_therapies",),
)
def prior_cd19_therapy(profile: PatientProfile, agent: Agent) -> Finding | None:
    """Earlier blinatumomab or CD19 CAR T, before either CD19-directed agent."""
    had_blina, had_car_t = profile.had("blinatumomab"), profile.had("cd19_car_t")
    if not (had_blina or had_car_t):
        return None
    prior = [name for name, had in (("blinatumomab", had_blina), ("CD19 CAR T", had_car_t)) if had]
    extra: list[str] = []
    citations = []
    if had_blina:
        extra.append(AFTER_BLINATUMOMAB)
        citations.append(cite("antigen-cd19-04", 43, 44))
        if agent == "tisagenlecleucel":
            extra.append(BLINATUMOMAB_BEFORE_CAR_T)
            citations += [cite("antigen-cd19-04", 45), cite("antigen-cd19-05", 18)]
    if had_car_t:
        extra.append(AFTER_CD19_CAR_T)
        citations.append(cite("antigen-cd19-03", 21, 22, 24))
    return Finding(
        outcome=PRIOR_CD19_OUTCOMES[agent],
        facts=(f"prior {' and '.join(prior)}",),
        extra=tuple(extra),
        extra_citations=tuple(citations),
        values={"prior": " and ".join(prior), "agent": DISPLAY_NAME[agent]},
    )
