"""Typed settings, read once from the environment (prefix ``RRALL_``) and an optional ``.env``.

Every configurable value lives here; nothing else reads ``os.environ``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    # XDG-style per-user data directory; no extra dependency needed for one path.
    return Path.home() / ".local" / "share" / "rrall-navigator"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RRALL_", env_file=".env", extra="forbid", validate_default=True
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the index, the session database and logs live",
    )
    database_url: str = Field(
        default="", description="SQLAlchemy URL of the session store; empty: SQLite file in the data dir"
    )
    chroma_url: str = Field(
        default="", description="A Chroma server (http://host:port); empty: embedded chromadb in the data dir"
    )
    llm: str = Field(default="", description="Optional provider:model for langchain's init_chat_model")
    llm_base_url: str = Field(default="", description="OpenAI-compatible base URL for a local LLM server")
    api_keys: str = Field(default="", description="Comma-separated API keys for /v1; empty: open on loopback only")
    public_base_url: str = Field(default="", description="Externally visible base URL (Twilio signs it)")
    session_ttl_minutes: int = Field(default=24 * 60, ge=1, description="Idle sessions expire after this")
    transcript_retention_days: int = Field(default=30, ge=0, description="Transcripts kept this long; 0 keeps none")
    search_default_k: int = Field(default=5, ge=1, le=50, description="Passages returned by default")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="Request-size cap (413 above)")
    log_level: str = Field(default="INFO", description="Logging level")

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_jwks_url: str = "https://login.botframework.com/v1/.well-known/keys"
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com/v19.0"
    webhook_secret: SecretStr | None = None

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def session_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'sessions.sqlite3'}"

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
