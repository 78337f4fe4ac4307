"""Case questions on the label, on antigen loss and on toxicity. Each builder shapes a drawn vignette
just enough for its question to be worth asking, keys the answer the tools give, and offers
distractors the tools refute."""

from __future__ import annotations

import random
from functools import partial

from assistant.tutor import judge
from assistant.tutor.build import (
    Meta,
    assemble,
    flag_outputs,
    label_output,
    make_case,
    make_question,
    suitability_output,
    toxicity_output,
)
from assistant.tutor.judge import SHORT_NAME, SYNDROME_WORDS, Case, names
from assistant.tutor.models import Claim, Question, RiskLevel, Syndrome
from assistant.tutor.vignette import Facts, draw_profile
from tools.agents import AGENTS, DISPLAY_NAME, Agent

_LABEL_CODES = ("LABEL_AGE", "LABEL_SETTING")
_NONE_WORDS = "Name them, or answer 'none'."


# -- label -------------------------------------------------------------------------------------------
_AGE_BOUND = {"inotuzumab_ozogamicin": "InO is labelled for adults (18 and over)",
              "tisagenlecleucel": "tisagenlecleucel is labelled up to age 25"}


def _label_text(agent: Agent, age_out: bool, setting_out: bool) -> str:
    if not (age_out or setting_out):
        return f"On label: the patient is within {SHORT_NAME[agent]}'s FDA label"
    if age_out and setting_out:
        return "Off label on both counts: the age and the disease setting are outside the label"
    if age_out:
        return f"Off label because of age: {_AGE_BOUND[agent]}"
    return "Off label because of the disease setting: it is not a labelled one"


def label_status(rng: random.Random, meta: Meta) -> Question | None:
    facts = draw_profile(rng)
    # Put age and setting near the label's edges so that every combination comes up.
    if rng.random() < 0.7:
        facts["age_years"] = rng.randint(10, 40)
    if rng.random() < 0.3:
        facts["disease_status"], facts["marrow_blasts_pct"] = "mrd_positive", rng.randint(0, 4)
    if meta.free_text:
        return _off_label_agents(meta, make_case(facts))
    agent: Agent = rng.choice(("inotuzumab_ozogamicin", "tisagenlecleucel"))
    case = make_case(facts)
    truth = (bool(case.flags(agent, ("LABEL_AGE",))), bool(case.flags(agent, ("LABEL_SETTING",))))
    claims = [(Claim(age_out=a, setting_out=s), _label_text(agent, a, s)) for a in (False, True) for s in (False, True)]
    keyed = next(c for c in claims if (c[0].age_out, c[0].setting_out) == truth)
    built = assemble(rng, keyed, claims, partial(judge.label_status, case, agent))
    if built is None:
        return None
    return make_question(
        meta, case, kind="label_status", agent=agent, options=built.options, answer=keyed[0],
        prompt=f"What is the FDA label status of {DISPLAY_NAME[agent]} for this patient (labels as the review "
        "gives them, 2020)?",
        answer_text=keyed[1], answer_reason=built.keyed.reason,
        rule_outputs=(label_output(case, agent), *flag_outputs(case, [agent], _LABEL_CODES)),
    )


def _off_label_agents(meta: Meta, case: Case) -> Question:
    truth = case.off_label()
    verdict = judge.off_label_agents(case, Claim(agents=tuple(a for a in AGENTS if a in truth)))
    return make_question(
        meta, case, kind="off_label_agents", answer=Claim(agents=tuple(a for a in AGENTS if a in truth)),
        prompt="Which of blinatumomab, InO and tisagenlecleucel are outside their FDA label for this patient "
        f"(labels as the review gives them, 2020)? {_NONE_WORDS}",
        answer_text=names(truth) if truth else "none: all three are on label",
        answer_reason=verdict.reason,
        rule_outputs=tuple([label_output(case, a) for a in AGENTS] + flag_outputs(case, AGENTS, _LABEL_CODES)),
    )


# -- antigen loss ------------------------------------------------------------------------------------
def _shape_antigens(rng: random.Random, facts: Facts) -> None:
    scenario = rng.choices(("cd19_negative", "cd22_negative", "both_present"), weights=(0.35, 0.35, 0.3))[0]
    if scenario == "cd19_negative":
        facts["cd19"] = "negative"
        facts["cd22_positive_pct"] = facts["cd22_positive_pct"] or rng.randint(20, 100)
        if rng.random() < 0.5:  # antigen escape after earlier CD19-directed therapy
            facts["disease_status"] = rng.choice(("refractory", "second_or_later_relapse"))
            facts["prior_therapies"] = [*facts["prior_therapies"], rng.choice(("blinatumomab", "cd19_car_t"))]
    else:
        facts["cd19"] = rng.choice(("positive", "positive", "dim"))
        if scenario == "cd22_negative":
            facts["cd22_positive_pct"] = 0
        elif not facts["cd22_positive_pct"]:
            facts["cd22_positive_pct"] = rng.randint(20, 100)


def _antigen_candidates(case: Case) -> list[tuple[Claim, str]]:
    p = case.profile
    out = [
        (Claim(agents=("blinatumomab", "tisagenlecleucel"), code="CD19_NEGATIVE"),
         "Blinatumomab and tisagenlecleucel: both need CD19, which the blasts lack"),
        (Claim(agents=("inotuzumab_ozogamicin",), code="CD22_NEGATIVE"),
         "InO: none of the blasts carry its target, CD22"),
        (Claim(agents=(), code=None), "None of them: each agent's target is on the blasts"),
    ]
    if p.cd19 == "dim":
        out.append((Claim(agents=("tisagenlecleucel",), code="CD19_DIM"),
                    "Tisagenlecleucel only: dim CD19 rules out CAR T"))
    if p.cd19 == "negative":
        out.append((Claim(agents=("blinatumomab",), code="CD19_NEGATIVE"),
                    "Blinatumomab only: CD19 is absent, but CAR T does not need it"))
    if p.cd22_positive_pct is not None and 0 < p.cd22_positive_pct < 90:
        out.append((Claim(agents=("inotuzumab_ozogamicin",), code="CD22_PARTIAL"),
                    "InO: CD22 on fewer than 90% of blasts rules it out"))
    if p.kmt2a_rearranged:
        out.append((Claim(agents=("inotuzumab_ozogamicin",), code="KMT2A_REARRANGED"),
                    "InO: the KMT2A rearrangement rules it out"))
    if p.had("blinatumomab") or p.had("cd19_car_t"):
        out.append((Claim(agents=("blinatumomab",), code="PRIOR_CD19_THERAPY"),
                    "Blinatumomab only: earlier CD19-directed therapy rules it out"))
    if p.t_cell_dysfunction:
        out.append((Claim(agents=("tisagenlecleucel",), code="T_CELL_DYSFUNCTION"),
                    "Tisagenlecleucel only: poor T cells rule it out"))
    return out


def unsuitable_agent(rng: random.Random, meta: Meta) -> Question | None:
    facts = draw_profile(rng)
    _shape_antigens(rng, facts)
    case = make_case(facts)
    truth = tuple(a for a in AGENTS if a in case.unsuitable())
    candidates = _antigen_candidates(case)
    keyed = next((c for c in candidates if set(c[0].agents or ()) == set(truth)), None)
    if keyed is None:  # e.g. both antigens absent: nothing sensible to ask
        return None
    outputs = [*(suitability_output(case, a) for a in AGENTS),
               *flag_outputs(case, AGENTS, ("CD19_NEGATIVE", "CD22_NEGATIVE", "CD19_DIM", "CD22_PARTIAL"))]
    if meta.free_text:
        answer = Claim(agents=truth)
        verdict = judge.unsuitable_agent(case, answer)
        return make_question(
            meta, case, kind="unsuitable_agent", answer=answer, rule_outputs=tuple(outputs),
            prompt=f"Which agent(s), if any, cannot work for this patient because the target antigen is absent? "
            f"{_NONE_WORDS}",
            answer_text=names(frozenset(truth)) if truth else "none", answer_reason=verdict.reason,
        )
    built = assemble(rng, keyed, candidates, partial(judge.unsuitable_agent, case))
    if built is None:
        return None
    return make_question(
        meta, case, kind="unsuitable_agent", options=built.options, answer=keyed[0], rule_outputs=tuple(outputs),
        prompt="Which agent cannot work for this patient, and why?",
        answer_text=keyed[1], answer_reason=built.keyed.reason,
    )


# -- toxicity ----------------------------------------------------------------------------------------
_LEVEL_WORDS: dict[RiskLevel, str] = {
    "high": "with a high risk for this patient",
    "raised": "with a raised (but not high) risk for this patient",
    "baseline": "at the usual rates: none of the risk factors the review names is present",
}
_TOX_CANDIDATES: tuple[tuple[tuple[Syndrome, ...], RiskLevel], ...] = (
    (("SOS",), "high"), (("SOS",), "raised"), (("SOS",), "baseline"),
    (("CRS", "ICANS"), "raised"), (("CRS", "ICANS"), "baseline"), (("ICANS",), "raised"), (("CRS",), "raised"),
)


def _shape_toxicity(rng: random.Random, facts: Facts, agent: Agent) -> None:
    if agent == "inotuzumab_ozogamicin":
        # Half the time clear every SOS risk factor, so that "baseline" is also a keyed answer.
        if rng.random() < 0.35:
            facts.update(prior_hsct=False, hsct_planned=False, dual_alkylator_conditioning=False,
                         bilirubin_x_uln=round(rng.uniform(0.3, 0.9), 1), planned_ino_cycles=2,
                         age_years=min(facts["age_years"], rng.randint(18, 54)))
        elif rng.random() < 0.5:
            facts["hsct_feasible"], facts["hsct_planned"] = True, True
    elif agent == "blinatumomab" and rng.random() < 0.35:
        facts["disease_status"], facts["marrow_blasts_pct"] = "mrd_positive", rng.randint(0, 4)


def _tox_text(syndromes: tuple[Syndrome, ...], level: RiskLevel, facts: list[str] | None = None) -> str:
    what = " and ".join(SYNDROME_WORDS[s] for s in syndromes)
    because = f" ({'; '.join(facts)})" if facts and level != "baseline" else ""
    return f"{what[:1].upper()}{what[1:]}, {_LEVEL_WORDS[level]}{because}"


def toxicity_concern(rng: random.Random, meta: Meta) -> Question | None:
    agent: Agent = rng.choices(AGENTS, weights=(0.25, 0.4, 0.35))[0]
    facts = draw_profile(rng)
    _shape_toxicity(rng, facts, agent)
    case = make_case(facts)
    main, level, present = case.main_toxicity(agent)
    syndromes = tuple(s for s in ("SOS", "CRS", "ICANS") if s in main)
    answer = Claim(syndromes=syndromes, level=level)
    outputs = (*(toxicity_output(agent, r) for r in case.toxicity(agent).risks if r.described_for_agent),
               *flag_outputs(case, [agent], ("SOS_RISK", "CRS_RISK", "ICANS_RISK")))
    name = DISPLAY_NAME[agent]
    if meta.free_text:
        verdict = judge.toxicity_concern(case, agent, answer)
        return make_question(
            meta, case, kind="toxicity_concern", agent=agent, answer=answer, rule_outputs=outputs,
            prompt=f"What is the main toxicity to plan for if this patient is given {name}?",
            answer_text=" and ".join(SYNDROME_WORDS[s] for s in syndromes), answer_reason=verdict.reason,
        )
    keyed = (answer, _tox_text(syndromes, level, present))
    candidates = [(Claim(syndromes=s, level=lv), _tox_text(s, lv)) for s, lv in _TOX_CANDIDATES]
    built = assemble(rng, keyed, candidates, partial(judge.toxicity_concern, case, agent))
    if built is None:
        return None
    return make_question(
        meta, case, kind="toxicity_concern", agent=agent, options=built.options, answer=answer, rule_outputs=outputs,
        prompt=f"If this patient is given {name}, what is the main toxicity concern, and how high is the risk?",
        answer_text=keyed[1], answer_reason=built.keyed.reason,
    )
