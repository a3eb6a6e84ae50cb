"""Every user-facing string exists in Japanese and English, and renders in both.

The Discord layer words everything through texts.tr (messages) and i18n.JAPANESE (command
names and descriptions). These tests read the source for every key it uses, so a string
added in English only, or a key that was renamed on one side, fails here."""

from __future__ import annotations

import re
import string

import pytest

from bot.config import PROJECT_ROOT
from bot.discordbot.i18n import JAPANESE
from bot.discordbot.plan_views import MONTH_KEYS
from bot.discordbot.texts import TEXTS, tr

SOURCE = sorted((PROJECT_ROOT / "bot" / "discordbot").rglob("*.py"))
KEY_RE = re.compile(r"\btr\(\s*\"([a-z0-9_-]+)\"")
FAMILY_RE = re.compile(r"\btr\(\s*f\"([a-z0-9_-]+)\{")
T_RE = re.compile(r"\bt\(\s*\"([^\"]+)\"\s*\)")
JAPANESE_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
SAME_IN_JAPANESE = {"plan_where_dm"}  # "DM" is what Japanese Discord calls them too


def source_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SOURCE)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_renders_in_both_languages(key):
    entry = TEXTS[key]
    assert set(entry) == {"ja", "en"}, key
    assert fields(entry["ja"]) == fields(entry["en"]), key
    values = {name: f"<{name}>" for name in fields(entry["en"])}
    japanese, english = tr(key, "ja", **values), tr(key, "en", **values)
    assert japanese.strip() and english.strip()
    # A Japanese text that is the English one copied over is a missing translation,
    # unless it is only symbols and placeholders (e.g. "📝 {note}").
    words = re.sub(r"\{[a-z_]+\}|[^A-Za-z\u3040-\u9fff]", "", entry["ja"])
    assert key in SAME_IN_JAPANESE or not words or JAPANESE_RE.search(words), key


def test_every_key_the_code_uses_exists():
    text = source_text()
    used = set(KEY_RE.findall(text))
    assert used, "the pattern finds nothing: the test would pass vacuously"
    assert sorted(used - set(TEXTS)) == []
    for family in set(FAMILY_RE.findall(text)):  # tr(f"quiz_scope_{scope}", ...)
        assert any(key.startswith(family) for key in TEXTS), family


def test_every_command_name_and_description_has_japanese():
    marked = set(T_RE.findall(source_text()))
    assert len(marked) > 50
    missing = sorted(marked - set(JAPANESE))
    assert missing == []
    assert all(JAPANESE_RE.search(JAPANESE[text]) or (text.isascii() and
               JAPANESE[text] != text) for text in marked)


def test_japanese_texts_name_commands_as_japanese_clients_list_them():
    english_commands = {key: entry["ja"] for key, entry in TEXTS.items()
                        if re.search(r"/[a-z]", entry["ja"])}
    assert english_commands == {}  # e.g. /クイズ ランキング, not /quiz leaderboard


@pytest.mark.parametrize(("key", "twin"), sorted(MONTH_KEYS.items()))
def test_a_monthly_plan_has_a_month_twin_of_each_week_text(key, twin):
    """A monthly plan (issue 16) is worded in months by the Discord layer (issue 14)."""
    assert key in TEXTS and twin in TEXTS
    for language in ("ja", "en"):
        assert fields(TEXTS[key][language]) == fields(TEXTS[twin][language]), (key, language)
    assert "か月" in TEXTS[twin]["ja"] and "month" in TEXTS[twin]["en"].casefold()
