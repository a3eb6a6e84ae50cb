"""The README's commands are the ones CI runs, so a missing install step fails CI."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:sh|bash)\n(.+?)\n```", quick_start, re.DOTALL)


def test_readme_gives_three_commands():
    commands = readme_commands()
    assert len(commands) == 3
    assert "tutorbot ask" in commands[1]


def test_ci_runs_the_readme_setup_and_test_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup, _, tests = readme_commands()
    assert setup in ci
    assert tests in ci
