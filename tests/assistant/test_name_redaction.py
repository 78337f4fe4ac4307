"""Person names without a cue word, found by the NER model (Presidio over spaCy's small English
pipeline), on 200 generated messages; clinical words stay."""

from __future__ import annotations

import re

import pytest

from assistant.understanding import person_names
from assistant.understanding.facts import extract_facts
from assistant.understanding.safety import redact
from tests.assistant.name_messages import clinical_only, name_messages


def _present(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", text) is not None


@pytest.fixture(scope="module")
def redacted() -> list[tuple[str, str]]:
    return [(m.text, redact(m.text)[0]) for m in name_messages()]


def test_at_least_95_percent_of_name_words_are_redacted(redacted: list[tuple[str, str]]) -> None:
    words = [(w, out) for m, (_, out) in zip(name_messages(), redacted, strict=True) for w in m.names]
    assert len(redacted) == 200 and len(words) == 360
    caught = sum(not _present(w, out) for w, out in words)
    assert caught / len(words) >= 0.95  # measured 97.5% (benchmarks/redaction_bench.py)


def test_no_clinical_term_is_lost_in_the_200_messages(redacted: list[tuple[str, str]]) -> None:
    lost = [(t, out) for m, (_, out) in zip(name_messages(), redacted, strict=True) for t in m.clinical
            if t not in out]
    assert lost == []


def test_messages_without_a_name_come_back_unchanged() -> None:
    assert [text for text in clinical_only() if redact(text)[0] != text] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Jane Doe 30F refractory", "[NAME] 30F refractory"),
    ("Ahmed Khan, 52M, Ph+ ALL, MRD positive after blina", "[NAME], 52M, Ph+ ALL, MRD positive after blina"),
    ("Can Maria Gonzalez get tisagenlecleucel after InO? CD19 dim.",
     "Can [NAME] get tisagenlecleucel after InO? CD19 dim."),
    ("What did ELIANA show for CRS? Asking for Robert Murphy", "What did ELIANA show for CRS? Asking for [NAME]"),
])
def test_a_bare_name_is_redacted_where_it_stands(text: str, expected: str) -> None:
    assert redact(text) == (expected, ["name"])


@pytest.mark.parametrize("text", [
    "Kymriah after blina in Ph-negative disease?",
    "Ph+ relapse: is InO on label?",
    "TOWER versus INO-VATE: CR rates",
    "CD19 dim, CD22 95%, Blincyto or Besponsa first?",
    "Is Kymriah approved over 25?",
    "Philadelphia chromosome and Down syndrome patients in ELIANA",
    "Up to what age is Kymria approved?",  # misspelt, still a drug
])
def test_clinical_words_the_model_takes_for_names_are_kept(text: str) -> None:
    assert redact(text) == (text, [])


def test_the_redacted_text_keeps_its_facts() -> None:
    text, kinds = redact("Jane Doe 30F refractory, CD22 85%, 60% blasts")
    assert kinds == ["name"] and "Jane" not in text
    facts = extract_facts(text).set
    assert facts["age_years"] == 30 and facts["cd22_positive_pct"] == 85 and facts["marrow_blasts_pct"] == 60


def test_a_missing_model_package_is_an_error_not_a_download(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    def no_download(*_: object, **__: object) -> None:
        raise AssertionError("tried to download a model")

    monkeypatch.setattr(spacy.util, "is_package", lambda _: False)
    monkeypatch.setattr(spacy.cli, "download", no_download)
    with pytest.raises(person_names.NameModelMissing):
        person_names._load()
