"""A database written by the last release before Alembic upgrades in place, nothing lost.

The database is built the way that release built it (tests/data/schema_0007: each SQL file
in a transaction, recorded in schema_migrations), with rows in every table; the new
storage layer opens it, stamps the matching Alembic revision, upgrades, and every row
reads back the same.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import schema
from bot.storage.db import Database, DatabaseError

LEGACY = Path(__file__).resolve().parents[1] / "data" / "schema_0007"
BIG = 1_234_567_890_123_456_789  # a Discord snowflake: needs 64 bits

# One row (or two) for every table of schema version 7, ids given so they can be compared.
ROWS = {
    "feedback": [
        "INSERT INTO feedback (id, created_at, guild_id, user_hash, question, passage_ids, "
        f"rating, answer_id) VALUES (1, '2026-01-02 03:04:05', {BIG}, 'h1', 'what?', '[\"c1\"]',"
        " 1, 1)"],
    "guild_settings": [
        "INSERT INTO guild_settings (guild_id, answer_channels, use_threads, ask_per_minute, "
        f"moderator_role_id, quiz_master_role_id, timezone, updated_at) VALUES ({BIG}, "
        f"'[{BIG}]', 0, 7, {BIG + 1}, {BIG + 2}, 'Asia/Tokyo', '2026-01-02 03:04:05')"],
    "quiz_sessions": [
        "INSERT INTO quiz_sessions (id, guild_id, channel_id, started_by, mode, topic, status, "
        f"state, created_at, updated_at, ended_at) VALUES (1, {BIG}, {BIG + 3}, {BIG + 4}, "
        "'button', 'x', 'finished', '{\"a\": 1}', '2026-01-02T03:04:05.000000+00:00', "
        "'2026-01-02T03:04:06.000000+00:00', '2026-01-02T03:04:07.000000+00:00')"],
    "quiz_answers": [
        "INSERT INTO quiz_answers VALUES (1, 0, 42, 1, 2, 'q1', 'topic', 'button', 'A', 1, 3, "
        "'2026-01-02T03:04:05.000000+00:00', '2026-01-02T03:04:06.000000+00:00')"],
    "srs_items": [
        "INSERT INTO srs_items VALUES (42, 'q1', 2.36, 2, 6.5, '2026-01-09T00:00:00.000000+00:00',"
        " '2026-01-02T00:00:00.000000+00:00', 1, 'missed', '2026-01-01T00:00:00.000000+00:00')"],
    "srs_reviews": [
        "INSERT INTO srs_reviews VALUES (1, 42, 'q1', 4, '2026-01-02T00:00:00.000000+00:00', "
        "6.5, 2.36)"],
    "exercise_answers": [
        "INSERT INTO exercise_answers VALUES (1, 42, 'ex1', 1, 'my answer: ユニコード', 'ja', "
        "'[\"k1\"]', '[\"k2\"]', '2026-01-02T00:00:00.000000+00:00')"],
    "exercise_hints": [
        "INSERT INTO exercise_hints VALUES (42, 1, 2, '2026-01-02T00:00:00.000000+00:00')"],
    "plan_member_settings": [
        "INSERT INTO plan_member_settings VALUES (42, 'Europe/Paris', "
        "'2026-01-02T00:00:00.000000+00:00')"],
    "plan_subscriptions": [
        "INSERT INTO plan_subscriptions (id, guild_id, member_id, plan, target_kind, target_id,"
        " timezone, timezone_source, weekday, local_time, start_date, anchor_week, anchor_date,"
        " next_week, status, paused_reason, created_at, updated_at, cadence) VALUES (1, NULL, "
        f"{BIG}, '3m', 'dm', {BIG}, 'Asia/Tokyo', 'explicit', 0, '09:30', '2026-01-05', 1, "
        "'2026-01-05', 2, 'active', NULL, '2026-01-01T00:00:00.000000+00:00', "
        "'2026-01-01T00:00:00.000000+00:00', 'monthly')"],
    "plan_sends": [
        "INSERT INTO plan_sends (id, subscription_id, key, kind, week, last_week, member_id, "
        "target_kind, target_id, due_at, run_at, state, attempts, retries, first_attempt_at, "
        f"last_error, message_id, sent_at, created_at, attempt_at) VALUES (1, 1, 'p1w1', 'week',"
        f" 1, 1, NULL, 'dm', {BIG}, '2026-01-05T00:30:00.000000+00:00', "
        "'2026-01-05T00:30:00.000000+00:00', 'sent', 1, 0, '2026-01-05T00:30:00.000000+00:00',"
        f" NULL, {BIG + 5}, '2026-01-05T00:30:01.000000+00:00', "
        "'2026-01-01T00:00:00.000000+00:00', '2026-01-05T00:30:00.000000+00:00')",
        "INSERT INTO plan_sends (id, subscription_id, key, kind, week, last_week, member_id, "
        "target_kind, target_id, due_at, run_at, state, created_at) VALUES (2, 1, 'p1w2', "
        f"'week', 2, 2, NULL, 'dm', {BIG}, '2026-01-12T00:30:00.000000+00:00', "
        "'2026-01-12T00:30:00.000000+00:00', 'pending', '2026-01-05T00:30:01.000000+00:00')"],
    "plan_progress": [
        "INSERT INTO plan_progress VALUES (1, 1, 0, 42, '2026-01-06T00:00:00.000000+00:00')"],
    "plan_checkins": [
        "INSERT INTO plan_checkins VALUES (1, 1, 42, 'read chapter 4', "
        "'2026-01-06T00:00:00.000000+00:00', '2026-01-06T00:00:00.000000+00:00')"],
    "answers": [
        "INSERT INTO answers VALUES (1, '2026-01-02 03:04:05', 1, 2, 'h1', 'what?', '', 'en', "
        "'answered', '[\"c1\"]')"],
    "bot_threads": [f"INSERT INTO bot_threads VALUES ({BIG}, 1, 2, '2026-01-02 03:04:05')"],
    "thread_turns": [
        f"INSERT INTO thread_turns VALUES (1, {BIG}, 'and then?', '2026-01-02 03:04:05')"],
    "command_sync": ["INSERT INTO command_sync VALUES ('global', 'abc', '2026-01-02 03:04:05')"],
    "meta": ["INSERT INTO meta VALUES ('user_salt', 'salt:with:colons')"],
    "member_languages": ["INSERT INTO member_languages VALUES (42, 'ja', '2026-01-02 03:04:05')"],
}


def build_legacy(path: Path, upto: int = 7) -> None:
    """What the last release before Alembic did at open, migration by migration."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                       "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT "
                       "NULL DEFAULT CURRENT_TIMESTAMP)")
    for file in sorted(LEGACY.glob("*.sql"))[:upto]:
        version, name = int(file.name[:4]), file.stem
        connection.executescript(f"BEGIN;\n{file.read_text('utf-8')}\nINSERT INTO "
                                 f"schema_migrations (version, name) VALUES ({version}, "
                                 f"'{name}');\nCOMMIT;")
    connection.close()


def snapshot(path: Path) -> dict[str, list[dict]]:
    """Every row of the old tables, as column -> value."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return {table: [dict(r) for r in connection.execute(
            f"SELECT * FROM {table} ORDER BY 1, 2")] for table in ROWS}
    finally:
        connection.close()


def same_rows(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> None:
    """Every old column of every row unchanged; columns added since are empty."""
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, table
            assert all(new[k] is None for k in set(new) - set(old)), table


def test_the_legacy_files_are_the_packaged_ones():
    """Revisions 0001-0007 run the SQL the old release ran (so the schemas are the same)."""
    packaged = {name: sql for _, name, sql in schema.available_migrations()}
    legacy = {f.stem: f.read_text("utf-8") for f in LEGACY.glob("*.sql")}
    assert packaged == legacy


async def test_a_database_from_the_last_release_upgrades_in_place_with_every_row(tmp_path):
    path = tmp_path / "tutorbot.sqlite3"
    build_legacy(path)
    connection = sqlite3.connect(path)
    tables = {r[0] for r in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables -= {"schema_migrations", "sqlite_sequence"}
    assert tables == set(ROWS)  # every table of the old schema gets rows below
    with connection:
        for statements in ROWS.values():
            for sql in statements:
                connection.execute(sql)
    connection.close()
    before = snapshot(path)
    assert all(before.values())

    db = await Database.open(path)
    try:
        state = await schema.status(db)
        assert (state.current, state.legacy_version, state.up_to_date) == ("0009", 7, True)
        assert state.tables == {**{t: len(r) for t, r in ROWS.items()}, "rate_buckets": 0}
        row = await db.fetchone("SELECT target_id, message_id FROM plan_sends WHERE id = 1")
        assert (row["target_id"], row["message_id"]) == (BIG, BIG + 5)
        # Still a working database: the new layer writes to it.
        await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("after", "1"))
        assert (await db.execute("DELETE FROM meta WHERE key = ?", ("after",))).rowcount == 1
    finally:
        await db.close()
    after = snapshot(path)
    same_rows(before, after)
    assert set(after["plan_sends"][0]) - set(before["plan_sends"][0]) == {
        "lease_owner", "lease_until"}  # 0008 (and 0009) ran on top
    # And a second open is a no-op.
    db = await Database.open(path)
    await db.close()
    assert snapshot(path) == after


async def test_a_database_at_an_older_legacy_version_is_stamped_there_and_upgraded(tmp_path):
    path = tmp_path / "tutorbot.sqlite3"
    build_legacy(path, upto=5)
    connection = sqlite3.connect(path)
    with connection:
        for table in ("plan_subscriptions", "plan_sends", "feedback"):
            for sql in ROWS[table]:
                # Columns that arrive in 0006/0007 are not there yet.
                sql = sql.replace(", answer_id)", ")").replace(", 1, 1)", ", 1)")
                sql = sql.replace(", attempt_at)", ")").replace(
                    ", '2026-01-05T00:30:00.000000+00:00')", ")", 1) if "p1w1" in sql else sql
                connection.execute(sql)
    connection.close()
    db = await Database.open(path)
    try:
        assert (await schema.status(db)).current == "0009"
        rows = await db.fetchall("SELECT id, attempt_at, first_attempt_at FROM plan_sends"
                                 " ORDER BY id")
        # 0007's data step ran: no attempt_at for a sent row, none for a never-tried one.
        assert [(r["id"], r["attempt_at"]) for r in rows] == [(1, None), (2, None)]
        assert (await db.fetchone("SELECT answer_id FROM feedback"))["answer_id"] is None
    finally:
        await db.close()


async def test_an_unknown_alembic_revision_is_refused_in_one_line(tmp_path):
    path = tmp_path / "tutorbot.sqlite3"
    db = await Database.open(path)
    await db.execute("UPDATE alembic_version SET version_num = '0042'")
    await db.close()
    with pytest.raises(DatabaseError) as caught:
        await Database.open(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert "schema version 42" in message and "up to version 9" in message


async def test_a_failing_upgrade_leaves_nothing_half_done(tmp_path):
    """0006 fails part way (its second statement adds a column that already exists): the
    stamp and 0006's first statement (a new table) are rolled back together with it; the
    database is as it was."""
    path = tmp_path / "tutorbot.sqlite3"
    build_legacy(path, upto=5)
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE feedback ADD COLUMN answer_id INTEGER")
    connection.close()
    before = sqlite3.connect(path)
    schema_before = before.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    before.close()
    with pytest.raises(DatabaseError) as caught:
        await Database.open(path)
    assert "\n" not in str(caught.value) and "answer_id" in str(caught.value)
    after = sqlite3.connect(path)
    assert after.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == \
        schema_before  # no alembic_version, no member_languages, nothing of 0007
    after.close()
