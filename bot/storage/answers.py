"""What the /ask feature keeps: answers, feedback, the bot's threads and guild settings."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field

from bot.storage.db import Database, sql_now

log = logging.getLogger(__name__)

MAX_CONTEXT_TURNS = 3


@dataclass
class StoredAnswer:
    answer_id: int
    guild_id: int | None
    question: str
    context: str
    language: str
    status: str
    passage_ids: list[str]


@dataclass
class GuildSettings:
    guild_id: int
    answer_channels: list[int] = field(default_factory=list)
    use_threads: bool = True
    ask_per_minute: int | None = None
    moderator_role_id: int | None = None
    quiz_master_role_id: int | None = None
    timezone: str | None = None


class AnswerStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._salt: str | None = None

    async def user_hash(self, user_id: int) -> str:
        """A salted hash: feedback is linked to a person only through this installation."""
        if self._salt is None:
            self._salt = await self._installation_salt()
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()[:32]

    async def _installation_salt(self) -> str:
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = 'user_salt'")
        if row:
            return row["value"]
        salt = secrets.token_hex(16)
        await self.db.execute("INSERT INTO meta (key, value) VALUES ('user_salt', ?)"
                              " ON CONFLICT DO NOTHING", (salt,))
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = 'user_salt'")
        return row["value"]

    async def record_answer(self, *, guild_id: int | None, channel_id: int | None, user_id: int,
                            question: str, context: str, language: str, status: str,
                            passage_ids: list[str]) -> int:
        return await self.db.insert(
            "INSERT INTO answers (guild_id, channel_id, user_hash, question, context, language,"
            " status, passage_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, await self.user_hash(user_id), question, context, language,
             status, json.dumps(passage_ids)),
        )

    async def get_answer(self, answer_id: int) -> StoredAnswer | None:
        row = await self.db.fetchone("SELECT * FROM answers WHERE id = ?", (answer_id,))
        if row is None:
            return None
        return StoredAnswer(row["id"], row["guild_id"], row["question"], row["context"],
                            row["language"], row["status"], json.loads(row["passage_ids"]))

    async def record_feedback(self, answer: StoredAnswer, user_id: int, rating: int) -> None:
        """The member's vote on the answer; a later vote replaces their earlier one."""
        await self.db.execute(
            "INSERT INTO feedback (answer_id, guild_id, user_hash, question, passage_ids, rating)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (answer_id, user_hash) WHERE answer_id IS NOT NULL"
            " DO UPDATE SET rating = excluded.rating, created_at = ?",
            (answer.answer_id, answer.guild_id, await self.user_hash(user_id), answer.question,
             json.dumps(answer.passage_ids), rating, sql_now()),
        )

    async def register_thread(self, thread_id: int, guild_id: int | None,
                              parent_channel_id: int | None) -> None:
        await self.db.execute(
            "INSERT INTO bot_threads (thread_id, guild_id, parent_channel_id)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (thread_id, guild_id, parent_channel_id))

    async def is_bot_thread(self, thread_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM bot_threads WHERE thread_id = ?",
                                     (thread_id,))
        return row is not None

    async def add_turn(self, thread_id: int, question: str) -> None:
        await self.db.execute("INSERT INTO thread_turns (thread_id, question) VALUES (?, ?)",
                              (thread_id, question))

    async def recent_turns(self, thread_id: int, limit: int = MAX_CONTEXT_TURNS) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT question FROM thread_turns WHERE thread_id = ? ORDER BY id DESC LIMIT ?",
            (thread_id, limit))
        return [row["question"] for row in reversed(rows)]


class GuildSettingsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?",
                                     (guild_id,))
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(
            guild_id=guild_id,
            answer_channels=json.loads(row["answer_channels"]),
            use_threads=bool(row["use_threads"]),
            ask_per_minute=row["ask_per_minute"],
            moderator_role_id=row["moderator_role_id"],
            quiz_master_role_id=row["quiz_master_role_id"],
            timezone=row["timezone"],
        )

    async def save(self, settings: GuildSettings) -> None:
        await self.db.execute(
            "INSERT INTO guild_settings (guild_id, answer_channels, use_threads, ask_per_minute,"
            " moderator_role_id, quiz_master_role_id, timezone, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET answer_channels = excluded.answer_channels,"
            " use_threads = excluded.use_threads, ask_per_minute = excluded.ask_per_minute,"
            " moderator_role_id = excluded.moderator_role_id,"
            " quiz_master_role_id = excluded.quiz_master_role_id,"
            " timezone = excluded.timezone, updated_at = excluded.updated_at",
            (settings.guild_id, json.dumps(settings.answer_channels), int(settings.use_threads),
             settings.ask_per_minute, settings.moderator_role_id, settings.quiz_master_role_id,
             settings.timezone, sql_now()),
        )
