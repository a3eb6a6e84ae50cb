"""Shared fixtures: real knowledge, a real index built once per test session, real model."""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings, load_settings

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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
