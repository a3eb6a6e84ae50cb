"""`tutorbot run` with DISCORD_TOKEN_FILE that cannot be used: one line naming the file, exit 2.

Compose mounts secrets root-owned with mode 0600 by default, so a bot running as another
user cannot read them; the operator must learn that from one line, not a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

NOBODY = 65534
# Root reads any file; without these two capabilities it reads only what its mode allows.
WITHOUT_ROOTS_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                          "--inh-caps=-dac_override,-dac_read_search", "--"]


def run_with_token_file(path: Path, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DISCORD_TOKEN_FILE"] = str(path)
    return subprocess.run([*prefix, sys.executable, "-m", "bot.cli", "run"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def assert_one_line_naming(done: subprocess.CompletedProcess, path: Path, problem: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(path) in lines[0] and problem in lines[0]
    assert "Traceback" not in done.stderr


def test_a_secret_the_bot_may_not_read_is_named(tmp_path):
    secret = tmp_path / "discord_token"
    secret.write_text("MTAx.secret.value\n")
    secret.chmod(0o600)
    if os.geteuid() == 0:
        # As Compose mounts it: 0600 and owned by a user other than the bot's.
        if not shutil.which("setpriv"):
            pytest.skip("running as root needs setpriv to drop the override capabilities")
        os.chown(secret, NOBODY, NOBODY)
        done = run_with_token_file(secret, WITHOUT_ROOTS_OVERRIDE)
    else:
        secret.chmod(0)
        done = run_with_token_file(secret)
    assert_one_line_naming(done, secret, "permission denied")
    assert "MTAx.secret.value" not in done.stderr


def test_a_token_file_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "no" / "such_token"
    assert_one_line_naming(run_with_token_file(missing), missing, "no such file")


def test_an_empty_token_file_is_named(tmp_path):
    empty = tmp_path / "discord_token"
    empty.write_text("\n")
    assert_one_line_naming(run_with_token_file(empty), empty, "empty")
