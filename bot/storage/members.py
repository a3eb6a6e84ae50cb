"""What the bot remembers about a member across features: the language of their client."""

from __future__ import annotations

import logging

from bot.storage.db import Database

log = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")


class MemberLanguages:
    """Each member's client language, from their latest interaction.

    Interactions carry the member's locale; messages and DMs the bot sends on a schedule do
    not, so a mention or a weekly reminder looks the language up here. Reads are served
    from memory after the first; a write happens only when the language changes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._known: dict[int, str | None] = {}

    async def remember(self, member_id: int, language: str) -> None:
        if language not in LANGUAGES or self._known.get(member_id) == language:
            return
        await self.db.execute(
            "INSERT INTO member_languages (member_id, language) VALUES (?, ?)"
            " ON CONFLICT(member_id) DO UPDATE SET language = excluded.language,"
            " updated_at = CURRENT_TIMESTAMP", (member_id, language))
        self._known[member_id] = language

    async def get(self, member_id: int) -> str | None:
        """The member's language, or None for a member who never used a command."""
        if member_id not in self._known:
            row = await self.db.fetchone(
                "SELECT language FROM member_languages WHERE member_id = ?", (member_id,))
            self._known[member_id] = row["language"] if row else None
        return self._known[member_id]
