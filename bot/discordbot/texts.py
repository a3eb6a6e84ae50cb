"""Every fixed string the bot shows, in Japanese and English."""

from __future__ import annotations

import discord

TEXTS: dict[str, dict[str, str]] = {
    "rate_limited": {
        "ja": "質問が多すぎます。{seconds}秒後にもう一度どうぞ。",
        "en": "You're asking faster than I can keep up. Try again in {seconds} s.",
    },
    "queued": {
        "ja": "順番待ちです(現在 {position} 番目)。まもなく回答します。",
        "en": "You're in the queue (position {position}). I'll answer shortly.",
    },
    "error": {
        "ja": "申し訳ありません、問題が発生しました(エラーID: {error_id})。",
        "en": "Sorry, something went wrong (error id {error_id}).",
    },
    "not_moderator": {
        "ja": "このコマンドはモデレーター専用です。",
        "en": "Only moderators can use this command.",
    },
    "feedback_thanks": {"ja": "フィードバックありがとうございます!", "en": "Thanks for the feedback!"},
    "answer_gone": {
        "ja": "この回答は見つかりませんでした。もう一度質問してください。",
        "en": "I can't find that answer any more. Please ask again.",
    },
    "no_more": {"ja": "これ以上の関連箇所はありません。", "en": "There are no more related passages."},
    "more_title": {"ja": "その他の関連箇所", "en": "More passages"},
    "section_page": {"ja": "{page}/{pages} ページ", "en": "page {page} of {pages}"},
    "glossary_none": {
        "ja": "「{term}」は用語集にありません。",
        "en": "No glossary entry for “{term}”.",
    },
    "sections_title": {"ja": "目次", "en": "Table of contents"},
    "about_title": {"ja": "このボットについて", "en": "About this bot"},
    "help_title": {"ja": "使い方", "en": "How to use the tutor"},
    "help_body": {
        "ja": "**/ask** 章について質問(日本語・英語)。引用つきで答えます。\n"
              "**@ボット 質問** スレッドを作って回答。スレッド内はメンション不要で続けて質問できます。\n"
              "**/glossary** 用語を英語⇔日本語で調べる\n**/sections** 目次\n**/about** 索引の情報\n"
              "**/tutor config** サーバー設定(モデレーター)",
        "en": "**/ask** ask about the chapter (Japanese or English); answers quote it.\n"
              "**@bot question** answers in a new thread; follow-ups there need no mention.\n"
              "**/glossary** look a term up, English ↔ Japanese\n**/sections** contents\n"
              "**/about** index details\n**/tutor config** server settings (moderators)",
    },
    "config_saved": {"ja": "設定を保存しました。", "en": "Settings saved."},
    "config_title": {"ja": "サーバー設定", "en": "Server settings"},
    "bad_timezone": {
        "ja": "「{zone}」は IANA のタイムゾーン名ではありません(例: Asia/Tokyo)。",
        "en": "“{zone}” is not an IANA time zone (for example Asia/Tokyo).",
    },
    "restarting": {
        "ja": "ボットは再起動中です。少ししてからもう一度お試しください。",
        "en": "I'm restarting. Please ask again in a minute.",
    },
    "dense_pending": {
        "ja": "(モデル読み込み中のため語句検索のみで回答しています)",
        "en": "(keyword search only while the model loads)",
    },
}


def tr(key: str, language: str, **values: object) -> str:
    entry = TEXTS[key]
    return entry.get(language, entry["en"]).format(**values)


def interaction_language(interaction: discord.Interaction) -> str:
    """The member's client language, used when there is no question text to go by."""
    return "ja" if interaction.locale is discord.Locale.japanese else "en"
