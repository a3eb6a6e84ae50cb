"""End-to-end fixtures: the real TutorBot against the local fake Discord."""

from __future__ import annotations

import dataclasses
from contextlib import asynccontextmanager

import pytest

from bot.discordbot.client import TutorBot, point_discord_at
from bot.discordbot.limits import payload_problems
from tests.fakediscord import running_bot


@pytest.fixture()
def bot_settings(tutor, tmp_path, fake):
    return dataclasses.replace(tutor.settings, data_dir=tmp_path / "data",
                               api_base=fake.api_base, gateway_url=fake.gateway_url)


@pytest.fixture()
def start_bot(tutor, bot_settings, fake):
    """Start a TutorBot (sharing the session's loaded tutor) and stop it afterwards."""

    @asynccontextmanager
    async def starter(**changes):
        settings = dataclasses.replace(bot_settings, **changes)
        point_discord_at(settings)
        bot = TutorBot(settings, tutor=tutor, guild_ready_timeout=0.1)
        async with running_bot(bot, fake):
            yield bot
        assert not fake.crashes
        assert not fake.unknown_requests, fake.unknown_requests
        assert_never_pings(fake)

    return starter


def bot_payloads(fake) -> list[dict]:
    """Every message body the bot sent: messages, callbacks, followups and edits."""
    bodies = []
    for request in fake.requests(method=None):
        body = request.json
        if request.method in ("POST", "PATCH") and isinstance(body, dict):
            bodies.append(body.get("data", body) if "type" in body else body)
    return bodies


def assert_never_pings(fake) -> None:
    """Every message the bot wrote carries allowed_mentions with nothing to parse."""
    for body in bot_payloads(fake):
        if body.get("content") or body.get("embeds"):
            mentions = body.get("allowed_mentions")
            assert mentions is not None and mentions.get("parse") == [], body
            assert not mentions.get("users") and not mentions.get("roles"), body


def assert_within_limits(fake) -> None:
    for body in bot_payloads(fake):
        assert payload_problems(body) == [], body
