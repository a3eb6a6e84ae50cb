"""The real image, run as operators run it, against the local fake Discord.

Runs when TUTORBOT_IMAGE names a built image (.ci/run builds one with podman); otherwise
it is skipped with the reason shown.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, free_port

IMAGE = os.environ.get("TUTORBOT_IMAGE", "")
pytestmark = [
    pytest.mark.container,
    pytest.mark.skipif(not IMAGE or not shutil.which("podman"),
                       reason="set TUTORBOT_IMAGE to a built image (needs podman)"),
]


def podman(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check,
                          timeout=timeout)


def run_container(name: str, volume: str, fake, port: int, *options: str) -> None:
    podman("run", "-d", "--name", name, "--network", "host", *options,
           "-e", f"DISCORD_TOKEN={BOT_TOKEN}", "-e", f"DISCORD_API_BASE={fake.api_base}",
           "-e", f"DISCORD_GATEWAY_URL={fake.gateway_url}",
           "-e", f"TUTORBOT_HEALTH_PORT={port}", "-e", "TUTORBOT_HEALTH_HOST=127.0.0.1",
           "-v", f"{volume}:/data", IMAGE)


async def wait_healthy(name: str, timeout: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        done = await asyncio.to_thread(podman, "healthcheck", "run", name, check=False)
        if done.returncode == 0:
            return time.monotonic() - started
        running = podman("inspect", "--format", "{{.State.Running}}", name, check=False)
        if running.stdout.strip() == "false":
            break
        await asyncio.sleep(0.5)
    logs = podman("logs", name, check=False)
    raise AssertionError(f"{name} never became healthy:\n{logs.stdout}\n{logs.stderr}")


async def wait_connected(port: int, timeout: float = 60) -> None:
    """Healthy means index and database are ready; answering also needs the gateway."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            body = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                                     timeout=2).read())
            if body["gateway"] == "connected":
                return
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise AssertionError("the container never connected to the gateway")


async def stop_within(name: str, seconds: float) -> tuple[int, float]:
    started = time.monotonic()
    podman("kill", "--signal", "TERM", name)
    waited = await asyncio.to_thread(podman, "wait", name, timeout=30)
    return int(waited.stdout.strip().splitlines()[-1]), time.monotonic() - started


@pytest.fixture()
def names():
    run_id = uuid.uuid4().hex[:8]
    created = {"a": f"tutorbot-a-{run_id}", "b": f"tutorbot-b-{run_id}",
               "volume": f"tutorbot-data-{run_id}"}
    yield created
    podman("rm", "-f", created["a"], created["b"], check=False)
    podman("volume", "rm", "-f", created["volume"], check=False)


async def test_image_answers_reports_health_stops_cleanly_and_keeps_data(fake, names):
    podman("volume", "create", names["volume"])
    port = free_port()
    run_container(names["a"], names["volume"], fake, port)
    seconds_to_healthy = await wait_healthy(names["a"])
    print(f"container start to healthy: {seconds_to_healthy:.1f} s")
    await wait_connected(port)

    record = await fake.slash(fake.student, "ask",
                              {"question": "How many people use Google Translate every day?"},
                              timeout=30)
    field = record.callback_data["embeds"][0]["fields"][0]
    assert "Case Study 2: Google翻訳(GNMT)" in field["name"] and "5億人" in field["value"]
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
    assert b"tutorbot_questions_total" in metrics
    health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz").read())
    assert health["status"] == "ok" and health["gateway"] == "connected"

    started = await fake.slash(fake.student, "plan start", {"plan": "3m"}, timeout=30)
    await fake.wait_until(lambda: started.callback is not None, timeout=30)
    before = await fake.slash(fake.student, "plan status", {}, timeout=30)
    subscription = before.callback_data["embeds"][0]["fields"][0]["name"]  # "#1 · 3-month …"

    code, seconds = await stop_within(names["a"], 10)
    print(f"SIGTERM to exit: {seconds:.1f} s")
    assert code == 0
    assert seconds < 10
    logs = podman("logs", names["a"]).stderr
    assert BOT_TOKEN not in logs

    run_container(names["b"], names["volume"], fake, port)
    await wait_healthy(names["b"])
    await wait_connected(port)
    after = await fake.slash(fake.student, "plan status", {}, timeout=30)
    fields = after.callback_data["embeds"][0]["fields"]
    assert [f["name"] for f in fields] == [subscription]  # the same subscription survived
    code, _ = await stop_within(names["b"], 10)
    assert code == 0


def json_log(name: str) -> list[dict]:
    """The container's log; every line must be a JSON object."""
    lines = []
    for line in podman("logs", name).stderr.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"a plain-text line in the JSON log: {line!r}") from None
    return lines


async def wait_dense(port: int, timeout: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        body = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                                 timeout=2).read())
        if body["dense"] == "ready":
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the embedding model never loaded")


async def test_image_works_on_a_read_only_root_with_only_data_writable(fake, names):
    """As `docker run --read-only` (Docker mounts no tmpfs either): Matplotlib, torch and
    the database may write only to /data."""
    podman("volume", "create", names["volume"])
    port = free_port()
    run_container(names["a"], names["volume"], fake, port, "--read-only",
                  "--read-only-tmpfs=false")
    await wait_healthy(names["a"])
    await wait_connected(port)
    await wait_dense(port)  # torch loaded: its cache directory went to /data
    record = await fake.slash(fake.student, "ask",
                              {"question": "How many people use Google Translate every day?"},
                              timeout=30)
    assert "5億人" in record.callback_data["embeds"][0]["fields"][0]["value"]
    shown = await fake.slash(fake.student, "plan show", {"plan": "3m", "week": 2}, timeout=30)
    await fake.wait_until(lambda: shown.followups, timeout=60, what="the timeline")
    assert fake.response_message(shown).files[0].is_png  # Matplotlib drew it
    code, _ = await stop_within(names["a"], 10)
    assert code == 0

    lines = json_log(names["a"])
    assert [line for line in lines if line["level"] in ("ERROR", "CRITICAL")] == []
    messages = "\n".join(line["message"] for line in lines)
    assert "generated new fontManager" not in messages  # the image's font list was used
    assert not [line for line in lines if line["logger"] == "faiss.loader"]
    assert "voice will NOT" not in messages
    data = Path(podman("volume", "inspect", "--format", "{{.Mountpoint}}",
                       names["volume"]).stdout.strip())
    assert list((data / "cache" / "matplotlib").glob("fontlist-*.json"))
    assert (data / "tutorbot.sqlite3").exists()


@pytest.mark.parametrize(("mount", "problem"), [(True, "permission denied"),
                                                (False, "no such file")])
def test_a_token_file_it_cannot_read_is_one_line_and_exit_2(tmp_path, mount, problem):
    """Compose mounts a secret root-owned with mode 0600; the bot runs as uid 10001."""
    secret = tmp_path / "discord_token"
    secret.write_text(BOT_TOKEN + "\n")
    secret.chmod(0o600)
    volume = ["-v", f"{secret}:/run/secrets/discord_token:ro"] if mount else []
    # No health check: podman would report on stderr that it cannot schedule one here.
    done = podman("run", "--rm", "--read-only", "--no-healthcheck", *volume,
                  "-e", "DISCORD_TOKEN_FILE=/run/secrets/discord_token", IMAGE, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "/run/secrets/discord_token" in lines[0] and problem in lines[0]
    assert BOT_TOKEN not in done.stderr and "Traceback" not in done.stderr
