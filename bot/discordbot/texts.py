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
    # /plan, /timezone and the reminder buttons
    "plans_starting": {
        "ja": "学習プランの準備中です。少し待ってからもう一度お試しください。",
        "en": "Study plans are still starting up; please try again in a moment.",
    },
    "plan_started": {
        "ja": "「{plan}」を開始しました。第1週は {when} に{where}へ届きます。",
        "en": "Started {plan}. Week 1 arrives {when} in {where}.",
    },
    "plan_where_dm": {"ja": "DM", "en": "your DMs"},
    "plan_none": {
        "ja": "対象の学習プランがありません。/plan start で始められます。",
        "en": "There's no study plan there. Start one with /plan start.",
    },
    "plan_paused": {"ja": "一時停止しました。/plan resume で再開できます。", "en": "Paused. Use /plan resume to continue."},
    "plan_resumed": {"ja": "再開しました。", "en": "Resumed."},
    "plan_skipped": {"ja": "次の週をスキップしました。", "en": "Skipped the next week."},
    "plan_stopped": {
        "ja": "プランを終了しました。いつでも新しいプランを始められます。",
        "en": "Stopped the plan. You can start a new one any time.",
    },
    "plan_status_title": {"ja": "学習プラン", "en": "Study plans"},
    "plan_status_body": {
        "ja": "{state}\n送信先: {where}\n次回: {next}\n進捗: 第{week}週/全{total}週 · 完了タスク {done}/{tasks}\nタイムゾーン: {zone}",
        "en": "{state}\nWhere: {where}\nNext: {next}\nProgress: week {week} of {total} · tasks done {done}/{tasks}\nTime zone: {zone}",
    },
    "plan_state_active": {"ja": "▶️ 進行中", "en": "▶️ active"},
    "plan_state_paused": {"ja": "⏸️ 一時停止中: {reason}", "en": "⏸️ paused: {reason}"},
    "plan_state_finished": {"ja": "🏁 完了", "en": "🏁 finished"},
    "plan_state_stopped": {"ja": "⏹️ 終了", "en": "⏹️ stopped"},
    "plan_reason_paused": {"ja": "ご自身で一時停止しました。", "en": "paused by request."},
    "plan_reason_dm_closed": {
        "ja": "DMを送れません(このサーバーからのDMが閉じられています)。DMを開いてから /plan resume してください。",
        "en": "I can't send you direct messages (your DMs are closed to this server). Open them, then use /plan resume.",
    },
    "plan_reason_channel_deleted": {"ja": "送信先のチャンネルが削除されました。", "en": "the reminder channel no longer exists."},
    "plan_reason_missing_permissions": {
        "ja": "送信先のチャンネルに投稿する権限がありません。",
        "en": "I'm missing the permission to post in the reminder channel.",
    },
    "plan_reason_missing_access": {"ja": "送信先のチャンネルが見えなくなりました。", "en": "I can't see the reminder channel any more."},
    "plan_reason_delivery_failed": {
        "ja": "Discordへの送信が繰り返し失敗しました。/plan resume で再試行できます。",
        "en": "Discord kept failing to take the reminder; use /plan resume to try again.",
    },
    "plan_week_title": {"ja": "📚 {plan} — 第{week}週/全{total}週", "en": "📚 {plan} — week {week} of {total}"},
    "plan_done_marked": {
        "ja": "第{week}週のタスク{task}を完了にしました(完了したメンバー: {count}人)。",
        "en": "Marked task {task} of week {week} done ({count} member(s) so far).",
    },
    "plan_done_unmarked": {
        "ja": "第{week}週のタスク{task}の完了を取り消しました。",
        "en": "Task {task} of week {week} is no longer marked done.",
    },
    "plan_snoozed": {
        "ja": "第{week}週のリマインダーを {when} にもう一度DMでお送りします。",
        "en": "I'll send week {week} to your DMs again {when}.",
    },
    "plan_bad_date": {
        "ja": "「{value}」は日付として読めません(例: 2026-01-05)。",
        "en": "“{value}” is not a date like 2026-01-05.",
    },
    "plan_cannot_post": {
        "ja": "このチャンネルに投稿できません。先に「メッセージを送信」と「埋め込みリンク」の権限をください。",
        "en": "I can't post here; give me Send Messages and Embed Links in this channel first.",
    },
    "timezone_set": {
        "ja": "タイムゾーンを {zone} に設定しました(時刻を合わせたプラン: {moved}件)。",
        "en": "Your time zone is now {zone} ({moved} plan(s) moved to it).",
    },
    "plan_err_past_date": {"ja": "開始日 {value} は過去の日付です。", "en": "The start date {value} is in the past."},
    "plan_err_time": {"ja": "時刻は 09:00 のように入力してください。", "en": "Please give a time like 09:00."},
    "plan_err_weekday": {"ja": "曜日を選んでください。", "en": "Please choose a weekday."},
    "plan_err_zone": {
        "ja": "IANA のタイムゾーン名を指定してください(例: Asia/Tokyo)。",
        "en": "Please give an IANA time zone such as Asia/Tokyo.",
    },
    "plan_err_conflict": {
        "ja": "ここにはすでに学習プランがあります。先に /plan stop で終了してください。",
        "en": "There's already a study plan here; stop it first with /plan stop.",
    },
    "plan_err_not_active": {"ja": "進行中のプランではありません。", "en": "This plan isn't active."},
    "plan_err_not_paused": {"ja": "一時停止中のプランだけ再開できます。", "en": "Only a paused plan can be resumed."},
    "plan_err_ended": {"ja": "このプランは終了しています。", "en": "This plan has ended."},
    "plan_err_no_week_left": {"ja": "スキップできる週が残っていません。", "en": "There's no week left to skip."},
    "plan_err_busy": {
        "ja": "ちょうど送信中です。少し待ってからもう一度お試しください。",
        "en": "That week is being sent right now; please try again in a moment.",
    },
    "plan_err_not_yours": {"ja": "これは他のメンバーの個人プランです。", "en": "This is someone else's personal plan."},
    "plan_err_not_owner": {
        "ja": "プランを開始したメンバーかモデレーターだけが変更できます。",
        "en": "Only the member who started this plan, or a moderator, can change it.",
    },
    "plan_err_week_range": {"ja": "このプランは第1週〜第{last}週です。", "en": "This plan has weeks 1-{last}."},
    "plan_err_not_sent": {
        "ja": "まだ届いていない週はスヌーズできません。",
        "en": "Only a week that was already sent can be snoozed.",
    },
    "plan_err_other": {"ja": "できませんでした: {reason}", "en": "That didn't work: {reason}"},
}


def tr(key: str, language: str, **values: object) -> str:
    entry = TEXTS[key]
    return entry.get(language, entry["en"]).format(**values)


def interaction_language(interaction: discord.Interaction) -> str:
    """The member's client language, used when there is no question text to go by."""
    return "ja" if interaction.locale is discord.Locale.japanese else "en"
