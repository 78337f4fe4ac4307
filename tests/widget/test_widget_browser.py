"""The chat widget in a real headless Chromium against a live server, as a clinician would use it.

Debian's chromium is driven by Playwright (``playwright install`` cannot download a browser here; .ci/run
installs the package). Every test starts from the demo page /widget with a fresh browser context, so no
storage leaks between tests. Screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from api.app import create_app
from assistant.settings import Settings
from tests.live import live_server

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KEY = "k_widget_browser_test"
PATIENT = "45-year-old in first relapse, CD19 positive, CD22 60%, marrow blasts 80%. Which agent?"
EVIDENCE = "What were the CR/CRi rates with inotuzumab in INO-VATE?"
DESKTOP = {"width": 1280, "height": 860}

# What has keyboard focus, looking through the widget's shadow root.
FOCUSED = """() => {
  const host = document.activeElement;
  const el = host && host.shadowRoot ? host.shadowRoot.activeElement : host;
  if (!el) return {};
  return {tag: el.tagName.toLowerCase(), cls: String(el.className || ""), field: el.dataset.field || "",
          text: (el.textContent || "").trim().slice(0, 80)};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # With an API key configured, every widget request must carry it (X-API-Key from data-api-key).
    settings = Settings(data_dir=tmp_path_factory.mktemp("widget"), api_keys=KEY)
    with live_server(create_app(settings), wait_ready=True) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need Debian's chromium: apt-get install -y chromium (.ci/run does this)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@contextmanager
def _demo_page(browser: Browser, server: str, viewport: dict[str, int] = DESKTOP) -> Iterator[Page]:
    """The demo page in a fresh browser context (empty storage); fails on any script error or dialog."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{server}/widget?api_key={KEY}")
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    with _demo_page(browser, server) as page:
        yield page


def _ask(page: Page, message: str) -> None:
    box = page.get_by_role("textbox", name="Message to the Navigator")
    box.fill(message)
    box.press("Enter")


def _answers(page: Page) -> Any:
    return page.locator(".msg-assistant")


def _wait_for_answers(page: Page, count: int) -> None:
    expect(_answers(page)).to_have_count(count)
    expect(page.locator(".msg-assistant .caret")).to_have_count(0)
    expect(page.locator("button.send")).to_be_enabled()


def _api(server: str, message: str) -> dict[str, Any]:
    response = httpx.post(f"{server}/v1/chat", json={"message": message}, headers={"X-API-Key": KEY}, timeout=30)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _focused(page: Page) -> dict[str, str]:
    focused: dict[str, str] = page.evaluate(FOCUSED)
    return focused


def _press_until(page: Page, key: str, wanted: Any, limit: int = 150) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"{key} never reached the wanted control; last focus {_focused(page)}")


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))


def test_question_streams_an_answer_whose_citation_opens_its_passage(page: Page, server: str) -> None:
    expected = _api(server, EVIDENCE)
    page.get_by_role("button", name="Ask the Navigator").click()
    expect(page.get_by_role("textbox", name="Message to the Navigator")).to_be_focused()
    # Note each stage the answer passes through: streamed (a caret after partial text), then final.
    page.evaluate("""() => {
      const root = document.querySelector('#rrall-navigator').shadowRoot;
      window.__streamed = [];
      new MutationObserver(() => {
        const body = root.querySelector('.msg-assistant:last-of-type .md');
        if (body && body.querySelector('.caret')) window.__streamed.push(body.textContent.length);
      }).observe(root, {subtree: true, childList: true});
    }""")
    with page.expect_response(lambda r: r.url.endswith("/v1/chat")) as chat:
        _ask(page, EVIDENCE)
    response = chat.value
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.request.headers["x-api-key"] == KEY
    _wait_for_answers(page, 1)
    answer = _answers(page).last
    expect(answer).to_contain_text("73.8%")
    streamed = page.evaluate("window.__streamed")
    assert streamed and min(streamed) < len(expected["answer"]), "no partial answer was shown while streaming"
    expect(page.locator("[role=log][aria-live=polite]")).to_contain_text("73.8%")

    cited = next(c for c in expected["citations"] if c["references"])
    marker = answer.locator(f"button.cite[data-marker='{cited['marker']}']").first
    marker.click()
    expect(marker).to_have_attribute("aria-expanded", "true")
    card = answer.locator(".source")
    expect(card).to_contain_text(cited["section"])
    expect(card).to_contain_text(cited["text"][:60])
    expect(card).to_contain_text(cited["references"][0][:60])
    _shot(page, "citation")


def test_keyboard_only_fact_correction_changes_the_next_assessment(page: Page) -> None:
    _press_until(page, "Tab", lambda f: "launcher" in f.get("cls", ""))
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="RR-ALL Navigator")).to_be_visible()
    assert _focused(page)["tag"] == "textarea"
    page.keyboard.type(PATIENT)
    page.keyboard.press("Enter")
    _wait_for_answers(page, 1)
    ino = page.locator(".assessment").last.locator("tbody[data-agent=inotuzumab_ozogamicin]")
    expect(ino.locator("li[data-code=CD22_PARTIAL]")).to_be_visible()
    chip = page.locator("button.chip-edit[data-field=cd22_positive_pct]")
    expect(chip).to_contain_text("60%")
    # For the screenshot only (focus stays in the message box): the table from its top.
    page.locator(".assessment").last.evaluate("table => table.scrollIntoView({block: 'start'})")
    _shot(page, "assessment")

    _press_until(page, "Shift+Tab", lambda f: f.get("field") == "cd22_positive_pct" and "chip-edit" in f["cls"])
    page.keyboard.press("Enter")
    editor = page.get_by_role("spinbutton", name="CD22-positive blasts (%)")
    expect(editor).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("95")
    page.keyboard.press("Enter")
    expect(chip).to_contain_text("95%")
    assert _focused(page)["field"] == "cd22_positive_pct"
    _shot(page, "corrected")

    _press_until(page, "Tab", lambda f: f.get("text") == "Re-assess with this correction")
    page.keyboard.press("Enter")
    _wait_for_answers(page, 2)
    assert _focused(page)["tag"] == "textarea"
    reassessed = page.locator(".assessment").last.locator("tbody[data-agent=inotuzumab_ozogamicin]")
    expect(reassessed).to_be_visible()
    expect(reassessed.locator("li[data-code=CD22_PARTIAL]")).to_have_count(0)

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="RR-ALL Navigator")).to_be_hidden()
    assert "launcher" in _focused(page)["cls"]


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\r\ndata: {json.dumps(data)}\r\n\r\n"


def test_markup_in_an_answer_renders_as_text(page: Page) -> None:
    # No server path puts markup into an answer (facts are parsed, not echoed), so this one response is
    # faked; everything else about the page is real.
    script = "<script>window.__pwned = 1</script>"
    image = '<img src=x onerror="window.__pwned = 2">'
    answer = f"**Bold** and {script} then {image} [1]\n\n- a list item {image}"
    final = {
        "session_id": "s_fake", "answer": answer, "tool_calls": [], "intent": "evidence_fact",
        "citations": [{"marker": 1, "passage_id": "p1", "section": image, "text": script, "refs": [7],
                       "references": [image]}],
        "patient": {"cd22_positive_pct": 60, "nickname": image},
        "suggestions": [{"label": image, "message": "x"}],
        "quiz": {"id": "q", "topic": "t", "kind": "choice", "prompt": script,
                 "options": [{"key": "A", "text": image}]},
        "assessment": {"agents": [{"agent": "blinatumomab", "label_status": "on_label", "suitable": True,
                                   "flags": [{"code": "X", "severity": "warning", "message": image,
                                              "summary": image, "citations": []}]}], "missing": []},
    }
    body = "".join(_sse("token", {"text": piece}) for piece in (answer[:30], answer[30:])) + _sse("final", final)

    def fake_chat(route: Route) -> None:
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)

    page.route("**/v1/chat", fake_chat)
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, "anything")
    _wait_for_answers(page, 1)
    shown = _answers(page).last
    expect(shown).to_contain_text("<script>window.__pwned = 1</script>")
    expect(shown).to_contain_text('<img src=x onerror="window.__pwned = 2">')
    expect(shown.locator("strong")).to_have_text("Bold")
    shown.locator("button.cite").first.click()
    expect(shown.locator(".source")).to_contain_text(image)
    expect(page.locator("li.chip[data-field=nickname]")).to_contain_text(image)
    injected = page.evaluate("""() => document.querySelector('#rrall-navigator').shadowRoot
        .querySelectorAll('img, script, iframe, object, [onerror]').length""")
    assert injected == 0
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None


def test_quiz_option_sends_its_key_as_the_next_message(page: Page) -> None:
    quiz = {"id": "q1", "topic": "CD22 expression", "kind": "choice",
            "prompt": "In INO-VATE, did outcomes differ between CD22 on <90% and >=90% of blasts?",
            "options": [{"key": "A", "text": "Yes, worse below 90%"}, {"key": "B", "text": "No difference"}]}
    first = {"session_id": "s_quiz", "answer": "A question for you.", "citations": [], "tool_calls": [],
             "patient": {}, "intent": "quiz", "quiz": quiz}
    sent: list[dict[str, Any]] = []

    def fake_chat(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        reply = first if len(sent) == 1 else {**first, "answer": "Correct: no difference.", "quiz": None}
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=_sse("final", reply))

    page.route("**/v1/chat", fake_chat)
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, "quiz me on CD22")
    option = page.get_by_role("button", name="Option B: No difference")
    option.click()
    _wait_for_answers(page, 2)
    assert sent[1] == {"message": "B", "session_id": "s_quiz"}
    expect(option).to_be_disabled()
    expect(option).to_have_attribute("aria-pressed", "true")


def test_user_text_with_markup_stays_text_after_a_reload(page: Page) -> None:
    message = '<img src=x onerror="window.__pwned = 3"> <b>CD22</b> 60%'
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, message)
    _wait_for_answers(page, 1)
    page.reload()
    restored = page.locator(".msg-user .bubble").first
    expect(restored).to_have_text(message)
    assert page.evaluate("""() => document.querySelector('#rrall-navigator').shadowRoot
        .querySelectorAll('img, b').length""") == 0
    assert page.evaluate("window.__pwned") is None


def test_reload_keeps_the_conversation_its_facts_and_citations(page: Page) -> None:
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, PATIENT)
    _wait_for_answers(page, 1)
    before = _answers(page).last.locator(".md").inner_text()
    page.reload()
    # The panel was open, so it reopens; the transcript comes back from GET /v1/sessions/{id}.
    expect(page.locator(".msg-user .bubble")).to_have_text(PATIENT)
    _wait_for_answers(page, 1)
    assert _answers(page).last.locator(".md").inner_text() == before
    expect(page.locator("button.chip-edit[data-field=cd22_positive_pct]")).to_contain_text("60%")
    marker = _answers(page).last.locator("button.cite").first
    marker.click()
    expect(_answers(page).last.locator(".source")).to_be_visible()


def test_new_patient_erases_the_session_and_clears_the_panel(page: Page, server: str) -> None:
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, PATIENT)
    _wait_for_answers(page, 1)
    session_id = page.evaluate("Object.entries(localStorage).find(([k]) => k.includes(':session:'))[1]")
    page.locator("header").get_by_role("button", name="New patient").click()
    expect(page.locator(".welcome")).to_be_visible()
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.locator("li.chip")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Message to the Navigator")).to_be_focused()
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.includes(':session:')).length") == 0
    gone = httpx.get(f"{server}/v1/sessions/{session_id}", headers={"X-API-Key": KEY})
    assert gone.status_code == 404


def test_phone_width_panel_fills_the_screen_and_stays_usable(browser: Browser, server: str) -> None:
    with _demo_page(browser, server, {"width": 390, "height": 844}) as page:
        page.get_by_role("button", name="Ask the Navigator").click()
        panel = page.get_by_role("dialog", name="RR-ALL Navigator")
        box = panel.bounding_box()
        assert box is not None and box["x"] == 0 and box["width"] == 390 and box["height"] == 844
        _ask(page, PATIENT)
        _wait_for_answers(page, 1)
        page.locator(".assessment").last.scroll_into_view_if_needed()
        overflow = page.evaluate("""() => {
          const root = document.querySelector('#rrall-navigator').shadowRoot;
          return [...root.querySelectorAll('.log, .assessment, .facts')].filter(
            (el) => el.scrollWidth > el.clientWidth + 1).length;
        }""")
        assert overflow == 0
        send = page.get_by_role("button", name="Send").bounding_box()
        assert send is not None and send["x"] + send["width"] <= 390 and send["y"] + send["height"] <= 844
        _shot(page, "phone")


def test_real_quiz_in_the_widget_grades_a_clicked_option_with_cited_explanation(page: Page) -> None:
    """The tutor end to end, nothing faked: ask for a quiz, click an option, read the cited explanation."""
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, "quiz me on toxicity")
    _wait_for_answers(page, 1)
    options = page.locator(".quiz-option")
    expect(options.first).to_be_visible()
    assert options.count() >= 2
    options.nth(1).click()
    _wait_for_answers(page, 2)
    explanation = _answers(page).nth(1)
    expect(explanation).to_contain_text("The answer")
    citation = explanation.locator("button.cite").first
    expect(citation).to_be_visible()
    citation.click()
    expect(explanation.locator(".source").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "widget-quiz.png"))


def test_an_updates_citation_shows_its_source_date_and_link_and_the_table_its_current_label(page: Page) -> None:
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, "10-year-old in first relapse, CD22 95%. Which agent?")
    _wait_for_answers(page, 1)
    answer = _answers(page).last
    expect(answer).to_contain_text("Since the review: inotuzumab ozogamicin is on label for this patient")
    # The table keeps the review's status and shows the current one beside it.
    row = answer.locator("tbody[data-agent='inotuzumab_ozogamicin']")
    expect(row.locator(".pill-off_label").first).to_have_text("Off label")
    expect(row.locator(".pill-now")).to_have_text("Now: on label")
    marker = answer.locator("button.cite-update").first
    expect(marker).to_have_attribute("aria-label", re.compile(r"Since the review, FDA, 2024-03-06"))
    marker.click()
    card = answer.locator(".source-update")
    link = card.locator("a.source-link")
    expect(link).to_have_text("FDA, 2024-03-06")
    expect(link).to_have_attribute("href", re.compile(r"^https://www\.fda\.gov/"))
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(card).to_contain_text("After the 2020 review")
    _shot(page, "updates-citation")


def test_later_approvals_are_listed_with_their_dated_links(page: Page) -> None:
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, "30-year-old in second relapse. Which agent fits?")
    _wait_for_answers(page, 1)
    later = _answers(page).last.locator(".later")
    expect(later.locator("li[data-agent='brexucabtagene_autoleucel'] .pill")).to_have_text("On label")
    expect(later.locator("li[data-agent='obecabtagene_autoleucel'] a.source-link")).to_have_text(
        "AABB, 2024-11-08, reported (secondary source)")
    expect(later).to_contain_text("no data")
