"""The README cannot drift from the code: its settings table and commands are checked here."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
CONTRACT_NAMES = {
    "RRALL_DATA_DIR", "RRALL_DATABASE_URL", "RRALL_CHROMA_URL", "RRALL_LLM", "RRALL_API_KEYS",
    "RRALL_PUBLIC_BASE_URL", "RRALL_SLACK_SIGNING_SECRET", "RRALL_SLACK_BOT_TOKEN", "RRALL_SLACK_API_URL",
    "RRALL_TELEGRAM_BOT_TOKEN", "RRALL_TELEGRAM_SECRET_TOKEN", "RRALL_TELEGRAM_API_URL",
    "RRALL_TWILIO_ACCOUNT_SID", "RRALL_TWILIO_AUTH_TOKEN", "RRALL_TEAMS_APP_ID", "RRALL_TEAMS_APP_PASSWORD",
    "RRALL_TEAMS_JWKS_URL", "RRALL_WHATSAPP_APP_SECRET", "RRALL_WHATSAPP_VERIFY_TOKEN",
    "RRALL_WHATSAPP_ACCESS_TOKEN", "RRALL_WHATSAPP_API_URL", "RRALL_WEBHOOK_SECRET",
}


def _env_names() -> set[str]:
    return {"RRALL_" + name.upper() for name in Settings.model_fields}


def test_every_variable_in_the_readme_table_is_a_setting() -> None:
    documented = set(re.findall(r"^\| `(RRALL_[A-Z_]+)`", README, flags=re.MULTILINE))
    assert documented, "README has no settings table"
    assert documented <= _env_names()


def test_every_plain_setting_is_documented_in_the_readme() -> None:
    platform = ("RRALL_SLACK_", "RRALL_TELEGRAM_", "RRALL_TWILIO_", "RRALL_TEAMS_", "RRALL_WHATSAPP_",
                "RRALL_WEBHOOK_")
    plain = {n for n in _env_names() if not n.startswith(platform)}
    documented = set(re.findall(r"`(RRALL_[A-Z_]+)`", README))
    assert plain <= documented


def test_settings_keep_the_contract_names() -> None:
    assert _env_names() >= CONTRACT_NAMES


def test_readme_has_exactly_two_setup_commands() -> None:
    setup = README.split("## Set up on a new machine", 1)[1].split("\n## ", 1)[0]
    assert setup.count("```bash") == 2
    assert ".ci/run" in setup


def test_ci_runs_the_readme_test_command() -> None:
    setup = README.split("## Set up on a new machine", 1)[1].split("\n## ", 1)[0]
    test_command = re.findall(r"```bash\n(.+?)\n```", setup, flags=re.DOTALL)[1].strip()
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert test_command in ci


def test_judgement_calls_page_matches_the_rules_module() -> None:
    import tools.rules

    doc = tools.rules.__doc__ or ""
    calls = doc[doc.find("JUDGEMENT CALLS"):].split("\n", 1)[1].strip()
    page = (Path(__file__).resolve().parents[1] / "docs" / "clinical-judgement-calls.md").read_text()
    assert calls in page
