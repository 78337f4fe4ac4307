"""The rule registry: every clinical rule, in the order its flags are listed (within a severity).

One module per concern, one small unit per rule, each with its threshold, severity, wording and
citations beside it. Source of every figure: Curran E, O'Brien M, Semin Hematol 2020; the rules follow
``clinical-rules.md``.

JUDGEMENT CALLS (where the review gives no cut-off or leaves a choice open):

1. Older age for SOS: age >= 55 years. The review reports SOS 41% vs 17% in older vs younger patients
   going to HSCT without a cut-off; 55 is the project's stated assumption and the message says so.
2. Label ages are compared in completed years: InO is on label from 18.0; tisagenlecleucel up to 25.99
   (25 on label, 26 off). Table 1 prints "<25 years" for CAR T; we follow the text ("up to age 25")
   and the spec.
3. Blinatumomab's label covers every setting the profile can express (relapsed, refractory,
   MRD-positive; Ph-negative or Ph-positive; any age), so its label_status is always on_label and no
   missing field can change it. B-ALL itself is assumed: it is the tool's scope.
4. label_status is off_label as soon as one known fact is outside the label, even if another needed
   fact is missing; unknown only when nothing known is outside and a needed fact is missing.
5. CD22: 0% is CD22_NEGATIVE (critical); above 0 and below 90% is CD22_PARTIAL (warning), 90% being
   INO-VATE's only split. The review states the minimum needed is not known, so partial expression
   is not graded further (40% and 89% get the same warning).
6. CD19 "dim"/"low" is one category; the review's 15% CD19 antigen load (marrow, tumour plus normal B
   cells) is quoted as evidence, not used as a cut-off, because the profile records CD19 intensity
   on blasts, not marrow antigen load.
7. HIGH_DISEASE_BURDEN at marrow blasts >= 50% (TOWER's and the 19-28z series' split); LOW at < 5%
   (the 19-28z split) or MRD-positive. 5% to 49.9% raises neither flag. MRD-positive with blasts
   >= 50% raises both, leaving the contradiction visible rather than guessing which fact is wrong.
8. CRS_RISK and ICANS_RISK for tisagenlecleucel become warnings at >= 50% blasts (the same split);
   for blinatumomab they stay info at any burden (the review gives no blinatumomab figures by
   burden; the message adds that Table 1 names burden as the risk factor).
9. SOS_RISK fires on any single factor, including "HSCT planned" on its own (most INO-VATE SOS
   followed HSCT; 3% without). Bilirubin: the review's factor is the last pre-HSCT bilirubin >= ULN;
   the profile's current bilirubin_x_uln stands in for it. Older age and bilirubin count whether or
   not HSCT is planned, although the review measured them in patients going to HSCT (the message
   says so, and quotes the 3% rate without any HSCT).
10. More than 2 InO cycles means 3 or more: the review gives 42% for 4-6 cycles vs 19% for 2 and
    nothing for 3; centres limit InO to 2 cycles before HSCT, so 3 already counts.
11. "High" SOS risk (the message then advises considering blinatumomab or CAR T, as the review does
    for high-risk patients): any factor significant in the multivariate analysis (prior HSCT,
    dual-alkylator conditioning, bilirubin >= ULN) or two or more factors of any kind.
12. The pediatric SOS figure (11 of 21, 52%, 2 fatal) is quoted only for patients under 18; the
    2-cycle limit only when HSCT is planned.
13. PRIOR_CD19_THERAPY also covers re-treatment with the same class (blinatumomab after
    blinatumomab; tisagenlecleucel after CD19 CAR T), since the spec's trigger is any prior
    blinatumomab or CD19 CAR T.
14. CONTINUOUS_INFUSION: warning when the patient prefers no pump, info when no preference is
    recorded, no flag when the patient accepts the pump (nothing left to plan). The profile has no
    IV-access field; the message names IV access as a requirement.
15. HSCT_NOT_NEEDED fires when HSCT is not feasible or not planned ("not wanted"). HSCT_BRIDGE is a
    warning only when HSCT is known to be not feasible; unknown feasibility stays info.
16. MANUFACTURING_DELAY rests on the clinician's yes/no "needs control within weeks"
    (rapidly_progressive) against the review's 4-5 weeks of manufacturing; no number of weeks is
    used. T-cell dysfunction is likewise a clinician judgement; no laboratory cut-off.
17. KMT2A_REARRANGED is a warning for all three agents whatever the partner gene; the review does
    not distinguish.
18. Sequencing points (tools/sequencing.py): "InO to debulk, then blinatumomab" applies at marrow
    blasts >= 50% when neither agent has a critical flag; "CAR T after InO instead of HSCT" applies
    when an SOS risk factor is present or HSCT is not feasible and neither agent has a critical flag;
    "shared CD19 target" when earlier blinatumomab or CD19 CAR T is recorded; "CD22 CAR T after InO"
    when earlier InO or CD22 CAR T is recorded; "InO with mini-hyper-CVD" for adults when InO has no
    critical flag (noting the trial [58] was in Ph-negative ALL); "blinatumomab with checkpoint
    inhibitors" whenever blinatumomab has no critical flag (a trial option, not standard care);
    "KMT2A-R and lineage switch" when KMT2A-R is present. An agent of a point that applies but is
    off label, or of unknown label, is named in the reason; it does not stop the point applying.
19. compare_agents never marks Table 1's efficacy row as deciding for a particular patient: the
    review says the trials cannot be compared head to head. Other rows are marked when a flag of
    theirs fires on a patient fact (so the always-raised CRS/ICANS info flags do not mark the
    toxicity row), or, for the approval row, when a label status is off_label or unknown.
20. Numbers arriving as numeric strings ("72") are accepted; booleans accept true/false and
    yes/no; anything else is rejected with a message naming the field. bilirubin_x_uln is capped at
    100 x ULN to catch unit mistakes (a value in umol/L typed as a ratio).
21. ``missing`` lists every unknown field that a label or a rule reads (for check_eligibility, those
    of that agent), whether or not its value would change today's answer. ph_positive is never
    listed: nothing depends on it (blinatumomab's label covers both; the mini-hyper-CVD point only
    remarks that its trial enrolled Ph-negative ALL).
22. assess_toxicity grades each syndrome not_described / baseline / raised / high. "high" exists only
    for SOS (item 11); CRS and ICANS are "raised" at >= 50% marrow blasts (CAR T by the 19-28z
    figures; blinatumomab because Table 1 names burden as its risk), and blinatumomab ICANS also in
    the MRD-positive setting (up to 53%, 13% grade 3-4).
23. PRIOR_CD19_THERAPY advises re-testing CD19 even when CD19 is already recorded; the CD19_NEGATIVE
    flag then stands beside it as the critical finding.
"""

from __future__ import annotations

from tools.rules import (
    antigen,
    burden,
    cns,
    hsct,
    kmt2a,
    label,
    logistics,
    prior_therapy,
    sos,
    tcell,
    toxicity,
)
from tools.rules.base import FlagCode, Rule

RULES: tuple[Rule, ...] = (
    label.label_age,
    label.label_setting,
    antigen.cd19_negative,
    antigen.cd19_dim,
    antigen.cd22_negative,
    antigen.cd22_partial,
    kmt2a.kmt2a_rearranged,
    prior_therapy.prior_cd19_therapy,
    burden.high_disease_burden,
    burden.low_disease_burden,
    sos.sos_risk,
    toxicity.crs_risk,
    toxicity.icans_risk,
    cns.cns_disease,
    cns.extramedullary_disease,
    tcell.t_cell_dysfunction,
    logistics.manufacturing_delay,
    logistics.prior_manufacturing_failure,
    logistics.continuous_infusion,
    hsct.hsct_bridge,
    hsct.hsct_not_needed,
)

RULES_BY_CODE: dict[FlagCode, Rule] = {r.code: r for r in RULES}

__all__ = ["RULES", "RULES_BY_CODE", "FlagCode", "Rule"]
