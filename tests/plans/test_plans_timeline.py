"""The /plan show picture: a valid PNG with the current week and done tasks highlighted."""

from __future__ import annotations

import io
import struct
import warnings
from datetime import UTC, datetime

import numpy as np
from matplotlib import image

from bot.plans.timeline import render_timeline


def _decode(png: bytes) -> np.ndarray:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert png[12:16] == b"IHDR" and width > 200 and height > 100
    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (height, width)
    return pixels


def _count(pixels: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    target = np.array(rgb) / 255.0
    close = np.all(np.abs(pixels[:, :, :3] - target) <= tolerance / 255.0, axis=2)
    return int(close.sum())


def test_every_plan_renders_a_valid_png(library):
    for plan in library.plans.values():
        _decode(render_timeline(plan))


def test_current_week_and_done_tasks_are_highlighted(library):
    plan = library.plan("1y")
    plain = _decode(render_timeline(plan))
    current = _decode(render_timeline(plan, current_week=20))
    red = (0xD6, 0x27, 0x28)
    assert _count(current, red) > _count(plain, red) + 50  # the thick outline
    done = _decode(render_timeline(plan, current_week=20,
                                   done={w: {0, 1} for w in range(1, 14)}))
    blue = (0x4E, 0x79, 0xA7)  # the first block's colour at full strength
    assert _count(done, blue) > _count(current, blue) + 500


async def test_service_renders_a_subscriptions_timeline(service, dispatcher, clock):
    status = await service.start(1, "3y", weekday="mon")
    clock.set(datetime(2026, 1, 5, tzinfo=UTC))
    await dispatcher.run_due()
    await service.mark_done(status.subscription_id, 1, 1, 0)
    png = await service.timeline_png(subscription_id=status.subscription_id)
    _decode(png)
    assert png != await service.timeline_png(plan_id="3y")


async def test_a_preview_outlines_the_week_it_shows(service):
    red = (0xD6, 0x27, 0x28)
    plain = _decode(await service.timeline_png(plan_id="3y"))
    shown = _decode(await service.timeline_png(plan_id="3y", week=156))
    assert _count(shown, red) > _count(plain, red) + 50


def test_the_picture_speaks_the_readers_language(library):
    from bot.plans.timeline import japanese_font, timeline_texts

    plan = library.plan("3m")
    title, blocks, legend = timeline_texts(plan, 5, "ja")
    assert title == f"{plan.title.ja} — 現在: 第5週"
    assert blocks[0].startswith("第1〜") and plan.blocks()[0][2].ja in blocks[0]
    assert legend == "現在の週(塗り = 完了したタスクの割合)"
    assert timeline_texts(plan, None, "en")[0] == plan.title.en
    assert japanese_font() is not None  # the font ships with a dependency
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        japanese = _decode(render_timeline(plan, current_week=5, language="ja"))
    assert not [w for w in caught if "missing from" in str(w.message)]  # no tofu boxes
    assert japanese.shape != _decode(render_timeline(plan, current_week=5)).shape or \
        not np.array_equal(japanese, _decode(render_timeline(plan, current_week=5)))


def test_a_monthly_plans_picture_counts_months(library):
    """A monthly subscription's cells are months (issue 16), and the labels say so in the
    reader's language (issue 14)."""
    from bot.plans.timeline import timeline_texts

    plan = library.plan_for("1y", "monthly")
    title, blocks, legend = timeline_texts(plan, 2, "ja")
    assert title.endswith("現在: 第2か月") and legend.startswith("現在の月")
    assert all("か月" in block.split(": ")[0] for block in blocks)
    title, blocks, legend = timeline_texts(plan, 2, "en")
    assert title.endswith("current month 2") and blocks[0].startswith("Month")
    assert render_timeline(plan, current_week=2, language="ja").startswith(b"\x89PNG")
