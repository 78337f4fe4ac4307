"""Outbound calls with bounded exponential backoff, and log records scrubbed of secrets.

A reply that still fails after the last attempt is logged at ERROR with its conversation key and
kept in the failed-deliveries table: a user message is never lost silently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from api.channels.base import DeliveryError
from assistant.settings import Settings

log = logging.getLogger("rrall.channels")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(attempts=settings.webhook_delivery_attempts, base_delay=settings.webhook_delivery_backoff_seconds)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): base, 2x base, 4x base, ..."""
        backoff = self.base_delay * 2.0 ** (attempt - 1)
        if retry_after is not None:  # the platform said when; still never wait past the cap
            backoff = max(backoff, retry_after)
        return min(backoff, self.max_delay)


def with_retry(
    send: Callable[[], None], *, policy: RetryPolicy, platform: str, conversation: str,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryError | None:
    """Call ``send`` until it succeeds or attempts run out; returns the last error, or None on success."""
    for attempt in range(1, policy.attempts + 1):
        try:
            send()
            if attempt > 1:
                log.info("delivered on attempt %d", attempt, extra={"platform": platform})
            return None
        except DeliveryError as exc:
            error = exc
        if not error.retryable or attempt == policy.attempts:
            return error
        wait = policy.delay(attempt, error.retry_after)
        log.warning("delivery attempt %d failed (%s); retrying in %.2fs", attempt, error, wait,
                    extra={"platform": platform, "conversation": conversation})
        sleep(wait)
    return None  # pragma: no cover - the loop always returns


class SecretFilter(logging.Filter):
    """Replaces known secret values in log records (tokens sit in Telegram's URLs, for one)."""

    def __init__(self) -> None:
        super().__init__("rrall-secrets")
        self.secrets: set[str] = set()

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def _clean(self, value: object) -> object:
        if value is None or isinstance(value, int | float):
            return value
        text = str(value)  # an httpx.URL, say
        scrubbed = self.scrub(text)
        return value if scrubbed == text else scrubbed

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        # Arguments are scrubbed in place, keeping their shape: uvicorn's access formatter unpacks them.
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = self.scrub(record.msg)
        message = record.getMessage()
        if self.scrub(message) != message:
            record.msg, record.args = self.scrub(message), None
        return True


_FILTER = SecretFilter()
# Libraries that log URLs or request lines: httpx (Telegram's token is in the path), the Bot API
# SDK, and uvicorn's access log (WhatsApp's verify token arrives in a query string).
_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.Bot", "telegram.request", "slack_sdk", "uvicorn.access",
            "uvicorn.error", "rrall.channels")


def scrub_logs(secrets: Iterable[str]) -> None:
    """Install (once) the secret filter on the loggers that may print request URLs."""
    _FILTER.secrets.update(s for s in secrets if s and len(s) >= 6)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
