"""Patient facts from free text: `extract_facts("62yo, CD22 60%, failed blina")`.

Pure and deterministic: the same text always gives the same `FactUpdate`, and no text makes it
raise. The extractors run in a fixed order and each one claims the words it used, so a later one
cannot read them again:

1. retractions  "forget the CD22", "KMT2A status unknown", "new patient", "that CD22 was another
                patient's" (clears the CD22 only)
2. setting      disease status, Ph ("relapsed/refractory" is claimed and read as nothing)
3. blasts       before CD22, so "blasts 85% CD22 positive" gives blasts 85 and no CD22 number
4. antigens     CD22 share, CD19 status ("CD22 positive in 60% of blasts" is claimed whole)
5. age (with its unit), bilirubin (a ratio to the lab's ULN), InO cycles
6. yes/no flags CNS, EMD, KMT2A, T cells, tempo, manufacturing failure ("CAR T manufacturing
                failed" is claimed here, so it is not read as a CAR T given), pump
7. history      transplant, conditioning (`transplant`), prior therapies (`history`)

Whose facts: every event is judged where it sits (`scope`): negated, hypothetical, or in a clause
about a third person (`subject`: "his brother, the donor, is 19"), which stores nothing.

Conventions for bounds, ranges and qualitative values are in `numbers` and `antigens`; how
conflicting statements resolve is in `update`.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.understanding.age import extract_age
from assistant.understanding.antigens import extract_antigens
from assistant.understanding.flags import extract_flags
from assistant.understanding.history import extract_therapies
from assistant.understanding.numbers import extract_bilirubin, extract_blasts, extract_cycles
from assistant.understanding.retraction import extract_retractions
from assistant.understanding.setting import extract_ph, extract_setting
from assistant.understanding.transplant import extract_conditioning, extract_transplant
from assistant.understanding.update import Collector, FactNote, FactUpdate

__all__ = ["FactNote", "FactUpdate", "extract_facts"]

_EXTRACTORS: tuple[Callable[[Collector], None], ...] = (
    extract_retractions,
    extract_setting,
    extract_ph,
    extract_blasts,
    extract_antigens,
    extract_age,
    extract_bilirubin,
    extract_cycles,
    extract_flags,
    extract_transplant,
    extract_conditioning,
    extract_therapies,
)

# Longer messages are not patient descriptions; capping the length bounds the work per message.
MAX_CHARS = 5000


def extract_facts(text: str) -> FactUpdate:
    """The patient facts ``text`` sets, corrects or retracts, with the words behind each one."""
    collector = Collector(text[:MAX_CHARS])
    for extract in _EXTRACTORS:
        extract(collector)
    return collector.finish()
