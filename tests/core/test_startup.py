"""`tutorbot run` refuses to start with one line and exit status 2, never a hang or a
traceback: every cause is run as operators run it, in a separate process with the health
port open (its thread and the database's kept the process alive before)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.storage.db import Database, DatabaseError
from bot.storage.schema import head
from tests.conftest import BOT_TOKEN, free_port

KNOWLEDGE = PROJECT_ROOT / "knowledge"
NEWEST = int(head())


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    closed = free_port()  # nothing listens: a bot that got as far as Discord would retry
    environ = {**os.environ, "DISCORD_TOKEN": BOT_TOKEN,
               "DISCORD_API_BASE": f"http://127.0.0.1:{closed}/api/v10",
               "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{closed}/gateway",
               "TUTORBOT_HEALTH_PORT": str(free_port()), "TUTORBOT_HEALTH_HOST": "127.0.0.1",
               "TUTORBOT_DATA_DIR": str(tmp_path / "data"),
               "TUTORBOT_INDEX_DIR": str(tmp_path / "index"),
               "TUTORBOT_PREBUILT_INDEX_DIR": str(tmp_path / "no-prebuilt"),
               # This checkout's code, whatever the environment's editable install points at.
               "PYTHONPATH": str(PROJECT_ROOT), **env}
    try:
        return subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=environ,
                              capture_output=True, text=True, timeout=90, cwd=tmp_path)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"`tutorbot run` hung after: {hung.stderr!r}") from None


def refusal(done: subprocess.CompletedProcess) -> str:
    """The one line a refused start prints (log lines before it are fine)."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("tutorbot: ")]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("tutorbot: cannot start: ")
    last = done.stderr.strip().splitlines()[-1]
    assert last == lines[0], done.stderr  # the reason is the last thing said
    return lines[0]


def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def break_glossary(k: Path) -> str:
    with (k / "glossary.yaml").open("a", encoding="utf-8") as f:
        f.write("- [broken\n")
    return "glossary.yaml: not valid YAML at line"


def empty_chapter(k: Path) -> str:
    (k / "ch05.md").write_text("", "utf-8")
    return "ch05.md: no Markdown headings found"


def bad_front_matter(k: Path) -> str:
    (k / "ch05.md").write_text("---\nid: [x\n---\n# Title\n\ntext\n", "utf-8")
    return "ch05.md: front matter: not valid YAML at line 1"


@pytest.mark.parametrize("damage", [break_glossary, empty_chapter, bad_front_matter])
def test_broken_knowledge_is_one_line_and_exit_2(tmp_path, damage):
    knowledge = knowledge_copy(tmp_path)
    expected = damage(knowledge)
    line = refusal(run_bot(tmp_path, TUTORBOT_KNOWLEDGE_DIR=str(knowledge)))
    assert expected in line


def test_a_missing_model_is_one_line_and_exit_2(tmp_path):
    line = refusal(run_bot(tmp_path, TUTORBOT_MODEL=str(tmp_path / "no-such-model")))
    assert "no-such-model" in line and "embedding model" in line


def test_a_corrupt_database_is_one_line_and_exit_2(tmp_path):
    database = tmp_path / "data" / "tutorbot.sqlite3"
    database.parent.mkdir()
    database.write_bytes(b"this is not a database" * 500)
    line = refusal(run_bot(tmp_path))
    assert str(database) in line and "not a usable SQLite database" in line


def newer_database(path: Path) -> None:
    """A database a later release migrated further than this one knows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                           " name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT 0)")
        connection.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                           (NEWEST + 1, f"{NEWEST + 1:04d}_from_the_future"))
    connection.close()


def test_a_database_from_a_newer_release_is_refused_naming_both_versions(tmp_path):
    database = tmp_path / "data" / "tutorbot.sqlite3"
    newer_database(database)
    line = refusal(run_bot(tmp_path))
    assert str(database) in line
    assert f"schema version {NEWEST + 1}" in line and f"up to version {NEWEST}" in line
    with sqlite3.connect(database) as connection:  # and nothing of ours was run on it
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    assert tables == {"schema_migrations"}


def test_a_broken_plans_file_is_refused_before_connecting(tmp_path, tutor):
    knowledge = knowledge_copy(tmp_path)
    plans = knowledge / "plans.yaml"
    text = plans.read_text("utf-8")
    plans.write_text(text.replace("focus:", "fokus:", 1), "utf-8")
    line = refusal(run_bot(tmp_path, TUTORBOT_KNOWLEDGE_DIR=str(knowledge),
                           TUTORBOT_INDEX_DIR=str(tutor.settings.index_dir)))
    assert str(plans) in line and "(plan 3m, week 1)" in line


@pytest.mark.parametrize("make", ["corrupt", "newer"])
def test_a_database_that_cannot_be_used_leaves_no_thread_behind(tmp_path, make):
    path = tmp_path / "tutorbot.sqlite3"
    if make == "corrupt":
        path.write_bytes(b"garbage" * 1000)
    else:
        newer_database(path)
    # Compared by identity, not by count: a thread of an earlier test ending meanwhile
    # would change the count and say nothing about this one.
    before = set(threading.enumerate())
    with pytest.raises(DatabaseError) as caught:
        asyncio.run(Database.open(path))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert set(threading.enumerate()) - before == set()  # aiosqlite's thread was stopped


def test_a_health_port_in_use_is_one_line_naming_the_settings(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = refusal(run_bot(tmp_path, TUTORBOT_HEALTH_PORT=str(port)))
    assert "'health_host'/'health_port'" in line and f"127.0.0.1:{port}" in line
