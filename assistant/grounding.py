"""The grounding guard for LLM-written answers. Pure.

An answer passes only if every citation it makes names a passage the tools actually returned,
and every number in it appears in a cited passage or in a tool's output. Anything else falls
back to the deterministic answer: a fluent sentence with an unsupported figure is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Numbers as written in clinical prose: 14.0, .032, 1.8, 10^-4, 23, 2017. Ordinal words are not numbers.
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?|\.\d+)(?![\w])")
_PASSAGE_CITE = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)+)\]")


def numbers_in(text: str) -> set[str]:
    return {_canonical(m) for m in _NUMBER.findall(text)}


def _canonical(number: str) -> str:
    # ".032" and "0.032" are the same figure; "14.0" and "14" are not (precision is a claim).
    return "0" + number if number.startswith(".") else number


def cited_passage_ids(text: str) -> list[str]:
    return list(dict.fromkeys(_PASSAGE_CITE.findall(text)))


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    problems: tuple[str, ...]


def check_grounding(answer: str, *, available: dict[str, str], tool_text: Iterable[str]) -> GuardResult:
    """``available``: passage id -> passage text the tools returned this turn."""
    problems: list[str] = []
    cited = cited_passage_ids(answer)
    unknown = [c for c in cited if c not in available]
    if unknown:
        problems.append(f"cites passages the tools did not return: {', '.join(unknown)}")
    if not cited and numbers_in(answer):
        problems.append("states figures without citing any passage")
    support = numbers_in(" ".join(available[c] for c in cited if c in available))
    for text in tool_text:
        support |= numbers_in(text)
    # Citation ids contain digits ("tox-sos-02"); they are not claims.
    claimed = numbers_in(_PASSAGE_CITE.sub(" ", answer))
    unsupported = sorted(claimed - support)
    if unsupported:
        problems.append(f"numbers not found in cited passages or tool output: {', '.join(unsupported)}")
    return GuardResult(ok=not problems, problems=tuple(problems))
