"""Quiz test fixtures: the chapter and bank, real SQLite or PostgreSQL, a fake clock."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.knowledge.base import KnowledgeBase
from bot.quiz.bank import QuestionBank, load_bank
from bot.quiz.service import QuizService
from bot.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = ROOT / "knowledge"
QUIZ_DIR = KNOWLEDGE_DIR / "quiz"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def bank(kb: KnowledgeBase) -> QuestionBank:
    return load_bank(QUIZ_DIR, kb)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(db_target):
    """The test's database: a SQLite file or a PostgreSQL URL (both backends, via the
    `backend` fixture); Database.open takes either."""
    return db_target


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture
async def open_db(db_path: Path) -> AsyncIterator[Callable[[], Awaitable[Database]]]:
    """Open the test's database file (again, to simulate a restart); all closed at teardown.

    An aiosqlite connection left open keeps a thread alive, so a failing assertion before a
    test's own close() would otherwise hang the test run at exit.
    """
    opened: list[Database] = []

    async def opener() -> Database:
        database = await Database.open(db_path)
        opened.append(database)
        return database

    yield opener
    for database in opened:
        await database.close()


@pytest.fixture
def service(db: Database, bank: QuestionBank, clock: FakeClock) -> QuizService:
    return QuizService.from_bank(db, bank, clock, random.Random(4))
