"""Query and passage normalisation with the field's vocabulary (knowledge.vocabulary). Pure: no I/O.

So that "VOD after InO" finds a passage about SOS after inotuzumab ozogamicin:

* ``normalize_query`` keeps the user's words and appends the full name of every term it abbreviates,
  misspells or implies, for the dense embedder (MiniLM has never seen "InO" or "Blincyto");
* ``analyze`` turns text into BM25 tokens: synonyms collapse to one canonical token, misspelt drug
  names are corrected, English stopwords go, numbers stay. Passages and queries share it; a query
  (``query=True``) also gains the tokens of related concepts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from functools import lru_cache

from wordfreq import zipf_frequency

from knowledge.pack import review_words
from knowledge.vocabulary import (
    NOT_ENGLISH_BELOW,
    RELATED,
    REVIEW_WORD_CUTOFF,
    SPELLING_CUTOFF,
    SPELLING_MIN_LENGTH,
    SPELLING_VOCABULARY,
    STOPWORDS,
    SYNONYMS,
    Term,
)

_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
# A word as a term of the review or a question: a letter, then letters, digits or hyphens ("CD22", "tisa-cel").
TERM_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,}")
_BRACKETED = re.compile(r"\([^)]*\)")
_SPELL_CANDIDATE = re.compile(rf"[A-Za-z][A-Za-z-]{{{SPELLING_MIN_LENGTH - 1},}}")


def _alias_pattern(terms: tuple[Term, ...]) -> tuple[re.Pattern[str], dict[str, Term]]:
    # One alternation with a named group per term: a single pass finds the longest alias at each place.
    groups = []
    by_group: dict[str, Term] = {}
    for index, term in enumerate(terms):
        name = f"t{index}"
        by_group[name] = term
        aliases = sorted(term.aliases, key=len, reverse=True)
        groups.append(f"(?P<{name}>{'|'.join(aliases)})")
    pattern = re.compile(rf"(?<![a-z0-9])(?:{'|'.join(groups)})(?![a-z0-9])", re.IGNORECASE)
    return pattern, by_group


_ALIASES, _TERM_BY_GROUP = _alias_pattern(SYNONYMS)
_RELATED, _RELATED_BY_GROUP = _alias_pattern(RELATED)


@lru_cache(maxsize=4096)
def _correct_word(word: str) -> str:
    """The drug or disease name ``word`` misspells; else, for a word that is no English word, the
    review's word it misspells ("trasplant", "refrctory"). An English word the review does not use
    ("lumen", "serology") is left as written: it is a subject the review may lack, not a typo."""
    lowered = word.lower()
    if lowered in SPELLING_VOCABULARY:
        return word
    match = difflib.get_close_matches(lowered, SPELLING_VOCABULARY, n=1, cutoff=SPELLING_CUTOFF)
    if match:
        return match[0]
    words = review_words()  # the shipped pack's words, read once
    if lowered in words or zipf_frequency(lowered, "en") >= NOT_ENGLISH_BELOW:
        return word
    match = difflib.get_close_matches(lowered, words, n=1, cutoff=REVIEW_WORD_CUTOFF)
    return match[0] if match else word


def correct_spelling(text: str) -> str:
    """Replace misspelt drug and disease names ("inotuzamab", "blinatumumab") with the right spelling."""
    return _SPELL_CANDIDATE.sub(lambda m: _correct_word(m.group(0)), text)


def _mentions(text: str, *, related: bool) -> list[tuple[str, Term]]:
    """(the words as written, the term) for each vocabulary mention, synonyms first."""
    found = [(m.group(0), _TERM_BY_GROUP[str(m.lastgroup)]) for m in _ALIASES.finditer(text)]
    if related:
        found += [(m.group(0), _RELATED_BY_GROUP[str(m.lastgroup)]) for m in _RELATED.finditer(text)]
    return found


def find_terms(text: str, *, related: bool = False) -> list[Term]:
    """The vocabulary terms ``text`` mentions (after spelling correction), in order of first mention."""
    return list(dict.fromkeys(term for _, term in _mentions(correct_spelling(text), related=related)))


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def normalize_query(text: str) -> str:
    """The query as typed, then the full names of the terms it abbreviates or implies, and spelling fixes.

    A term written out in full ("toxicity", "CAR T cells") adds nothing: extra words only pull the
    embedding away from what was asked. "VOD", "Kymriah" or "kids" gain their full names.
    """
    text = " ".join(text.split())
    corrected = correct_spelling(text)
    additions: list[str] = []
    for written, term in _mentions(corrected, related=True):
        # "ICANS" is not spelled out by "neurotoxicity (ICANS)": only the name outside brackets counts.
        full_name = _BRACKETED.sub(" ", term.expansion)
        spelled_out = f" {_words(written)} " in f" {_words(full_name)} "
        if not spelled_out and term.expansion not in additions:
            additions.append(term.expansion)
    named = _words(" ".join(additions)).split()
    for typo in _SPELL_CANDIDATE.findall(text):
        fixed = _correct_word(typo)
        if fixed != typo and fixed not in named:
            additions.append(fixed)
    return " ".join([text, *additions])


def stem(token: str) -> str:
    """A light English suffix stripper: relapse, relapses, relapsed and relapsing share one stem."""
    if not token.isalpha() or len(token) <= 3:
        return token
    if token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if token.endswith("ing") and len(token) >= 7:
        token = token[:-3]
    elif token.endswith("ed") and len(token) >= 6:
        token = token[:-2]
    if token.endswith("e") and len(token) > 4:
        token = token[:-1]
    return token


def _canonicalize(text: str) -> str:
    """Replace every alias with its term's tokens; a term restated at once counts once."""
    parts: list[str] = []
    position = 0
    previous: Term | None = None
    for match in _ALIASES.finditer(text):
        term = _TERM_BY_GROUP[str(match.lastgroup)]
        between = text[position : match.start()]
        # "sinusoidal obstruction syndrome (SOS)" is one mention, not two: a definition and its
        # abbreviation side by side must not double the term's weight.
        if term is previous and not any(c.isalnum() for c in between):
            position = match.end()
            continue
        parts.extend([between, f" {term.tokens} "])
        position = match.end()
        previous = term
    parts.append(text[position:])
    return "".join(parts)


def analyze(text: str, *, query: bool = False) -> list[str]:
    """BM25 tokens: canonical terms, stemmed words and numbers, without stopwords.

    With ``query=True`` the tokens of related concepts the text implies are appended.
    """
    text = correct_spelling(text)
    canonical = _canonicalize(text)
    if query:
        implied = [_RELATED_BY_GROUP[str(m.lastgroup)].tokens for m in _RELATED.finditer(text)]
        canonical = " ".join([canonical, *implied])
    return [stem(w) for w in _WORD.findall(canonical.lower()) if w not in STOPWORDS]


# How people name the three agents in a filter; the values are the pack's agent names.
_AGENT_NAMES: dict[str, str] = {
    "blinatumomab": "blinatumomab",
    "inotuzumab": "inotuzumab_ozogamicin",
    "tisagenlecleucel cart": "tisagenlecleucel",
    "cart": "tisagenlecleucel",
}


def canonical_agent(name: str) -> str | None:
    """``"blina"``, ``"Besponsa"``, ``"inotuzumab_ozogamicin"``, ``"CAR-T"`` -> the pack's agent name."""
    words = " ".join(analyze(name.replace("_", " ")))
    return _AGENT_NAMES.get(words)


def mentioned_agents(text: str) -> tuple[str, ...]:
    """The pack agents a text mentions by any name, in the pack's order (for ingested passages)."""
    named = {_AGENT_NAMES[t.tokens] for t in find_terms(text) if t.tokens in _AGENT_NAMES}
    return tuple(a for a in ("blinatumomab", "inotuzumab_ozogamicin", "tisagenlecleucel") if a in named)


_PHRASE_BREAK = re.compile(r"[.,;:()\[\]!?\n]")
_PHRASE_WORD = re.compile(r"[a-z]+")


def phrase_acronyms(text: str, *, lengths: tuple[int, ...] = (3, 4)) -> set[str]:
    """The acronyms ``text`` spells out: the initials of every run of three or four content words
    within a phrase, hyphenated parts counted as words ("progression-free survival" -> "pfs").

    A question that writes "PFS" asks about what a passage calls progression-free survival; without
    this, an abbreviation the passages never print reads as an unknown name.
    """
    out: set[str] = set()
    for phrase in _PHRASE_BREAK.split(text.lower()):
        words = _PHRASE_WORD.findall(phrase)
        for n in lengths:
            for i in range(len(words) - n + 1):
                run = words[i : i + n]
                if not any(w in STOPWORDS for w in run):
                    out.add("".join(w[0] for w in run))
    return out


# A query word shorter than this is not read as the start of a longer term ("rel", "way", "top").
PREFIX_MIN = 4
PREFIX_TAKES = 3


def known_forms(tokens: list[str], known: Collection[str]) -> list[str]:
    """The known terms that ``tokens`` (one text's BM25 tokens, in order) stand for where they are
    not known themselves. Three ways a word of a question can name what the passages call otherwise,
    none of them a word list:

    * a clipped word: "chemo", "refr" start "chemotherapy", "refractory" (the shortest few terms);
    * a closed compound: "bispecific" is "bi" + "specific" as the passages hyphenate it;
    * a spelled-out acronym: "central nervous system" is what the passages write as "cns".
    """
    out: list[str] = []
    for token in tokens:
        if token in known or not token.isalpha():
            continue
        if len(token) >= PREFIX_MIN:
            longer = sorted((t for t in known if len(t) > len(token) and t.startswith(token)), key=len)
            out += longer[:PREFIX_TAKES]
        out += [p for cut in range(2, len(token) - 1)
                for p in (token[:cut], token[cut:]) if token[:cut] in known and token[cut:] in known]
    for n in (2, 3, 4):
        for i in range(len(tokens) - n + 1):
            run = tokens[i : i + n]
            if all(t.isalpha() for t in run):
                initials = "".join(t[0] for t in run)
                if initials in known and initials not in tokens:
                    out.append(initials)
    return list(dict.fromkeys(out))
