"""Patient vignettes drawn from a seeded random source, and their wording.

A vignette states the profile's known fields and nothing else, so the rules see what the learner reads;
focus.py decides which fields a question's patient keeps. Proportions roughly follow the populations
the review describes:
mostly CD19- and CD22-positive disease, a minority with antigen loss, KMT2A-R, CNS or extramedullary
disease. They only need to be plausible and to reach every rule, not to be epidemiology.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from tools.profile import PatientProfile

Facts = dict[str, Any]


def _pick(rng: random.Random, weighted: Iterable[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def draw_age(rng: random.Random) -> int:
    low, high = _pick(rng, (((2, 17), 0.2), ((18, 25), 0.25), ((26, 54), 0.3), ((55, 80), 0.25)))
    return rng.randint(low, high)


def draw_blasts(rng: random.Random, *, mrd: bool = False) -> int:
    # MRD-positive means morphological remission, so fewer than 5% blasts.
    if mrd:
        return rng.randint(0, 4)
    low, high = _pick(rng, (((1, 4), 0.15), ((5, 49), 0.4), ((50, 95), 0.45)))
    return rng.randint(low, high)


def draw_cd22(rng: random.Random) -> int:
    return int(_pick(rng, ((0, 0.1), (rng.randint(20, 89), 0.2), (rng.randint(90, 100), 0.7))))


def draw_profile(rng: random.Random) -> Facts:
    """Every field of the profile, drawn once; builders then adjust the few a question turns on."""
    status = _pick(
        rng,
        (("refractory", 0.25), ("first_relapse", 0.3), ("second_or_later_relapse", 0.3), ("mrd_positive", 0.15)),
    )
    prior = ["chemotherapy"]
    # A first relapse or MRD-positive disease follows front-line chemotherapy only.
    if status in ("refractory", "second_or_later_relapse"):
        for therapy, chance in (("blinatumomab", 0.3), ("inotuzumab_ozogamicin", 0.15), ("cd19_car_t", 0.12),
                                ("cd22_car_t", 0.05)):
            if rng.random() < chance:
                prior.append(therapy)
    feasible = rng.random() < 0.75
    planned = feasible and rng.random() < 0.6
    return {
        "age_years": draw_age(rng),
        "disease_status": status,
        "ph_positive": rng.random() < 0.2,
        "marrow_blasts_pct": draw_blasts(rng, mrd=status == "mrd_positive"),
        "cd19": _pick(rng, (("positive", 0.75), ("dim", 0.12), ("negative", 0.13))),
        "cd22_positive_pct": draw_cd22(rng),
        "kmt2a_rearranged": rng.random() < 0.12,
        "cns_disease": rng.random() < 0.15,
        "extramedullary_disease": rng.random() < 0.1,
        "prior_therapies": prior,
        "prior_hsct": rng.random() < 0.25,
        "hsct_feasible": feasible,
        "hsct_planned": planned,
        "dual_alkylator_conditioning": planned and rng.random() < 0.3,
        "bilirubin_x_uln": round(rng.uniform(0.3, 0.9) if rng.random() < 0.8 else rng.uniform(1.0, 2.5), 1),
        "planned_ino_cycles": _pick(rng, ((2, 0.6), (3, 0.15), (rng.randint(4, 6), 0.25))),
        "t_cell_dysfunction": rng.random() < 0.1,
        # MRD-positive disease is in remission: never "needs control within weeks".
        "rapidly_progressive": status != "mrd_positive" and rng.random() < 0.25,
        "prior_car_t_manufacturing_failure": rng.random() < 0.05,
        "prefers_no_pump": _pick(rng, ((True, 0.2), (False, 0.6), (None, 0.2))),
    }


def consistent(facts: Facts) -> Facts:
    """Repair combinations a builder's adjustment may have made impossible."""
    out = dict(facts)
    if out.get("hsct_feasible") is False:
        out["hsct_planned"] = False
    if out.get("hsct_planned") is False:
        # Vacuously true without a transplant; the vignette mentions conditioning only for a planned one.
        out["dual_alkylator_conditioning"] = False
    if out.get("disease_status") == "mrd_positive":
        out["rapidly_progressive"] = False if out.get("rapidly_progressive") is not None else None
        if (out.get("marrow_blasts_pct") or 0) >= 5:
            out["marrow_blasts_pct"] = 2
    return out


def profile_of(facts: Facts) -> PatientProfile:
    return PatientProfile.model_validate({k: v for k, v in facts.items() if v is not None})


# -- wording ----------------------------------------------------------------------------------------
_SETTING = {
    "refractory": "refractory B-ALL",
    "first_relapse": "B-ALL in first relapse",
    "second_or_later_relapse": "B-ALL in second or later relapse",
    "mrd_positive": "MRD-positive B-ALL (in morphological remission)",
}
_THERAPY = {
    "chemotherapy": "chemotherapy",
    "blinatumomab": "blinatumomab",
    "inotuzumab_ozogamicin": "inotuzumab ozogamicin",
    "cd19_car_t": "CD19 CAR T",
    "cd22_car_t": "CD22 CAR T (trial)",
}


def _yes_no(value: bool | None, yes: str, no: str) -> str | None:
    return None if value is None else (yes if value else no)


def _opening(p: PatientProfile) -> str:
    who = "A patient"
    if p.age_years is not None:
        age = f"{p.age_years:g}"
        article = "An" if age.startswith("8") or age in ("11", "18") else "A"
        who = f"{article} {age}-year-old"
    disease = _SETTING.get(p.disease_status or "", "B-ALL")
    if p.ph_positive is not None:
        disease = ("Ph-positive " if p.ph_positive else "Ph-negative ") + disease
    after = ""
    if p.prior_therapies:
        names = [_THERAPY[t] for t in p.prior_therapies]
        after = " after " + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0])
    return f"{who} presents with {disease}{after}."


def _transplant(p: PatientProfile) -> str | None:
    parts = []
    if p.prior_hsct is not None:
        parts.append("This follows an earlier allogeneic HSCT." if p.prior_hsct else "There has been no transplant.")
    if p.hsct_feasible is False:
        parts.append("Not a transplant candidate.")
    elif p.hsct_planned is True:
        conditioning = {True: ", with conditioning that would use two alkylators",
                        False: ", with conditioning that would not use two alkylators", None: ""}
        lead = "A transplant candidate: HSCT" if p.hsct_feasible else "HSCT"
        parts.append(f"{lead} is planned after this line{conditioning[p.dual_alkylator_conditioning]}.")
    elif p.hsct_planned is False:
        parts.append("A transplant candidate, but no HSCT is planned after this line." if p.hsct_feasible
                     else "No HSCT is planned after this line.")
    elif p.hsct_feasible:
        parts.append("A transplant candidate.")
    return " ".join(parts) or None


def describe(profile: PatientProfile) -> str:
    """The vignette as a short presentation; a field that is None is simply not mentioned."""
    p = profile
    parts = [_opening(p)]
    if p.marrow_blasts_pct is not None:
        parts.append(f"Marrow blasts {p.marrow_blasts_pct:g}%.")
    flow = []
    if p.cd19 is not None:
        flow.append(f"CD19 {p.cd19}")
    if p.cd22_positive_pct is not None:
        flow.append(f"CD22 on {p.cd22_positive_pct:g}% of blasts")
    if flow:
        parts.append("Flow cytometry: " + "; ".join(flow) + ".")
    parts += [s for s in (
        _yes_no(p.kmt2a_rearranged, "Cytogenetics show a KMT2A rearrangement.", "No KMT2A rearrangement."),
        _yes_no(p.cns_disease, "There is CNS involvement.", "The CSF is clear."),
        _yes_no(p.extramedullary_disease, "There is extramedullary (non-CNS) disease.",
                "No extramedullary disease on examination."),
        _transplant(p),
        None if p.bilirubin_x_uln is None else f"Bilirubin is {p.bilirubin_x_uln:g} x ULN.",
        None if p.planned_ino_cycles is None else f"If InO is chosen, {p.planned_ino_cycles} cycles are planned.",
        _yes_no(p.t_cell_dysfunction, "T-cell numbers and function are poor.", "T cells are adequate."),
        _yes_no(p.rapidly_progressive, "The disease is progressing quickly and needs control within weeks.",
                "The disease tempo allows a few weeks' wait."),
        _yes_no(p.prior_car_t_manufacturing_failure, "An earlier CAR T product failed manufacturing.",
                "No earlier CAR T manufacturing failure."),
        _yes_no(p.prefers_no_pump, "The patient would rather not carry an infusion pump.",
                "Carrying an infusion pump is acceptable to the patient."),
    ) if s]
    return " ".join(parts)


# Each profile field as an answer to "which fact is still missing?".
FIELD_PHRASES: dict[str, str] = {
    "age_years": "The patient's age",
    "disease_status": "The disease setting (refractory, which relapse, or MRD-positive)",
    "ph_positive": "The Philadelphia chromosome status",
    "marrow_blasts_pct": "The marrow blast percentage",
    "cd19": "CD19 expression on the blasts",
    "cd22_positive_pct": "The share of blasts that are CD22-positive",
    "kmt2a_rearranged": "Whether KMT2A is rearranged",
    "cns_disease": "Whether the CNS is involved",
    "extramedullary_disease": "Whether there is extramedullary disease",
    "prior_therapies": "The earlier lines of therapy",
    "prior_hsct": "Whether there was an earlier allogeneic HSCT",
    "hsct_planned": "Whether HSCT is planned afterwards",
    "hsct_feasible": "Whether the patient is a transplant candidate",
    "dual_alkylator_conditioning": "Whether conditioning would use two alkylators",
    "bilirubin_x_uln": "The bilirubin",
    "planned_ino_cycles": "How many InO cycles are planned",
    "t_cell_dysfunction": "T-cell numbers and function",
    "rapidly_progressive": "How fast the disease is progressing",
    "prior_car_t_manufacturing_failure": "Whether an earlier CAR T product failed manufacturing",
    "prefers_no_pump": "Whether the patient will carry an infusion pump",
}
