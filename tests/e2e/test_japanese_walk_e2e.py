"""A member whose Discord client is Japanese walks every path and meets no English UI.

carol (locale ja) asks with /ask and in a thread, plays a channel quiz, practises, does an
exercise, starts a study plan (reminder, snooze, check-in, show, status); a moderator with a
Japanese client changes /tutor config. Then every text the bot sent is read: what is left in Latin
letters must be the chapter's own terms or code, never a label of the bot's."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import PROJECT_ROOT
from bot.discordbot.texts import TEXTS
from tests.e2e.conftest import assert_within_limits, bot_payloads
from tests.e2e.test_quiz_e2e import QuizClock, advance_until

pytestmark = pytest.mark.e2e

QUIZ = "quiz"
ZONE = "Asia/Tokyo"
LEAD = 1.5
CHAPTER = (PROJECT_ROOT / "knowledge" / "ch04.md").read_text(encoding="utf-8")
# What Discord shows as something else (a mention, a timestamp, a channel) or not at all.
MARKUP_RE = re.compile(r"<(?:@[!&]?|#|t:)[^>]*>|`[^`]*`|\*(?!\*)[^*\n]+\*(?!\*)|https?://\S+")
LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
ANSWER = ("A data scientist does exploratory data analysis and writes a report; an ML "
          "engineer will deploy models to production.")
FOOTER_KEY_RE = re.compile(r"tutorbot plan \S+ · key \S+")  # the reminder's machine key


class WalkClock(QuizClock):
    """The quiz tests' clock, which can also be set just before a minute for a plan."""

    def just_before_a_minute(self) -> datetime:
        real = datetime.now(ZoneInfo("UTC"))
        minute = (real + timedelta(minutes=1)).replace(second=0, microsecond=0)
        self.offset = minute - timedelta(seconds=LEAD) - real
        return minute.astimezone(ZoneInfo(ZONE))


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> WalkClock:
    shared = WalkClock()
    monkeypatch.setattr("bot.discordbot.client.SystemClock", lambda: shared)
    return shared


def visible_texts(body: dict) -> list[str]:
    """What a member reads in a message, callback or modal body."""
    texts = [body.get("content") or "", body.get("title") or ""]
    for embed in body.get("embeds") or []:
        texts += [embed.get("title", ""), embed.get("description", ""),
                  (embed.get("footer") or {}).get("text", "")]
        texts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    stack = list(body.get("components") or [])
    while stack:
        component = stack.pop()
        texts += [component.get("label") or "", component.get("placeholder") or ""]
        stack += component.get("components") or []
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
    return [t for t in texts if t]


def english_left(text: str, allowed: set[str]) -> set[str]:
    """Latin words outside markup, code, the other language's italics and the chapter."""
    plain = MARKUP_RE.sub(" ", FOOTER_KEY_RE.sub(" ", text).replace("**", ""))
    return {w for w in LATIN_WORD_RE.findall(plain) if w.casefold() not in allowed}


def titled(fake, prefix: str, channel: str = QUIZ) -> list:
    return [m for m in fake.sent_messages(channel)
            if m.embeds and m.embeds[0].get("title", "").startswith(prefix)]


async def ask_and_thread(fake, carol) -> None:
    ask = await fake.slash(carol, "ask", {"question": "Netflixの深層学習フェーズの精度は?"})
    message_id = fake.response_message_id(ask)
    ids = fake.response_message(ask).custom_ids()
    thanks = await fake.click(carol, message_id, next(i for i in ids if ":up:" in i))
    assert thanks.content == "フィードバックありがとうございます!"
    await fake.click(carol, message_id, next(i for i in ids if ":section:" in i))
    await fake.post_message(carol, "general", "AlphaGoが使った探索手法は?",
                            mentions=[fake.bot_user])
    created = await fake.wait_for_request(
        lambda r: r.method == "POST" and r.path.endswith("/threads"))
    thread_id = int(created.path.split("/")[4])
    await fake.wait_for_sent_message(thread_id, count=1, timeout=10)
    await fake.post_message(carol, thread_id, "それはいつの出来事?")
    await fake.wait_for_sent_message(thread_id, count=2, timeout=10)


async def quiz_round(fake, bot, clock, carol) -> None:
    start = await fake.slash(fake.moderator, "quiz start", {"count": 2, "seconds": 10},
                             channel=QUIZ, locale="ja")
    assert start.callback_data["embeds"][0]["title"] == "🎯 クイズ開始: 全2問"
    engine = bot.get_cog("Quiz").service.engine
    channel_id = fake.channel(QUIZ).id

    def phase():
        session = engine.get(channel_id)
        return None if session is None else (session.phase, session.round and session.round.index)

    await advance_until(clock, lambda: phase() == ("asking", 0), "question 1")
    await fake.wait_until(lambda: titled(fake, "第1問 / 全2問"), what="question 1")
    question = titled(fake, "第1問 / 全2問")[0]
    pressed = await fake.click(carol, question.id, question.custom_ids()[0])
    assert pressed.content.startswith("回答:")
    await advance_until(clock, lambda: phase() != ("asking", 0), "the reveal")
    await fake.wait_until(lambda: titled(fake, "✅ 正解"), what="the reveal")
    stop = await fake.slash(fake.moderator, "quiz stop", channel=QUIZ, locale="ja")
    assert stop.callback_data["embeds"][0]["title"].startswith("⏹️ クイズ中止")


async def practice_and_exercise(fake, carol) -> None:
    practice = await fake.slash(carol, "practice", {"count": 1})
    message_id = fake.response_message_id(practice)
    ids = fake.response_message(practice).custom_ids()
    pick = next((i for i in ids if i.startswith("prac:pick:")), None)
    if pick is not None:
        await fake.click(carol, message_id, pick)
    else:
        form = await fake.click(carol, message_id, next(i for i in ids if ":type:" in i))
        await fake.submit_modal(carol, form.modal["custom_id"], {"answer": "わかりません"})
    posted = await fake.slash(carol, "exercise show", {"number": 2})
    message_id = fake.response_message_id(posted)
    await fake.click(carol, message_id, "ex:hint:2")
    await fake.click(carol, message_id, "ex:hint:2")  # every hint shown
    form = await fake.click(carol, message_id, "ex:answer:2")
    # She answers in English; the feedback is still worded in Japanese.
    feedback = await fake.submit_modal(carol, form.modal["custom_id"], {"answer": ANSWER})
    await fake.wait_until(lambda: len(feedback.followups) >= 2, what="exercise feedback")
    assert feedback.followups[0]["embeds"][0]["title"] == "📋 キーポイントのチェック"


async def study_plan(fake, bot, carol) -> None:
    due = bot.clock.just_before_a_minute()
    await fake.slash(carol, "plan start", {"plan": "3m", "time": f"{due:%H:%M}",
                                           "weekday": f"{due:%a}".lower(), "timezone": ZONE})
    reminder = await fake.wait_for_sent_message(carol, contains="第1週/全12週", timeout=LEAD + 4)
    done = next(c for c in reminder.custom_ids() if c.startswith("plan:done:"))
    await fake.click(carol, reminder.id, done)
    snooze = next(c for c in reminder.custom_ids() if c.startswith("plan:snooze:"))
    await fake.click(carol, reminder.id, snooze)
    checkin = next(c for c in reminder.custom_ids() if c.startswith("plan:checkin:"))
    form = await fake.click(carol, reminder.id, checkin)  # the study log's one-line form
    await fake.submit_modal(carol, form.modal["custom_id"], {"checkin": "第1週の課題を終えた"})
    shown = await fake.slash(carol, "plan show")
    await fake.wait_until(lambda: shown.followups, what="/plan show")
    await fake.slash(carol, "plan status")
    await fake.slash(carol, "plan skip")


async def test_a_japanese_member_meets_no_english_ui(fake, start_bot, clock):
    carol = fake.user("carol")
    async with start_bot() as bot:
        await fake.slash(fake.moderator, "tutor config", {"rate_limit": 5}, locale="ja")
        await ask_and_thread(fake, carol)
        await quiz_round(fake, bot, clock, carol)
        await practice_and_exercise(fake, carol)
        await study_plan(fake, bot, carol)
        await asyncio.sleep(0.2)
    # The chapter's own terms, and the words carol wrote herself (quoted back as cues).
    allowed = {w.casefold() for w in LATIN_WORD_RE.findall(CHAPTER + ANSWER)} | {"dm"}
    leaks: dict[str, set[str]] = {}
    english_ui = [v["en"] for v in TEXTS.values() if len(v["en"]) > 12 and v["en"] != v["ja"]]
    for body in bot_payloads(fake):
        for text in visible_texts(body):
            left = english_left(text, allowed)
            if left:
                leaks[text[:120]] = left
            assert not any(ui in text for ui in english_ui), text
    assert leaks == {}
    assert_within_limits(fake)
