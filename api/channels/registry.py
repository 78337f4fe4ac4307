"""The platforms, built in one place. Adding one means writing its module and adding it here."""

from __future__ import annotations

from api.channels.base import Channel
from api.channels.generic import GenericChannel
from api.channels.slack import SlackChannel
from api.channels.teams import TeamsChannel
from api.channels.telegram import TelegramChannel
from api.channels.twilio_sms import TwilioChannel
from api.channels.whatsapp import WhatsAppChannel
from assistant.settings import Settings

CHANNELS: dict[str, type[Channel]] = {
    channel.name: channel
    for channel in (SlackChannel, TelegramChannel, TwilioChannel, TeamsChannel, WhatsAppChannel, GenericChannel)
}


def build_channels(settings: Settings) -> dict[str, Channel]:
    """An instance of every platform whose secrets are configured; the others are off."""
    return {name: channel(settings) for name, channel in CHANNELS.items() if channel.configured(settings)}


def any_channel_configured(settings: Settings) -> bool:
    return any(channel.configured(settings) for channel in CHANNELS.values())
