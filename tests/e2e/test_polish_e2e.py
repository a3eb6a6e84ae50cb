"""What a member meets around the answers: languages, votes, refusals and limits, against
the fake Discord with the real bot."""

from __future__ import annotations

import pytest

from bot.discordbot.quiz_views import scoreboard_embed
from bot.quiz.session import MemberScore, Scoreboard
from bot.retrieval.answer import MAX_QUESTION_CHARS, message
from bot.retrieval.smalltalk import small_talk_reply
from tests.e2e.conftest import assert_within_limits

pytestmark = pytest.mark.e2e
NO_WORDS_JA = message("no_words", "ja")


def embed_text(embed: dict) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def test_a_second_vote_replaces_the_first_and_thanks_in_the_voters_language(
        fake, start_bot):
    carol = fake.user("carol")  # a Japanese client
    async with start_bot() as bot:
        rec = await fake.slash(fake.student, "ask",
                               {"question": "How many people use Google Translate every day?"})
        message_id = fake.response_message_id(rec)
        ids = fake.response_message(rec).custom_ids()
        up = next(c for c in ids if c.startswith("ans:up:"))
        down = next(c for c in ids if c.startswith("ans:down:"))
        first = await fake.click(carol, message_id, up)
        assert first.content == "フィードバックありがとうございます!"  # an English answer
        await fake.click(carol, message_id, down)
        bob = await fake.click(fake.student, message_id, up)
        assert bob.content == "Thanks for the feedback!"
        rows = await bot.db.fetchall("SELECT user_hash, rating FROM feedback ORDER BY id")
        assert sorted(r["rating"] for r in rows) == [-1, 1]  # carol's latest, and bob's
        assert rows[0]["user_hash"] == await bot.answers.user_hash(carol.id)
        assert rows[0]["rating"] == -1


async def test_ask_accepts_what_it_answers_and_a_refusal_costs_no_token(fake, start_bot):
    async with start_bot(ask_per_minute=1):
        ask = fake.commands()["ask"]
        option = next(o for o in ask["options"] if o["name"] == "question")
        assert option["max_length"] == MAX_QUESTION_CHARS == 1000
        refused = await fake.slash(fake.student, "ask", {"question": "?!?"})
        assert refused.ephemeral and not refused.callback_data.get("embeds")
        assert "ask in words" in refused.content
        answered = await fake.slash(fake.student, "ask",
                                    {"question": "Teslaの学習データ量は?"})
        assert answered.callback_data.get("embeds"), answered.content  # not rate-limited
        limited = await fake.slash(fake.student, "ask", {"question": "Teslaの学習データ量は?"})
        assert "秒後" in limited.content  # the one token went to the real question


async def test_an_emoji_only_mention_is_answered_in_the_members_language(fake, start_bot):
    carol = fake.user("carol")
    async with start_bot() as bot:
        await fake.slash(carol, "help")  # the bot learns her client's language here
        # Emoji alone is small talk (the lead's retrieval change): a short reply, in her
        # language, without a thread or a search.
        await fake.post_message(carol, "general", "👍🎉", mentions=[fake.bot_user])
        emoji_ja = small_talk_reply("emoji", "ja")
        reply = await fake.wait_until(
            lambda: [m for m in fake.sent_messages("general")
                     if m.embeds and m.embeds[0].get("description") == emoji_ja],
            what="the Japanese small-talk reply")
        assert reply
        assert await bot.member_languages.get(carol.id) == "ja"
        await fake.post_message(carol, "general", "??", mentions=[fake.bot_user])
        refused = await fake.wait_for_sent_message("general", contains=NO_WORDS_JA)
        assert refused.content == NO_WORDS_JA  # no words at all: refused in her language
        assert not fake.requests("POST", path_contains="/threads")  # nothing to thread
        await fake.post_message(fake.student, "general", "🤔", mentions=[fake.bot_user])
        emoji_en = small_talk_reply("emoji", "en")
        await fake.wait_until(
            lambda: [m for m in fake.sent_messages("general")
                     if m.embeds and m.embeds[0].get("description") == emoji_en],
            what="the English small-talk reply")


async def test_tutor_config_glossary_and_exercise_answers_for_a_japanese_member(fake, start_bot):
    async with start_bot() as bot:
        config = await fake.slash(fake.moderator, "tutor config", {"rate_limit": 4},
                                  locale="ja")
        names = [f["name"] for f in config.callback_data["embeds"][0]["fields"]]
        assert names[:3] == ["回答チャンネル(メンション不要)", "スレッドで回答", "質問の回数制限"]
        assert "1人あたり1分間に4問" in embed_text(config.callback_data["embeds"][0])
        assert config.content == "設定を保存しました。"

        glossary = await fake.slash(fake.student, "glossary", {"term": "churn"}, locale="ja")
        field = glossary.callback_data["embeds"][0]["fields"][0]
        assert field["name"].startswith("顧客離脱率 — ")
        assert field["value"].splitlines()[-1].startswith("📝 英語の注記:") or \
            field["value"].startswith("別の表記")
        choices = await fake.autocomplete(fake.student, "glossary", {"term": "churn"},
                                          focused="term", locale="ja")
        assert choices.choices[0]["name"].startswith("顧客離脱率 — ")

        posted = await fake.slash(fake.student, "exercise show", {"number": 1}, locale="ja")
        message_id = fake.response_message_id(posted)
        form = await fake.click(fake.student, message_id, "ex:answer:1", locale="ja")
        blank = await fake.submit_modal(fake.student, form.modal["custom_id"],
                                        {"answer": "  \u3000\n "}, locale="ja")
        assert blank.ephemeral and "空白" in blank.content
        assert await bot.db.fetchall("SELECT * FROM exercise_answers") == []
    assert_within_limits(fake)


def test_tied_scores_share_a_medal_in_the_final_standings():
    board = Scoreboard(1, 2, 3, "finished", (MemberScore(11, 40, 2, 2), MemberScore(12, 40, 2, 2),
                                             MemberScore(13, 25, 1, 2), MemberScore(14, 0, 0, 2)),
                       rounds_played=2, total=2)
    lines = scoreboard_embed(board, "ja").to_dict()["description"].splitlines()
    assert [line.split()[0] for line in lines] == ["🥇", "🥇", "🥉", "4."]


async def test_unknown_topics_name_the_close_ones_and_a_short_topic_says_how_many_run(
        fake, start_bot):
    async with start_bot() as bot:
        typo = await fake.slash(fake.moderator, "quiz start", {"topic": "netflx"},
                                channel="quiz", locale="ja")
        assert typo.ephemeral and typo.content.startswith("「netflx」というトピックはありません")
        assert "`netflix` — Netflix推薦システム" in typo.content
        nothing = await fake.slash(fake.student, "practice", {"topic": "qwzxv"})
        assert nothing.ephemeral and nothing.content.startswith("There's no topic “qwzxv”")
        assert await bot.db.fetchall("SELECT * FROM quiz_sessions") == []

        bank = bot.get_cog("Quiz").service.bank
        available = len(bank.select("automl", buttons_only=True))
        started = await fake.slash(fake.moderator, "quiz start",
                                   {"topic": "automl", "count": 50}, channel="quiz")
        embed = started.callback_data["embeds"][0]
        assert embed["title"] == f"🎯 Quiz: {available} question(s)"
        assert embed["description"].startswith(
            f"ℹ️ You asked for 50 questions, but AutoML has only {available} that can be "
            "answered with buttons")
        await fake.slash(fake.moderator, "quiz stop", channel="quiz")


def test_snooze_and_catch_up_reminders_are_worded_for_their_reader():
    from bot.config import PROJECT_ROOT
    from bot.discordbot.plan_views import reminder_embed, reminder_title
    from bot.plans import ReminderPayload, WeekView, key_from_footer, load_library

    plan = load_library(PROJECT_ROOT / "knowledge" / "plans.yaml").plan("3m")
    weeks = tuple(WeekView.of(plan.week(n), plan.total_weeks) for n in (3, 4, 5))
    snooze = ReminderPayload("tp1w3z1", "snooze", 1, "3m", plan.title, weeks[:1])
    assert reminder_title(snooze, "ja") == f"⏰ もう一度お知らせ — {plan.title.ja} · 第3週/全12週"
    assert reminder_title(snooze, "en") == f"⏰ Reminder again — {plan.title.en} · week 3 of 12"
    catchup = ReminderPayload("tp1w3", "catchup", 1, "3m", plan.title, weeks, reviews_due=2)
    japanese = reminder_embed(catchup, "ja").to_dict()
    assert "第3〜5週/全12週" in japanese["title"]
    assert japanese["description"].startswith("ボットが停止していた間に、第3〜5週の配信日")
    assert "__第5週__" in japanese["description"] and "__Week" not in japanese["description"]
    assert japanese["description"].endswith("🔁 復習が2件あります — /復習")
    assert key_from_footer(japanese["footer"]["text"]) == "tp1w3"  # found again after a crash
