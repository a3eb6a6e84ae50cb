"""Faults an operator hits with `tutorbot run`: an outage, a read-only root, start-up
noise, member ids in the log. A separate process, as operators run it, with JSON logs."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.conftest import BOT_TOKEN, free_port, get_json

pytestmark = pytest.mark.e2e

# A read-only /tmp, as in `docker run --read-only`; HOME somewhere nothing can be created.
READ_ONLY_TMP = ["unshare", "--mount", "sh", "-c",
                 'mount -t tmpfs -o ro tutorbot-ro /tmp && exec "$@"', "read-only-tmp"]


def can_make_tmp_read_only() -> bool:
    if not shutil.which("unshare"):
        return False
    done = subprocess.run([*READ_ONLY_TMP, "true"], capture_output=True, timeout=30)
    return done.returncode == 0


async def wait_for_health(port: int, wanted: set[str], timeout: float = 90,
                          dense: bool = False) -> tuple[int, dict]:
    deadline = time.monotonic() + timeout
    reply: tuple[int, dict] = (0, {})
    while time.monotonic() < deadline:
        try:
            reply = await asyncio.to_thread(get_json, f"http://127.0.0.1:{port}/healthz")
            body = reply[1]
            if body.get("status") in wanted and (not dense or body.get("dense") == "ready"):
                return reply
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise AssertionError(f"health never reached {wanted}: {reply}")


async def start(data_dir: Path, index_dir: Path, api_base: str, gateway_url: str, port: int,
                prefix: list[str] = (), **settings: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "DISCORD_TOKEN": BOT_TOKEN, "DISCORD_API_BASE": api_base,
           "DISCORD_GATEWAY_URL": gateway_url, "TUTORBOT_HEALTH_PORT": str(port),
           "TUTORBOT_HEALTH_HOST": "127.0.0.1", "TUTORBOT_LOG_JSON": "true",
           "TUTORBOT_INDEX_DIR": str(index_dir), "TUTORBOT_PREBUILT_INDEX_DIR": str(index_dir),
           "TUTORBOT_DATA_DIR": str(data_dir),
           **{f"TUTORBOT_{name.upper()}": value for name, value in settings.items()}}
    for variable in ("MPLCONFIGDIR", "TORCHINDUCTOR_CACHE_DIR", "XDG_CACHE_HOME",
                     "XDG_CONFIG_HOME", "TMPDIR"):
        env.pop(variable, None)
    return await asyncio.create_subprocess_exec(
        *prefix, sys.executable, "-m", "bot.cli", "run", env=env, cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def stop(process: asyncio.subprocess.Process) -> tuple[int, list[dict]]:
    """SIGTERM, then every line the process logged; each must be a JSON object."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    text = stderr.decode()
    assert BOT_TOKEN not in text
    lines = []
    for line in text.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"a plain-text line in the JSON log: {line!r}") from None
    return process.returncode, lines


def messages(lines: list[dict], level: str | None = None) -> list[str]:
    return [line["message"] for line in lines if level is None or line["level"] == level]


async def test_an_outage_warns_with_the_retry_delay_and_fails_health_after_the_limit(
        tutor, tmp_path):
    port, closed = free_port(), free_port()  # nothing listens on `closed`
    process = await start(tmp_path / "data", tutor.settings.index_dir,
                          f"http://127.0.0.1:{closed}/api/v10", f"ws://127.0.0.1:{closed}/",
                          port, gateway_failing_after="4")
    try:
        status, body = await wait_for_health(port, {"degraded"})
        assert status == 200 and body["gateway"] == "disconnected"
        status, body = await wait_for_health(port, {"failing"}, timeout=30)
        # Only the gateway is missing: the orchestrator is told to restart the container.
        assert status == 503 and body["index"] == "loaded" and body["database"] == "writable"
        assert body["gateway_down_seconds"] >= 4
        assert process.returncode is None  # the bot itself keeps retrying
    finally:
        code, lines = await stop(process)
    assert code == 0
    assert [line for line in lines if line["level"] in ("ERROR", "CRITICAL")] == []
    retries = [m for m in messages(lines, "WARNING") if m.startswith("cannot reach Discord")]
    assert len(retries) >= 3
    assert [m.rsplit("retrying in ", 1)[1] for m in retries[:3]] == ["1 s", "2 s", "4 s"]


async def test_starts_quietly_on_a_read_only_tmp_and_keeps_member_ids_out_of_the_log(
        tutor, fake):
    read_only = can_make_tmp_read_only()
    # Outside /tmp, which is read-only for the process when the machine allows it.
    with tempfile.TemporaryDirectory(dir="/dev/shm" if read_only else None) as scratch:
        data_dir, index_dir = Path(scratch, "data"), Path(scratch, "index")
        shutil.copytree(tutor.settings.index_dir, index_dir, symlinks=True)
        port = free_port()
        prefix = READ_ONLY_TMP if read_only else []
        env_home = os.environ.get("HOME")
        os.environ["HOME"] = "/proc/tutorbot-home"  # no cache can be created under it
        try:
            process = await start(data_dir, index_dir, fake.api_base, fake.gateway_url, port,
                                  prefix)
        finally:
            os.environ["HOME"] = env_home or ""
        try:
            await wait_for_health(port, {"ok"}, dense=True)
            started = await fake.slash(fake.student, "plan start", {"plan": "3m"}, timeout=30)
            await fake.wait_until(lambda: started.callback is not None, timeout=30)
            shown = await fake.slash(fake.student, "plan show", {"plan": "3m", "week": 2},
                                     timeout=30)
            await fake.wait_until(lambda: shown.followups, timeout=60, what="the timeline")
            assert fake.response_message(shown).files[0].is_png  # Matplotlib drew it
        finally:
            code, lines = await stop(process)
        assert code == 0, lines
        cache = data_dir / "cache"
        assert list((cache / "matplotlib").glob("fontlist-*.json"))
        assert (cache / "torch").is_dir()

    everything = "\n".join(json.dumps(line) for line in lines)
    assert "faiss.loader" not in everything
    assert "voice will NOT be supported" not in everything
    ready = next(i for i, m in enumerate(messages(lines)) if m.startswith("dense retrieval ready"))
    assert not [m for m in messages(lines)[:ready] if m.startswith("event loop stalled for")]
    assert str(fake.student.id) not in everything
    assert [line for line in lines if line["level"] in ("ERROR", "CRITICAL")] == []
