"""/plan and /timezone, and weekly reminders delivered by the real bot to the fake Discord.

The bot's clock is the system clock plus an offset (SteppedClock): a test moves "now" to
about a second before a minute, starts a plan for that minute, and the reminder arrives
in real time without waiting for the next minute.
"""

import asyncio
import io
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import aiohttp
import discord
import numpy as np
import pytest
from matplotlib import image

from bot.clock import SystemClock
from bot.discordbot.cogs.plans import Plans
from bot.discordbot.plans_transport import delivery_error
from bot.plans import Forbidden, Notice, RateLimited, ServerError, Target, TargetGone
from bot.plans.history import find_sent
from tests.e2e.conftest import assert_within_limits

pytestmark = pytest.mark.e2e

LEAD = 1.5  # seconds between "now" and the first reminder
ZONE = "Asia/Tokyo"
DM_MESSAGES = r"^/channels/\d+/messages$"


class SteppedClock(SystemClock):
    """The system clock plus an offset the test sets."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset

    def just_before_a_minute(self, zone: str = ZONE) -> datetime:
        """Set "now" to LEAD seconds before the next minute; that minute, local to zone."""
        real = super().now()
        minute = (real + timedelta(minutes=1)).replace(second=0, microsecond=0)
        self.offset = minute - timedelta(seconds=LEAD) - real
        return minute.astimezone(ZoneInfo(zone))


@pytest.fixture(autouse=True)
def stepped_clock(monkeypatch):
    """TutorBot builds its clock with SystemClock() when none is given."""
    monkeypatch.setattr("bot.discordbot.client.SystemClock", SteppedClock)


def plans(bot) -> Plans:
    return bot.get_cog("Plans")


async def start_soon(fake, bot, user, *, channel=None, **options):
    """/plan start for the next minute (explicit weekday, so local midnight is no edge)."""
    due = bot.clock.just_before_a_minute()
    values = {"plan": "3m", "time": f"{due:%H:%M}", "weekday": f"{due:%a}".lower(),
              "timezone": ZONE, **options}
    rec = await fake.slash(user, "plan start", values, channel=channel)
    return rec, due


async def test_commands_are_synced_with_japanese_names(fake, start_bot):
    async with start_bot():
        commands = fake.commands()
        plan = commands["plan"]
        assert plan["name_localizations"]["ja"] == "プラン"
        subcommands = {o["name"]: o for o in plan["options"]}
        assert set(subcommands) == {"start", "status", "show", "pause", "resume", "skip", "stop"}
        start = {o["name"]: o for o in subcommands["start"]["options"]}
        assert start["time"]["name_localizations"]["ja"] == "時刻"
        assert [c["value"] for c in start["plan"]["choices"]] == ["3m", "1y", "3y"]
        assert start["cadence"]["name_localizations"]["ja"] == "頻度"
        assert [c["value"] for c in start["cadence"]["choices"]] == ["weekly", "monthly"]
        assert commands["timezone"]["options"][0]["name"] == "set"
        rec = await fake.autocomplete(fake.student, "timezone set", {"zone": "asia/tok"},
                                      focused="zone")
        assert [c["value"] for c in rec.choices] == ["Asia/Tokyo"]


async def reviews_due(member_id: int) -> int:
    """What the quiz feature will provide as bot.reviews_due."""
    return 3


async def test_dm_reminder_done_snooze_and_restart(fake, start_bot):
    async with start_bot() as bot:
        bot.reviews_due = reviews_due
        rec, due = await start_soon(fake, bot, fake.student)
        assert rec.ephemeral and "Week 1 arrives" in rec.content
        assert f"<t:{int(due.timestamp())}:F>" in rec.content
        reminder = await fake.wait_for_sent_message(fake.student, contains="week 1 of 12",
                                                    timeout=LEAD + 4)
        # The DM channel is opened first, then the reminder goes into it with a nonce.
        opened = fake.requests("POST", path_contains="/users/@me/channels")
        posted = [r for r in fake.requests("POST", path_regex=DM_MESSAGES)
                  if r.path == f"/channels/{reminder.channel_id}/messages"]
        assert len(opened) == 1 and len(posted) == 1
        assert opened[0].timestamp <= posted[0].timestamp
        body = posted[0].json
        subscription = (await plans(bot).service.statuses(fake.student.id))[0].subscription_id
        assert body["nonce"] == f"tp{subscription}w1" and body["enforce_nonce"] is True
        assert body["allowed_mentions"]["parse"] == []
        embed = reminder.embeds[0]
        assert "**Focus:**" in embed["description"] and "☐ 1." in embed["description"]
        assert "**Source:** 4.4 スキル開発タイムライン › 3ヶ月プラン" in embed["description"]
        assert "🔁 3 review(s) due — /review" in embed["description"]
        assert embed["footer"]["text"].endswith(f"key tp{subscription}w1")
        transport = plans(bot).runtime.dispatcher.transport
        # The check the dispatcher makes after a crash, on the real client's history.
        attempt_at = datetime.now(ZoneInfo("UTC")) - timedelta(minutes=1)
        found = await find_sent(transport, Target.dm(fake.student.id), f"tp{subscription}w1",
                                attempt_at)
        assert found is not None and found.message_id == reminder.id
        assert await find_sent(transport, Target.dm(fake.student.id), f"tp{subscription}w2",
                               attempt_at) is None
        ids = reminder.custom_ids()
        done = f"plan:done:{subscription}:1:0"
        assert done in ids and f"plan:snooze:{subscription}:1" in ids

        click = await fake.click(fake.student, reminder.id, done)
        assert click.callback_type == 7  # the reminder itself now shows the tick
        assert "✅ 1." in click.callback_data["embeds"][0]["description"]
        assert "🔁 3 review(s) due — /review" in \
            click.callback_data["embeds"][0]["description"]  # kept
        rows = await bot.db.fetchall("SELECT * FROM plan_progress")
        assert [(r["week"], r["task_index"], r["member_id"]) for r in rows] == \
            [(1, 0, fake.student.id)]

        snooze = await fake.click(fake.student, reminder.id, f"plan:snooze:{subscription}:1")
        assert snooze.ephemeral and "again" in snooze.content

    # After a restart the buttons still work and nothing is sent twice.
    async with start_bot() as bot:
        again = await fake.click(fake.student, reminder.id, done)
        assert again.callback_type == 7
        assert "☐ 1." in again.callback_data["embeds"][0]["description"]  # toggled off
        status = await fake.slash(fake.student, "plan status")
        assert status.ephemeral and "week 1 of 12" in status.callback_data["embeds"][0][
            "fields"][0]["value"]
        await asyncio.sleep(0.3)
        assert len([m for m in fake.sent_messages(fake.student) if "week 1 of 12" in m.text()]) == 1
    assert_within_limits(fake)


async def test_channel_reminder_shows_how_many_members_did_each_task(fake, start_bot):
    async with start_bot() as bot:
        bot.reviews_due = reviews_due
        rec, _ = await start_soon(fake, bot, fake.moderator, channel="study", where="here")
        assert not rec.ephemeral and "<#" in rec.content
        assert rec.callback_data["allowed_mentions"]["parse"] == []
        reminder = await fake.wait_for_sent_message("study", contains="week 1 of 12",
                                                    timeout=LEAD + 4)
        assert "review" not in reminder.text()  # review counts are personal, never posted
        task1, task2 = [c for c in reminder.custom_ids() if c.startswith("plan:done:")][:2]

        first = await fake.click(fake.student, reminder.id, task1)
        assert first.callback_type == 7 and "(✅ 1)" in first.callback_data["embeds"][0][
            "description"]
        await fake.wait_until(lambda: first.followups, what="the presser's note")
        assert "1 member(s)" in first.followups[0]["content"]
        await fake.click(fake.user("carol"), reminder.id, task1, locale="ja")
        last = await fake.click(fake.user("carol"), reminder.id, task2, locale="ja")
        description = last.callback_data["embeds"][0]["description"]
        lines = description.splitlines()
        assert next(x for x in lines if x.startswith("☐ 1.")).endswith("(✅ 2)")
        assert next(x for x in lines if x.startswith("☐ 2.")).endswith("(✅ 1)")
        await fake.wait_until(lambda: last.followups, what="the presser's note")
        assert "完了" in last.followups[0]["content"]
        counts = await bot.db.fetchall(
            "SELECT task_index, COUNT(*) AS n FROM plan_progress GROUP BY task_index")
        assert {r["task_index"]: r["n"] for r in counts} == {0: 2, 1: 1}
    assert_within_limits(fake)


async def test_closed_dms_pause_the_plan_with_the_reason(fake, start_bot):
    fake.close_dms(fake.student)
    async with start_bot() as bot:
        await start_soon(fake, bot, fake.student)
        service = plans(bot).service

        async def paused():
            statuses = await service.statuses(fake.student.id)
            return statuses and statuses[0].status == "paused"

        for _ in range(50):
            if await paused():
                break
            await asyncio.sleep(0.1)
        status = (await service.statuses(fake.student.id))[0]
        assert status.paused_reason == "dm_closed"
        refused = [r for r in fake.requests("POST", path_regex=DM_MESSAGES) if r.status == 403]
        assert len(refused) == 1
        await asyncio.sleep(2.5)  # longer than the first retry delay: nothing retries
        assert len(fake.requests("POST", path_regex=DM_MESSAGES)) == 1
        rec = await fake.slash(fake.student, "plan status")
        assert "DMs are closed" in rec.callback_data["embeds"][0]["fields"][0]["value"]

        # Open the DMs again and resume: the missed week goes out at once.
        fake.close_dms(fake.student, closed=False)
        resumed = await fake.slash(fake.student, "plan resume")
        assert resumed.ephemeral and "Resumed" in resumed.content
        await fake.wait_for_sent_message(fake.student, contains="week 1 of 12")
    assert_within_limits(fake)


async def snooze_states(bot) -> list[str]:
    rows = await bot.db.fetchall("SELECT state FROM plan_sends WHERE kind = 'snooze'"
                                 " ORDER BY id")
    return [r["state"] for r in rows]


async def test_snooze_says_so_when_the_members_dms_are_known_to_be_closed(fake, start_bot):
    fake.close_dms(fake.student)
    async with start_bot() as bot:
        await start_soon(fake, bot, fake.moderator, channel="study", where="here")
        reminder = await fake.wait_for_sent_message("study", contains="week 1 of 12",
                                                    timeout=LEAD + 4)
        snooze = next(c for c in reminder.custom_ids() if c.startswith("plan:snooze:"))
        first = await fake.click(fake.student, reminder.id, snooze)
        assert "again" in first.content and "closed" not in first.content  # not known yet

        bot.clock.offset += timedelta(days=1, seconds=1)  # the snooze comes due: 403
        plans(bot).runtime.dispatcher.wake()
        await fake.wait_until(lambda: any(
            r.status == 403 for r in fake.requests("POST", path_regex=DM_MESSAGES)),
            what="the refused snooze")
        for _ in range(50):  # the refusal is recorded just after Discord's answer
            if await snooze_states(bot) == ["failed"]:
                break
            await asyncio.sleep(0.05)

        second = await fake.click(fake.student, reminder.id, snooze)
        assert second.ephemeral and "DMs" in second.content and "closed" in second.content
        assert "Privacy Settings" in second.content and "where: here" in second.content
        ja = await fake.click(fake.student, reminder.id, snooze, locale="ja")
        assert ja.ephemeral and "DM" in ja.content and "プライバシー設定" in ja.content
        assert await snooze_states(bot) == ["failed", "pending"]  # the snooze is kept
    assert_within_limits(fake)


async def test_missing_permissions_pause_a_channel_plan_and_tell_its_owner(fake, start_bot):
    study = fake.channel("study")
    async with start_bot() as bot:
        refusal = fake.fail_next("POST", rf"^/channels/{study.id}/messages$", status=403)
        await start_soon(fake, bot, fake.moderator, channel="study", where="here")
        notice = await fake.wait_for_sent_message(fake.moderator, contains="paused",
                                                  timeout=LEAD + 4)
        assert refusal.hits == 1 and f"<#{study.id}>" in notice.text()
        assert "/plan resume" in notice.text() and not notice.custom_ids()
        status = await plans(bot).service.subscription_for(Target.channel(study.id))
        assert status.status == "paused" and status.paused_reason == "missing_permissions"
    assert_within_limits(fake)


async def test_the_pause_notice_reaches_a_japanese_starter_in_japanese(fake, start_bot):
    study = fake.channel("study")
    async with start_bot() as bot:
        fake.fail_next("POST", rf"^/channels/{study.id}/messages$", status=403)
        due = bot.clock.just_before_a_minute()
        await fake.slash(fake.moderator, "plan start",
                         {"plan": "3m", "time": f"{due:%H:%M}", "weekday": f"{due:%a}".lower(),
                          "timezone": ZONE, "where": "here"}, channel="study", locale="ja")
        notice = await fake.wait_for_sent_message(fake.moderator, contains="一時停止",
                                                  timeout=LEAD + 4)
        embed = notice.embeds[0]
        assert embed["title"] == "📚 学習プランを一時停止しました"
        assert f"<#{study.id}>宛て" in embed["description"]
        assert "送信先のチャンネルに投稿する権限がありません。" in embed["description"]
        assert embed["description"].endswith("/プラン 再開 を使ってください。")
    assert_within_limits(fake)


def http_error(kind, status, code):
    response = SimpleNamespace(status=status, reason="", headers={"Retry-After": "2.5"})
    return kind(response, {"code": code, "message": "refused"})


@pytest.mark.parametrize(("error", "expected", "detail"), [
    (http_error(discord.Forbidden, 403, 50007), Forbidden, 50007),
    (http_error(discord.Forbidden, 403, 50013), Forbidden, 50013),
    (http_error(discord.Forbidden, 403, 50001), Forbidden, 50001),
    (http_error(discord.NotFound, 404, 10003), TargetGone, 10003),
    (http_error(discord.NotFound, 404, 10013), TargetGone, 10013),
    (http_error(discord.HTTPException, 400, 50033), TargetGone, 10013),
    (http_error(discord.HTTPException, 429, 0), RateLimited, 2.5),
    (discord.RateLimited(40.0), RateLimited, 40.0),
    (http_error(discord.DiscordServerError, 503, 0), ServerError, 503),
    (http_error(discord.HTTPException, 400, 50035), ServerError, 400),
    (aiohttp.ClientConnectionError("reset"), ServerError, 0),
    (TimeoutError(), ServerError, 0),
])
def test_discord_errors_map_to_the_cores_types(error, expected, detail):
    mapped = delivery_error(error)
    assert type(mapped) is expected
    value = {Forbidden: "code", TargetGone: "code", RateLimited: "retry_after",
             ServerError: "status"}[expected]
    assert getattr(mapped, value) == detail


async def test_plan_start_here_needs_a_moderator(fake, start_bot):
    async with start_bot() as bot:
        rec = await fake.slash(fake.student, "plan start", {"plan": "3m", "where": "here"},
                               channel="study")
        assert rec.ephemeral and "Only moderators" in rec.content
        ja = await fake.slash(fake.user("carol"), "plan start", {"plan": "1y", "where": "here"},
                              channel="study", locale="ja")
        assert ja.ephemeral and "モデレーター専用" in ja.content
        assert await bot.db.fetchall("SELECT * FROM plan_subscriptions") == []
        assert all(m.ephemeral for m in fake.sent_messages("study"))


async def test_plan_show_sends_the_timeline_png(fake, start_bot):
    async with start_bot():
        start = await fake.slash(fake.student, "plan start", {"plan": "1y", "time": "07:30"})
        assert start.ephemeral
        conflict = await fake.slash(fake.student, "plan start", {"plan": "3m"})
        assert conflict.ephemeral and "already a study plan" in conflict.content

        rec = await fake.slash(fake.student, "plan show", {"week": 3})
        await fake.wait_until(lambda: rec.followups, what="the /plan show followup")
        shown = fake.response_message(rec)  # the followup fills the "thinking" message
        assert shown.ephemeral and len(shown.files) == 1 and shown.files[0].is_png
        embed = shown.embeds[0]
        assert embed["title"].endswith("week 3 of 52")
        assert embed["image"]["url"] == "attachment://plan-timeline.png"
        assert "**Focus:**" in embed["description"]

        preview = await fake.slash(fake.user("carol"), "plan show", {"plan": "3y", "week": 100},
                                   locale="ja")
        await fake.wait_until(lambda: preview.followups, what="the preview followup")
        shown = fake.response_message(preview)
        assert shown.files[0].is_png and "第100週/全156週" in shown.embeds[0]["title"]

        wrong = await fake.slash(fake.student, "plan show", {"week": 60})
        await fake.wait_until(lambda: wrong.followups, what="the error followup")
        assert "weeks 1-52" in wrong.followups[0]["content"]

        zone = await fake.slash(fake.student, "timezone set", {"zone": "America/New_York"})
        assert zone.ephemeral and "America/New_York (1 plan(s) moved" in zone.content
    assert_within_limits(fake)


async def test_a_japanese_member_gets_japanese_reminders_status_and_skip(fake, start_bot):
    carol = fake.user("carol")
    async with start_bot() as bot:
        due = bot.clock.just_before_a_minute()
        values = {"plan": "3m", "time": f"{due:%H:%M}", "weekday": f"{due:%a}".lower(),
                  "timezone": ZONE}
        start = await fake.slash(carol, "plan start", values, locale="ja")
        field = start.callback_data["embeds"][0]["fields"][0]["value"]
        # Before week 1: when it comes, not "week 0 of 12 · tasks 0/0".
        assert f"まだ始まっていません(全12週)。第1週は <t:{int(due.timestamp())}:F>" in field
        assert "第0週" not in field and "0/0" not in field
        reminder = await fake.wait_for_sent_message(carol, contains="第1週/全12週",
                                                    timeout=LEAD + 4)
        embed = reminder.embeds[0]
        assert embed["title"].startswith("📚 3ヶ月")
        assert "**重点:**" in embed["description"] and "**タスク**" in embed["description"]
        assert "Focus" not in embed["description"] and "Tasks" not in embed["description"]
        assert "**出典:** 4.4 スキル開発タイムライン › 3ヶ月プラン" in embed["description"]
        snooze_id = next(c for c in reminder.custom_ids() if c.startswith("plan:snooze:"))
        button = next(b for row in reminder.components for b in row["components"]
                      if b["custom_id"] == snooze_id)
        assert button["label"] == "1日後にもう一度"
        snooze = await fake.click(carol, reminder.id, snooze_id, locale="ja")
        assert snooze.content.startswith("第1週のリマインダーを")

        status = await fake.slash(carol, "plan status", locale="ja")
        assert "第1週/全12週 · 完了タスク 0/" in status.callback_data["embeds"][0]["fields"][0][
            "value"]
        skip = await fake.slash(carol, "plan skip", locale="ja")
        sub = (await plans(bot).service.statuses(carol.id))[0]
        assert skip.content == (f"第2週をスキップしました。次は第3週で、"
                                f"<t:{int(sub.next_due.timestamp())}:F> "
                                f"(<t:{int(sub.next_due.timestamp())}:R>) に届きます。")
        card = skip.callback_data["embeds"][0]["fields"][0]["value"]
        assert "次回: 第3週 · " in card

        english = await fake.slash(fake.student, "plan start", {"plan": "1y"})
        assert "Progress: not started yet (52 weeks). Week 1 arrives <t:" in \
            english.callback_data["embeds"][0]["fields"][0]["value"]
        skipped = await fake.slash(fake.student, "plan skip")
        assert skipped.content.startswith("Skipped week 1. Next comes week 2, <t:")
        paused = await fake.slash(fake.student, "plan pause")
        assert "Next: week 2, once resumed" in paused.callback_data["embeds"][0]["fields"][0][
            "value"]
    assert_within_limits(fake)


async def test_a_plan_preview_outlines_its_week(fake, start_bot):
    async with start_bot():
        preview = await fake.slash(fake.user("carol"), "plan show", {"plan": "3y", "week": 156},
                                   locale="ja")
        await fake.wait_until(lambda: preview.followups, what="the preview followup")
        shown = fake.response_message(preview)
        assert "第156週/全156週" in shown.embeds[0]["title"]
        assert "**重点:**" in shown.embeds[0]["description"]
        pixels = image.imread(io.BytesIO(shown.files[0].data), format="png")
        red = np.all(np.abs(pixels[:, :, :3] - np.array((0xD6, 0x27, 0x28)) / 255) < 0.05,
                     axis=2)
        assert red.sum() > 50  # the outlined week
async def test_monthly_plan_with_practice_and_a_check_in_kept_across_a_restart(fake, start_bot):
    """Issue 16: /plan start cadence:monthly, a reminder holding four weeks with practice
    questions from the bank, and the check-in button's one line shown in /plan status."""
    async with start_bot() as bot:
        rec, due = await start_soon(fake, bot, fake.student, plan="1y", cadence="monthly")
        card = rec.callback_data["embeds"][0]["fields"][0]["value"]
        assert rec.ephemeral and "Cadence: monthly" in card
        assert "not started yet (13 months). Month 1 arrives" in card
        # A Japanese member's monthly plan reads in Japanese (issue 14 × issue 16).
        carol = fake.user("carol")
        await fake.slash(carol, "plan start", {
            "plan": "1y", "time": f"{due:%H:%M}", "weekday": f"{due:%a}".lower(),
            "timezone": ZONE, "cadence": "monthly"}, locale="ja")
        reminder = await fake.wait_for_sent_message(fake.student, contains="month 1 of 13",
                                                    timeout=LEAD + 4)
        text = reminder.embeds[0]["description"]
        assert "weeks 1-4 of the plan" in text and "seaborn" in text
        assert "🧠 Practice this week" in text and "📚 This week's resource" in text
        japanese = await fake.wait_for_sent_message(carol, contains="第1か月/全13か月",
                                                    timeout=LEAD + 4)
        ja_text = japanese.embeds[0]["description"]
        assert "🗓️ 今月はプランの第1〜4週" in ja_text and "**🧠 今週の練習**" in ja_text
        assert "**📚 今週のリソース:**" in ja_text and "`トピック:" in ja_text
        assert "Practice this week" not in ja_text and "This month" not in ja_text
        labels = {b["custom_id"].split(":")[1]: b["label"] for row in japanese.components
                  for b in row["components"]}
        assert labels["checkin"] == "今週の記録" and labels["snooze"] == "1日後にもう一度"
        ja_status = await fake.slash(carol, "plan status", locale="ja")
        ja_card = ja_status.callback_data["embeds"][0]["fields"][0]["value"]
        assert "第1か月/全13か月" in ja_card and "頻度: 毎月" in ja_card
        subscription = (await plans(bot).service.statuses(fake.student.id))[0].subscription_id
        checkin = f"plan:checkin:{subscription}:1"
        assert checkin in reminder.custom_ids()
        form = await fake.click(fake.student, reminder.id, checkin)
        assert form.callback_type == 9  # the one-line form
        saved = await fake.submit_modal(fake.student, form.modal["custom_id"],
                                        {"checkin": "Finished NumPy and pandas @everyone"})
        assert saved.ephemeral and "Saved to your study log" in saved.content
    async with start_bot() as bot:
        status = await fake.slash(fake.student, "plan status")
        value = status.callback_data["embeds"][0]["fields"][0]["value"]
        assert "Study log" in value and "Week 1: Finished NumPy and pandas" in value
    assert_within_limits(fake)


async def test_the_history_check_pages_through_a_busy_channel(fake, start_bot):
    """The exactly-once check on the real client: 150 members' messages after the attempt
    started (two history pages), then the reminder; it is found by paging forwards."""
    async with start_bot() as bot:
        transport = plans(bot).runtime.dispatcher.transport
        general = fake.channel()
        target = Target.channel(general.id)
        attempt_at = datetime.now(ZoneInfo("UTC")) - timedelta(seconds=1)
        for i in range(150):
            await fake.post_message(fake.student, general, f"busy channel, message {i}")
        notice = Notice(key="tp99w1", text_body="a reminder after the rush")
        sent = await transport.send(target, notice, notice.nonce)
        found = await find_sent(transport, target, "tp99w1", attempt_at)
        assert found is not None and found.message_id == sent.message_id
        assert await find_sent(transport, target, "tp99w2", attempt_at) is None
        reads = fake.requests("GET", path_contains=f"/channels/{general.id}/messages")
        pages = [r.query for r in reads]
        assert all(int(q["limit"]) <= 100 for q in pages)
        assert sum(1 for q in pages if q.get("after") not in (None, pages[0].get("after"))) >= 1
