"""Label currency: "which agents are on label now for this patient?", graded against the current
label edition (the updates source), with the review's edition (2020) in the explanation.

The review's labels are not today's: InO is now labelled from age 1 (FDA, 2024-03-06). A trainee who
learns the 2020 labels from the review should also learn which of them have changed since.
"""

from __future__ import annotations

import random
from functools import partial
from itertools import combinations

from assistant.tutor.build import Meta, assemble, make_case, make_question
from assistant.tutor.judge import SHORT_NAME, Case, Verdict, cap, cited, names
from assistant.tutor.models import Claim, Question, RuleOutput
from assistant.tutor.vignette import draw_profile
from tools.agents import AGENTS, Agent
from tools.rules.label import LABELS
from tools.rules.label_editions import current_as_of, edition_status

KIND = "label_now"
_STATUS_WORDS = {"on_label": "on label", "off_label": "off label", "unknown": "cannot be judged"}


def on_label_now(case: Case) -> frozenset[Agent]:
    return frozenset(a for a, v in case.verdicts.items() if v.label_now.status == "on_label")


def _review_passages(agent: Agent) -> tuple[str, ...]:
    return tuple(c.passage_id for c in LABELS[agent].citations)


def _agent_reason(case: Case, agent: Agent) -> tuple[str, tuple[str, ...]]:
    """The agent's current status and why, then the review's edition beside it, with their passages."""
    verdict = case.verdicts[agent]
    now = verdict.label_now
    _, why_now = edition_status(case.profile, agent, "current")
    text = f"{cap(SHORT_NAME[agent])} is {_STATUS_WORDS[now.status]} now (as of {now.as_of.isoformat()}): {why_now}"
    if now.changed_by:
        text += f" In the review's edition (2020) it was {_STATUS_WORDS[verdict.label_status]}: {verdict.label_reason}"
        return text, (*now.changed_by, *_review_passages(agent))
    return text + " The review's edition (2020) gives the same status.", _review_passages(agent)


def judge_label_now(case: Case, claim: Claim) -> Verdict:
    truth, said = on_label_now(case), frozenset(claim.agents or ())
    shown = [a for a in AGENTS if a in truth ^ said] or list(AGENTS)
    reason = tuple(cited(*_agent_reason(case, a)) for a in shown)
    return Verdict(truth == said, reason)


def _text(agents: frozenset[Agent]) -> str:
    return cap(names(agents)) if agents else "None of them"


def label_now(rng: random.Random, meta: Meta) -> Question | None:
    facts = draw_profile(rng)
    # Children, adolescents and adults around the label edges, in relapsed or refractory disease.
    facts["age_years"] = rng.choice((rng.randint(1, 17), rng.randint(18, 30), rng.randint(31, 70)))
    if facts["disease_status"] == "mrd_positive" and rng.random() < 0.7:
        facts["disease_status"], facts["marrow_blasts_pct"] = rng.choice(
            ("refractory", "first_relapse", "second_or_later_relapse")), rng.randint(5, 90)
    facts["cd22_positive_pct"] = facts["cd22_positive_pct"] if facts["cd22_positive_pct"] is not None else 90
    case = make_case(facts)
    if any(v.label_now.status == "unknown" for v in case.verdicts.values()):
        return None
    truth = on_label_now(case)
    keyed = (Claim(agents=tuple(a for a in AGENTS if a in truth)), _text(truth))
    subsets = [frozenset(c) for n in range(len(AGENTS) + 1) for c in combinations(AGENTS, n)]
    candidates = [(Claim(agents=tuple(a for a in AGENTS if a in s)), _text(s)) for s in subsets]
    built = assemble(rng, keyed, candidates, partial(judge_label_now, case))
    if built is None:
        return None
    outputs = tuple(
        RuleOutput(tool="assess", agent=a, code="label_now", value=case.verdicts[a].label_now.status,
                   text=_agent_reason(case, a)[0], passage_ids=_agent_reason(case, a)[1])
        for a in AGENTS
    )
    return make_question(
        meta, case, kind=KIND, options=built.options, answer=keyed[0], rule_outputs=outputs,
        prompt=("Which of blinatumomab, InO and tisagenlecleucel are on label now for this patient "
                f"(current FDA labels, as of {current_as_of().isoformat()}, not the review's of 2020)?"),
        answer_text=keyed[1], answer_reason=built.keyed.reason,
    )
