"""What one message says about the patient (`FactUpdate`), and the collector the extractors fill.

Every extractor reports events (set, clear, withdraw) with the span that produced them; the
collector resolves them once, the same way for every field:

- the latest statement in a message wins ("no CNS disease ... actually CNS3" -> CNS disease);
- for numbers, a current value beats one marked as earlier ("10%, down from 85%" -> 10);
- prior therapies accumulate, and a withdrawal ("never had blina") removes one;
- facts stated as conditionals or about patients in general go to ``hypothetical``, never ``set``;
- facts in a clause about a third person (a relative, the donor, another patient; see `subject`)
  are dropped: they are nobody's facts here, and never the patient's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from assistant.understanding.scope import Mode, Scope
from assistant.understanding.subject import Kind
from assistant.understanding.vocabulary import FactValue, PriorTherapy

NoteKind = Literal[
    "bound",  # "<5%": stored just inside the bound, the text kept here
    "approximate",  # "~80%", "about 80%"
    "range",  # "80-90%": stored at the cautious end
    "complement",  # "40% CD22-negative" stored as 60% CD22-positive
    "qualitative",  # "CD22 bright", "normal bilirubin": no number to store
    "unit",  # "bilirubin 2.1 mg/dL": needs a multiple of ULN (or a ULN in the same unit)
    "ratio",  # "bili 30 umol/L, ULN 21": stored as the value over the laboratory's ULN
    "uncertain",  # "?CNS disease", "possible KMT2A": not stored until confirmed
    "no_ordinal",  # "relapsed after transplant": which relapse is not said
    "not_used",  # "peripheral blasts 40%": not the field it resembles
    "out_of_range",  # "blasts 150%": outside the profile's range, so not stored
    "misattributed",  # "sorry, wrong patient": which fact it means is not said, so nothing cleared
]


class FactNote(BaseModel):
    """Something the message said about a field that was not, or not exactly, stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str = Field(description="The profile field the note is about")
    kind: NoteKind
    text: str = Field(description="The words of the message it came from")


class FactUpdate(BaseModel):
    """The patient facts one message adds, corrects or retracts; merged by the session layer."""

    model_config = ConfigDict(extra="forbid")

    set: dict[str, FactValue] = Field(
        default_factory=dict,
        description="Fields to set or correct. prior_therapies lists therapies named as earlier lines in "
        "this message: add them to the ones already known (see apply()).",
    )
    cleared: list[str] = Field(default_factory=list, description="Fields now unknown ('forget the CD22')")
    withdrawn: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Values now known to be wrong: removed from a list field ('never had blina'), or the "
        "field is cleared if it holds one of them ('MRD-negative' withdraws mrd_positive)",
    )
    reset: bool = Field(default=False, description="A new patient: drop every earlier fact before applying")
    evidence: dict[str, str] = Field(
        default_factory=dict, description="The words that produced each set field"
    )
    notes: list[FactNote] = Field(default_factory=list)
    hypothetical: dict[str, FactValue] = Field(
        default_factory=dict,
        description="Facts in a conditional or a general question ('if she were CD22-negative', 'for a "
        "16-year-old?'): usable for this answer, never stored on the patient",
    )

    def apply(self, current: Mapping[str, object]) -> dict[str, object]:
        """The patient's facts after this message: reset, then clear, set and withdraw."""
        merged: dict[str, object] = {} if self.reset else dict(current)
        for name in self.cleared:
            merged.pop(name, None)
        for name, value in self.set.items():
            if name == "prior_therapies" and isinstance(value, list):
                known = merged.get(name)
                earlier = [str(t) for t in known] if isinstance(known, list | tuple) else []
                merged[name] = _in_canonical_order([*earlier, *value])
            else:
                merged[name] = value
        for name, values in self.withdrawn.items():
            known = merged.get(name)
            if isinstance(known, list | tuple):
                merged[name] = [v for v in known if v not in values]
            elif known in values:
                merged.pop(name)
        return merged


def _as_list(value: FactValue | None) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def _in_canonical_order(therapies: list[str]) -> list[str]:
    order = get_args(PriorTherapy)
    return [t for t in order if t in therapies]


_NUMERIC = frozenset(
    {"age_years", "marrow_blasts_pct", "cd22_positive_pct", "bilirubin_x_uln", "planned_ino_cycles"}
)


@dataclass(frozen=True)
class _Event:
    field: str
    action: Literal["set", "clear", "withdraw"]
    value: FactValue | None
    start: int
    end: int
    mode: Mode
    history: bool = False
    shown_from: int = -1  # where the words shown as evidence start, when before ``start``


class Collector:
    """Gathers what the extractors find in one message and resolves it into a `FactUpdate`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scope = Scope(text)
        self.low = self.scope.low
        self.norm = self.scope.norm
        self.reset = False
        self._reset_at = -1
        self._events: list[_Event] = []
        self._notes: list[FactNote] = []
        self._claimed: list[tuple[int, int]] = []

    # -- spans ---------------------------------------------------------------------------------
    def free(self, start: int, end: int) -> bool:
        """True when no earlier extractor has used any of these characters."""
        return all(end <= a or start >= b for a, b in self._claimed)

    def claim(self, start: int, end: int) -> None:
        self._claimed.append((start, end))

    def words(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split())

    def start_new_patient(self, at: int) -> None:
        """A new patient from ``at`` on: what the message said before it was about the last one."""
        self.reset = True
        self._reset_at = max(self._reset_at, at)

    # -- events --------------------------------------------------------------------------------
    def set(
        self,
        field: str,
        value: FactValue,
        start: int,
        end: int,
        *,
        history: bool = False,
        shown_from: int = -1,
        speaks_for: tuple[Kind, ...] = (),
    ) -> None:
        mode = self.scope.mode(start, speaks_for=speaks_for)
        self._events.append(_Event(field, "set", value, start, end, mode, history, shown_from))

    def clear(self, field: str, start: int, end: int, *, own_words: bool = False) -> None:
        """The field is now unknown. ``own_words``: the clearing remark names another patient on
        purpose ("that CD22 was a different patient's"), so it is not a third person's clause."""
        about_other = not own_words and self.scope.third_party(start) is not None
        self._events.append(_Event(field, "clear", None, start, end, "third_party" if about_other else "patient"))

    def withdraw(self, field: str, value: str, start: int, end: int) -> None:
        self._events.append(_Event(field, "withdraw", value, start, end, self.scope.mode(start)))

    def note(self, field: str, kind: NoteKind, start: int, end: int) -> None:
        if self.scope.third_party(start) is not None:
            return  # nothing to ask about the brother's relapse
        note = FactNote(field=field, kind=kind, text=self.words(start, end))
        if note not in self._notes:
            self._notes.append(note)

    def judge(
        self,
        field: str,
        value: FactValue,
        start: int,
        end: int,
        *,
        negated: FactValue | None = None,
        shown_from: int = -1,
        speaks_for: tuple[Kind, ...] = (),
    ) -> None:
        """The common reading of a phrase stating a fact: uncertain -> note; negated -> ``negated``
        (or a withdrawal of ``value`` when there is no opposite); hypothetical and third-person
        clauses handled by set()."""
        if self.scope.uncertain(start, end):
            self.note(field, "uncertain", start, end)
        elif self.scope.negated(start, end) and not self._negation_used(start):
            if negated is not None:
                self.set(
                    field, negated, start, end, shown_from=self.scope.negation_start(start),
                    speaks_for=speaks_for,
                )
            elif isinstance(value, str):
                self.withdraw(field, value, start, end)
        else:
            self.set(field, value, start, end, shown_from=shown_from, speaks_for=speaks_for)

    def _negation_used(self, start: int) -> bool:
        """The "no" before a phrase already belongs to an earlier one: in "no rush - we can wait" the
        "no" is part of "no rush", and does not turn "can wait" into its opposite."""
        cue = self.scope.negation_start(start)
        if cue >= start or self.free(cue, cue + 1):
            return False
        # ... but a "no" over a list reaches every item: "no CNS or other extramedullary sites".
        end_of_claim = max(b for a, b in self._claimed if a <= cue < b)
        return not re.fullmatch(r"[\s,/]*(?:(?:or|and|nor|other|any)[\s,/]+)*", self.low[end_of_claim:start])

    # -- resolution ----------------------------------------------------------------------------
    def finish(self) -> FactUpdate:
        update = FactUpdate(reset=self.reset, notes=list(self._notes))
        current = [e for e in self._events if e.start >= self._reset_at]
        for mode in ("patient", "hypothetical"):
            events = [e for e in current if e.mode == mode]
            for field in dict.fromkeys(e.field for e in events):
                mine = [e for e in events if e.field == field]
                if field == "prior_therapies":
                    self._resolve_therapies(update, mine, mode)
                else:
                    self._resolve_scalar(update, field, mine, mode)
        return update

    def _resolve_scalar(self, update: FactUpdate, field: str, events: list[_Event], mode: str) -> None:
        decisive = [e for e in events if e.action in ("set", "clear")]
        if field in _NUMERIC and any(e.action == "set" and not e.history for e in decisive):
            decisive = [e for e in decisive if not e.history]
        winner = max(decisive, key=lambda e: e.start, default=None)
        withdrawals = [e for e in events if e.action == "withdraw"]
        if winner is not None and any(
            w.value == winner.value and w.start > winner.start for w in withdrawals
        ):
            winner = None  # "MRD-positive in May, now MRD-negative": the later withdrawal wins
        if mode == "hypothetical":
            if winner is not None and winner.action == "set" and winner.value is not None:
                update.hypothetical[field] = winner.value
            return
        if winner is not None and winner.action == "clear":
            update.cleared.append(field)
        elif winner is not None and winner.value is not None:
            update.set[field] = winner.value
            update.evidence[field] = self._shown(winner)
        withdrawn = [str(w.value) for w in withdrawals if w.value != update.set.get(field)]
        if withdrawn and (winner is None or winner.action == "set"):
            update.withdrawn[field] = list(dict.fromkeys(withdrawn))

    def _resolve_therapies(self, update: FactUpdate, events: list[_Event], mode: str) -> None:
        last_clear = max((e.start for e in events if e.action == "clear"), default=-1)
        current = [e for e in events if e.start > last_clear]
        named = sorted((e for e in current if e.action == "set"), key=lambda e: e.start)
        therapies = _in_canonical_order([str(t) for e in named for t in _as_list(e.value)])
        withdrawn = [
            str(e.value) for e in current if e.action == "withdraw" and str(e.value) not in therapies
        ]
        if mode == "hypothetical":
            if therapies:
                update.hypothetical["prior_therapies"] = therapies
            return
        if last_clear >= 0:
            update.cleared.append("prior_therapies")
        if therapies:
            update.set["prior_therapies"] = therapies
            update.evidence["prior_therapies"] = "; ".join(dict.fromkeys(self._shown(e) for e in named))
        if withdrawn:
            update.withdrawn["prior_therapies"] = list(dict.fromkeys(withdrawn))

    def _shown(self, event: _Event) -> str:
        start = event.shown_from if 0 <= event.shown_from < event.start else event.start
        return self.words(start, event.end)
