"""The field's vocabulary: abbreviations, brand names and misspellings reach the canonical terms."""

from __future__ import annotations

import pytest

from knowledge.normalize import analyze, canonical_agent, correct_spelling, normalize_query


@pytest.mark.parametrize(
    ("query", "expansion"),
    [
        ("InO for CD22 dim disease", "inotuzumab ozogamicin"),
        ("ino dosing", "inotuzumab ozogamicin"),
        ("Besponsa and the liver", "inotuzumab ozogamicin"),
        ("blina in MRD", "blinatumomab"),
        ("Blincyto pump", "blinatumomab"),
        ("BiTE therapy", "blinatumomab"),
        ("tisa-cel CRS", "tisagenlecleucel CAR T"),
        ("Kymriah manufacturing", "tisagenlecleucel CAR T"),
        ("CTL019 pediatric trial", "tisagenlecleucel CAR T"),
        ("CART in adults", "tisagenlecleucel CAR T cells"),
        ("engineered T cells for ALL", "tisagenlecleucel CAR T cells"),
        ("VOD risk", "sinusoidal obstruction syndrome (SOS)"),
        ("veno-occlusive disease", "sinusoidal obstruction syndrome (SOS)"),
        ("CRS grade 4", "cytokine release syndrome"),
        ("ICANS presentation", "neurotoxicity (ICANS)"),
        ("neurotox on blina", "neurotoxicity (ICANS)"),
        ("alloSCT after InO", "hematopoietic stem cell transplant (HSCT)"),
        ("BMT after CAR T", "hematopoietic stem cell transplant (HSCT)"),
        ("go to allo", "hematopoietic stem cell transplant (HSCT)"),
        ("MRD+ disease", "minimal residual disease (MRD)"),
        ("EMD response", "extramedullary disease"),
        ("MLL-r infants", "KMT2A rearrangement"),
        ("KMT2A-R lineage switch", "KMT2A rearrangement"),
        ("CNS relapse", "central nervous system (CNS) disease"),
        ("Ph+ adults", "Philadelphia chromosome-positive (Ph+)"),
        ("PD-1 blockade", "checkpoint inhibitors"),
        ("relapse in the brain", "central nervous system (CNS)"),
    ],
)
def test_abbreviations_and_brands_gain_their_full_names(query: str, expansion: str) -> None:
    normalized = normalize_query(query)
    assert normalized.startswith(query), "the user's own words come first and stay"
    assert expansion in normalized


@pytest.mark.parametrize(
    "query", ["toxicity after inotuzumab ozogamicin", "blinatumomab dosing", "CAR T cells in adults"]
)
def test_terms_spelled_out_in_full_add_nothing(query: str) -> None:
    # Extra words only pull the query's embedding away from what was asked.
    assert normalize_query(query) == query


@pytest.mark.parametrize("written", ["CAR-T", "CAR T-cell", "CART", "car t cells", "Kymriah", "tisa-cel"])
def test_every_car_t_spelling_finds_tisagenlecleucel_passages(written: str) -> None:
    assert set(analyze(written, query=True)) & set(analyze("Tisagenlecleucel is approved up to age 25."))


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("inotuzamab", "inotuzumab"),
        ("inotuzumub", "inotuzumab"),
        ("inotozumab", "inotuzumab"),
        ("blinatumumab", "blinatumomab"),
        ("blinatumab", "blinatumomab"),
        ("blinatumomob", "blinatumomab"),
        ("tisagenleucel", "tisagenlecleucel"),
        ("tisagenlecleucal", "tisagenlecleucel"),
        ("kimriah", "kymriah"),
        ("defibrotid", "defibrotide"),
    ],
)
def test_misspelt_drug_names_are_corrected(typo: str, fixed: str) -> None:
    assert correct_spelling(f"SOS after {typo}") == f"SOS after {fixed}"
    assert fixed in normalize_query(f"{typo} toxicity") or fixed in analyze(typo)


@pytest.mark.parametrize("word", ["myelotoxicity", "hepatotoxicity", "cytarabine", "relapsed", "lineage"])
def test_ordinary_words_are_not_corrected(word: str) -> None:
    assert correct_spelling(word) == word


@pytest.mark.parametrize(
    ("passage_words", "query_words"),
    [
        ("sinusoidal obstruction syndrome (SOS)", "VOD"),
        ("inotuzumab ozogamicin (InO)", "Besponsa"),
        ("hematopoietic stem cell transplant", "alloSCT"),
        ("CAR T-cell therapy", "CAR-T"),
        ("cytokine release syndrome", "CRS"),
        ("immune effector cell-associated neurotoxicity syndrome", "neurotox"),
        ("KMT2A-rearranged", "MLL"),
        ("extramedullary disease", "EMD"),
    ],
)
def test_passage_and_query_forms_share_a_bm25_token(passage_words: str, query_words: str) -> None:
    assert set(analyze(passage_words)) & set(analyze(query_words, query=True))


def test_a_term_and_its_abbreviation_side_by_side_count_once() -> None:
    assert analyze("sinusoidal obstruction syndrome (SOS)") == ["sos"]


def test_bm25_tokens_drop_stopwords_keep_numbers_and_stem_plurals() -> None:
    assert analyze("What was the CR rate of 73.8% in the relapses?") == ["cr", "rate", "73.8", "relaps"]


def test_related_concepts_are_added_to_queries_only() -> None:
    assert "checkpoint" in analyze("PD-1 inhibition", query=True)
    assert "checkpoint" not in analyze("PD-1 inhibition")


@pytest.mark.parametrize(
    ("name", "agent"),
    [
        ("blina", "blinatumomab"),
        ("Blincyto", "blinatumomab"),
        ("inotuzumab_ozogamicin", "inotuzumab_ozogamicin"),
        ("InO", "inotuzumab_ozogamicin"),
        ("Kymriah", "tisagenlecleucel"),
        ("CAR-T", "tisagenlecleucel"),
        ("aspirin", None),
    ],
)
def test_agent_filter_names_resolve_to_the_pack_agents(name: str, agent: str | None) -> None:
    assert canonical_agent(name) == agent
