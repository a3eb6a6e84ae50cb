"""`tutorbot run` as operators run it: a separate process, health, metrics, SIGTERM."""

import asyncio
import json
import os
import signal
import sys
import time
import urllib.request

import pytest

from tests.conftest import BOT_TOKEN, free_port, get_json

pytestmark = pytest.mark.e2e



async def wait_for_health(url: str, wanted: set[str], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            _, body = await asyncio.to_thread(get_json, url)
            if body.get("status") in wanted:
                return body
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise AssertionError(f"health never reached {wanted}: {body}")


async def start_process(tutor, tmp_path, api_base: str, gateway_url: str, port: int,
                        *run_args: str):
    env = {**os.environ, "DISCORD_TOKEN": BOT_TOKEN, "DISCORD_API_BASE": api_base,
           "DISCORD_GATEWAY_URL": gateway_url, "TUTORBOT_HEALTH_PORT": str(port),
           "TUTORBOT_HEALTH_HOST": "127.0.0.1", "TUTORBOT_LOG_JSON": "true",
           "TUTORBOT_INDEX_DIR": str(tutor.settings.index_dir),
           "TUTORBOT_DATA_DIR": str(tmp_path / "data")}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", *run_args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def stop_process(process) -> tuple[int, float, str]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    return process.returncode, time.monotonic() - started, stderr.decode()


async def test_run_serves_health_metrics_answers_and_stops_on_sigterm(tutor, tmp_path, fake):
    port = free_port()
    process = await start_process(tutor, tmp_path, fake.api_base, fake.gateway_url, port)
    try:
        health = await wait_for_health(f"http://127.0.0.1:{port}/healthz", {"ok"})
        assert health["index"] == "loaded" and health["database"] == "writable"
        question = "Netflixの深層学習フェーズの精度は?"
        record = await fake.slash(fake.student, "ask", {"question": question}, timeout=20)
        fields = record.callback_data["embeds"][0]["fields"]
        assert "フェーズ3: 深層学習" in fields[0]["name"]
        metrics = await asyncio.to_thread(
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode())
        assert 'tutorbot_questions_total{language="ja",status="answered"} 1.0' in metrics
        assert "tutorbot_answer_seconds_bucket" in metrics
    finally:
        code, seconds, stderr = await stop_process(process)
    assert code == 0, stderr
    assert seconds < 10
    assert BOT_TOKEN not in stderr
    assert question not in stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert any(line["message"].startswith("stopped cleanly") for line in lines)


async def test_without_discord_health_is_degraded_not_crashed(tutor, tmp_path):
    port = free_port()
    closed = free_port()  # nothing listens here
    process = await start_process(tutor, tmp_path, f"http://127.0.0.1:{closed}/api/v10",
                                  f"ws://127.0.0.1:{closed}/gateway", port)
    try:
        health = await wait_for_health(f"http://127.0.0.1:{port}/healthz", {"degraded"})
        assert health["gateway"] == "disconnected" and health["index"] == "loaded"
        assert process.returncode is None
    finally:
        code, seconds, stderr = await stop_process(process)
    assert code == 0, stderr
    assert seconds < 10


async def test_a_rejected_token_is_one_clear_line(tutor, tmp_path):
    from tests.fakediscord import FakeDiscord

    async with FakeDiscord(expected_token="the-right-token") as fake:
        process = await start_process(tutor, tmp_path, fake.api_base, fake.gateway_url, 0)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    text = stderr.decode()
    assert "rejected the token" in text
    assert "Traceback" not in text and BOT_TOKEN not in text
