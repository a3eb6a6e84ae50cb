"""Shared fixtures: real knowledge, a real index built once per test session, real model."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings, load_settings
from tests.pgserver import (  # free_port: the e2e and startup tests import it from here
    MissingPostgres,
    PostgresServer,
    free_port,  # noqa: F401
)

# Copies of the chapter text and the dev question sets kept beside the project on our
# machines, so a clone with nothing beside it passes its tests.
TEST_DATA = PROJECT_ROOT / "tests" / "data"
SEED_FILE = TEST_DATA / "source" / "ch04_source.txt"
DEV_SET = TEST_DATA / "retrieval_dev.yaml"
LEARNER_DEV_SET = TEST_DATA / "retrieval_learner_dev.yaml"
# Shaped like a real token, so a test can see that token-shaped text never reaches a log.
BOT_TOKEN = "MTAxMDEwMTAxMDEwMTAxMDEw.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def get_json(url: str) -> tuple[int, dict]:
    """GET a JSON endpoint (the health server's): its status and body, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def make_settings(tmp: Path, **changes) -> Settings:
    base = load_settings(environ={})
    return dataclasses.replace(base, index_dir=tmp / "index", prebuilt_index_dir=tmp / "index",
                               data_dir=tmp / "data", **changes)


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("tutor"))


@pytest.fixture(scope="session")
def tutor(session_settings):
    from bot.tutor import Tutor

    tutor = Tutor.open(session_settings)
    tutor.load_dense_in_background().join()
    yield tutor
    tutor.close()


@pytest.fixture(scope="session")
def lexical_tutor(tutor):
    """The same index and knowledge, answering as the bot does before the model loads."""
    from bot.retrieval.embedder import Embedder
    from bot.retrieval.search import Retriever
    from bot.tutor import Tutor

    embedder = Embedder(tutor.settings)  # never loaded
    retriever = Retriever(tutor.retriever.index, tutor.knowledge.glossary, tutor.settings,
                          embedder, tutor.knowledge.intents, tutor.knowledge.references)
    return Tutor(tutor.settings, tutor.knowledge, embedder, retriever)


@pytest.fixture(scope="session")
def knowledge(session_settings):
    from bot.knowledge.base import KnowledgeBase

    return KnowledgeBase.load(session_settings.knowledge_dir)


@pytest.fixture()
async def fake():
    """A local fake Discord on 127.0.0.1 that the real discord.py client logs in to."""
    from tests.fakediscord import FakeDiscord

    async with FakeDiscord() as server:
        yield server


# --- databases: a real SQLite file, or a database on a real PostgreSQL server -------------

@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session (tests/pgserver.py); missing binaries fail the
    tests that need it, in one line, never skip them."""
    try:
        server = PostgresServer()
    except MissingPostgres as exc:
        pytest.fail(str(exc), pytrace=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(postgres) -> str:
    """A database migrated to the newest revision, copied for each test (much faster than
    migrating each one)."""
    from bot.storage.db import Database

    url = postgres.new_database()

    async def migrate() -> None:
        await (await Database.open(url)).close()

    asyncio.run(migrate())
    return url.rsplit("/", 1)[1]


@pytest.fixture
def pg_url(postgres, pg_template) -> str:
    """A fresh, migrated database of its own for the test."""
    return postgres.new_database(pg_template)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """Storage tests run on both backends; a test that needs one names it with
    @pytest.mark.parametrize("backend", ["sqlite"])."""
    return request.param


@pytest.fixture
def db_target(backend, tmp_path, request) -> Path | str:
    """Where the test's database lives: a SQLite file (a Path) or a PostgreSQL URL (a
    str); Database.open takes either, so a test can reopen it to simulate a restart."""
    if backend == "sqlite":
        return tmp_path / "tutorbot.sqlite3"
    return request.getfixturevalue("pg_url")
