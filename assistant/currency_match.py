"""Which updates a question is about: the topic words, ages and trial names that tie a chat question to
rows of the updates source. Pure: no I/O. Used by assistant.currency (which re-exports ``updates_for``).
"""

from __future__ import annotations

import re

from knowledge.normalize import mentioned_agents
from knowledge.pack import KnowledgePack, default_pack
from knowledge.schema import UpdatePassage

# Later trials the spec names that the updates source has no passage on (out of R/R agent choice):
# asked about, the answer says the review predates them rather than saying nothing.
LATER_TRIALS_WITHOUT_PASSAGES = ("AALL1731", "PhALLCON")

# Question words that say what an update is about; matched as word starts, case-insensitive.
_CHILD = re.compile(r"\b(?:child|children|kids?|pediatric|paediatric|infants?|toddlers?|boy|girl|adolescents?)\b",
                    re.IGNORECASE)
_ADULT = re.compile(r"\badults?\b", re.IGNORECASE)
# A patient's age ("10-year-old", "30 yo"); "2-year OS" is not one.
_AGE = re.compile(r"\b(\d{1,3})\s*(?:-?\s*years?[- ]old\b|yo\b|y/o\b)", re.IGNORECASE)
# The question asks what is approved or available, not what a trial found.
_LABEL_INTENT = re.compile(
    r"\b(?:approv\w*|label\w*|indicat\w*|licen[sc]\w*|fda|options?|eligib\w*|availab\w*|allowed|which agents?"
    r"|can (?:i|we|you|they|he|she) (?:give|use|get)|(?:give|get|receive|use|offer)s? (?:ino|inotuzumab|car[- ]?t))\b",
    re.IGNORECASE,
)
_CAR_T = re.compile(r"\bcar[- ]?t\b|\bcell therapy\b|\bcar-?t-?cells?\b", re.IGNORECASE)
_LATER_CAR_T = re.compile(r"\bbrexu|\btecartus\b|\bobe-?cel\b|\bobecabtagene\b|\baucatzyl\b", re.IGNORECASE)
_REMS = re.compile(r"\brems\b|\brisk evaluation\b|\bcertifi|\bdriv(?:e|ing)\b|\bstay (?:near|close)\b",
                   re.IGNORECASE)
_REMS_NAMED = re.compile(r"\brems\b", re.IGNORECASE)
_LOGISTICS = re.compile(r"\blogistic|\bpractical|\bmonitoring after\b", re.IGNORECASE)
_CONSOLIDATION = re.compile(r"\bconsolidat|\bfrontline\b|\bfront-line\b|\bupfront\b", re.IGNORECASE)
_MRD_APPROVAL = re.compile(r"\bmrd\b.*\b(?:approv|label|indicat)|\b(?:approv|label|indicat)\w*\b.*\bmrd\b",
                           re.IGNORECASE)


def _ages(text: str) -> list[int]:
    return [int(m.group(1)) for m in _AGE.finditer(text)]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def updates_for(text: str, pack: KnowledgePack | None = None) -> list[UpdatePassage]:
    """The updates passages a question is about, oldest first; empty when it touches none of them."""
    pack = pack or default_pack()
    agents = set(mentioned_agents(text))
    ages = _ages(text)
    child = bool(_CHILD.search(text)) or any(age < 18 for age in ages)
    adult = bool(_ADULT.search(text)) or any(age >= 26 for age in ages)
    car_t = bool(_CAR_T.search(text)) or "tisagenlecleucel" in agents
    rows: set[str] = set()
    asks_label = asks_about_label(text)
    if "inotuzumab_ozogamicin" in agents and child and asks_label:
        rows.add("U2")
    if _LATER_CAR_T.search(text) or (car_t and adult and asks_label):
        rows |= {"U1", "U5"}
    about_car_t = car_t or bool(_LATER_CAR_T.search(text))
    if _REMS_NAMED.search(text) or (about_car_t and (_REMS.search(text) or _LOGISTICS.search(text))):
        rows.add("U6")
    if "blinatumomab" in agents and _CONSOLIDATION.search(text):
        rows.add("U3")
    if "blinatumomab" in agents and _MRD_APPROVAL.search(text):
        rows.add("U4")
    named = set(trials_named(text, pack))
    trials = {p.id for p in pack.updates for f in p.facts if f.trial in named}
    found = [p for p in pack.updates if p.row in rows or p.id in trials]
    # A trial question also gets the approval the trial led to, so its date and label come with it.
    trial_rows = {p.row for p in pack.updates if p.id in trials}
    found += [p for p in pack.updates if p.row in trial_rows and not p.facts and p not in found]
    return sorted(found, key=lambda p: (p.date, p.id))


def trials_named(text: str, pack: KnowledgePack | None = None) -> list[str]:
    """The later trials of the updates source that the question names (E1910, ZUMA-3, FELIX, ...)."""
    pack = pack or default_pack()
    wanted = _norm(text)
    trials = dict.fromkeys(f.trial for p in pack.updates for f in p.facts)
    return [t for t in trials if _norm(t) and _norm(t) in wanted]


def later_trials_without_updates(text: str, pack: KnowledgePack | None = None) -> list[str]:
    """Later trials named in the question that the updates source holds no passage on."""
    pack = pack or default_pack()
    covered = {_norm(f.trial) for p in pack.updates for f in p.facts}
    wanted = _norm(text)
    return [t for t in LATER_TRIALS_WITHOUT_PASSAGES if _norm(t) in wanted and _norm(t) not in covered]


def asks_about_label(text: str) -> bool:
    """Whether the question asks what is approved or available (not what a trial found)."""
    return bool(_LABEL_INTENT.search(text))
