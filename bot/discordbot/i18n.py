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
    # /forget-me, /tutor purge
    "forget-me": "データ削除",
    "Delete everything the tutor keeps about you": "チューターが保存している自分のデータをすべて削除する",
    "purge": "メンバーデータ削除",
    "Delete everything the tutor keeps about a member": "チューターが保存しているメンバーのデータをすべて削除する",
    "member": "メンバー",
    "The member whose data is deleted": "データを削除するメンバー",
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
    # /plan
    "plan": "プラン",
    "Weekly study-plan reminders (chapter 4.4)": "週ごとの学習プランのリマインダー(4.4節)",
    "start": "開始",
    "Start weekly reminders for a study plan": "学習プランの週ごとのリマインダーを始める",
    "Which plan: 3 months, 1 year or 3 years": "プランの種類: 3ヶ月・1年・3年",
    "3 months (foundations)": "3ヶ月プラン(基礎固め)",
    "1 year (practical strength)": "1年プラン(実践力強化)",
    "3 years (expert)": "3年プラン(エキスパート)",
    "start_date": "開始日",
    "First day to count from, YYYY-MM-DD (default: today)": "数え始める日 YYYY-MM-DD(既定: 今日)",
    "weekday": "曜日",
    "Reminder weekday (default: the start date's)": "リマインダーの曜日(既定: 開始日の曜日)",
    "Monday": "月曜日",
    "Tuesday": "火曜日",
    "Wednesday": "水曜日",
    "Thursday": "木曜日",
    "Friday": "金曜日",
    "Saturday": "土曜日",
    "Sunday": "日曜日",
    "time": "時刻",
    "Reminder time, HH:MM (default 09:00)": "リマインダーの時刻 HH:MM(既定 09:00)",
    "Time zone (IANA) for this plan (default: yours, then the server's)": "このプランのタイムゾーン(IANA、既定: 個人設定→サーバー設定)",
    "where": "送信先",
    "Your DMs, or this channel (moderators)": "自分のDM、またはこのチャンネル(モデレーター)",
    "My DMs": "自分のDM",
    "This channel (moderators)": "このチャンネル(モデレーター)",
    "status": "状況",
    "Your study plans and when the next reminder comes": "学習プランと次のリマインダーの日時を表示する",
    "show": "表示",
    "A week of your plan, with the timeline picture": "プランの週の内容とタイムライン画像を表示する",
    "week": "週",
    "Week number (default: the latest one sent)": "週番号(既定: 最後に届いた週)",
    "Preview a plan without starting it": "開始せずにプランを下見する",
    "Which plan: your DMs' or this channel's": "対象のプラン: 自分のDMかこのチャンネルか",
    "pause": "一時停止",
    "Pause your reminders": "リマインダーを一時停止する",
    "resume": "再開",
    "Resume paused reminders": "一時停止したリマインダーを再開する",
    "skip": "スキップ",
    "Skip the next week": "次の週をスキップする",
    "stop": "終了",
    "End the plan": "プランを終了する",
    # /timezone
    "Your time zone for study-plan reminders": "学習プランのリマインダーに使うタイムゾーン",
    "set": "設定",
    "Set your time zone (your DM plans move to it)": "タイムゾーンを設定する(DMのプランの時刻も合わせる)",
    "zone": "ゾーン",
    "An IANA time zone such as Asia/Tokyo": "IANA のタイムゾーン名(例: Asia/Tokyo)",
    # /quiz /exercise /practice /review
    "quiz": "クイズ",
    "Channel quizzes on the chapter": "章のチャンネルクイズ",
    "Start a quiz in this channel (moderators and quiz masters)": "このチャンネルでクイズを始める(モデレーター・クイズ係)",
    "topic": "トピック",
    "A topic (default: all topics)": "トピック(既定: すべて)",
    "count": "問題数",
    "How many questions": "出題する問題の数",
    "seconds": "秒数",
    "Seconds per question": "1問あたりの秒数",
    "mode": "モード",
    "Buttons (everyone answers) or typed (first correct message wins)": "ボタン(全員回答)か入力(最初の正解者が得点)",
    "buttons: everyone answers": "ボタン: 全員が回答",
    "typed: first correct message wins": "入力: 最初の正解者が得点",
    "End the quiz in this channel (its starter or moderators)": "このチャンネルのクイズを終了する(出題者・モデレーター)",
    "Reveal the answer and go to the next question (its starter or moderators)": "答えを表示して次の問題へ進む(出題者・モデレーター)",
    "leaderboard": "ランキング",
    "The quiz leaderboard": "クイズのランキングを表示する",
    "scope": "範囲",
    "The whole server or this channel": "サーバー全体かこのチャンネルか",
    "Whole server": "サーバー全体",
    "This channel": "このチャンネル",
    "period": "期間",
    "The last 7 days or all time": "直近7日間か全期間か",
    "Last 7 days": "直近7日間",
    "All time": "全期間",
    "topics": "トピック一覧",
    "Quiz topics and how many questions each has": "クイズのトピックと問題数",
    "stats": "成績",
    "Your quiz stats (moderators also get what the server misses most)": "自分のクイズ成績(モデレーターにはよく間違えられる問題も表示)",
    "exercise": "演習",
    "The chapter's exercises, with hints and key-point feedback": "章の演習問題(ヒントとキーポイントのフィードバック付き)",
    "Post an exercise with Hint and Answer buttons": "ヒントと回答ボタン付きで演習問題を投稿する",
    "number": "番号",
    "Exercise number (default: your next unanswered one)": "演習問題の番号(既定: まだ解答していない次の問題)",
    "history": "履歴",
    "Your answers to the exercises": "自分の演習の解答履歴",
    "Only this exercise": "この演習問題だけ",
    "practice": "練習",
    "Practise on your own: reviews due first, then new questions": "自分だけで練習する(復習が先、次に新しい問題)",
    "How many questions (default 10)": "問題数(既定 10)",
    "review": "復習",
    "How many reviews are due, and when": "復習の件数と予定を表示する",
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
