"""Hypothesis strategies for patient profiles, weighted towards the rules' boundaries."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tools.profile import PatientProfile


def _number(lowest: float, highest: float, boundaries: list[float]) -> st.SearchStrategy[float]:
    return st.sampled_from(boundaries) | st.floats(lowest, highest, allow_nan=False, allow_infinity=False)


_BOOL = st.none() | st.booleans()

FIELD_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "age_years": st.none() | _number(0, 120, [0, 17, 17.9, 18, 25, 25.9, 26, 54.9, 55, 120]),
    "disease_status": st.none()
    | st.sampled_from(["refractory", "first_relapse", "second_or_later_relapse", "mrd_positive"]),
    "ph_positive": _BOOL,
    "marrow_blasts_pct": st.none() | _number(0, 100, [0, 4.9, 5, 49.9, 50, 100]),
    "cd19": st.none() | st.sampled_from(["positive", "dim", "negative"]),
    "cd22_positive_pct": st.none() | _number(0, 100, [0, 0.1, 89, 89.9, 90, 100]),
    "kmt2a_rearranged": _BOOL,
    "cns_disease": _BOOL,
    "extramedullary_disease": _BOOL,
    "prior_therapies": st.none()
    | st.lists(
        st.sampled_from(["blinatumomab", "inotuzumab_ozogamicin", "cd19_car_t", "cd22_car_t", "chemotherapy"])
    ),
    "prior_hsct": _BOOL,
    "hsct_planned": _BOOL,
    "hsct_feasible": _BOOL,
    "dual_alkylator_conditioning": _BOOL,
    "bilirubin_x_uln": st.none() | _number(0, 100, [0, 0.99, 1.0, 1.4]),
    "planned_ino_cycles": st.none() | st.integers(1, 6),
    "t_cell_dysfunction": _BOOL,
    "rapidly_progressive": _BOOL,
    "prior_car_t_manufacturing_failure": _BOOL,
    "prefers_no_pump": _BOOL,
}

profile_data: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries({}, optional=FIELD_STRATEGIES)
profiles: st.SearchStrategy[PatientProfile] = profile_data.map(PatientProfile.model_validate)
