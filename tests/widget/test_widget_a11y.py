"""The widget for everyone on a phone: axe-core (the copy bundled in axe-playwright-python, injected
into the page, no CDN) reports no serious or critical WCAG 2.2 A/AA violation at desktop and phone
width; the patient-facts panel folds; the answer does not repeat the chips.

Runs in Debian's chromium against a live server, with the fixtures of test_widget_browser.py.
"""

from __future__ import annotations

from typing import Any

import pytest
import test_widget_browser as shared
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect
from test_widget_browser import ARTIFACTS, DESKTOP, PATIENT, _answers, _ask, _demo_page, _sse, _wait_for_answers

pytestmark = pytest.mark.slow
# The live server and the browser, as the other widget tests get them (module-scoped fixtures).
server, browser = shared.server, shared.browser

PHONE = {"width": 390, "height": 844}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
FACTS_ONLY = "62-year-old, first relapse, CD19 positive, CD22 95%, marrow blasts 30%"


def _violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def _conversation(page: Page) -> None:
    """A patient, an answer with its assessment, and one source opened: the states a clinician sees."""
    page.get_by_role("button", name="Ask the Navigator").click()
    _ask(page, PATIENT)
    _wait_for_answers(page, 1)
    page.locator(".msg-assistant button.cite").first.click()
    expect(page.locator(".source").first).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_violation(browser: Browser, server: str, viewport: dict[str, int]) -> None:
    with _demo_page(browser, server, viewport) as page:
        assert _violations(page) == []  # the closed launcher on the host page
        _conversation(page)
        assert _violations(page) == []
        _ask(page, "quiz me on antigen")
        _wait_for_answers(page, 2)
        expect(page.locator(".quiz-option").first).to_be_visible()
        assert _violations(page) == []
        page.screenshot(path=str(ARTIFACTS / f"widget-a11y-{viewport['width']}.png"))


def test_axe_catches_a_contrast_failure_so_a_pass_means_something(browser: Browser, server: str) -> None:
    with _demo_page(browser, server) as page:
        _conversation(page)
        page.evaluate("""() => {
          const root = document.querySelector('#rrall-navigator').shadowRoot;
          root.querySelector('.hint').style.color = '#b8c2ca';
        }""")
        assert "color-contrast" in {rule for rule, _, _ in _violations(page)}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_control_is_at_least_24_px_square(browser: Browser, server: str, viewport: dict[str, int]) -> None:
    with _demo_page(browser, server, viewport) as page:
        _conversation(page)
        if viewport is PHONE:  # the chips start folded on a phone: open them to measure them too
            page.locator(".facts-toggle").click()
        small = page.evaluate("""() => {
          const root = document.querySelector('#rrall-navigator').shadowRoot;
          return [...root.querySelectorAll('button, select, input, textarea')]
            .filter((el) => el.offsetParent !== null && !el.classList.contains('link-button'))
            .map((el) => [el.className, el.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([cls, r]) => `${cls} ${r.width}x${r.height}`);
        }""")
        assert small == []


def test_on_a_phone_the_facts_fold_and_unfold(browser: Browser, server: str) -> None:
    with _demo_page(browser, server, PHONE) as page:
        page.get_by_role("button", name="Ask the Navigator").click()
        _ask(page, PATIENT)
        _wait_for_answers(page, 1)
        toggle = page.locator(".facts-toggle")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_contain_text("facts")
        folded = page.locator(".facts").bounding_box()
        assert folded is not None and folded["height"] <= 60
        expect(page.locator("li.chip").first).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("li.chip").first).to_be_visible()
        _ask(page, "what about CNS disease?")  # the choice stays for the rest of the conversation
        _wait_for_answers(page, 2)
        expect(toggle).to_have_attribute("aria-expanded", "true")
        toggle.click()
        expect(page.locator("li.chip").first).to_be_hidden()


def test_on_a_desktop_the_facts_start_open_and_fold_on_request(browser: Browser, server: str) -> None:
    with _demo_page(browser, server) as page:
        page.get_by_role("button", name="Ask the Navigator").click()
        _ask(page, PATIENT)
        _wait_for_answers(page, 1)
        toggle = page.locator(".facts-toggle")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        toggle.click()
        expect(page.locator("li.chip").first).to_be_hidden()


def _reply(answer: str, patient: dict[str, Any]) -> str:
    final = {"session_id": "s_recap", "answer": answer, "tool_calls": [], "intent": "patient_facts",
             "citations": [], "patient": patient}
    return _sse("token", {"text": answer}) + _sse("final", final)


@pytest.mark.parametrize(("patient", "shown"), [({"age_years": 62, "cd22_positive_pct": 95}, False), ({}, True)])
def test_the_answer_leaves_out_its_recap_only_when_chips_show_the_facts(
        browser: Browser, server: str, patient: dict[str, Any], shown: bool) -> None:
    answer = "Noted.\n\n**Patient facts so far:** age 62; CD22 on 95% of blasts.\n\nWhat is the disease setting?"
    with _demo_page(browser, server, PHONE) as page:
        def fake_chat(route: Route) -> None:
            route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=_reply(answer, patient))

        page.route("**/v1/chat", fake_chat)
        page.get_by_role("button", name="Ask the Navigator").click()
        _ask(page, FACTS_ONLY)
        _wait_for_answers(page, 1)
        last = _answers(page).last
        expect(last).to_contain_text("What is the disease setting?")
        if shown:
            expect(last).to_contain_text("Patient facts so far")
        else:
            expect(last).not_to_contain_text("Patient facts so far")
            expect(page.locator(".facts-toggle")).to_contain_text("2 facts")


def test_a_real_facts_only_message_shows_its_facts_once(browser: Browser, server: str) -> None:
    with _demo_page(browser, server) as page:
        page.get_by_role("button", name="Ask the Navigator").click()
        _ask(page, FACTS_ONLY)
        _wait_for_answers(page, 1)
        expect(page.locator("li.chip[data-field=cd22_positive_pct]")).to_be_visible()
        expect(_answers(page).last).not_to_contain_text("Patient facts so far")


def test_on_a_phone_the_answer_starts_above_the_fold(browser: Browser, server: str) -> None:
    with _demo_page(browser, server, PHONE) as page:
        page.get_by_role("button", name="Ask the Navigator").click()
        _ask(page, PATIENT)
        _wait_for_answers(page, 1)
        first = _answers(page).last.locator(".md p, p").first
        box, log = first.bounding_box(), page.locator(".log").bounding_box()
        assert box is not None and log is not None
        # The first paragraph is on screen as it arrives, inside the conversation's visible area.
        assert log["y"] <= box["y"] and box["y"] + min(box["height"], 60) <= log["y"] + log["height"]
        assert log["y"] < 140  # the folded facts leave the conversation most of the screen
