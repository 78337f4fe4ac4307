"""How faithfully the knowledge pack carries the review's facts in the review's own key words.

The pack restates the review in the project's own sentences (the review's sentences must not be
copied), but a paraphrase that drops the review's terms loses answers: a clinician who asks with the
review's words ("no significant difference", "effector-to-target ratio") finds no passage using them,
and an answer checked against the review's figures ("7.7 vs 4.0 months") misses them. Held-out sets
written from the review showed this as their largest loss (a third of one set's questions asked for a
fact no passage contained), so the pack is measured here against the review itself, not against any
question set:

- each review sentence is matched to the passage whose stemmed content words cover most of it;
- a sentence no passage covers to ``CARRIED`` is *lost*: its fact is in no passage;
- *fidelity* is the share of a carried sentence's content words that its passage contains verbatim
  (not merely stemmed), over all carried sentences;
Figures are checked apart, and more strictly (tests/knowledge/test_pack_figures.py). Pure: callers
pass the ingested review's sentences (``review_sentences``) and the passages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.ingest import IngestedDocument
from knowledge.ingest_inline import split_sentences
from knowledge.normalize import stem
from knowledge.vocabulary import STOPWORDS

# A sentence counts as carried when its passage holds this share of its content words (stemmed).
CARRIED = 0.4
_WORD = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
# Words that link the review's sentences rather than state a fact: a paraphrase may drop them.
_DISCOURSE = frozenset({
    "however", "interestingly", "also", "thus", "therefore", "additionally", "furthermore", "moreover", "although",
    "whereas", "currently", "recently", "notably", "importantly", "instance", "example", "including", "such",
    "several", "many",
})


def review_sentences(document: IngestedDocument) -> list[str]:
    """The ingested review's sentences, abstract to conclusion; each row of Table 1 counts as one."""
    return [s for p in document.passages for s in ([p.text] if p.section == "Table 1" else split_sentences(p.text))]


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS and w not in _DISCOURSE]


@dataclass(frozen=True)
class Carried:
    sentence: str
    passage: str
    missing: tuple[str, ...]  # content words of the sentence the passage does not contain verbatim


@dataclass
class FidelityReport:
    carried: list[Carried] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)  # (sentence, closest passage)

    @property
    def fidelity(self) -> float:
        total = sum(len(content_words(c.sentence)) for c in self.carried)
        missing = sum(len(c.missing) for c in self.carried)
        return 1 - missing / total if total else 0.0

    @property
    def sentences(self) -> int:
        return len(self.carried) + len(self.lost)


def measure(review: Sequence[str], passages: Sequence[tuple[str, str]]) -> FidelityReport:
    """Fidelity of ``passages`` (id, text) to the ``review``'s sentences."""
    words = [set(content_words(text)) for _, text in passages]
    stems = [{stem(w) for w in ws} for ws in words]
    report = FidelityReport()
    if not passages:
        return report
    for sentence in review:
        own = content_words(sentence)
        if len(own) < 2:
            continue
        own_stems = [stem(w) for w in own]
        overlap = [sum(s in passage for s in own_stems) for passage in stems]
        best = max(range(len(passages)), key=overlap.__getitem__)
        if overlap[best] / len(own) < CARRIED:
            report.lost.append((sentence, passages[best][0]))
            continue
        missing = tuple(w for w in own if w not in words[best])
        report.carried.append(Carried(sentence=sentence, passage=passages[best][0], missing=missing))
    return report


# Keeping the review's words must not become keeping its sentences: a passage sentence is measured by
# the share of its runs of four words that the review also has.
RUN = 4
_PLAIN_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Closeness:
    share: float  # of the sentence's four-word runs that the review has
    passage: str
    sentence: str


def closeness(review: Sequence[str], passages: Sequence[tuple[str, str]]) -> list[Closeness]:
    """Every passage sentence of eight words or more, closest to the review's wording first."""
    words = _PLAIN_WORD.findall(" ".join(review).lower())
    runs = {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}
    found = []
    for passage_id, text in passages:
        for sentence in re.split(r"(?<=[.;])\s+", text):
            own = _PLAIN_WORD.findall(sentence.lower())
            if len(own) < 8:
                continue
            mine = [tuple(own[i : i + RUN]) for i in range(len(own) - RUN + 1)]
            found.append(Closeness(sum(r in runs for r in mine) / len(mine), passage_id, sentence))
    return sorted(found, key=lambda c: -c.share)
