"""Fixtures for the plan tests: the real knowledge and plans.yaml."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.plans.library import load_library

sys.path.insert(0, str(Path(__file__).parent))  # plans_doubles, whatever the import mode

from plans_doubles import KNOWLEDGE


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(KNOWLEDGE)


@pytest.fixture(scope="session")
def library():
    return load_library(KNOWLEDGE / "plans.yaml")
