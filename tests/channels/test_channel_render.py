"""The shared renderers and delivery retries, without HTTP."""

from __future__ import annotations

import logging

import pytest

from api.channels import render
from api.channels.base import DeliveryError
from api.channels.delivery import RetryPolicy, SecretFilter, with_retry
from assistant.answer import Citation, QuizCard, QuizOption


def _citation(passage_id: str, refs: list[int], marker: int = 1) -> Citation:
    return Citation(marker=marker, passage_id=passage_id, section="Efficacy", text="t", refs=refs)


@pytest.mark.parametrize(("style", "expected"), [
    (render.PLAIN, "CD22 on 40% - dim CD19 [1]. TOWER (https://doi.org/x)"),
    (render.SLACK, "*CD22* on 40% - _dim_ CD19 [1]. <https://doi.org/x|TOWER>"),
    (render.WHATSAPP, "*CD22* on 40% - _dim_ CD19 [1]. TOWER (https://doi.org/x)"),
    (render.TELEGRAM_HTML, '<b>CD22</b> on 40% - <i>dim</i> CD19 [1]. <a href="https://doi.org/x">TOWER</a>'),
    (render.MARKDOWN, "**CD22** on 40% - _dim_ CD19 [1]. [TOWER](https://doi.org/x)"),
])
def test_each_style_marks_bold_italic_and_links(style: render.Style, expected: str) -> None:
    assert render.inline("**CD22** on 40% - _dim_ CD19 [1]. [TOWER](https://doi.org/x)", style) == expected


def test_rule_codes_with_underscores_are_not_italic() -> None:
    assert render.inline("Warning (CD22_PARTIAL): cd22_positive_pct", render.SLACK) == (
        "Warning (CD22_PARTIAL): cd22_positive_pct")


def test_bullets_take_the_platform_mark() -> None:
    assert render.block("Findings:\n- one\n* two", render.SLACK) == "Findings:\n• one\n• two"


@pytest.mark.parametrize(("passage_id", "refs", "expected"), [
    ("agent-blina-04", [6], "TOWER (Kantarjian 2017)"),
    ("tox-crs-02", [28, 6], "TOWER: Topp 2014, Kantarjian 2017"),  # which paper is TOWER's is not recorded
    ("agent-cart-05", [18, 21, 22], "Maude 2014, Maude 2018 +1"),  # its trial is a description, not a name
    ("eff-02", [], "Efficacy"),
])
def test_short_reference_names_trial_author_and_year(passage_id: str, refs: list[int], expected: str) -> None:
    assert render.short_reference(_citation(passage_id, refs)) == expected


def test_quiz_is_a_numbered_list_to_answer_by_number() -> None:
    quiz = QuizCard(id="q1", topic="efficacy", kind="single_choice", prompt="Which trial?",
                    options=[QuizOption(key="A", text="TOWER"), QuizOption(key="B", text="INO-VATE")])
    assert render.quiz_markdown(quiz) == (
        "**Question:** Which trial?\n1. TOWER\n2. INO-VATE\n_Reply with the number of your answer._")
    assert render.quiz_markdown(quiz, "Which trial?").startswith("1. TOWER")


def test_retry_delays_double_and_stay_bounded() -> None:
    policy = RetryPolicy(attempts=6, base_delay=0.5, max_delay=3.0)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.delay(1, retry_after=2.5) == 2.5
    assert policy.delay(1, retry_after=60) == 3.0


def test_transient_failures_are_retried_with_backoff() -> None:
    busy = DeliveryError("503", retryable=True)
    outcomes: list[Exception | None] = [busy, busy, None]
    waits: list[float] = []

    def send() -> None:
        outcome = outcomes.pop(0)
        if outcome:
            raise outcome

    error = with_retry(send, policy=RetryPolicy(attempts=4, base_delay=0.1), platform="p", conversation="c",
                       sleep=waits.append)
    assert error is None and waits == [0.1, 0.2]


def test_permanent_failure_is_not_retried() -> None:
    calls: list[int] = []

    def send() -> None:
        calls.append(1)
        raise DeliveryError("400 bad request", retryable=False)

    error = with_retry(send, policy=RetryPolicy(attempts=4, base_delay=0), platform="p", conversation="c",
                       sleep=lambda s: None)
    assert error is not None and len(calls) == 1


def test_attempts_are_bounded() -> None:
    calls: list[int] = []

    def send() -> None:
        calls.append(1)
        raise DeliveryError("timeout", retryable=True)

    assert with_retry(send, policy=RetryPolicy(attempts=3, base_delay=0), platform="p", conversation="c",
                      sleep=lambda s: None) is not None
    assert len(calls) == 3


def test_secret_filter_scrubs_messages_and_arguments() -> None:
    scrub = SecretFilter()
    scrub.secrets.add("123456:token")
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("POST",
                               "https://api.telegram.org/bot123456:token/sendMessage"), None)
    assert scrub.filter(record)
    assert record.getMessage() == "HTTP Request: POST https://api.telegram.org/bot[redacted]/sendMessage"


def test_secret_filter_keeps_the_shape_of_access_log_arguments() -> None:
    scrub = SecretFilter()
    scrub.secrets.add("verify-me-123")
    args = ("127.0.0.1:5000", "GET", "/webhooks/whatsapp?hub.verify_token=verify-me-123", "1.1", 200)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None)
    assert scrub.filter(record)
    assert isinstance(record.args, tuple) and record.args[4] == 200
    assert "verify-me-123" not in record.getMessage()
