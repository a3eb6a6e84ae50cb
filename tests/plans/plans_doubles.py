"""Shared helpers for the plan tests."""

from __future__ import annotations

from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
