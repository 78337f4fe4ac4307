"""Microsoft Teams: Bot Framework JWTs checked against a JWKS, connector replies with an Adaptive Card."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import quote

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from api.channels.teams import TeamsChannel
from tests.channels.drivers import TeamsDriver, fixture, teams_visible
from tests.channels.fake_platform import CONNECTOR_TOKEN, FakePlatform
from tests.channels.harness import (
    TEAMS_APP_ID,
    TEAMS_APP_PASSWORD,
    LiveApp,
    chat_response,
    check_golden,
    platform_settings,
)


@pytest.fixture
def teams(live: LiveApp, fake: FakePlatform) -> TeamsDriver:
    return TeamsDriver(live, fake)


def _connector_calls(fake: FakePlatform, conversation: str) -> list[dict]:
    path = f"/teams/v3/conversations/{quote(conversation, safe='')}/"
    return [c.data for c in fake.calls_to(path) if c.status == 200]


@pytest.mark.parametrize("name", ["assessment", "quiz", "since"])
def test_activity_rendering_matches_golden(name: str, tmp_path: Path, update_channel_golden: bool) -> None:
    channel = TeamsChannel(platform_settings(tmp_path, "http://fake.invalid"))
    [activity] = channel.render(chat_response(name))
    text = json.dumps(activity, indent=2, ensure_ascii=False) + "\n"
    check_golden(f"teams_{name}", text, update=update_channel_golden)


def test_assessment_arrives_as_an_adaptive_card(teams: TeamsDriver, fake: FakePlatform) -> None:
    conversation = teams.new_conversation()
    teams.ask("62yo first relapse", conversation)
    teams.ask("CD22 40%, which agent?", conversation)
    last = _connector_calls(fake, conversation)[-1]
    [attachment] = last["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = json.dumps(attachment["content"])
    assert "CD22_PARTIAL" in card and "Inotuzumab ozogamicin" in card


def test_reply_answers_the_activity_through_the_connector(teams: TeamsDriver, fake: FakePlatform) -> None:
    conversation = teams.new_conversation()
    request = teams.message("What is CRS?", conversation)
    activity = json.loads(request.body)
    teams.post(request)
    [call] = fake.calls_to(f"/teams/v3/conversations/{quote(conversation, safe='')}/activities/{activity['id']}")
    assert call.headers["authorization"] == f"Bearer {CONNECTOR_TOKEN}"
    reply = call.data
    assert reply["replyToId"] == activity["id"] and reply["type"] == "message"
    assert reply["recipient"] == activity["from"] and reply["from"] == activity["recipient"]
    assert "text" not in reply and "CRS" in reply["summary"]  # one card, no second copy of the answer in text
    [attachment] = reply["attachments"]
    assert "CRS" in teams_visible(reply) and attachment["content"]["fallbackText"].startswith(reply["summary"])


def test_outbound_token_comes_from_the_token_endpoint_once(teams: TeamsDriver, fake: FakePlatform) -> None:
    teams.ask("What is CRS?", teams.new_conversation())  # the app's token is fetched by now
    before = len(fake.calls_to("/teams/token"))
    teams.ask("What is ICANS?", teams.new_conversation())
    teams.ask("What is SOS?", teams.new_conversation())
    assert len(fake.calls_to("/teams/token")) == before
    token_call = fake.calls_to("/teams/token")[-1]
    sent = token_call.data
    assert {k: sent[k] for k in ("grant_type", "client_id", "client_secret")} == {
        "grant_type": "client_credentials", "client_id": TEAMS_APP_ID, "client_secret": TEAMS_APP_PASSWORD}
    assert sent["scope"].split() == ["https://api.botframework.com/.default"]
    assert fake.calls_to("/.well-known/openid-configuration")  # msal found the token endpoint by discovery


def _certificate(tmp_path: Path) -> tuple[Path, str, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rrall-bot")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    path = tmp_path / "bot.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    return path, cert.fingerprint(hashes.SHA1()).hex(), key


def test_a_certificate_credential_signs_the_token_request(fake: FakePlatform, tmp_path: Path) -> None:
    path, thumbprint, key = _certificate(tmp_path)
    settings = platform_settings(tmp_path, fake.url, identity_url=fake.tls_url, ca_file=fake.ca_file,
                                 teams_app_password=None, teams_certificate_path=str(path),
                                 teams_certificate_thumbprint=thumbprint)
    assert TeamsChannel.configured(settings)
    channel = TeamsChannel(settings)
    assert channel._bearer() == CONNECTOR_TOKEN
    sent = fake.calls_to("/teams/token")[-1].data
    assert "client_secret" not in sent
    assert sent["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    claims = jwt.decode(sent["client_assertion"], key.public_key(), algorithms=["RS256", "PS256"],
                        audience=f"{fake.tls_url}/teams/token")
    assert claims["iss"] == claims["sub"] == TEAMS_APP_ID


def test_without_a_secret_or_a_certificate_teams_stays_off(tmp_path: Path) -> None:
    settings = platform_settings(tmp_path, "http://fake.invalid", teams_app_password=None)
    assert not TeamsChannel.configured(settings)


def test_a_rejected_token_is_dropped_and_a_new_one_fetched(teams: TeamsDriver, fake: FakePlatform) -> None:
    teams.ask("What is CRS?", teams.new_conversation())
    before = len(fake.calls_to("/teams/token"))
    fake.fail("/teams/v3/conversations/", 401)  # the connector refuses the cached token once
    teams.ask("What is ICANS?", teams.new_conversation())
    assert len(fake.calls_to("/teams/token")) == before + 1


@pytest.mark.parametrize("claims", [
    {"aud": "someone-elses-app-id"},
    {"iss": "https://sts.windows.net/evil/"},
    {"serviceurl": "https://attacker.example.org/"},
    {"serviceurl": None},
], ids=["audience", "issuer", "service-url", "no-service-url"])
def test_token_with_wrong_claims_is_rejected(teams: TeamsDriver, claims: dict) -> None:
    conversation = teams.new_conversation()
    body = json.dumps(teams.activity("hello", conversation)).encode()
    request = teams.signed(body, conversation, **claims)
    if claims.get("serviceurl", "") is None:
        token = request.headers["authorization"].split()[1]
        payload = jwt.decode(token, options={"verify_signature": False})
        payload.pop("serviceurl")
        request.headers["authorization"] = "Bearer " + teams.fake.sign_teams_token(payload)
    assert teams.post(request).status_code == 401
    assert teams.replies(conversation) == []


def test_unsigned_algorithm_none_token_is_rejected(teams: TeamsDriver) -> None:
    conversation = teams.new_conversation()
    request = teams.message("hello", conversation)
    claims = jwt.decode(request.headers["authorization"].split()[1], options={"verify_signature": False})
    request.headers["authorization"] = "Bearer " + jwt.encode(claims, key=None, algorithm="none")
    assert teams.post(request).status_code == 401


def test_conversation_update_is_acknowledged_without_a_reply(teams: TeamsDriver, fake: FakePlatform) -> None:
    activity = fixture("teams_conversation_update.json")
    activity["serviceUrl"] = teams.service_url
    calls = len(fake.calls_to("/teams/v3/"))
    assert teams.post(teams.signed(json.dumps(activity).encode())).status_code == 202
    assert len(fake.calls_to("/teams/v3/")) == calls
