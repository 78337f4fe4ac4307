"""Text-message replies (SMS, WhatsApp): three segments now, MORE and SOURCES for the rest. Pure, no HTTP."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.channels.layout import held_word, layout
from api.channels.pages import (
    SMS,
    SMS_LIMIT,
    WHATSAPP_LIMIT,
    WHATSAPP_TEXT,
    Paged,
    Surface,
    gsm_septets,
    is_gsm,
    paged,
    to_gsm,
)
from assistant.answer import AnswerParts, ChatResponse, Citation
from tests.channels.harness import chat_response

FIXTURES = ["assessment", "quiz", "since", "turn1", "turn2", "turn3"]
_MARKERS = re.compile(r"\[(\d+(?:,\d+)*)\]")


def _markers(texts: list[str]) -> set[int]:
    return {int(n) for text in texts for run in _MARKERS.findall(text) for n in run.split(",")}


def _all(pages: Paged) -> list[str]:
    return [*pages.now, *pages.more, *pages.sources]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_sms_is_at_most_three_gsm7_segments(name: str) -> None:
    pages = paged(layout(chat_response(name), brief=True), SMS)
    assert len(pages.now) == 1
    for text in _all(pages):
        assert is_gsm(text) and gsm_septets(text) <= SMS_LIMIT and len(text) <= 480, text


@pytest.mark.parametrize("name", FIXTURES)
def test_every_whatsapp_message_is_at_most_480_characters(name: str) -> None:
    pages = paged(layout(chat_response(name), brief=True), WHATSAPP_TEXT)
    assert len(pages.now) == 1 and all(len(text) <= WHATSAPP_LIMIT for text in _all(pages))


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("surface", [SMS, WHATSAPP_TEXT], ids=["sms", "whatsapp"])
def test_every_marker_shown_resolves_in_sources_and_each_source_is_listed_once(name: str, surface: Surface) -> None:
    pages = paged(layout(chat_response(name), brief=True), surface)
    shown = _markers([*pages.now, *pages.more])
    listed = [line for text in pages.sources for line in text.split("\n") if _MARKERS.match(line)]
    assert shown <= _markers(listed)
    labels = [_MARKERS.sub("", line).strip() for line in listed]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize("name", ["turn1", "turn2", "turn3"])
def test_the_first_message_gives_every_agents_verdict(name: str) -> None:
    [first] = paged(layout(chat_response(name), brief=True), SMS).now
    for agent in ("Blinatumomab", "InO", "Tisagenlecleucel"):
        assert re.search(rf"^- {agent}: (ruled out|main concern|no finding against it)", first, re.M), first


@pytest.mark.parametrize("name", ["turn1", "turn2", "turn3", "assessment"])
def test_every_finding_reaches_some_more_part(name: str) -> None:
    response = chat_response(name)
    pages = paged(layout(response, brief=True), SMS)
    codes = {flag["code"] for entry in (response.assessment or {})["agents"] for flag in entry["flags"]}
    assert codes and all(any(f"({code})" in part for part in pages.more) for code in codes)


def test_the_quiz_stays_whole_on_the_first_message() -> None:
    [first] = paged(layout(chat_response("quiz"), brief=True), SMS).now
    assert "1. Blinatumomab (TOWER)" in first and "3. Tisagenlecleucel (ELIANA)" in first
    assert "Reply with the number of your answer." in first


def test_a_question_asked_back_is_on_the_first_message() -> None:
    response = ChatResponse(session_id="s", answer="", citations=[], tool_calls=[], patient={}, intent="assess",
                            parts=AnswerParts(bottom_line=["- **InO**: no finding against it; on label"],
                                              details="Long detail. " * 80,
                                              questions=["What is the marrow blast percentage?", "CNS status?"]))
    pages = paged(layout(response, brief=True), SMS)
    assert "Q: What is the marrow blast percentage?" in pages.now[0] and "CNS status?" not in pages.now[0]
    assert any("Also: CNS status?" in part for part in pages.more)


@pytest.mark.parametrize(("text", "expected"), [
    ("≥50% blasts", ">=50% blasts"), ("10 μg/m²", "10 mcg/m2"), ("CD19–negative", "CD19-negative"),
    ("Café é", "Café é"),  # é is in GSM-7
    ("ALL → HSCT", "ALL -> HSCT"), ("中", "Zhong"),
])
def test_text_outside_gsm7_is_written_in_it_without_changing_a_unit(text: str, expected: str) -> None:
    assert to_gsm(text) == expected and is_gsm(to_gsm(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("MORE", "more"), (" more. ", "more"), ("Next", "more"), ("SOURCES", "sources"), ("refs?", "sources"),
    ("more detail on CRS please", None), ("what are the sources of CD22 loss", None), ("", None),
])
def test_held_words(text: str, expected: str | None) -> None:
    assert held_word(text) == expected


_WORDS = st.text(alphabet=st.sampled_from("abcXY .,;:-*_()1234567890%≥μé中\n"), max_size=400)  # markers come from tags


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_WORDS, min_size=0, max_size=4), details=st.lists(_WORDS, max_size=12),
       markers=st.integers(min_value=0, max_value=12), limit=st.sampled_from([160, 300, SMS_LIMIT]))
def test_no_text_message_ever_exceeds_its_limit(lines: list[str], details: list[str], markers: int, limit: int) -> None:
    citations = [Citation(marker=n, passage_id=f"p{n}", section="Toxicity", text="", refs=[])
                 for n in range(1, markers + 1)]
    tags = "".join(f"[{n}]" for n in range(1, markers + 1))
    response = ChatResponse(session_id="s", answer="", citations=citations, tool_calls=[], patient={}, intent="t",
                            parts=AnswerParts(bottom_line=[f"- {line} {tags}" for line in lines],
                                              details="\n\n".join(details)))
    surface = Surface(limit=limit, measure=gsm_septets, prepare=to_gsm)
    pages = paged(layout(response, brief=True), surface)
    for text in _all(pages):
        assert is_gsm(text) and gsm_septets(text) <= limit
    assert _markers([*pages.now, *pages.more]) <= _markers(pages.sources)
