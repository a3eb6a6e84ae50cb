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


def run_container(name: str, volume: str, fake, port: int) -> None:
    podman("run", "-d", "--name", name, "--network", "host",
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
