"""assess_toxicity: the review's rates and this patient's risk factors per syndrome."""

from __future__ import annotations

from tools.profile import PatientProfile
from tools.toxicity import assess_toxicity


def _risk(report, syndrome):  # type: ignore[no-untyped-def]
    return next(r for r in report.risks if r.syndrome == syndrome)


def test_ino_sos_lists_every_factor_as_present_absent_or_unknown() -> None:
    report = assess_toxicity(PatientProfile(prior_hsct=True, bilirubin_x_uln=0.5), "inotuzumab_ozogamicin")
    sos = _risk(report, "SOS")
    status = {f.factor: f.status for f in sos.risk_factors}
    assert status["prior HSCT"] == "present"
    assert status["bilirubin >=ULN"] == "absent"
    assert status["dual alkylators"] == "unknown"
    assert sos.level == "high"
    assert any("23 of 164 (14.0%)" in rate for rate in sos.review_rates)
    assert [f.code for f in report.flags] == ["SOS_RISK"]


def test_ino_sos_without_factors_is_baseline_and_crs_is_not_described() -> None:
    report = assess_toxicity(PatientProfile(prior_hsct=False), "inotuzumab_ozogamicin")
    assert _risk(report, "SOS").level == "baseline"
    assert _risk(report, "CRS").level == "not_described" and _risk(report, "CRS").review_rates == []


def test_one_non_multivariate_factor_raises_sos_risk() -> None:
    assert (
        _risk(assess_toxicity(PatientProfile(age_years=60), "inotuzumab_ozogamicin"), "SOS").level == "raised"
    )


def test_car_t_crs_and_icans_raised_by_high_burden() -> None:
    report = assess_toxicity(PatientProfile(marrow_blasts_pct=60), "tisagenlecleucel")
    crs, icans, sos = _risk(report, "CRS"), _risk(report, "ICANS"), _risk(report, "SOS")
    assert crs.level == icans.level == "raised"
    assert crs.risk_factors[0].patient_fact == "marrow blasts 60%"
    assert "77% any grade, 25% grade 4 [21]" in crs.review_rates
    assert sos.level == "not_described"
    assert {f.code for f in report.flags} == {"CRS_RISK", "ICANS_RISK"}


def test_blina_icans_notes_the_mrd_setting() -> None:
    icans = _risk(assess_toxicity(PatientProfile(disease_status="mrd_positive"), "blinatumomab"), "ICANS")
    mrd = next(f for f in icans.risk_factors if f.factor == "MRD-positive setting")
    assert mrd.status == "present" and icans.level == "raised"


def test_unknown_burden_leaves_car_t_crs_at_baseline_with_the_factor_unknown() -> None:
    crs = _risk(assess_toxicity(PatientProfile(), "tisagenlecleucel"), "CRS")
    assert crs.level == "baseline" and crs.risk_factors[0].status == "unknown"
