"""Coverage of the generator over many seeds: which flag codes and sequencing points decide at least
one question, and whether any question disagrees with a fresh run of the tools."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assistant.tutor.generator import disagreements, generate
from assistant.tutor.models import Question
from tools.rules import RULES
from tools.sequencing import POINTS

FLAG_CODES: tuple[str, ...] = tuple(r.code for r in RULES)
POINT_CODES: tuple[str, ...] = tuple(p.code for p in POINTS)


def deciding_codes(question: Question) -> set[str]:
    """The flag codes raised, and the sequencing points that apply, among a question's deciding outputs."""
    codes = set()
    for output in question.rule_outputs:
        if output.tool == "assess" and output.code in FLAG_CODES:
            codes.add(output.code)
        if output.tool == "sequencing_considerations" and output.value == "applies":
            codes.add(output.code)
    return codes


@dataclass
class Coverage:
    seeds: int
    questions: Counter[str] = field(default_factory=Counter)  # per code
    kinds: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # code -> kinds
    by_kind: Counter[str] = field(default_factory=Counter)
    free_text: int = 0
    disagreements: list[tuple[int, str]] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [c for c in (*FLAG_CODES, *POINT_CODES) if not self.questions[c]]


def coverage(seeds: int) -> Coverage:
    """Generate the questions for seeds 0 .. seeds-1 (topic drawn from each seed) and tally them."""
    result = Coverage(seeds=seeds)
    for seed in range(seeds):
        question = generate(seed)
        result.by_kind[question.kind] += 1
        result.free_text += question.free_text
        result.disagreements += [(seed, problem) for problem in disagreements(question)]
        for code in deciding_codes(question):
            result.questions[code] += 1
            result.kinds[code][question.kind] += 1
    return result


def render(result: Coverage) -> str:
    lines = [f"{'code':<38} {'type':<6} {'questions':>9}  deciding in (kind: questions)", "-" * 100]
    for kind_of, codes in (("flag", FLAG_CODES), ("point", POINT_CODES)):
        for code in codes:
            kinds = ", ".join(f"{k}: {n}" for k, n in result.kinds[code].most_common())
            lines.append(f"{code:<38} {kind_of:<6} {result.questions[code]:>9}  {kinds or '-'}")
    lines.append("-" * 100)
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(result.by_kind.items()))
    lines.append(f"seeds {result.seeds} · free text {result.free_text} · kinds: {kinds}")
    covered = len(FLAG_CODES) + len(POINT_CODES) - len(result.missing)
    lines.append(f"covered {covered} of {len(FLAG_CODES) + len(POINT_CODES)} codes"
                 f"{' (missing: ' + ', '.join(result.missing) + ')' if result.missing else ''} · "
                 f"disagreements with the tools: {len(result.disagreements)}")
    return "\n".join(lines)
