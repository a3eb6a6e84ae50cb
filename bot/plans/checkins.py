"""Weekly check-ins: one line a member writes about their week, kept as their study log.

A reminder carries a "check in" button; the answer is stored here (migration 0005), one per
member per plan week, so writing again the same week replaces it, and nothing is lost on a
restart. `/plan status` shows the latest entries as the member's study log, and the next
reminder of that week shows what they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.plans.store import from_db, to_db
from bot.storage.db import Database

MAX_CHECKIN = 200


@dataclass(frozen=True)
class CheckIn:
    subscription_id: int
    week: int
    member_id: int
    text: str
    created_at: datetime
    updated_at: datetime


def clean_checkin(text: str) -> str:
    """One line, no longer than MAX_CHECKIN: line breaks become spaces, runs of spaces one."""
    return " ".join(text.split())[:MAX_CHECKIN]


class CheckinStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, subscription_id: int, week: int, member_id: int, text: str,
                   now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO plan_checkins (subscription_id, week, member_id, text, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subscription_id, week,"
            " member_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            (subscription_id, week, member_id, text, to_db(now), to_db(now)))

    async def get(self, subscription_id: int, week: int, member_id: int) -> CheckIn | None:
        row = await self.db.fetchone(
            "SELECT * FROM plan_checkins WHERE subscription_id = ? AND week = ? AND "
            "member_id = ?", (subscription_id, week, member_id))
        return _checkin(row) if row is not None else None

    async def log(self, subscription_id: int, member_id: int, limit: int = 10) -> list[CheckIn]:
        """The member's latest check-ins on one plan, newest week first."""
        rows = await self.db.fetchall(
            "SELECT * FROM plan_checkins WHERE subscription_id = ? AND member_id = ? "
            "ORDER BY week DESC LIMIT ?", (subscription_id, member_id, limit))
        return [_checkin(r) for r in rows]


def _checkin(row) -> CheckIn:
    return CheckIn(row["subscription_id"], row["week"], row["member_id"], row["text"],
                   from_db(row["created_at"]), from_db(row["updated_at"]))
