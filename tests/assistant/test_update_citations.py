"""A citation names its source: the review's carry their reference numbers, an update's its date and URL."""

from __future__ import annotations

import datetime as dt

from assistant.answer import CitationLedger, citation_for, citations_for
from knowledge.pack import default_pack
from tools.flags import Citation
from tools.rules.base import cite, merge_citations


def test_an_updates_citation_carries_source_date_url_and_publisher() -> None:
    citation = citation_for(default_pack(), "upd-ino-peds-01", 1)
    assert (citation.source, citation.date, citation.publisher, citation.source_kind) == (
        "updates", dt.date(2024, 3, 6), "FDA", "regulator")
    assert citation.url is not None and citation.url.startswith("https://www.fda.gov/")
    assert citation.section == "Since the review" and citation.refs == []


def test_a_review_citation_has_no_date_or_url() -> None:
    citation = citation_for(default_pack(), "label-02", 1)
    assert (citation.source, citation.date, citation.url) == ("review", None, None)


def test_the_ledger_numbers_review_and_update_passages_alike() -> None:
    ledger = CitationLedger(default_pack())
    text = ledger.cite("InO is labelled for adults. It is now labelled for children too.",
                       ["label-02", "upd-ino-peds-01"])
    # One marker run for the block: both sentences rest on the same two passages.
    assert text.endswith("too [1][2].") and text.count("[1][2]") == 1
    assert [c.source for c in ledger.citations()] == ["review", "updates"]
    restored = citations_for(default_pack(), ["label-02", "upd-ino-peds-01"])
    assert [c.marker for c in restored] == [1, 2]


def test_merging_citations_keeps_an_updates_date_and_url() -> None:
    update = Citation(passage_id="upd-x", refs=(), source="updates", date=dt.date(2024, 3, 6), url="https://a.org/x")
    merged = merge_citations([update, cite("label-02"), update])
    assert merged[0] == update and merged[1].source == "review"
