"""A lost gateway connection that discord.py retries is a WARNING with the delay, not an ERROR
with a traceback on every attempt (operators page on ERROR)."""

from __future__ import annotations

import json
import logging

import aiohttp

from bot.logging_setup import setup_logging


def test_a_gateway_reconnect_attempt_is_one_warning_line(capsys):
    setup_logging("INFO", json_lines=True)
    try:
        raise aiohttp.ClientConnectionError("Cannot connect to host gateway.discord.gg:443")
    except aiohttp.ClientError:
        # What discord.Client.connect logs before each reconnect attempt (discord.py 2.7).
        logging.getLogger("discord.client").exception("Attempting a reconnect in %.2fs", 4.25)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["level"] == "WARNING" and "exception" not in record
    assert record["message"] == ("gateway connection lost (ClientConnectionError: Cannot connect "
                                 "to host gateway.discord.gg:443); reconnecting in 4.2 s")
