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
    "glossary_ja_forms": {"ja": "別の表記: {forms}", "en": "Also written: {forms}"},
    "glossary_en_note": {"ja": "📝 英語の注記: {note}", "en": "📝 {note}"},
    "sections_title": {"ja": "目次", "en": "Table of contents"},
    "about_title": {"ja": "このボットについて", "en": "About this bot"},
    "about_version": {"ja": "バージョン", "en": "version"},
    "about_model": {"ja": "埋め込みモデル", "en": "model"},
    "about_dense": {"ja": "意味検索", "en": "dense"},
    "about_ready": {"ja": "利用可能", "en": "ready"},
    "about_loading": {"ja": "読み込み中", "en": "loading"},
    "about_chunks": {"ja": "索引の断片数", "en": "chunks"},
    "about_built": {"ja": "索引の作成日時", "en": "built"},
    "about_knowledge": {"ja": "教材のSHA-256", "en": "knowledge sha256"},
    "help_title": {"ja": "使い方", "en": "How to use the tutor"},
    "help_body": {
        "ja": "**/質問** 章について質問(日本語・英語)。引用つきで答えます。\n"
              "**@ボット 質問** スレッドを作って回答。スレッド内はメンション不要で続けて質問できます。\n"
              "**/用語集** 用語を英語⇔日本語で調べる\n**/目次** 目次\n**/情報** 索引の情報\n"
              "**/チューター 設定** サーバー設定(モデレーター)",
        "en": "**/ask** ask about the chapter (Japanese or English); answers quote it.\n"
              "**@bot question** answers in a new thread; follow-ups there need no mention.\n"
              "**/glossary** look a term up, English ↔ Japanese\n**/sections** contents\n"
              "**/about** index details\n**/tutor config** server settings (moderators)",
    },
    "forgotten": {
        "ja": "あなたについて保存していたデータを削除しました({rows}件、DMの学習プラン{plans}件を停止)。一緒に参加したクイズの記録とチャンネルの学習プランは、あなたの情報を除いて残ります。",
        "en": "Deleted what the tutor kept about you ({rows} record(s); {plans} DM study plan(s) stopped). Quizzes you played and channel plans you started stay, without you in them.",
    },
    "purged": {
        "ja": "{member} について保存していたデータを削除しました({rows}件、DMの学習プラン{plans}件を停止)。",
        "en": "Deleted what the tutor kept about {member} ({rows} record(s); {plans} DM study plan(s) stopped).",
    },
    "config_saved": {"ja": "設定を保存しました。", "en": "Settings saved."},
    "config_title": {"ja": "サーバー設定", "en": "Server settings"},
    "config_answer_channels": {"ja": "回答チャンネル(メンション不要)", "en": "answer channels"},
    "config_threads": {"ja": "スレッドで回答", "en": "threads"},
    "config_rate_limit": {"ja": "質問の回数制限", "en": "rate limit"},
    "config_per_minute": {"ja": "1人あたり1分間に{count}問", "en": "{count} per member per minute"},
    "config_moderator_role": {"ja": "モデレーターロール", "en": "moderator role"},
    "config_quiz_master_role": {"ja": "クイズ係ロール", "en": "quiz master role"},
    "config_timezone": {"ja": "タイムゾーン", "en": "time zone"},
    "config_on": {"ja": "オン", "en": "on"},
    "config_off": {"ja": "オフ", "en": "off"},
    "config_default": {"ja": "既定", "en": "default"},
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
        "ja": "対象の学習プランがありません。/プラン 開始 で始められます。",
        "en": "There's no study plan there. Start one with /plan start.",
    },
    "plan_paused": {"ja": "一時停止しました。/プラン 再開 で再開できます。", "en": "Paused. Use /plan resume to continue."},
    "plan_resumed": {"ja": "再開しました。", "en": "Resumed."},
    "plan_stopped": {
        "ja": "プランを終了しました。いつでも新しいプランを始められます。",
        "en": "Stopped the plan. You can start a new one any time.",
    },
    "plan_status_title": {"ja": "学習プラン", "en": "Study plans"},
    "plan_status_body": {
        "ja": "{state}\n送信先: {where}\n次回: {next}\n進捗: {progress}\nタイムゾーン: {zone}",
        "en": "{state}\nWhere: {where}\nNext: {next}\nProgress: {progress}\nTime zone: {zone}",
    },
    "plan_next_week": {"ja": "第{week}週 · {when}", "en": "week {week} · {when}"},
    "plan_next_week_paused": {"ja": "第{week}週(再開すると届きます)", "en": "week {week}, once resumed"},
    "plan_progress": {
        "ja": "第{week}週/全{total}週 · 完了タスク {done}/{tasks}",
        "en": "week {week} of {total} · tasks done {done}/{tasks}",
    },
    "plan_progress_waiting": {
        "ja": "まだ始まっていません(全{total}週)。第1週は {when} に届きます。",
        "en": "not started yet ({total} weeks). Week 1 arrives {when}.",
    },
    "plan_progress_none_sent": {"ja": "まだ届いた週はありません(全{total}週)。", "en": "no week sent yet ({total} weeks)."},
    "plan_skipped_to": {
        "ja": "第{week}週をスキップしました。次は第{next}週で、{when} に届きます。",
        "en": "Skipped week {week}. Next comes week {next}, {when}.",
    },
    "plan_skipped_last": {"ja": "最後の週(第{week}週)をスキップしました。", "en": "Skipped week {week}, the last one."},
    "plan_state_active": {"ja": "▶️ 進行中", "en": "▶️ active"},
    "plan_state_paused": {"ja": "⏸️ 一時停止中: {reason}", "en": "⏸️ paused: {reason}"},
    "plan_state_retrying": {"ja": "{state}\n⚠️ 前回の送信でエラー({error})。送信済みか確認してから再送します", "en": "{state}\n⚠️ the last delivery hit an error ({error}); I check whether it arrived before retrying"},
    "plan_state_finished": {"ja": "🏁 完了", "en": "🏁 finished"},
    "plan_state_stopped": {"ja": "⏹️ 終了", "en": "⏹️ stopped"},
    "plan_reason_paused": {"ja": "ご自身で一時停止しました。", "en": "paused by request."},
    "plan_reason_dm_closed": {
        "ja": "DMを送れません(このサーバーからのDMが閉じられています)。DMを開いてから /プラン 再開 してください。",
        "en": "I can't send you direct messages (your DMs are closed to this server). Open them, then use /plan resume.",
    },
    "plan_reason_channel_deleted": {"ja": "送信先のチャンネルが削除されました。", "en": "the reminder channel no longer exists."},
    "plan_reason_missing_permissions": {
        "ja": "送信先のチャンネルに投稿する権限がありません。",
        "en": "I'm missing the permission to post in the reminder channel.",
    },
    "plan_reason_missing_access": {"ja": "送信先のチャンネルが見えなくなりました。", "en": "I can't see the reminder channel any more."},
    "plan_reason_target_not_found": {"ja": "送信先が見つからなくなりました。", "en": "the reminder target no longer exists."},
    "plan_reason_forbidden": {"ja": "Discordがリマインダーの送信を拒否しました(403)。", "en": "Discord refused the reminder (403)."},
    "plan_notice_title": {"ja": "📚 学習プランを一時停止しました", "en": "📚 Study plan paused"},
    "plan_notice_body": {
        "ja": "{plan}({where}宛て)のリマインダーを止めています。\n{state}\n解決したら /プラン 再開 を使ってください。",
        "en": "Your {plan} reminders to {where} are on hold.\n{state}\nFix it, then use /plan resume.",
    },
    "plan_reason_delivery_failed": {
        "ja": "Discordへの送信が繰り返し失敗しました。/プラン 再開 で再試行できます。",
        "en": "Discord kept failing to take the reminder; use /plan resume to try again.",
    },
    "plan_week_title": {"ja": "📚 {plan} — 第{week}週/全{total}週", "en": "📚 {plan} — week {week} of {total}"},
    "plan_snooze_title": {"ja": "⏰ もう一度お知らせ — {plan} · 第{week}週/全{total}週", "en": "⏰ Reminder again — {plan} · week {week} of {total}"},
    "plan_catchup_title": {"ja": "📚 {plan}: 停止中に届くはずだった第{first}〜{last}週/全{total}週", "en": "📚 {plan}: while I was offline — weeks {first}-{last} of {total}"},
    "plan_catchup_body": {
        "ja": "ボットが停止していた間に、第{first}〜{last}週の配信日が過ぎました。1通にまとめてお送りします。次の週からは通常どおり届きます。",
        "en": "While I was offline, weeks {first}-{last} came due. Here they are in one message; the regular schedule continues from the next week.",
    },
    "plan_catchup_week": {"ja": "__第{week}週__", "en": "__Week {week}__"},
    "plan_catchup_short": {"ja": "• 第{week}週: {focus}", "en": "• Week {week}: {focus}"},
    "plan_reviews_due": {"ja": "🔁 復習が{count}件あります — /復習", "en": "🔁 {count} review(s) due — /review"},
    "plan_recap": {"ja": "先週(第{week}週)の完了メンバー数 — {counts}", "en": "Last week (week {week}) done by members — {counts}"},
    "plan_focus": {"ja": "**重点:** {text}", "en": "**Focus:** {text}"},
    "plan_step": {"ja": " · ステップ {step}/{steps}週目", "en": " · step week {step} of {steps}"},
    "plan_tasks": {"ja": "**タスク**", "en": "**Tasks**"},
    "plan_pick": {"ja": "(いずれか{count}つを選択)", "en": "(pick {count} of these)"},
    "plan_deliverable": {"ja": "**成果物(第{week}週まで):** {text}", "en": "**Deliverable (by week {week}):** {text}"},
    "plan_goal": {"ja": "**目標:** {text}", "en": "**Goal:** {text}"},
    "plan_resources": {"ja": "**リソース**", "en": "**Resources**"},
    "plan_source": {"ja": "**出典:** {path}", "en": "**Source:** {path}"},
    "plan_snooze_button": {"ja": "1日後にもう一度", "en": "Snooze 1 day"},
    "plan_done_button_named": {"ja": "第{week}週 · {task}", "en": "W{week} · {task}"},
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
    "plan_snoozed_dms_closed": {
        "ja": "第{week}週のリマインダーを {when} にもう一度DMでお送りする予定ですが、"
              "いまはDMをお届けできません(前回お送りしたDMがDiscordに拒否されました)。"
              "それまでに、サーバー名のメニュー →「プライバシー設定」で"
              "「サーバーにいるメンバーからのダイレクトメッセージを許可する」をオンにしてください。"
              "DMを使わずに、チャンネルのプランで進めることもできます"
              "(モデレーターが `/プラン 開始` で `送信先: このチャンネル(モデレーター)` を選んで"
              "開始できます)。",
        "en": "I'll try to send week {week} to your DMs again {when}, but I can't reach your "
              "DMs right now: my last direct message to you was refused, so your DMs look "
              "closed. Before then, open them (server name menu → Privacy Settings → allow "
              "direct messages from server members). Or follow a channel plan instead, which "
              "needs no DMs (a moderator can start one with `/plan start` and `where: here`).",
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
        "ja": "ここにはすでに学習プランがあります。先に /プラン 終了 で終了してください。",
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
    # Check-ins, the study log and the monthly cadence (issue 16).
    "plan_err_checkin_not_sent": {
        "ja": "まだ届いていない週には記録できません。",
        "en": "You can check in only for a week that was already sent.",
    },
    "plan_err_checkin_empty": {
        "ja": "今週やったことを1行で書いてください。",
        "en": "Write one line about what you did this week.",
    },
    "plan_checkin_title": {"ja": "第{week}週の記録", "en": "Week {week} check-in"},
    "plan_checkin_label": {"ja": "今週は何をしましたか?(1行)", "en": "What did you do this week? (one line)"},
    "plan_checkin_saved": {
        "ja": "📝 第{week}週の記録を学習ログに保存しました: {text}\n`/プラン 状況` でいつでも見られます。",
        "en": "📝 Saved to your study log for week {week}: {text}\nSee it any time with `/plan status`.",
    },
    "plan_study_log": {"ja": "学習ログ", "en": "Study log"},
    "plan_month_title": {"ja": "📚 {plan} — 第{week}か月/全{total}か月", "en": "📚 {plan} — month {week} of {total}"},
    "plan_study_log_row": {"ja": "第{week}週: {text}", "en": "Week {week}: {text}"},
    "plan_cadence_monthly": {
        "ja": "頻度: 毎月(4週ごとに1回、その4週分をまとめて送ります)",
        "en": "Cadence: monthly (one reminder every four weeks, holding those four weeks)",
    },
    "plan_checkin_button": {"ja": "今週の記録", "en": "Check in"},
    # A monthly plan counts months where a weekly one counts weeks (the "_month" twins).
    "plan_month_snooze_title": {"ja": "⏰ もう一度お知らせ — {plan} · 第{week}か月/全{total}か月", "en": "⏰ Reminder again — {plan} · month {week} of {total}"},
    "plan_month_catchup_title": {"ja": "📚 {plan}: 停止中に届くはずだった第{first}〜{last}か月/全{total}か月", "en": "📚 {plan}: while I was offline — months {first}-{last} of {total}"},
    "plan_month_catchup_body": {
        "ja": "ボットが停止していた間に、第{first}〜{last}か月の配信日が過ぎました。1通にまとめてお送りします。次の月からは通常どおり届きます。",
        "en": "While I was offline, months {first}-{last} came due. Here they are in one message; the regular schedule continues from the next month.",
    },
    "plan_month_catchup_week": {"ja": "__第{week}か月__", "en": "__Month {week}__"},
    "plan_month_catchup_short": {"ja": "• 第{week}か月: {focus}", "en": "• Month {week}: {focus}"},
    "plan_next_month": {"ja": "第{week}か月 · {when}", "en": "month {week} · {when}"},
    "plan_next_month_paused": {"ja": "第{week}か月(再開すると届きます)", "en": "month {week}, once resumed"},
    "plan_progress_month": {
        "ja": "第{week}か月/全{total}か月 · 完了タスク {done}/{tasks}",
        "en": "month {week} of {total} · tasks done {done}/{tasks}",
    },
    "plan_progress_waiting_month": {
        "ja": "まだ始まっていません(全{total}か月)。第1か月は {when} に届きます。",
        "en": "not started yet ({total} months). Month 1 arrives {when}.",
    },
    "plan_progress_none_sent_month": {"ja": "まだ届いた月はありません(全{total}か月)。", "en": "no month sent yet ({total} months)."},
    "plan_skipped_to_month": {
        "ja": "第{week}か月をスキップしました。次は第{next}か月で、{when} に届きます。",
        "en": "Skipped month {week}. Next comes month {next}, {when}.",
    },
    "plan_skipped_last_month": {"ja": "最後の月(第{week}か月)をスキップしました。", "en": "Skipped month {week}, the last one."},
    # The part of a week that changes every week of a long block (issue 16).
    "plan_month_covers": {"ja": "🗓️ 今月はプランの第{first}〜{last}週", "en": "🗓️ This month: weeks {first}-{last} of the plan"},
    "plan_block_left": {"ja": "{label}の残り{left}週", "en": "{left} week(s) left in {label}"},
    "plan_block_left_month": {"ja": "{label}の残り{left}か月", "en": "{left} month(s) left in {label}"},
    "plan_block_done": {"ja": "📈 {total}件中{done}件完了 — {left}", "en": "📈 {done} of {total} tasks done — {left}"},
    "plan_block_channel": {"ja": "📈 {left}", "en": "📈 {left}"},
    "plan_checkin_line": {"ja": "📝 今週の記録: {text}", "en": "📝 This week: {text}"},
    "plan_practice": {"ja": "**🧠 今週の練習** — `/練習` で解答", "en": "**🧠 Practice this week** — answer with `/practice`"},
    "plan_practice_row": {"ja": "• {text}(`トピック:{topic}`)", "en": "• {text} (`topic:{topic}`)"},
    "plan_featured": {"ja": "**📚 今週のリソース:** {label}", "en": "**📚 This week's resource:** {label}"},
    # /quiz /exercise /practice /review
    "quiz_not_allowed": {
        "ja": "クイズを始められるのはモデレーターとクイズ係ロールのメンバーだけです。",
        "en": "Only moderators and members with the quiz-master role can start a quiz.",
    },
    "quiz_not_controller": {
        "ja": "これができるのは、クイズを始めたメンバーとモデレーター・クイズ係だけです。",
        "en": "Only the member who started this quiz, a moderator or a quiz master can do that.",
    },
    "quiz_err_no-session": {"ja": "このチャンネルで進行中のクイズはありません。", "en": "No quiz is running in this channel."},
    "quiz_err_exists": {
        "ja": "このチャンネルではすでにクイズが進行中です(/クイズ 終了 で終了できます)。",
        "en": "A quiz is already running in this channel (/quiz stop ends it).",
    },
    "quiz_err_no-questions": {
        "ja": "そのトピックでこのモードに出題できる問題がありません。/クイズ トピック一覧 で一覧を確認できます。",
        "en": "There are no questions for that topic in this mode; /quiz topics lists them.",
    },
    "quiz_err_not-asking": {"ja": "いまは出題中の問題がありません。", "en": "No question is open right now."},
    "quiz_err_asking": {"ja": "いまの問題がまだ出題中です。", "en": "The current question is still open."},
    "quiz_err_no-more": {"ja": "このクイズの問題はもう残っていません。", "en": "There are no more questions in this quiz."},
    "quiz_err_bad-mode": {"ja": "モードは buttons か typed を選んでください。", "en": "Please choose the mode buttons or typed."},
    "quiz_err_other": {"ja": "できませんでした({code})。", "en": "That didn't work ({code})."},
    "quiz_cannot_post": {
        "ja": "このチャンネルに投稿できません。先に「メッセージを送信」と「埋め込みリンク」の権限をください。",
        "en": "I can't post here; give me Send Messages and Embed Links in this channel first.",
    },
    "topic_unknown": {
        "ja": "「{topic}」というトピックはありません。/クイズ トピック一覧 で一覧を確認できます。",
        "en": "There's no topic “{topic}”. /quiz topics lists them.",
    },
    "topic_unknown_close": {
        "ja": "「{topic}」というトピックはありません。もしかして:\n{matches}",
        "en": "There's no topic “{topic}”. Did you mean:\n{matches}",
    },
    "quiz_count_capped": {
        "ja": "{requested}問が指定されましたが、「{topic}」の問題は{running}問しかないため、{running}問で行います。",
        "en": "You asked for {requested} questions, but {topic} has only {running}, so this quiz runs {running}.",
    },
    "quiz_count_capped_buttons": {
        "ja": "{requested}問が指定されましたが、「{topic}」でボタンで答えられる問題(選択式・○×)は{running}問しかないため、{running}問で行います。入力モードなら記述式の問題も出題できます。",
        "en": "You asked for {requested} questions, but {topic} has only {running} that can be answered with buttons (multiple choice and true/false), so this quiz runs {running}. Typed mode also asks the short-answer ones.",
    },
    "quiz_all_topics": {"ja": "全トピック", "en": "all topics"},
    "quiz_mode_button": {
        "ja": "ボタン: 全員が回答でき、締め切りまで何度でも変更できます。正解が速いほど最大+5点。",
        "en": "buttons: everyone answers and may change their answer until time runs out; a faster correct answer earns up to +5.",
    },
    "quiz_mode_typed": {
        "ja": "入力: このチャンネルに答えを書き込んでください。最初の正解者が得点します。",
        "en": "typed: type your answer in this channel; the first correct message scores.",
    },
    "quiz_started_title": {"ja": "🎯 クイズ開始: 全{count}問", "en": "🎯 Quiz: {count} question(s)"},
    "quiz_started_body": {
        "ja": "トピック: {topic}\n1問 {seconds} 秒 · 出題者: {starter}\n{mode}\n(やさしい10点・ふつう15点・むずかしい20点)",
        "en": "Topic: {topic}\n{seconds} s per question · started by {starter}\n{mode}\n(easy 10, medium 15, hard 20 points)",
    },
    "quiz_question_title": {"ja": "第{number}問 / 全{total}問", "en": "Question {number} of {total}"},
    "quiz_question_footer": {"ja": "{topic} · {difficulty} · {points}点", "en": "{topic} · {difficulty} · {points} pt"},
    "quiz_difficulty_easy": {"ja": "やさしい", "en": "easy"},
    "quiz_difficulty_medium": {"ja": "ふつう", "en": "medium"},
    "quiz_difficulty_hard": {"ja": "むずかしい", "en": "hard"},
    "quiz_closes": {"ja": "締め切り {when}", "en": "Closes {when}"},
    "quiz_type_prompt": {
        "ja": "✍️ このチャンネルに答えを書き込んでください(最初の正解者が得点)。",
        "en": "✍️ Type your answer in this channel (the first correct message scores).",
    },
    "quiz_type_tf": {"ja": "「正しい」か「誤り」で答えてください。", "en": "Answer true or false."},
    "quiz_type_mc": {"ja": "A〜D の記号か選択肢の文で答えてください。", "en": "Answer with a letter A-D or the option's text."},
    "quiz_answer_locked": {
        "ja": "回答: {choice}\n締め切りまでは変更できます。",
        "en": "Your answer: {choice}\nYou can change it until time runs out.",
    },
    "quiz_answer_changed": {
        "ja": "回答を {choice} に変更しました(速さのボーナスは最後の回答の時刻で決まります)。",
        "en": "Changed to {choice} (the speed bonus counts from your final answer).",
    },
    "quiz_answer_closed": {"ja": "この問題の回答は締め切られました。", "en": "This question is closed."},
    "quiz_reveal_title": {"ja": "✅ 正解: {answer}", "en": "✅ Answer: {answer}"},
    "quiz_skipped_title": {"ja": "⏭️ スキップ — 正解: {answer}", "en": "⏭️ Skipped — answer: {answer}"},
    "quiz_choices_field": {"ja": "回答の分布", "en": "Answers"},
    "quiz_correct_field": {"ja": "正解者", "en": "Correct"},
    "quiz_nobody": {"ja": "正解者なし", "en": "Nobody got it."},
    "quiz_standings_field": {"ja": "現在の順位", "en": "Standings"},
    "quiz_reveal_footer": {"ja": "第{number}問 / 全{total}問", "en": "Question {number} of {total}"},
    "quiz_end_finished": {"ja": "🏁 クイズ終了({played}/{total}問)", "en": "🏁 Quiz finished ({played}/{total} questions)"},
    "quiz_end_stopped": {"ja": "⏹️ クイズ中止({played}/{total}問)", "en": "⏹️ Quiz stopped ({played}/{total} questions)"},
    "quiz_end_closed": {
        "ja": "⏹️ 再起動のためクイズを終了しました({played}/{total}問)",
        "en": "⏹️ Quiz closed after a restart ({played}/{total} questions)",
    },
    "quiz_nobody_played": {"ja": "参加者はいませんでした。", "en": "Nobody played."},
    "quiz_score_row": {"ja": "{member} — {points}点(正解 {correct}/{answered})", "en": "{member} — {points} pt ({correct}/{answered} correct)"},
    "quiz_scores_saved": {"ja": "得点は保存されました: /クイズ ランキング", "en": "Scores are saved: /quiz leaderboard"},
    "quiz_resumed": {
        "ja": "♻️ ボットが再起動しました。クイズは続きから再開します(得点と回答はそのままです)。",
        "en": "♻️ I restarted; the quiz continues where it left off (scores and answers kept).",
    },
    "quiz_leaderboard_title": {"ja": "🏆 ランキング({scope}・{period})", "en": "🏆 Leaderboard ({scope}, {period})"},
    "quiz_scope_server": {"ja": "サーバー全体", "en": "whole server"},
    "quiz_scope_channel": {"ja": "このチャンネル", "en": "this channel"},
    "quiz_period_week": {"ja": "直近7日", "en": "last 7 days"},
    "quiz_period_all": {"ja": "全期間", "en": "all time"},
    "quiz_leaderboard_empty": {"ja": "まだ記録がありません。/クイズ 開始 で始めましょう。", "en": "No answers yet. Start one with /quiz start."},
    "quiz_leaderboard_row": {
        "ja": "{rank} {member} — {points}点 · 正解 {correct}/{answered}({accuracy}%) · {games}回",
        "en": "{rank} {member} — {points} pt · {correct}/{answered} correct ({accuracy}%) · {games} game(s)",
    },
    "quiz_topics_title": {"ja": "📚 クイズのトピック", "en": "📚 Quiz topics"},
    "quiz_topics_row": {
        "ja": "**{label}** (`{topic}`): {count}問(ボタン向け {buttons}問)",
        "en": "**{label}** (`{topic}`): {count} questions ({buttons} for buttons)",
    },
    "quiz_stats_title": {"ja": "📊 あなたのクイズ成績", "en": "📊 Your quiz stats"},
    "quiz_stats_body": {
        "ja": "回答 {answered}問 · 正解 {correct}問({accuracy}%) · {points}点 · {games}回参加\n連続正解: 現在 {current}(最高 {best})",
        "en": "{answered} answered · {correct} correct ({accuracy}%) · {points} pt · {games} game(s)\nStreak: {current} now (best {best})",
    },
    "quiz_stats_topics": {"ja": "トピック別", "en": "By topic"},
    "quiz_stats_topic_row": {"ja": "{label}: {correct}/{answered}({accuracy}%)", "en": "{label}: {correct}/{answered} ({accuracy}%)"},
    "quiz_missed_title": {"ja": "🔍 サーバーでよく間違えられる問題({period})", "en": "🔍 What the server misses most ({period})"},
    "quiz_missed_row": {"ja": "`{question_id}` — {missed}/{answered} 不正解: {question}", "en": "`{question_id}` — missed {missed}/{answered}: {question}"},
    "quiz_missed_none": {"ja": "まだ間違えられた問題はありません。", "en": "No wrong answers yet."},
    "practice_title_due": {"ja": "🔁 復習", "en": "🔁 Review"},
    "practice_title_new": {"ja": "🆕 新しい問題", "en": "🆕 New question"},
    "practice_footer": {
        "ja": "{topic} · このあと最大 {left}問 · ここまで {right}/{done} 正解",
        "en": "{topic} · up to {left} more after this · {right}/{done} correct so far",
    },
    "practice_answer_button": {"ja": "回答する", "en": "Answer"},
    "practice_next_button": {"ja": "次へ", "en": "Next"},
    "practice_stop_button": {"ja": "終わる", "en": "Finish"},
    "practice_form_title": {"ja": "あなたの回答", "en": "Your answer"},
    "practice_form_label": {"ja": "答え(日本語・英語どちらでも)", "en": "Your answer (Japanese or English)"},
    "practice_correct": {"ja": "✅ 正解!", "en": "✅ Correct!"},
    "practice_wrong": {"ja": "❌ 残念、不正解です。", "en": "❌ Not quite."},
    "practice_your_answer": {"ja": "あなたの回答: {response}", "en": "You answered: {response}"},
    "practice_answer_line": {"ja": "正解: {answer}", "en": "Answer: {answer}"},
    "practice_next_due": {"ja": "次の復習: {when}", "en": "Next review: {when}"},
    "practice_done_title": {"ja": "🎓 練習おわり: {right}/{done} 正解", "en": "🎓 Practice done: {right}/{done} correct"},
    "practice_nothing": {
        "ja": "いま練習できる問題はありません(復習の予定もすべて先です)。",
        "en": "There's nothing to practise right now (no reviews due and no new questions).",
    },
    "review_title": {"ja": "🔁 復習の予定", "en": "🔁 Your reviews"},
    "review_body": {
        "ja": "{summary}\n7日以内: {week}件 · 登録済み: {total}件",
        "en": "{summary}\nDue within 7 days: {week} · in your queue: {total}",
    },
    "review_next": {"ja": "次の復習: {when}", "en": "Next one: {when}"},
    "review_practice_button": {"ja": "いま練習する", "en": "Practise now"},
    "exercise_title": {"ja": "📝 演習問題{number}({difficulty}): {title}", "en": "📝 Exercise {number} ({difficulty}): {title}"},
    "exercise_footer": {
        "ja": "💡 ヒントは1つずつ表示されます。✍️ 回答すると、キーポイントのチェックと本文の解答例が自分だけに届きます。",
        "en": "💡 Hints come one at a time. ✍️ Answer to get a key-point checklist and the chapter's model answer, visible only to you.",
    },
    "exercise_hint_button": {"ja": "ヒント", "en": "Hint"},
    "exercise_answer_button": {"ja": "回答する", "en": "Answer"},
    "exercise_hint": {"ja": "💡 ヒント {index}/{total}: {text}", "en": "💡 Hint {index}/{total}: {text}"},
    "exercise_no_more_hints": {"ja": "ヒントはこれで全部です:\n{hints}", "en": "That's every hint:\n{hints}"},
    "exercise_unknown": {"ja": "演習問題{number}はありません(選べる番号: {numbers})。", "en": "There's no exercise {number} (choose {numbers})."},
    "exercise_form_title": {"ja": "演習問題{number}: あなたの解答", "en": "Exercise {number}: your answer"},
    "exercise_form_label": {"ja": "解答(日本語・英語どちらでも)", "en": "Your answer (Japanese or English)"},
    "exercise_checklist_title": {"ja": "📋 キーポイントのチェック", "en": "📋 Key-point checklist"},
    "exercise_model_title": {"ja": "📖 解答例(本文より)", "en": "📖 Model answer (the chapter's 解答例, in English)"},
    "exercise_original": {"ja": "原文", "en": "The chapter's Japanese · 原文"},
    "answer_empty": {
        "ja": "回答が空白だけのようです。答えを書いてから、もう一度「回答する」を押してください。",
        "en": "Your answer was empty. Please write something, then press Answer again.",
    },
    "exercise_history_title": {"ja": "📝 演習の履歴", "en": "📝 Your exercise answers"},
    "exercise_history_empty": {"ja": "まだ解答がありません。/演習 表示 で始めましょう。", "en": "No answers yet. Try /exercise show."},
    "exercise_history_row": {
        "ja": "問題{number} · {when} · キーポイント {covered}/{total}\n> {answer}",
        "en": "Exercise {number} · {when} · key points {covered}/{total}\n> {answer}",
    },
}


def tr(key: str, language: str, **values: object) -> str:
    entry = TEXTS[key]
    return entry.get(language, entry["en"]).format(**values)


def interaction_language(interaction: discord.Interaction) -> str:
    """The member's client language, used when there is no question text to go by."""
    return "ja" if interaction.locale is discord.Locale.japanese else "en"


def guild_language(guild: discord.Guild | None) -> str:
    """A server's language, for channel messages when no member's locale is at hand."""
    return "ja" if guild is not None and guild.preferred_locale is discord.Locale.japanese \
        else "en"
