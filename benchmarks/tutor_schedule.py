"""Does weak-topic weighting earn its place on top of FSRS? Simulated learners, figures printed.

    python benchmarks/tutor_schedule.py [--learners 60] [--days 14] [--per-day 15]

About five minutes at 60 learners on two cores (the scheduler replays every answer for each pick, as
the service does); 200 learners take about half an hour.

Each simulated learner starts with a hidden knowledge of each topic (some topics weak), forgets with
time (recall = knowledge x exp(-days since practice / memory strength)), strengthens a topic's memory
with each practice, and learns more from the feedback on a wrong answer than from a right one. Each
day they answer ``per-day`` questions a minute apart; the topic comes from the tutor's scheduler,
run three ways: FSRS with weak-topic weighting (the default), FSRS alone (least remembered due topic
first), and uniform random topics; the FSRS runs also once with the learner stopping for the day when
nothing is due (how FSRS is meant to be used: fewer questions for the same recall). A week after
the last day, we print the mean recall over topics,
the recall of each learner's weakest topic, and the share of learners whose weakest topic is below
0.6. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from assistant.tutor.models import TOPICS, Topic
from assistant.tutor.schedule import Review, memories, pick_topic

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass
class Learner:
    knowledge: dict[Topic, float]
    strength: dict[Topic, float] = field(default_factory=lambda: dict.fromkeys(TOPICS, 1.0))
    last: dict[Topic, datetime] = field(default_factory=dict)

    def recall(self, topic: Topic, now: datetime) -> float:
        if topic not in self.last:
            return self.knowledge[topic] * 0.6  # never practised: partly known from training
        days = (now - self.last[topic]).total_seconds() / 86400
        return self.knowledge[topic] * math.exp(-days / self.strength[topic])

    def answer(self, topic: Topic, now: datetime, rng: random.Random) -> bool:
        correct = rng.random() < self.recall(topic, now)
        k = self.knowledge[topic]
        self.knowledge[topic] = k + (1 - k) * (0.08 if correct else 0.25)
        self.strength[topic] *= 2.2 if correct else 1.3
        self.last[topic] = now
        return correct


def new_learner(rng: random.Random) -> Learner:
    weak = set(rng.sample(TOPICS, k=3))
    return Learner(knowledge={t: rng.uniform(0.15, 0.4) if t in weak else rng.uniform(0.6, 0.9) for t in TOPICS})


def run(policy: str, learners: int, days: int, per_day: int, *, only_due: bool) -> tuple[float, float, float, float]:
    means, weakest, asked = [], [], []
    for n in range(learners):
        rng, picks = random.Random(f"learner:{n}"), random.Random(f"picks:{n}:{policy}")
        learner, reviews = new_learner(rng), []
        for day in range(days):
            for q in range(per_day):
                now = START + timedelta(days=day, minutes=q)
                if policy == "random":
                    topic: Topic = picks.choice(TOPICS)
                else:
                    state = memories(reviews)
                    if only_due and not any(m.is_due(now) for m in state.values()):
                        break  # the learner stops for the day when the tutor has nothing due
                    topic = pick_topic(state, now, picks, weak_weighting=policy == "fsrs+weighting")
                reviews.append(Review(topic=topic, at=now, correct=learner.answer(topic, now, rng)))
        later = START + timedelta(days=days + 7)
        recalls = [learner.recall(t, later) for t in TOPICS]
        means.append(statistics.mean(recalls))
        weakest.append(min(recalls))
        asked.append(len(reviews))
    return (statistics.mean(means), statistics.mean(weakest), sum(w < 0.6 for w in weakest) / learners,
            statistics.mean(asked))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--per-day", type=int, default=15)
    args = parser.parse_args()
    print(f"{args.learners} simulated learners, {args.days} days x {args.per_day} questions, recall 7 days later")
    print(f"{'policy':<30}{'questions':>10}{'mean recall':>12}{'weakest topic':>15}{'weakest < 0.6':>15}")
    for policy, only_due in (("fsrs+weighting", False), ("fsrs", False), ("fsrs+weighting", True),
                             ("fsrs", True), ("random", False)):
        mean, weak, share, asked = run(policy, args.learners, args.days, args.per_day, only_due=only_due)
        name = policy + (" (due topics only)" if only_due else "")
        print(f"{name:<30}{asked:>10.0f}{mean:>12.3f}{weak:>15.3f}{share:>15.1%}")


if __name__ == "__main__":
    main()
