"""A deck of generated cases for Anki (genanki): the case and question on the front, the answer, its
teaching point and the cited evidence on the back, the sources written out in full.

Ids are fixed, so a re-exported deck updates the cards already imported instead of duplicating them
(a note's guid is its seed and topic). Pure apart from ``write``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

import genanki

from assistant.answer import CitationLedger
from assistant.tutor.models import Question
from assistant.tutor.render import render_output, render_reason, teaching_point
from knowledge.pack import KnowledgePack

# Random once, then fixed forever: Anki keys note types and decks by these ids.
MODEL_ID, DECK_ID = 1_607_392_319, 2_059_400_110
FIELDS = ("Case", "Answer", "Explanation", "Sources", "Topic", "Seed")
_CSS = ".card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; color: #1a1a1a; " \
       "background: #fff; } .sources { font-size: 14px; color: #333; }"
MODEL = genanki.Model(
    MODEL_ID, "RR-ALL Navigator case",
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Case",
                "qfmt": "{{Case}}",
                "afmt": "{{FrontSide}}<hr id=answer><b>{{Answer}}</b><br><br>{{Explanation}}"
                        "<div class=sources>{{Sources}}</div>"}],
    css=_CSS,
)


def _html(markdown: str) -> str:
    text = html.escape(markdown)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return text.replace("\n", "<br>")


def note(question: Question, pack: KnowledgePack) -> genanki.Note:
    ledger = CitationLedger(pack)
    front = [question.vignette, "", f"**{question.prompt}**", *(f"{o.key}. {o.text}" for o in question.options)]
    keyed = question.keyed
    answer = f"{keyed.key}. {keyed.text}" if keyed else question.answer_text
    evidence = [render_reason(question.answer_reason, ledger),
                *(render_output(o, ledger) for o in question.rule_outputs if o.tool != "check_eligibility")]
    explanation = f"**Teaching point:** {teaching_point(question)}\n\n**The evidence:**\n" + "\n".join(evidence)
    sources = "\n".join(f"[{c.marker}] {c.section}: {c.text}" for c in ledger.citations())
    return genanki.Note(
        model=MODEL,
        fields=[_html("\n".join(front)), html.escape(answer), _html(explanation), _html(sources),
                question.topic, str(question.seed)],
        tags=[f"rrall::{question.topic}", f"rrall::{question.kind}"],
        guid=genanki.guid_for("rrall", question.topic, question.seed),
    )


def deck(questions: Iterable[Question], pack: KnowledgePack, *, name: str = "RR-ALL Navigator cases") -> genanki.Deck:
    built = genanki.Deck(DECK_ID, name)
    for question in questions:
        built.add_note(note(question, pack))
    return built


def write(built: genanki.Deck, path: Path) -> None:
    genanki.Package(built).write_to_file(str(path))
