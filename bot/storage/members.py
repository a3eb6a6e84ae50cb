"""Everything the bot keeps about a member, in one list, and forgetting it; and what it
remembers across features: the language of their client.

Forgetting is used by `/tutor forget-me` (a member about themself) and `/tutor purge` (a
moderator about a member). The README's privacy section is written from MEMBER_ROWS; keep
them together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.quiz.session import QuizSession
from bot.storage.db import Database, sql_now

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
            "INSERT INTO member_languages (member_id, language, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(member_id) DO UPDATE SET language = excluded.language,"
            " updated_at = excluded.updated_at", (member_id, language, sql_now()))
        self._known[member_id] = language

    def forget(self, member_id: int) -> None:
        """Drop the remembered language from memory (forget_member deletes the row)."""
        self._known.pop(member_id, None)

    async def get(self, member_id: int) -> str | None:
        """The member's language, or None for a member who never used a command."""
        if member_id not in self._known:
            row = await self.db.fetchone(
                "SELECT language FROM member_languages WHERE member_id = ?", (member_id,))
            self._known[member_id] = row["language"] if row else None
        return self._known[member_id]


# Who started a channel plan or a quiz once the starter is forgotten: the plan keeps
# running for the channel (moderators still manage it), the quiz's history keeps its rounds.
FORGOTTEN = 0

# (table, column holding the Discord user id): rows about one member, deleted whole.
MEMBER_ROWS = (
    ("quiz_answers", "member_id"),        # each quiz answer: response, correct, points, times
    ("srs_items", "member_id"),           # spaced-repetition state per question
    ("srs_reviews", "member_id"),         # each practice review
    ("exercise_answers", "member_id"),    # free-text exercise answers and their checklist
    ("exercise_hints", "member_id"),      # hints revealed per exercise
    ("plan_member_settings", "member_id"),  # the member's time zone
    ("plan_progress", "member_id"),       # tasks ticked on a plan reminder
    ("plan_sends", "member_id"),          # snoozed reminders to the member's DMs
    ("plan_checkins", "member_id"),       # the one-line weekly check-ins (study log)
    ("member_languages", "member_id"),    # the client language of their latest command
)
# Linked only through the installation's salted hash of the user id (bot.storage.answers).
HASHED_ROWS = (("answers", "user_hash"), ("feedback", "user_hash"))


@dataclass
class Forgotten:
    rows_deleted: int
    plans_stopped: int
    quizzes_scrubbed: int


async def forget_member(db: Database, member_id: int, user_hash: str) -> Forgotten:
    """Delete what is kept about the member; what others share with them is kept without
    them (a channel plan they started, a quiz they played in). A quiz running right now
    is left alone and keeps their answers until it ends."""
    deleted = 0
    plans = await _delete_dm_plans(db, member_id)
    for table, column in MEMBER_ROWS:
        deleted += await _delete(db, f"DELETE FROM {table} WHERE {column} = ?", member_id)
    for table, column in HASHED_ROWS:
        deleted += await _delete(db, f"DELETE FROM {table} WHERE {column} = ?", user_hash)
    await db.execute("UPDATE plan_subscriptions SET member_id = ? WHERE member_id = ?",
                     (FORGOTTEN, member_id))
    quizzes = await _scrub_ended_quizzes(db, member_id)
    return Forgotten(deleted + plans, plans, quizzes)


async def _delete(db: Database, sql: str, key: int | str) -> int:
    return (await db.execute(sql, (key,))).rowcount


async def _delete_dm_plans(db: Database, member_id: int) -> int:
    """Plans to the member's DMs; their sends and progress go with them (ON DELETE CASCADE)."""
    return await _delete(db, "DELETE FROM plan_subscriptions WHERE target_kind = 'dm' AND "
                             "target_id = ?", member_id)


async def _scrub_ended_quizzes(db: Database, member_id: int) -> int:
    rows = await db.fetchall("SELECT id, state FROM quiz_sessions WHERE status != 'active'")
    scrubbed = 0
    for row in rows:
        session = QuizSession.from_json(row["state"])
        if not forget_in_session(session, member_id):
            continue
        await db.execute("UPDATE quiz_sessions SET state = ?, started_by = ? WHERE id = ?",
                         (session.to_json(), session.started_by, row["id"]))
        scrubbed += 1
    return scrubbed


def forget_in_session(session: QuizSession, member_id: int) -> bool:
    """Remove the member from a saved session; True if they were in it."""
    found = session.started_by == member_id or member_id in session.scores
    session.scores.pop(member_id, None)
    if session.started_by == member_id:
        session.started_by = FORGOTTEN
    if session.round is not None:
        found = found or member_id in session.round.buttons
        session.round.buttons.pop(member_id, None)
        typed = [a for a in session.round.typed if a.member_id != member_id]
        found = found or len(typed) != len(session.round.typed)
        session.round.typed = typed
    return found
