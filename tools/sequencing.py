"""sequencing_considerations: the review's sequencing and combination points (sections "Sequencing
approaches", "Combination with other agents", "Remaining challenges"), each with whether it applies to
this patient and the facts that decide it. The conditions are judgement calls (tools/rules JUDGEMENT
CALLS, item 18): the review describes strategies, not criteria."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from tools.agents import DISPLAY_NAME, Agent
from tools.assess import assess
from tools.flags import AgentAssessment, Citation
from tools.profile import PatientProfile
from tools.rules.base import cite, pct
from tools.rules.burden import HIGH_BURDEN_BLASTS_PCT
from tools.rules.sos import sos_factors_present

Verdicts = dict[Agent, AgentAssessment]


class SequencingPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    title: str
    applies: bool
    reason: str = Field(description="The patient facts that make the point apply, or not")
    point: str = Field(description="What the review says, in the project's words, with its figures")
    reads: list[str] = Field(description="Profile fields that decide whether the point applies")
    citations: list[Citation]


class SequencingAdvice(BaseModel):
    model_config = ConfigDict(frozen=True)

    points: list[SequencingPoint]
    applicable: list[str] = Field(description="Codes of the points that apply, in order")


class _Point(BaseModel):
    """One point as data; ``decide`` returns (applies, reason) for a patient."""

    model_config = ConfigDict(frozen=True)

    code: str
    title: str
    point: str
    reads: tuple[str, ...]
    citations: tuple[Citation, ...]
    decide: Callable[[PatientProfile, Verdicts], tuple[bool, str]]


def _ruled_out(verdicts: Verdicts, *agents: Agent) -> str | None:
    out = [a for a in agents if not verdicts[a].suitable]
    return f"ruled out by a critical flag: {', '.join(out)}" if out else None


def _with_label_notes(reason: str, verdicts: Verdicts, *agents: Agent) -> str:
    """The reason, plus a note for each agent of the point that is off label or of unknown label."""
    words = {"off_label": "off label", "unknown": "label unknown"}
    notes = [
        f"{DISPLAY_NAME[a]} {words[verdicts[a].label_status]}"
        for a in agents
        if verdicts[a].label_status in words
    ]
    return "; ".join([reason, *notes])


def _debulk(p: PatientProfile, verdicts: Verdicts) -> tuple[bool, str]:
    if p.marrow_blasts_pct is None:
        return False, "marrow_blasts_pct not given"
    blasts = f"marrow blasts {pct(p.marrow_blasts_pct)}"
    if p.marrow_blasts_pct < HIGH_BURDEN_BLASTS_PCT:
        return False, f"{blasts}: below the 50% at which blinatumomab response falls"
    if blocked := _ruled_out(verdicts, "inotuzumab_ozogamicin", "blinatumomab"):
        return False, f"{blasts}; {blocked}"
    reason = f"{blasts}: InO works regardless of burden, blinatumomab best at low burden"
    return True, _with_label_notes(reason, verdicts, "inotuzumab_ozogamicin", "blinatumomab")


def _car_t_after_ino(p: PatientProfile, verdicts: Verdicts) -> tuple[bool, str]:
    facts = [fact for _, fact in sos_factors_present(p)]
    if p.hsct_feasible is False:
        facts.append("not an HSCT candidate")
    if not facts:
        return False, "no SOS risk factor recorded and HSCT not known to be infeasible"
    if blocked := _ruled_out(verdicts, "inotuzumab_ozogamicin", "tisagenlecleucel"):
        return False, f"{'; '.join(facts)}; {blocked}"
    return True, _with_label_notes("; ".join(facts), verdicts, "inotuzumab_ozogamicin", "tisagenlecleucel")


def _prior(p: PatientProfile, therapies: tuple[tuple[str, str], ...]) -> tuple[bool, str]:
    if p.prior_therapies is None:
        return False, "prior_therapies not given"
    had = [name for key, name in therapies if key in p.prior_therapies]
    return (
        (True, "prior " + " and ".join(had)) if had else (False, "none of these in the prior therapies given")
    )


def _shared_cd19(p: PatientProfile, _: Verdicts) -> tuple[bool, str]:
    return _prior(p, (("blinatumomab", "blinatumomab"), ("cd19_car_t", "CD19 CAR T")))


def _cd22_car_t(p: PatientProfile, _: Verdicts) -> tuple[bool, str]:
    return _prior(p, (("inotuzumab_ozogamicin", "InO"), ("cd22_car_t", "CD22 CAR T")))


def _mini_hyper_cvd(p: PatientProfile, verdicts: Verdicts) -> tuple[bool, str]:
    if p.age_years is None:
        return False, "age_years not given (the trial enrolled adults)"
    if p.age_years < 18:
        return False, f"age {p.age_years:g}: the trial enrolled adults"
    if blocked := _ruled_out(verdicts, "inotuzumab_ozogamicin"):
        return False, blocked
    reason = [
        _with_label_notes(
            f"adult (age {p.age_years:g}); InO not ruled out", verdicts, "inotuzumab_ozogamicin"
        )
    ]
    if sos_factors_present(p):
        reason.append("SOS risk factors present: the reduced InO dose matters")
    if p.ph_positive:
        reason.append("Ph-positive: the trial [58] enrolled Ph-negative ALL")
    return True, "; ".join(reason)


def _checkpoint(p: PatientProfile, verdicts: Verdicts) -> tuple[bool, str]:
    if blocked := _ruled_out(verdicts, "blinatumomab"):
        return False, blocked
    return True, "blinatumomab not ruled out; checkpoint combinations are investigational (trial setting)"


def _kmt2a(p: PatientProfile, _: Verdicts) -> tuple[bool, str]:
    if p.kmt2a_rearranged is None:
        return False, "kmt2a_rearranged not given"
    return (True, "KMT2A rearrangement") if p.kmt2a_rearranged else (False, "no KMT2A rearrangement")


POINTS: tuple[_Point, ...] = (
    _Point(
        code="SEQ_INO_DEBULK_THEN_BLINA",
        title="InO to debulk, then blinatumomab",
        point=(
            "An ongoing cooperative group trial (NCT03739814) gives 1 to 2 cycles of InO to lower disease "
            "burden, then blinatumomab to maintain remission; blinatumomab CR/CRh was 65% with <50% "
            "marrow blasts vs 34.4% with >=50% [6]."
        ),
        reads=("marrow_blasts_pct", "cd19", "cd22_positive_pct"),
        citations=(cite("seq-01"), cite("burden-blina-01", 6), cite("burden-ino-01", 13, 41)),
        decide=_debulk,
    ),
    _Point(
        code="SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT",
        title="CAR T after InO in place of HSCT",
        point=(
            "Given the risk of SOS when allogeneic HSCT follows InO, CAR T may serve as the definitive "
            "therapy after InO instead of HSCT."
        ),
        reads=(
            "prior_hsct",
            "dual_alkylator_conditioning",
            "bilirubin_x_uln",
            "age_years",
            "hsct_planned",
            "planned_ino_cycles",
            "hsct_feasible",
            "cd19",
            "cd22_positive_pct",
        ),
        citations=(cite("seq-02"), cite("tox-sos-01", 11), cite("tox-sos-02", 13)),
        decide=_car_t_after_ino,
    ),
    _Point(
        code="SEQ_SHARED_CD19_TARGET",
        title="Blinatumomab and CD19 CAR T share the CD19 target",
        point=(
            "Given one after the other, blinatumomab and CD19 CAR T may lose response to CD19-negative "
            "escape: 15 of 22 (68%) relapses after tisagenlecleucel were CD19-negative [21]; after "
            "blinatumomab 8% to 22% [43,44]. Re-test CD19 before the second."
        ),
        reads=("prior_therapies",),
        citations=(cite("seq-03"), cite("antigen-cd19-03", 21), cite("antigen-cd19-04", 43, 44)),
        decide=_shared_cd19,
    ),
    _Point(
        code="SEQ_CD22_CAR_T_AFTER_INO",
        title="CD22 CAR T after InO",
        point=(
            "As CD22-directed CAR T cells become more common, the same shared-target issue will likely "
            "arise with InO."
        ),
        reads=("prior_therapies",),
        citations=(cite("seq-04"),),
        decide=_cd22_car_t,
    ),
    _Point(
        code="COMBO_INO_MINI_HYPER_CVD",
        title="InO with mini-hyper-CVD, at a reduced dose",
        point=(
            "InO does not rely on T cells and can be given with chemotherapy [58]. With mini-hyper-CVD, 59 "
            "adults with R/R ALL had ORR 78% and CR 59%, but 9 (15%) developed SOS; InO was then cut from "
            "1.8 to 1.3 mg/m2 in cycle 1 and from 1.3 to 1 mg/m2 in cycles 2 to 4, later fractionated, "
            "with no further SOS [58]. In first relapse, mini-hyper-CVAD plus InO (with or without "
            "blinatumomab) gave 6 patients (13%) durable MRD-negative remission without HSCT [59]."
        ),
        reads=("age_years", "cd22_positive_pct", "ph_positive"),
        citations=(cite("combo-01", 58), cite("combo-02", 58), cite("combo-03", 58), cite("combo-04", 59)),
        decide=_mini_hyper_cvd,
    ),
    _Point(
        code="COMBO_BLINA_CHECKPOINT",
        title="Blinatumomab with checkpoint inhibitors",
        point=(
            "Blinatumomab relies on T cells, so concurrent chemotherapy may blunt it; combinations use "
            "immune modulation instead: preclinical work suggests PD-1 inhibition may enhance blinatumomab [60], and a "
            "trial adds PD-1 and CTLA-4 blockade (NCT02879695) [61]."
        ),
        reads=("cd19",),
        citations=(cite("combo-05", 60, 61),),
        decide=_checkpoint,
    ),
    _Point(
        code="KMT2A_LINEAGE_SWITCH",
        title="KMT2A-R and lineage switch",
        point=(
            "after CD19-targeted therapy, KMT2A-R B-ALL has switched lineage to AML in published reports "
            "[64-66]; with InO, KMT2A-R had less CD22, the lowest MRD-negative rate and the shortest PFS "
            "[47,63]."
        ),
        reads=("kmt2a_rearranged",),
        citations=(cite("challenge-kmt2a-02", 64, 65, 66), cite("challenge-kmt2a-01", 47, 63)),
        decide=_kmt2a,
    ),
)


def sequencing_considerations(profile: PatientProfile) -> SequencingAdvice:
    """Which of the review's sequencing and combination points apply to this patient, and why."""
    verdicts = {v.agent: v for v in assess(profile).agents}
    points = []
    for p in POINTS:
        applies, reason = p.decide(profile, verdicts)
        points.append(
            SequencingPoint(
                code=p.code,
                title=p.title,
                applies=applies,
                reason=reason,
                point=p.point,
                reads=list(p.reads),
                citations=list(p.citations),
            )
        )
    return SequencingAdvice(points=points, applicable=[p.code for p in points if p.applies])
