"""What the tutor keeps about a member, and /forget-me and /tutor purge deleting it."""

from __future__ import annotations

import pytest

from bot.storage.members import HASHED_ROWS, MEMBER_ROWS

pytestmark = pytest.mark.e2e


async def rows_about(bot, member_id: int) -> dict[str, int]:
    """Rows in every table that holds a member's id or hash, and their plans."""
    counts = {}
    user_hash = await bot.answers.user_hash(member_id)
    for table, column in (*MEMBER_ROWS, *HASHED_ROWS):
        key = user_hash if column == "user_hash" else member_id
        row = await bot.db.fetchone(f"SELECT COUNT(*) AS n FROM {table} WHERE {column} = ?",
                                    (key,))
        counts[table] = row["n"]
    row = await bot.db.fetchone("SELECT COUNT(*) AS n FROM plan_subscriptions WHERE member_id = ?"
                                " OR (target_kind = 'dm' AND target_id = ?)",
                                (member_id, member_id))
    counts["plan_subscriptions"] = row["n"]
    return {table: n for table, n in counts.items() if n}


async def leave_traces(fake, user) -> None:
    """What a member does in a first week: ask, start a DM plan, set a time zone."""
    await fake.slash(user, "ask", {"question": "Netflixの推薦システムの精度は?"}, timeout=20)
    started = await fake.slash(user, "plan start", {"plan": "3m"}, timeout=20)
    await fake.wait_until(lambda: started.callback is not None, timeout=20)
    await fake.slash(user, "timezone set", {"zone": "Europe/Paris"}, timeout=20)


async def test_forget_me_deletes_what_is_kept_about_the_member_only(fake, start_bot):
    carol = fake.user("carol")
    async with start_bot() as bot:
        await leave_traces(fake, fake.student)
        await leave_traces(fake, carol)
        kept = await rows_about(bot, fake.student.id)
        assert {"answers", "plan_member_settings", "plan_subscriptions"} <= set(kept)

        reply = await fake.slash(fake.student, "forget-me", {}, timeout=20)
        await fake.wait_until(lambda: reply.followups, what="the forget-me reply")
        text = reply.followups[0]["content"]
        assert reply.ephemeral and "Deleted what the tutor kept about you" in text
        assert await rows_about(bot, fake.student.id) == {}
        assert await rows_about(bot, carol.id) != {}  # nobody else's data went with it

        status = await fake.slash(fake.student, "plan status", timeout=20)
        await fake.wait_until(lambda: status.callback is not None or status.followups)
        assert "3-month" not in str(status.callback_data) + str(status.followups)


async def test_a_moderator_purges_a_member_and_a_member_cannot(fake, start_bot):
    carol = fake.user("carol")
    async with start_bot() as bot:
        await leave_traces(fake, carol)
        refused = await fake.slash(fake.student, "tutor purge", {"member": carol}, timeout=20)
        await fake.wait_until(lambda: refused.callback is not None or refused.followups)
        assert await rows_about(bot, carol.id) != {}

        purged = await fake.slash(fake.moderator, "tutor purge", {"member": carol}, timeout=20)
        await fake.wait_until(lambda: purged.followups, what="the purge reply")
        assert "Deleted what the tutor kept about" in purged.followups[0]["content"]
        assert await rows_about(bot, carol.id) == {}
