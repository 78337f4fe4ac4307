"""What the channel tests share: the platforms' test secrets, settings pointing at the fake
platform server, and the live app with a handle on its channel hub."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from api.app import create_app
from api.channels.hub import ChannelHub
from assistant.answer import ChatResponse
from assistant.settings import Settings
from knowledge.embedder import HashEmbeddingFunction
from knowledge.index import open_retriever

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"

SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_BOT_TOKEN = "xoxb-0000000000-0000000000-faketoken"
TELEGRAM_BOT_TOKEN = "123456789:AAFakeTelegramTokenForTests"
TELEGRAM_SECRET_TOKEN = "tg-webhook-secret-for-tests"
TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000001"
TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests"
TEAMS_APP_ID = "00000000-0000-0000-0000-0000000a99d1"
TEAMS_APP_PASSWORD = "teams-app-password-for-tests"
TEAMS_ISSUER = "https://api.botframework.com"
WHATSAPP_APP_SECRET = "whatsapp-app-secret-for-tests"
WHATSAPP_VERIFY_TOKEN = "whatsapp-verify-token-for-tests"
WHATSAPP_ACCESS_TOKEN = "EAAG-whatsapp-access-token-for-tests"
WEBHOOK_SECRET = "generic-webhook-secret-for-tests"
SECRETS = (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN, TWILIO_AUTH_TOKEN,
           TEAMS_APP_PASSWORD, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, WHATSAPP_ACCESS_TOKEN, WEBHOOK_SECRET)


def platform_settings(data_dir: Path, fake_url: str, *, identity_url: str = "https://127.0.0.1:9",
                      ca_file: str = "", **overrides: Any) -> Settings:
    """Settings with every platform on, their API base URLs pointing at the fake platform server (and
    Teams' identity authority at its HTTPS twin, trusted through ``ca_file``)."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "slack_signing_secret": SLACK_SIGNING_SECRET, "slack_bot_token": SLACK_BOT_TOKEN,
        "slack_api_url": f"{fake_url}/slack/api/",
        "telegram_bot_token": TELEGRAM_BOT_TOKEN, "telegram_secret_token": TELEGRAM_SECRET_TOKEN,
        "telegram_api_url": f"{fake_url}/telegram",
        "twilio_account_sid": TWILIO_ACCOUNT_SID, "twilio_auth_token": TWILIO_AUTH_TOKEN,
        "teams_app_id": TEAMS_APP_ID, "teams_app_password": TEAMS_APP_PASSWORD,
        "teams_jwks_url": f"{fake_url}/teams/jwks", "teams_authority": f"{identity_url}/botframework.com",
        "teams_ca_bundle": ca_file,
        "teams_issuer": TEAMS_ISSUER,
        "whatsapp_app_secret": WHATSAPP_APP_SECRET, "whatsapp_verify_token": WHATSAPP_VERIFY_TOKEN,
        "whatsapp_access_token": WHATSAPP_ACCESS_TOKEN, "whatsapp_api_url": f"{fake_url}/graph",
        "webhook_secret": WEBHOOK_SECRET,
        "webhook_delivery_attempts": 3, "webhook_delivery_backoff_seconds": 0.01,
    }
    return Settings(**{**values, **overrides})


@dataclass
class LiveApp:
    base: str
    app: FastAPI
    settings: Settings

    @property
    def hub(self) -> ChannelHub:
        hub: ChannelHub = self.app.state.rrall_channels
        return hub

    def wait_idle(self, timeout: float = 20.0) -> None:
        """Until every accepted message has been answered and delivered (or kept as failed)."""
        deadline = time.monotonic() + timeout
        while getattr(self.app.state, "rrall_channels", None) is None or self.hub.in_flight:
            if time.monotonic() > deadline:
                raise TimeoutError("replies still in flight")
            time.sleep(0.01)


def ready_app(settings: Settings) -> FastAPI:
    """The app with its index already open (hash embedder), so /readyz is 200 at once."""
    app = create_app(settings, load_knowledge=False)
    app.state.rrall.retriever = open_retriever(index_dir=settings.index_dir, embedder=HashEmbeddingFunction())
    return app


def chat_response(name: str) -> ChatResponse:
    """A saved engine answer (fixtures/chat_response_*.json), so goldens do not move with the engine."""
    return ChatResponse.model_validate_json((FIXTURES / f"chat_response_{name}.json").read_text(encoding="utf-8"))


def check_golden(name: str, text: str, *, update: bool) -> None:
    path = GOLDEN / f"{name}.txt"
    if update:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path.name}; run pytest tests/channels --update-channel-golden"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; review, then --update-channel-golden"


MESSAGE_BREAK = "\n\n----- next message -----\n\n"
