import asyncio
import itertools
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.discordbot.limits import payload_problems, split_text, truncate
from bot.ratelimit import AnswerSlots, TokenBucket


def test_split_prefers_paragraphs_then_sentences():
    text = "第一段落です。" * 50 + "\n\n" + "第二段落です。" * 50
    pieces = split_text(text, 400)
    assert all(len(p) <= 400 for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == text.replace("\n\n", "")


def test_split_never_cuts_inside_bold_or_a_word():
    text = ("word " * 30 + "**bold quote stays whole** ") * 20
    for piece in split_text(text, 200):
        assert piece.count("**") % 2 == 0
        assert not piece.endswith("wor") and not piece.startswith("ord")


def test_truncate_keeps_marks_balanced():
    text = "前置き。" + "**" + "強調" * 100 + "**"
    short = truncate(text, 50)
    assert len(short) <= 50 and short.count("**") % 2 == 0 and short.endswith("…")


def test_payload_problems_catch_each_limit():
    assert payload_problems({"content": "x" * 2000}) == []
    assert payload_problems({"content": "x" * 2001})
    assert payload_problems({"embeds": [{"description": "x" * 4097}]})
    assert payload_problems({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
    six = {"fields": [{"name": "n", "value": "v" * 1000} for _ in range(7)]}
    assert any("6000" in p for p in payload_problems({"embeds": [six]}))


def test_token_bucket_refills_continuously():
    clock = FakeClock()
    bucket = TokenBucket(5, clock)
    assert [bucket.take("u") for _ in range(5)] == [0.0] * 5
    wait = bucket.take("u")
    assert wait == pytest.approx(12.0)
    clock.advance(timedelta(seconds=12))
    assert bucket.take("u") == 0.0
    assert bucket.take("other") == 0.0


def test_per_guild_override_of_the_rate():
    bucket = TokenBucket(5, FakeClock())
    assert bucket.take("u", per_minute=1) == 0.0
    assert bucket.take("u", per_minute=1) == pytest.approx(60.0)


async def test_answer_slots_queue_in_order():
    slots = AnswerSlots(1)
    order = []
    release = asyncio.Event()

    async def answer(name):
        async with slots.slot("g"):
            order.append(name)
            await release.wait()

    notices = []

    async def queued(position):
        notices.append(position)

    async def waiting(name):
        async with slots.slot("g", queued):
            order.append(name)

    first = asyncio.create_task(answer("a"))
    await asyncio.sleep(0)
    assert slots.position("g") == 1
    second = asyncio.create_task(waiting("b"))
    third = asyncio.create_task(waiting("c"))
    await asyncio.sleep(0)
    assert slots.position("g") == 3
    release.set()
    await asyncio.gather(first, second, third)
    assert order == ["a", "b", "c"]
    assert notices == [1, 2]
    assert slots.position("g") == 0


async def test_pacer_spaces_calls_across_callers():
    from bot.ratelimit import Pacer

    pacer = Pacer(rate_per_second=50)
    loop = asyncio.get_running_loop()
    stamps = []

    async def call():
        await pacer.wait()
        stamps.append(loop.time())

    await asyncio.gather(*[call() for _ in range(6)])
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(gap >= 0.019 for gap in gaps)  # the pace, not a speed: never closer than 1/50 s
