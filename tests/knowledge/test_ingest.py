"""Ingestion of the review (knowledge.ingest) proven on the seed, plus a plain-text article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from knowledge.ingest import IngestedDocument, ingest_file, ingest_text, write_bibliography
from knowledge.ingest_inline import expand_range, parse_citations, split_sentences
from knowledge.pack import PACK_DIR
from knowledge.schema import Bibliography

SOURCE = "curran-2020"


@pytest.fixture(scope="module")
def doc(seed_path: Path) -> IngestedDocument:
    return ingest_file(seed_path, SOURCE)


def _section_text(doc: IngestedDocument, heading: str) -> str:
    return " ".join(p.text for p in doc.passages if p.section == heading)


# --- front matter -----------------------------------------------------------------------------


def test_title_is_the_article_title_not_the_journal_banner(doc: IngestedDocument) -> None:
    assert doc.title.startswith("Role of blinatumomab, inotuzumab, and CAR T-cells")


def test_superscript_affiliation_marks_are_stripped_from_authors(doc: IngestedDocument) -> None:
    assert doc.authors == ("Emily Curran", "Maureen O'Brien")
    assert len(doc.affiliations) == 3
    assert all("<sup>" not in a and not a.endswith(",") for a in doc.affiliations)


def test_affiliation_marks_are_not_citations() -> None:
    line = "Emily Curran<sup>a,c,\\*</sup>, Maureen O'Brien<sup>b,c</sup><sup>a</sup> University"
    assert parse_citations(line, max_ref=67) == []


def test_keywords_are_read_from_the_article_info(doc: IngestedDocument) -> None:
    assert doc.keywords == ("Acute lymphoblastic leukemia", "immunotherapy")


@pytest.mark.parametrize("furniture", ["ScienceDirect", "journal homepage", "Elsevier", "ARTICLE INFO"])
def test_journal_front_matter_is_not_a_passage(doc: IngestedDocument, furniture: str) -> None:
    assert not [p.id for p in doc.passages if furniture.lower() in p.text.lower()]


def test_abstract_is_kept(doc: IngestedDocument) -> None:
    abstract = _section_text(doc, "Abstract")
    assert "tisagenlecleucel" in abstract
    assert doc.sections[0].heading == "Abstract"


# --- sections ---------------------------------------------------------------------------------

HEADINGS = [
    "Introduction", "Novel Agents", "Blinatumomab", "Inotuzumab ozogamicin",
    "Chimeric antigen receptor (CAR) T cells", "Considerations in choosing a novel agent", "Efficacy",
    "Toxicity", "Burden of disease", "Antigen expression", "CNS and extramedullary disease",
    "Eligibility and need for HSCT", "Logistics/patient preferences",
    "Future directions and remaining challenges", "Sequencing approaches", "Combination with other agents",
    "Remaining challenges", "Conclusion",
]


@pytest.mark.parametrize("heading", HEADINGS)
def test_section_heading_is_found(doc: IngestedDocument, heading: str) -> None:
    assert heading in [s.heading for s in doc.sections]


@pytest.mark.parametrize(
    ("heading", "parent"),
    [
        ("Blinatumomab", "Novel Agents"),  # an *italic* line acting as a sub-heading
        ("Inotuzumab ozogamicin", "Novel Agents"),
        ("Table 1", "Efficacy"),
        ("Sequencing approaches", "Future directions and remaining challenges"),
    ],
)
def test_sub_heading_sits_under_its_parent(doc: IngestedDocument, heading: str, parent: str) -> None:
    section = next(s for s in doc.sections if s.heading == heading)
    assert section.path[-1] == parent


def test_every_content_section_has_passages(doc: IngestedDocument) -> None:
    with_passages = {p.section for p in doc.passages}
    assert set(HEADINGS) - {"Novel Agents", "Future directions and remaining challenges"} <= with_passages


def test_back_matter_is_a_section_without_passages(doc: IngestedDocument) -> None:
    assert "Conflict of interest" in [s.heading for s in doc.sections]
    assert not _section_text(doc, "Conflict of interest")


# --- Table 1 ----------------------------------------------------------------------------------

TABLE_ROWS = [
    "FDA approval", "Efficacy", "Disease burden", "Toxicity", "Prior/current therapy", "CNS efficacy",
    "Extramedullary disease", "Convenience",
]


def test_table1_is_parsed_into_rows(doc: IngestedDocument) -> None:
    (table,) = doc.tables
    assert table.label == "Table 1"
    assert table.caption.startswith("Comparison of novel agents")
    assert table.header == ("", "Blinatumomab", "InO", "CAR T")
    assert [row[0] for row in table.rows] == TABLE_ROWS
    assert all(len(row) == 4 for row in table.rows)


def test_each_table_row_is_one_passage(doc: IngestedDocument) -> None:
    rows = [p for p in doc.passages if p.section == "Table 1"]
    assert [p.text.split(" — ")[0] for p in rows] == TABLE_ROWS
    assert "CR: 36–44%" in rows[1].text


def test_table_legend_is_kept_out_of_the_body(doc: IngestedDocument) -> None:
    assert doc.tables[0].legend.startswith("CAR, chimeric antigen receptor;")
    assert not [p.id for p in doc.passages if "CAR, chimeric antigen receptor;" in p.text]


def test_paragraph_interrupted_by_the_table_is_rejoined(doc: IngestedDocument) -> None:
    assert "efficacy alone, as there is not" in _section_text(doc, "Efficacy")


# --- page-break artefacts ---------------------------------------------------------------------


@pytest.mark.parametrize("artefact", ["Corresponding author", "E-mail address", "curraney", "<sup>", "$"])
def test_page_furniture_is_removed_from_body_text(doc: IngestedDocument, artefact: str) -> None:
    assert not [p.id for p in doc.passages if artefact in p.text]


@pytest.mark.parametrize(
    "mended",
    [
        "Importantly, this trial also",  # split by the corresponding-author footnote
        "treatment, but whether",  # treat- / ment
        "blinatumomab achieved MRD-negativity",  # blina- / tumomab
        "outcomes between patients",  # be- / tween
        "RFS) of 60% and OS of 79%",  # a paragraph broken without a hyphen
        "As CD22-directed CAR T-cells become",  # the next page starts with a capital
    ],
)
def test_text_broken_across_pages_is_mended(doc: IngestedDocument, mended: str) -> None:
    assert [p.id for p in doc.passages if mended in p.text]


# --- passages ---------------------------------------------------------------------------------


def test_passage_ids_are_unique_and_name_source_and_section(doc: IngestedDocument) -> None:
    ids = [p.id for p in doc.passages]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"curran-2020-[a-z0-9-]+-\d{2}", i) for i in ids)
    assert "curran-2020-inotuzumab-ozogamicin-01" in ids


def test_passages_hold_a_few_sentences(doc: IngestedDocument) -> None:
    sizes = [len(split_sentences(p.text)) for p in doc.passages if p.section != "Table 1"]
    assert sizes and all(1 <= n <= 3 for n in sizes)


def test_passage_refs_are_its_bracketed_citations(doc: IngestedDocument) -> None:
    passage = next(p for p in doc.passages if "[18,21–25]" in p.text)
    assert passage.refs == (18, 21, 22, 23, 24, 25)


def test_every_reference_is_cited_by_some_passage(doc: IngestedDocument) -> None:
    assert {r for p in doc.passages for r in p.refs} == set(range(1, 68))


def test_confidence_interval_is_not_a_citation(doc: IngestedDocument) -> None:
    passage = next(p for p in doc.passages if "1.32–9.81" in p.text)
    assert 1 not in passage.refs and 9 not in passage.refs


# --- citations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as reported [11,13].", [11, 13]),
        ("in adults [29–31]", [29, 30, 31]),
        ("CR rates [18,21–25]", [18, 21, 22, 23, 24, 25]),
        ("lineage switch [64-66].", [64, 65, 66]),
        ("a single trial [6]", [6]),
        ("spaced [ 3 , 5 ]", [3, 5]),
        ("hazard ratio 2.99, 95% CI 1.32–9.81", []),
        ("(range, 1.1–17.0 months)", []),
        ("a year in brackets [2019]", []),
        ("beyond the list [68]", []),
        ("a range running past the list [66–70]", []),
        ("a link [10.1002/pbc.27269](https://doi.org/10.1002/pbc.27269)", []),
        ("an abstract [abstract P217]", []),
    ],
)
def test_citation_parsing(text: str, expected: list[int]) -> None:
    assert parse_citations(text, max_ref=67) == expected


@given(st.integers(1, 500), st.integers(1, 500))
def test_range_expansion_is_sorted_unique_and_within_its_endpoints(start: int, end: int) -> None:
    numbers = expand_range(start, end)
    assert numbers == sorted(set(numbers))
    assert numbers[0] == min(start, end) and numbers[-1] == max(start, end)
    assert len(numbers) == abs(end - start) + 1


@given(st.integers(1, 67), st.integers(1, 67))
def test_bracketed_range_cites_every_number_between(start: int, end: int) -> None:
    assert parse_citations(f"[{start}–{end}]", max_ref=67) == expand_range(start, end)


# --- the reference list -----------------------------------------------------------------------


def test_reference_list_has_67_numbered_in_order(doc: IngestedDocument) -> None:
    assert [r.number for r in doc.references] == list(range(1, 68))


@pytest.mark.parametrize(
    ("number", "authors", "year", "journal", "doi"),
    [
        (1, "Fielding AK", 2007, "Blood", "10.1182/blood-2006-05-018192"),
        (3, "Bassan R", 2012, "Blood", "10.1182/blood-2012-10-460394"),
        (8, "von Stackelberg A", 2016, "J Clin Oncol", "10.1200/JCO.2016.67.3301"),
        (11, "Kantarjian HM", 2016, "N Engl J Med", "10.1056/NEJMoa1509277"),
        (19, "Maude SL", 2016, "J Clin Oncol", "10.1200/JCO.2016.34.15_suppl.3011"),
        (32, "DeAngelo DJ, et al.", 2017, "J Immunother Cancer", None),
        (33, "Locke FL", 2017, "Blood", "10.1182/blood.V130.Suppl_1.1547.1547"),
        (37, "Kernan NA", 2018, "Pediatr Blood Cancer", "10.1002/pbc.27269"),
        (38, "Goekbuget N", 2018, "Blood", "10.1182/blood-2018-99-111516"),
        (46, "Shah NN", 2020, "J Clin Oncol", "10.1200/JCO.2020.38.15_suppl.10519"),
        (56, "Depil S", 2020, "Nat Rev Drug Discov", "10.1038/s41573-019-0051-2"),
        (60, "Wunderlich M", 2017, "Blood", None),
        (67, "Kantarjian H", 2018, "Lancet Oncol", "10.1016/S1470-2045(18)30011-1"),
    ],
)
def test_reference_fields(
    doc: IngestedDocument, number: int, authors: str, year: int, journal: str, doi: str | None
) -> None:
    ref = doc.references[number - 1]
    assert (ref.number, ref.year, ref.journal, ref.doi) == (number, year, journal, doi)
    assert ref.authors.startswith(authors)


def test_reference_split_by_a_page_break_is_one_item(doc: IngestedDocument) -> None:
    ref = doc.references[36]
    assert ref.title.endswith("from a post hoc analysis of data from an expanded-access program")
    assert doc.references[37].authors.startswith("Goekbuget N")


def test_reference_fields_carry_no_markdown(doc: IngestedDocument) -> None:
    for ref in doc.references:
        fields = [ref.authors, ref.title, ref.journal, ref.citation, ref.doi or ""]
        assert not [f for f in fields if re.search(r"[*\\]|\]\(", f)], ref.number
        assert ref.title and not ref.title.endswith(".")


def test_written_bibliography_validates(doc: IngestedDocument, tmp_path: Path) -> None:
    path = tmp_path / "bibliography.yaml"
    write_bibliography(doc, path)
    bib = Bibliography.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert len(bib.references) == 67


def test_shipped_bibliography_matches_the_parser(doc: IngestedDocument, tmp_path: Path) -> None:
    path = tmp_path / "bibliography.yaml"
    write_bibliography(doc, path)
    assert (PACK_DIR / "bibliography.yaml").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


# --- plain text -------------------------------------------------------------------------------

PLAIN_ARTICLE = """\
Choosing Salvage Immunotherapy in Relapsed Leukemia
Ada Lovelace, Grace Hopper and Alan Turing
Keywords: leukemia; immunotherapy

Abstract
We sketch how three antibody and cell therapies compare. Each has a place [1].

Introduction
Relapsed disease remains hard to treat, with survival near 10% [1,2]. New drugs changed that.

Toxicity Profiles
Cytokine release was frequent after cell therapy (odds ratio 2.5, 95% CI 1.1–4.0) [2–3].
Liver injury followed the conjugate in 12 of 100 patients [3].

Conclusion
No single agent is best for everyone.

References
1. Smith J, Doe A, et al. A first trial of something. Blood 2019;133(2):1–9. doi:10.1000/abc.1
2. Brown K. A second report on a cohort. J Clin Oncol 2020;38:100–8. doi:10.1000/abc.2
3. Green L, White M. Liver injury after conjugates. Lancet
   Oncol 2018;19:5–9.
"""


@pytest.fixture(scope="module")
def plain() -> IngestedDocument:
    return ingest_text(PLAIN_ARTICLE, "plain")


def test_plain_text_title_authors_and_keywords(plain: IngestedDocument) -> None:
    assert plain.title == "Choosing Salvage Immunotherapy in Relapsed Leukemia"
    assert plain.authors == ("Ada Lovelace", "Grace Hopper", "Alan Turing")
    assert plain.keywords == ("leukemia", "immunotherapy")


def test_plain_text_short_lines_without_full_stop_are_headings(plain: IngestedDocument) -> None:
    headings = [s.heading for s in plain.sections]
    assert headings == ["Abstract", "Introduction", "Toxicity Profiles", "Conclusion"]


def test_plain_text_passages_and_citations(plain: IngestedDocument) -> None:
    by_section = {p.section: p for p in plain.passages}
    assert by_section["Introduction"].refs == (1, 2)
    assert by_section["Toxicity Profiles"].refs == (2, 3)
    assert "Liver injury" in by_section["Toxicity Profiles"].text


def test_plain_text_numbered_references(plain: IngestedDocument) -> None:
    first, second, third = plain.references
    assert (first.authors, first.title, first.journal, first.year, first.doi) == (
        "Smith J, Doe A, et al.", "A first trial of something", "Blood", 2019, "10.1000/abc.1"
    )
    assert (second.number, second.journal, second.year) == (2, "J Clin Oncol", 2020)
    assert (third.title, third.journal, third.year, third.doi) == (
        "Liver injury after conjugates", "Lancet Oncol", 2018, None
    )


@given(st.text())
def test_any_text_ingests_with_unique_passage_ids(text: str) -> None:
    doc = ingest_text(text, "any")
    assert len({p.id for p in doc.passages}) == len(doc.passages)


@given(st.lists(st.sampled_from(["# A", "## B", "*C*", "Text here.", "more text", "\tx\ty", "a\tb", "",
                                 "Table 1", "**Table 2**", "References", "- [1] Doe J. T. *J* 2001.",
                                 "- cont", "Keywords:", "<sup>a</sup>", "$x$", "[1-3]"]), max_size=40))
def test_any_arrangement_of_markup_ingests(lines: list[str]) -> None:
    doc = ingest_text("\n".join(lines), "any")
    assert len({p.id for p in doc.passages}) == len(doc.passages)
