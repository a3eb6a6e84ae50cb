"""Plan test fixtures: real knowledge, real SQLite on tmp_path or PostgreSQL, a fake clock."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.knowledge.base import KnowledgeBase
from bot.plans.dispatcher import Dispatcher
from bot.plans.library import load_library
from bot.plans.service import PlanService
from bot.storage.db import Database

sys.path.insert(0, str(Path(__file__).parent))  # plans_doubles, whatever the import mode

from plans_doubles import KNOWLEDGE, START, FakeTransport, make_dispatcher


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(KNOWLEDGE)


@pytest.fixture(scope="session")
def library():
    return load_library(KNOWLEDGE / "plans.yaml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def db_path(db_target):
    """The test's database: a SQLite file or a PostgreSQL URL (both backends, via the
    `backend` fixture); Database.open takes either."""
    return db_target


@pytest.fixture
async def db(db_path):
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture
def transport(clock) -> FakeTransport:
    return FakeTransport(clock)


@pytest.fixture
def service(db, library, clock) -> PlanService:
    return PlanService(db, library, clock, default_timezone="Asia/Tokyo")


@pytest.fixture
def dispatcher(service, transport, clock) -> Dispatcher:
    return make_dispatcher(service, transport, clock)
