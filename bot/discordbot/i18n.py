"""Japanese names and descriptions for the slash commands (English is the source text)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger(__name__)

JAPANESE: dict[str, str] = {
    # /ask
    "ask": "質問",
    "Ask the chapter a question (Japanese or English)": "章について質問する(日本語・英語)",
    "question": "質問",
    "Your question about the chapter": "章についての質問",
    "private": "非公開",
    "Only you see the answer": "自分だけに回答を表示する",
    # /glossary, /sections, /about, /help
    "glossary": "用語集",
    "Look a term up, English ↔ Japanese": "用語を英語⇔日本語で調べる",
    "term": "用語",
    "A term in English or Japanese": "英語または日本語の用語",
    "sections": "目次",
    "The chapter's table of contents": "章の目次を表示する",
    "about": "情報",
    "About this bot and its index": "このボットと索引について",
    "help": "ヘルプ",
    "How to use this bot": "使い方を表示する",
    # /tutor config
    "tutor": "チューター",
    "Server settings for the tutor (moderators)": "チューターのサーバー設定(モデレーター用)",
    "config": "設定",
    "Change or show this server's tutor settings": "このサーバーの設定を変更・表示する",
    "answer_channel": "回答チャンネル",
    "A channel where the bot answers without a mention": "メンションなしで回答するチャンネル",
    "remove_channel": "チャンネル解除",
    "Stop answering without a mention in this channel": "このチャンネルでのメンションなし回答をやめる",
    "threads": "スレッド",
    "Answer mentions in a new thread": "メンションへの回答をスレッドで行う",
    "rate_limit": "回数制限",
    "Questions per member per minute": "1人あたり1分間の質問数",
    "moderator_role": "モデレーターロール",
    "A role that may use moderator commands": "モデレーター用コマンドを使えるロール",
    "quiz_master_role": "クイズ係ロール",
    "A role that may run channel quizzes": "チャンネルクイズを運営できるロール",
    "timezone": "タイムゾーン",
    "The server's default time zone (IANA)": "サーバーの既定タイムゾーン(IANA)",
}


class TutorTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        if locale is discord.Locale.japanese:
            return JAPANESE.get(string.message)
        return None


def t(text: str) -> app_commands.locale_str:
    """Mark a command name or description for translation."""
    return app_commands.locale_str(text)
