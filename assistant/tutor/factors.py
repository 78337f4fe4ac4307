"""Questions on one patient fact (which agents it weighs against), on the fact still missing before a
decision, and on the review's sequencing points."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import product

from assistant.tutor import judge
from assistant.tutor.build import Meta, assemble, flag_outputs, label_output, make_case, make_question, point_output
from assistant.tutor.judge import SHORT_NAME, names
from assistant.tutor.models import Claim, Question, RuleOutput, Topic
from assistant.tutor.vignette import FIELD_PHRASES, Facts, draw_profile
from tools.agents import AGENTS, DISPLAY_NAME, Agent
from tools.assess import DECISIVE_FIELDS
from tools.rules.label import label_reads
from tools.sequencing import POINTS


def _later_line(rng: random.Random, facts: Facts) -> None:
    if facts["disease_status"] in ("first_relapse", "mrd_positive"):
        facts["disease_status"] = rng.choice(("refractory", "second_or_later_relapse"))
        facts["marrow_blasts_pct"] = max(facts["marrow_blasts_pct"], rng.randint(5, 90))


def _prior(rng: random.Random, facts: Facts, options: tuple[str, ...]) -> str:
    _later_line(rng, facts)
    therapy = rng.choice(options)
    facts["prior_therapies"] = [*facts["prior_therapies"], therapy]
    return "earlier " + {"blinatumomab": "blinatumomab", "cd19_car_t": "CD19 CAR T",
                         "inotuzumab_ozogamicin": "InO", "cd22_car_t": "CD22 CAR T"}[therapy]


def _set(facts: Facts, phrase: str, **values: object) -> str:
    facts.update(values)
    return phrase


def _high_burden(rng: random.Random, facts: Facts) -> str:
    _later_line(rng, facts)
    facts["marrow_blasts_pct"] = rng.randint(50, 95)
    return f"marrow blasts of {facts['marrow_blasts_pct']}%"


def _low_burden(rng: random.Random, facts: Facts) -> str:
    if rng.random() < 0.5:
        return _set(facts, "MRD-positive disease", disease_status="mrd_positive", marrow_blasts_pct=rng.randint(0, 4))
    if facts["disease_status"] == "mrd_positive":
        facts["disease_status"] = "first_relapse"
    facts["marrow_blasts_pct"] = rng.randint(1, 4)
    return f"marrow blasts of {facts['marrow_blasts_pct']}%"


def _urgent(rng: random.Random, facts: Facts) -> str:
    _later_line(rng, facts)
    return _set(facts, "disease that needs control within weeks", rapidly_progressive=True)


def _cd22_partial(rng: random.Random, facts: Facts) -> str:
    facts["cd22_positive_pct"] = rng.randint(20, 89)
    return f"CD22 on {facts['cd22_positive_pct']}% of blasts"


@dataclass(frozen=True)
class Factor:
    topic: Topic
    codes: tuple[str, ...]
    shape: Callable[[random.Random, Facts], str]


FACTORS: tuple[Factor, ...] = (
    Factor("antigen", ("CD19_DIM",), lambda rng, f: _set(f, "dim CD19 on the blasts", cd19="dim")),
    Factor("antigen", ("CD22_PARTIAL",), _cd22_partial),
    Factor("antigen", ("KMT2A_REARRANGED",), lambda rng, f: _set(f, "the KMT2A rearrangement", kmt2a_rearranged=True)),
    Factor("antigen", ("PRIOR_CD19_THERAPY",), lambda rng, f: _prior(rng, f, ("blinatumomab", "cd19_car_t"))),
    Factor("burden", ("HIGH_DISEASE_BURDEN",), _high_burden),
    Factor("burden", ("LOW_DISEASE_BURDEN",), _low_burden),
    Factor("cns", ("CNS_DISEASE",), lambda rng, f: _set(f, "CNS involvement", cns_disease=True)),
    Factor("cns", ("EXTRAMEDULLARY_DISEASE",),
           lambda rng, f: _set(f, "extramedullary (non-CNS) disease", extramedullary_disease=True)),
    Factor("hsct", ("HSCT_BRIDGE", "HSCT_NOT_NEEDED"),
           lambda rng, f: _set(f, "not being a transplant candidate", hsct_feasible=False)),
    Factor("hsct", ("HSCT_BRIDGE", "HSCT_NOT_NEEDED"),
           lambda rng, f: _set(f, "no HSCT planned, although the patient is a candidate", hsct_feasible=True,
                               hsct_planned=False)),
    Factor("logistics", ("MANUFACTURING_DELAY",), _urgent),
    Factor("logistics", ("PRIOR_MANUFACTURING_FAILURE",),
           lambda rng, f: _set(f, "an earlier CAR T manufacturing failure", prior_car_t_manufacturing_failure=True)),
    Factor("logistics", ("CONTINUOUS_INFUSION",),
           lambda rng, f: _set(f, "the wish not to carry an infusion pump", prefers_no_pump=True)),
    Factor("logistics", ("T_CELL_DYSFUNCTION",),
           lambda rng, f: _set(f, "poor T-cell numbers and function", t_cell_dysfunction=True)),
)


def _factor_text(against: frozenset[Agent], noted: frozenset[Agent]) -> str:
    rest = frozenset(AGENTS) - against - noted
    parts = [f"Weighs against {names(against)}" if against else "Weighs against none of them"]
    if noted:
        parts.append(f"a note only for {names(noted)}")
    if rest and (against or noted):
        parts.append(f"no bearing on {names(rest)}")
    return "; ".join(parts)


def _roles() -> list[tuple[frozenset[Agent], frozenset[Agent]]]:
    out = []
    for roles in product(("against", "noted", "none"), repeat=len(AGENTS)):
        out.append((frozenset(a for a, r in zip(AGENTS, roles, strict=True) if r == "against"),
                    frozenset(a for a, r in zip(AGENTS, roles, strict=True) if r == "noted")))
    return out


def _claim(against: frozenset[Agent], noted: frozenset[Agent]) -> Claim:
    return Claim(agents=tuple(a for a in AGENTS if a in against), noted=tuple(a for a in AGENTS if a in noted))


def factor(rng: random.Random, meta: Meta) -> Question | None:
    chosen = rng.choice([f for f in FACTORS if f.topic == meta.topic])
    facts = draw_profile(rng)
    phrase = chosen.shape(rng, facts)
    case = make_case(facts)
    against, noted = case.factor(chosen.codes)

    def distance(roles: tuple[frozenset[Agent], frozenset[Agent]]) -> int:
        return sum((a in roles[0]) != (a in against) or (a in roles[1]) != (a in noted) for a in AGENTS)

    # Near misses first (one agent's role changed): the distractors a learner actually confuses.
    others = [r for r in _roles() if distance(r) > 0]
    rng.shuffle(others)
    others.sort(key=distance)
    candidates = [(_claim(*r), _factor_text(*r)) for r in others[:6]]
    keyed = (_claim(against, noted), _factor_text(against, noted))
    built = assemble(rng, keyed, candidates, partial(judge.factor, case, chosen.codes))
    if built is None:
        return None
    return make_question(
        meta, case, kind="factor", focus_codes=chosen.codes, options=built.options, answer=keyed[0],
        prompt=f"Take one fact of this case: {phrase}. Which agents does it weigh against, and for which is it "
        "only a note?",
        answer_text=keyed[1], answer_reason=built.keyed.reason,
        rule_outputs=tuple(flag_outputs(case, AGENTS, chosen.codes)),
    )


# -- the missing fact --------------------------------------------------------------------------------
# The topic a missing field belongs to. ph_positive has none: no label or rule reads it, so it is only
# ever a distractor.
FIELD_TOPIC: dict[str, Topic] = {
    "age_years": "label", "disease_status": "label", "cd19": "antigen", "cd22_positive_pct": "antigen",
    "kmt2a_rearranged": "antigen", "prior_therapies": "antigen", "marrow_blasts_pct": "burden",
    "cns_disease": "cns", "extramedullary_disease": "cns", "hsct_feasible": "hsct", "hsct_planned": "hsct",
    "prior_hsct": "toxicity", "dual_alkylator_conditioning": "toxicity", "bilirubin_x_uln": "toxicity",
    "planned_ino_cycles": "toxicity", "t_cell_dysfunction": "logistics", "rapidly_progressive": "logistics",
    "prior_car_t_manufacturing_failure": "logistics", "prefers_no_pump": "logistics",
}


def missing_fact(rng: random.Random, meta: Meta) -> Question | None:
    field = rng.choice(sorted(f for f, t in FIELD_TOPIC.items() if t == meta.topic))
    agent: Agent = rng.choice([a for a in AGENTS if field in DECISIVE_FIELDS[a]])
    facts = draw_profile(rng)
    # Every other field is stated, so the one left out is the only fact missing for this agent.
    facts["prefers_no_pump"] = bool(facts["prefers_no_pump"])
    facts[field] = None
    case = make_case(facts)
    if getattr(case.profile, field) is not None:  # repaired back by consistent(): try another draw
        return None
    answer = Claim(field=field)
    outputs: list[RuleOutput] = [RuleOutput(
        tool="check_eligibility", agent=agent, code="missing", value=field,
        text=f"Not given, and read by {SHORT_NAME[agent]}'s {', '.join(judge.readers(agent, field))}.")]
    if field in label_reads(agent):
        outputs.append(label_output(case, agent))
    name = DISPLAY_NAME[agent]
    if meta.free_text:
        verdict = judge.missing_fact(case, agent, answer)
        return make_question(
            meta, case, kind="missing_fact", agent=agent, answer=answer, rule_outputs=tuple(outputs),
            prompt=f"Before deciding whether {name} fits this patient, which fact is still missing?",
            answer_text=FIELD_PHRASES[field], answer_reason=verdict.reason,
        )
    unread = [f for f in FIELD_PHRASES if f not in DECISIVE_FIELDS[agent]]
    given = [f for f in FIELD_PHRASES if f in DECISIVE_FIELDS[agent] and f != field]
    picks = rng.sample(unread, k=min(2, len(unread))) + rng.sample(given, k=3)
    candidates = [(Claim(field=f), FIELD_PHRASES[f]) for f in picks]
    built = assemble(rng, (answer, FIELD_PHRASES[field]), candidates, partial(judge.missing_fact, case, agent))
    if built is None:
        return None
    return make_question(
        meta, case, kind="missing_fact", agent=agent, options=built.options, answer=answer,
        rule_outputs=tuple(outputs),
        prompt=f"Before deciding whether {name} fits this patient, which one fact do you still need?",
        answer_text=FIELD_PHRASES[field], answer_reason=built.keyed.reason,
    )


# -- sequencing ----------------------------------------------------------------------------------------
def _shape_point(rng: random.Random, facts: Facts, code: str) -> None:
    if code in ("SEQ_INO_DEBULK_THEN_BLINA", "SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT", "COMBO_BLINA_CHECKPOINT"):
        facts["cd19"], facts["cd22_positive_pct"] = "positive", rng.randint(90, 100)
    if code == "SEQ_INO_DEBULK_THEN_BLINA":
        _high_burden(rng, facts)
    elif code == "SEQ_CAR_T_AFTER_INO_INSTEAD_OF_HSCT":
        facts.update(rng.choice(({"prior_hsct": True}, {"hsct_feasible": False}, {"bilirubin_x_uln": 1.4})))
    elif code == "SEQ_SHARED_CD19_TARGET":
        _prior(rng, facts, ("blinatumomab", "cd19_car_t"))
    elif code == "SEQ_CD22_CAR_T_AFTER_INO":
        _prior(rng, facts, ("inotuzumab_ozogamicin", "cd22_car_t"))
    elif code == "COMBO_INO_MINI_HYPER_CVD":
        facts["age_years"], facts["cd22_positive_pct"] = rng.randint(18, 80), rng.randint(40, 100)
    elif code == "KMT2A_LINEAGE_SWITCH":
        facts["kmt2a_rearranged"] = True


def sequencing_point(rng: random.Random, meta: Meta) -> Question | None:
    code = rng.choice([p.code for p in POINTS])
    facts = draw_profile(rng)
    _shape_point(rng, facts, code)
    case = make_case(facts)
    titles = {p.code: p.title for p in POINTS}
    candidates = [(Claim(code=c), titles[c]) for c in titles if c != code]
    built = assemble(rng, (Claim(code=code), titles[code]), candidates, partial(judge.sequencing_point, case))
    if built is None:
        return None
    shown = [o.claim.code for o in built.options]
    return make_question(
        meta, case, kind="sequencing_point", options=built.options, answer=Claim(code=code),
        prompt="Which of these sequencing or combination points from the review applies to this patient?",
        answer_text=titles[code], answer_reason=built.keyed.reason,
        rule_outputs=tuple(point_output(case.points[c]) for c in shown if c),
    )
