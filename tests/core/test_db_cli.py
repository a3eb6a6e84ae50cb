"""`tutorbot db migrate | status | copy`, on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from bot.cli import main
from bot.storage.db import Database
from tests.core.test_storage_upgrade import BIG, ROWS, build_legacy


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTORBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TUTORBOT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./config.yaml from elsewhere
    return tmp_path


def legacy_with_rows(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_legacy(path)
    with sqlite3.connect(path) as connection:
        for statements in ROWS.values():
            for sql in statements:
                connection.execute(sql)
    connection.close()


def test_migrate_creates_then_says_it_is_current(env, capsys):
    assert main(["db", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "migrated to revision 0009 (applied 0001, 0002, 0003, 0004, 0005, 0006, 0007, " \
           "0008, 0009)" in out
    assert str(env / "data" / "tutorbot.sqlite3") in out
    assert main(["db", "migrate"]) == 0
    assert "already at revision 0009, the newest" in capsys.readouterr().out


def test_status_of_a_legacy_database_then_after_migrate(env, capsys):
    legacy_with_rows(env / "data" / "tutorbot.sqlite3")
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert "schema version 7 from an older release" in out
    assert main(["db", "migrate"]) == 0
    assert "migrated to revision 0009 (applied 0008, 0009)" in capsys.readouterr().out
    assert main(["db", "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["revision"], report["newest"], report["backend"]) == ("0009", "0009",
                                                                         "sqlite")
    assert report["tables"] == {**{t: len(r) for t, r in ROWS.items()}, "rate_buckets": 0}


def test_status_of_a_missing_file_is_one_line_exit_2(env, capsys):
    assert main(["db", "status"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("tutorbot: database ") and "does not exist" in err


def test_status_on_postgresql_hides_the_password(env, capsys, monkeypatch, pg_url):
    monkeypatch.setenv("TUTORBOT_DATABASE_URL", pg_url.replace("tutorbot@", "tutorbot:pw1@"))
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert "(postgresql)" in out and "0009 (the newest)" in out and "pw1" not in out


def test_copy_sqlite_to_postgresql_twice_keeps_every_row_once(env, capsys, pg_url):
    source = env / "data" / "tutorbot.sqlite3"
    legacy_with_rows(source)
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    args = ["db", "copy", "--from", f"sqlite:///{source}", "--to", pg_url]
    for _ in range(2):  # idempotent
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "every table's row count matches" in out
        assert f"{'plan_sends':<22}{2:>10}{2:>10}" in out

    async def compare() -> int:
        lite, pg = await Database.open(source), await Database.open(pg_url)
        try:
            for table in ROWS:
                order = "ORDER BY 1, 2"
                assert (await lite.fetchall(f"SELECT * FROM {table} {order}")
                        == await pg.fetchall(f"SELECT * FROM {table} {order}")), table
            # New rows get ids after the copied ones (the identity was moved on).
            return await pg.insert("INSERT INTO srs_reviews (member_id, question_id, quality,"
                                   " reviewed_at, interval_days, easiness) VALUES (?, ?, ?, ?,"
                                   " ?, ?)", (BIG, "q", 3, "2026", 1.0, 2.5))
        finally:
            await lite.close()
            await pg.close()

    assert asyncio.run(compare()) == 2


def test_copy_refuses_bad_input_in_one_line(env, capsys, pg_url):
    cases = [
        (["--from", "mysql://u:pw9@h/db", "--to", pg_url], "--from"),
        (["--from", f"sqlite:///{env}/missing.sqlite3", "--to", pg_url], "does not exist"),
        (["--from", pg_url, "--to", pg_url], "the same database"),
    ]
    for extra, expected in cases:
        assert main(["db", "copy", *extra]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and expected in err and "pw9" not in err, err
