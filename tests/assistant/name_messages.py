"""200 generated clinician messages with patient names in several positions, and the clinical words
that must survive redaction; shared by tests/assistant/test_name_redaction.py and
benchmarks/redaction_bench.py. Deterministic (a fixed seed), so the figures are comparable."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST = ("Jane", "Maria", "Ahmed", "Priya", "Liam", "Chen", "Fatima", "Oluwaseun", "Sofia", "Mateo", "Aisha",
         "Kenji", "Emma", "Noah", "Zainab", "Ivan", "Grace", "Diego", "Hannah", "Rahul", "Chloe", "Tomasz",
         "Amara", "Lucas", "Mei", "Omar", "Isabella", "Kwame", "Elena", "Samuel")
LAST = ("Doe", "Gonzalez", "Khan", "Patel", "Murphy", "Wei", "Hassan", "Adeyemi", "Rossi", "Fernandez",
        "Bello", "Tanaka", "Johnson", "Williams", "Abubakar", "Petrov", "Kim", "Alvarez", "Schmidt", "Sharma",
        "Dubois", "Nowak", "Okafor", "Silva", "Lin", "Haddad", "Romano", "Mensah", "Popescu", "Thompson")

# Clinical fragments written the way clinicians write them; every capitalised term in them must stay.
CLINICAL = (
    ("refractory Ph-negative B-ALL, CD19 positive, thinking about Kymriah", ("Ph-negative", "CD19", "Kymriah")),
    ("in first relapse after hyper-CVAD, CD22 90%, would InO or blina be better?", ("CD22", "InO", "blina")),
    ("Ph+ disease on ponatinib, MRD positive; what did TOWER show?", ("Ph+", "MRD", "TOWER")),
    ("second relapse, 60% marrow blasts, prior blina, is tisagenlecleucel an option?",
     ("blina", "tisagenlecleucel")),
    ("CD19 dim after Blincyto, CNS2, considering Besponsa before allo-HSCT", ("CD19", "Blincyto", "CNS2",
                                                                              "Besponsa", "HSCT")),
    ("KMT2A rearranged, bilirubin 1.6x ULN, risk of SOS with InO?", ("KMT2A", "ULN", "SOS", "InO")),
    ("grade 3 CRS after Kymriah, tocilizumab given; ICANS risk now?", ("CRS", "Kymriah", "ICANS")),
    ("relapsed post-HSCT, CD22 70%, eligible for INO-VATE style dosing?", ("HSCT", "CD22", "INO-VATE")),
    ("Ph-like ALL, 30% blasts, ELIANA data for CAR T in young adults?", ("Ph-like", "ELIANA", "CAR")),
    ("MRD 10^-3 after 2 cycles of InO, next step blina or CD19 CAR T?", ("MRD", "InO", "CD19", "CAR")),
)

# Where the name goes: {name} is the full name, {first} the first name alone.
TEMPLATES = (
    "{name} {age}{sex} {clinical}",                    # at the very start, no cue word
    "{name}, {age}{sex}, {clinical}",
    "Seen today: {name}, {age} years old, {clinical}",  # after a colon
    "{age}{sex} {clinical}. Family of {name} asking for options",  # at the end
    "Quick question about {name}: {clinical}",
    "{first} is {age} and {clinical}",                 # a first name alone
    "For {name} ({age}{sex}) {clinical}",
    "{age}-year-old {clinical}; {name} prefers to avoid the pump",  # in the middle
    "Discussed {name} at MDT today, {age}{sex}, {clinical}",
    "{clinical} - this is for {first}, {age}{sex}",
)


@dataclass(frozen=True)
class NameMessage:
    text: str
    names: tuple[str, ...]      # each name word that must be gone after redaction
    clinical: tuple[str, ...]   # each clinical term that must still be there


def name_messages(count: int = 200, *, seed: int = 13) -> list[NameMessage]:
    rng = random.Random(seed)
    messages = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        clinical, terms = CLINICAL[n % len(CLINICAL)]
        template = TEMPLATES[(n // len(CLINICAL)) % len(TEMPLATES)]
        text = template.format(name=f"{first} {last}", first=first, age=rng.randint(18, 79),
                               sex=rng.choice("MF"), clinical=clinical)
        names = (first,) if "{name}" not in template else (first, last)
        messages.append(NameMessage(text=text, names=names, clinical=terms))
    return messages


def clinical_only(count: int = 50, *, seed: int = 31) -> list[str]:
    """Messages with no name at all: any change to them is a false positive."""
    rng = random.Random(seed)
    return [f"{rng.randint(18, 79)}{rng.choice('MF')} {CLINICAL[n % len(CLINICAL)][0]}" for n in range(count)]
