"""Typed settings, read once from the environment (prefix ``RRALL_``) and an optional ``.env``.

Every configurable value lives here; nothing else reads ``os.environ``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The names a client on this machine reaches the service by (Starlette matches them without the port).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


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
    admin_keys: str = Field(
        default="",
        description="Comma-separated API keys that may also read every principal's sessions and learners (audit)",
    )
    public_base_url: str = Field(default="", description="Externally visible base URL (Twilio signs it)")
    session_ttl_minutes: int = Field(default=24 * 60, ge=1, description="Idle sessions expire after this")
    transcript_retention_days: int = Field(default=30, ge=0, description="Transcripts kept this long; 0 keeps none")
    search_default_k: int = Field(default=5, ge=1, le=50, description="Passages returned by default")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="Request-size cap (413 above)")
    log_level: str = Field(default="INFO", description="Logging level")
    fhir_mapping_file: str = Field(
        default="", description="YAML file extending the FHIR code mapping of CDS Hooks (api/fhir/mapping.yaml)"
    )
    widget_keys: str = Field(
        default="", description="Comma-separated public widget keys; each works only from an allowed origin"
    )
    allowed_origins: str = Field(
        default="", description="Comma-separated browser origins (https://host[:port]) that CORS and widget keys allow"
    )
    rate_limit_per_minute: int = Field(
        default=120, ge=0, description="/v1 requests per minute per client address (all workers together); 0: off"
    )
    rate_limit_burst: int = Field(default=40, ge=1, description="/v1 requests per second per client address")
    key_rate_limit_per_minute: int = Field(
        default=1200, ge=0, description="/v1 requests per minute per API or widget key (all workers together); 0: off"
    )
    key_rate_limit_burst: int = Field(default=200, ge=1, description="/v1 requests per second per key")
    rate_limit_storage: str = Field(
        default="",
        description="Where rate-limit counts live: empty, a SQLite file in the data dir (workers share it); "
        "a SQLAlchemy URL or redis://host:port (replicas share it); memory:// (each process alone)",
    )
    purge_interval_seconds: float = Field(
        default=3600, gt=0, description="How often expired sessions and transcripts past retention are purged"
    )
    allowed_hosts: str = Field(
        default="",
        description="Comma-separated Host names served (* any; *.example.org a domain's hosts); empty: "
        "the public base URL's host and the loopback names, or any host when API keys are set without one",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies trusted to set X-Forwarded-For/-Proto (uvicorn); the client address comes from them",
    )

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_mode: Literal["events", "socket"] = Field(
        default="events",
        description="events: Slack calls POST /webhooks/slack; socket: Socket Mode, an outbound WebSocket (no "
        "public endpoint), needs RRALL_SLACK_APP_TOKEN and RRALL_SLACK_BOT_TOKEN",
    )
    slack_app_token: SecretStr | None = Field(default=None, description="App-level token (xapp-...) for Socket Mode")
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: Literal["webhook", "polling"] = Field(
        default="webhook",
        description="webhook: Telegram calls POST /webhooks/telegram; polling: long polling with getUpdates (no "
        "public endpoint), needs only RRALL_TELEGRAM_BOT_TOKEN",
    )
    telegram_poll_timeout_seconds: int = Field(default=30, ge=1, le=50, description="getUpdates long-poll timeout")
    connect_in_serve: bool = Field(
        default=True,
        description="Start the Socket Mode and polling connections inside `assistant serve`; false when "
        "`assistant connect slack|telegram` runs them as their own process",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_jwks_url: str = "https://login.botframework.com/v1/.well-known/keys"
    teams_issuer: str = Field(
        default="https://api.botframework.com", description="Issuer the Bot Framework's tokens must carry"
    )
    teams_authority: str = Field(
        default="https://login.microsoftonline.com/botframework.com",
        description="Entra ID authority msal asks for the bot's outbound token (its token endpoint is discovered); "
        "a single-tenant bot uses https://login.microsoftonline.com/<tenant id>",
    )
    teams_certificate_path: str = Field(
        default="", description="PEM file with the bot's private key and certificate: a certificate credential "
        "instead of RRALL_TEAMS_APP_PASSWORD"
    )
    teams_certificate_thumbprint: str = Field(default="", description="SHA-1 thumbprint (hex) of that certificate")
    teams_ca_bundle: str = Field(
        default="", description="CA bundle to trust for the identity platform (a TLS-inspecting proxy's); empty: "
        "the system's"
    )
    teams_token_scope: str = Field(
        default="https://api.botframework.com/.default", description="Scope of the outbound bearer token"
    )
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com/v19.0"
    webhook_secret: SecretStr | None = None
    webhook_delivery_attempts: int = Field(
        default=4, ge=1, le=10, description="Tries per outbound platform call before it is kept as failed"
    )
    webhook_delivery_backoff_seconds: float = Field(
        default=0.5, ge=0, le=60, description="First retry delay of outbound platform calls; doubles each try"
    )

    outbox_workers: int = Field(
        default=2, ge=1, le=32, description="Threads per server process that answer queued messages and send replies"
    )
    outbox_poll_seconds: float = Field(
        default=1.0, gt=0, le=60, description="How often idle outbox workers look for work queued by other processes"
    )
    outbox_lease_seconds: float = Field(
        default=60, ge=5, le=3600,
        description="How long a claimed message or reply is held; a dead worker's rows are taken after this",
    )

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def session_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'sessions.sqlite3'}"

    @property
    def api_key_list(self) -> list[str]:
        """Every key that opens /v1: the API keys and the admin keys (which are API keys too)."""
        return [k.strip() for k in f"{self.api_keys},{self.admin_keys}".split(",") if k.strip()]

    @property
    def admin_key_list(self) -> list[str]:
        return [k.strip() for k in self.admin_keys.split(",") if k.strip()]

    @property
    def widget_key_list(self) -> list[str]:
        return [k.strip() for k in self.widget_keys.split(",") if k.strip()]

    @property
    def allowed_host_list(self) -> list[str]:
        """What Starlette's TrustedHostMiddleware checks the Host header against (see the field)."""
        explicit = [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        if explicit:
            return explicit
        public_host = urlsplit(self.public_base_url).hostname
        if public_host:
            return [public_host.lower(), *LOOPBACK_HOSTS]
        # Open mode serves loopback clients only; a foreign Host there is DNS rebinding. With keys and
        # no public URL the deployment's names are unknown, and a browser page cannot hold the key.
        return ["*"] if self.api_key_list else list(LOOPBACK_HOSTS)

    @property
    def allowed_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
