"""What a study-plan week and its reminder look like in Discord, in the reader's language.

The plans core (bot/plans) keeps the data and an English/bilingual text for the terminal;
here every label comes from texts.py, and the plan's own texts are picked by language: a
Japanese reader gets the Japanese text (the chapter's own wording), an English reader the
English with the Japanese after it, as the core prints it. Resource titles and the chapter's
heading path are the chapter's own and stay as written.
"""

from __future__ import annotations

import logging

import discord

from bot.discordbot.limits import EMBED_DESCRIPTION, truncate
from bot.discordbot.texts import tr
from bot.plans.library import Text
from bot.plans.payload import (
    DESCRIPTION_MAX,
    BlockProgress,
    Notice,
    ReminderPayload,
    WeekView,
    fit_weeks,
)

log = logging.getLogger(__name__)


def pick(text: Text, language: str) -> str:
    return text.ja if language == "ja" else text.en


def plan_text(text: Text, language: str) -> str:
    """A plan's own text for the reader: Japanese alone, or English then Japanese."""
    return text.ja if language == "ja" else text.both()


def task_lines(view: WeekView, language: str) -> list[str]:
    lines = []
    for task in view.tasks:
        mark = "✅" if task.done else "☐"
        count = f"  (✅ {task.done_count})" if task.done_count else ""
        lines.append(f"{mark} {task.index + 1}. {plan_text(task.text, language)}{count}")
    if view.choose:
        lines.append(tr("plan_pick", language, count=view.choose))
    return lines


# A monthly plan counts months where a weekly one counts weeks.
MONTH_KEYS = {
    "plan_week_title": "plan_month_title",
    "plan_snooze_title": "plan_month_snooze_title",
    "plan_catchup_title": "plan_month_catchup_title",
    "plan_catchup_body": "plan_month_catchup_body",
    "plan_catchup_week": "plan_month_catchup_week",
    "plan_catchup_short": "plan_month_catchup_short",
    "plan_next_week": "plan_next_month",
    "plan_next_week_paused": "plan_next_month_paused",
    "plan_progress": "plan_progress_month",
    "plan_progress_waiting": "plan_progress_waiting_month",
    "plan_progress_none_sent": "plan_progress_none_sent_month",
    "plan_skipped_to": "plan_skipped_to_month",
    "plan_skipped_last": "plan_skipped_last_month",
    "plan_block_left": "plan_block_left_month",
}


def unit_key(key: str, unit: str) -> str:
    """The text key for a plan counted in `unit` ("week", or "month" for a monthly plan)."""
    return MONTH_KEYS[key] if unit == "month" else key


def block_progress_text(progress: BlockProgress, language: str) -> str:
    """ "3 of 4 tasks done, 2 weeks left in Month 4-6": the block's name is the chapter's."""
    left = tr(unit_key("plan_block_left", progress.unit), language,
              left=progress.weeks_left, label=progress.label)
    if progress.done is None:  # a channel's plan: no one member's tasks
        return tr("plan_block_channel", language, left=left)
    return tr("plan_block_done", language, done=progress.done, total=progress.total, left=left)


def fresh_lines(view: WeekView, language: str) -> list[str]:
    """The week's changing part (issue 16): progress in the block, the member's check-in,
    a few practice questions from the bank, the week's featured resource."""
    out = []
    if view.progress:
        out.append(block_progress_text(view.progress, language))
    if view.checkin:
        out.append(tr("plan_checkin_line", language, text=view.checkin))
    if view.practice:
        out.append(tr("plan_practice", language))
        out += [tr("plan_practice_row", language, text=pick(q.text, language), topic=q.topic)
                for q in view.practice]
    if view.featured:
        out.append(tr("plan_featured", language, label=view.featured.label()))
    return out


def week_text(view: WeekView, language: str, with_details: bool = True) -> str:
    """A week as an embed description: focus, the weeks a month holds, block, tasks, then
    (with_details) the deliverable, goal, the week's changing part, resources and where in
    the chapter it comes from."""
    out = [tr("plan_focus", language, text=plan_text(view.focus, language))]
    if view.covers:
        first, last = view.covers
        out.append(tr("plan_month_covers", language, first=first, last=last))
    if view.note:
        out.append(f"ℹ️ {plan_text(view.note, language)}")
    # A step that is the whole block (Year 3's activities side by side) has no steps to
    # count; the progress line says how much of the block is left.
    step = tr("plan_step", language, step=view.step_week, steps=view.step_weeks) \
        if 1 < view.step_weeks < view.block_weeks else ""
    out.append(f"*{plan_text(view.block, language)}*{step}")
    out.append(tr("plan_tasks", language))
    out += task_lines(view, language)
    if not with_details:
        return "\n".join(out)
    if view.deliverable:
        out.append(tr("plan_deliverable", language, week=view.deliverable_week,
                      text=plan_text(view.deliverable, language)))
    if view.goal:
        out.append(tr("plan_goal", language, text=plan_text(view.goal, language)))
    out += fresh_lines(view, language)
    if view.resources:
        out.append(tr("plan_resources", language))
        out += [f"• {r.label()}" for r in view.resources]
    out.append(tr("plan_source", language, path=view.heading_path))
    return "\n".join(out)


def week_embed(view: WeekView, title: Text, language: str) -> discord.Embed:
    """/plan show: a monthly plan's entry is titled as a month."""
    heading = tr(unit_key("plan_week_title", view.unit), language, plan=pick(title, language),
                 week=view.week, total=view.total_weeks)
    return discord.Embed(title=heading[:256],
                         description=truncate(week_text(view, language), EMBED_DESCRIPTION))


def reminder_title(payload: ReminderPayload, language: str) -> str:
    plan = pick(payload.plan_title, language)
    total = payload.weeks[-1].total_weeks
    unit = payload.weeks[-1].unit
    if payload.kind == "catchup":
        return tr(unit_key("plan_catchup_title", unit), language, plan=plan,
                  first=payload.first_week, last=payload.last_week, total=total)
    key = "plan_snooze_title" if payload.kind == "snooze" else "plan_week_title"
    return tr(unit_key(key, unit), language, plan=plan, week=payload.first_week, total=total)


def reminder_description(payload: ReminderPayload, language: str) -> str:
    parts: list[str] = []
    unit = payload.weeks[-1].unit
    if payload.kind == "catchup":
        parts.append(tr(unit_key("plan_catchup_body", unit), language,
                        first=payload.first_week, last=payload.last_week))
    parts += list(payload.notes)
    tail = [tr("plan_reviews_due", language, count=payload.reviews_due)
            if payload.reviews_due else ""]
    if payload.recap is not None:
        done = ", ".join(f"{t.index + 1}: ✅ {t.done_count or 0}" for t in payload.recap.tasks)
        tail.append(tr("plan_recap", language, week=payload.recap.week, counts=done))
    tail_text = "\n".join(x for x in tail if x)
    budget = DESCRIPTION_MAX - len("\n\n".join(parts)) - len(tail_text) - 8
    parts.append(fit_weeks(
        payload.weeks, budget,
        render=lambda week, details: week_text(week, language, details),
        heading=lambda week: tr(unit_key("plan_catchup_week", week.unit), language,
                                week=week.week),
        short=lambda week: tr(unit_key("plan_catchup_short", week.unit), language,
                              week=week.week, focus=plan_text(week.focus, language))))
    if tail_text:
        parts.append(tail_text)
    return "\n\n".join(p for p in parts if p)[:DESCRIPTION_MAX]


def reminder_embed(payload: ReminderPayload | Notice, language: str) -> discord.Embed:
    """The reminder in the reader's language; the footer keeps the payload's key, which
    the transport reads back after a crash."""
    if isinstance(payload, Notice):  # the dispatcher words these itself (English)
        return discord.Embed.from_dict(payload.embed_dict())
    embed = discord.Embed(title=reminder_title(payload, language)[:256],
                          description=reminder_description(payload, language))
    embed.set_footer(text=payload.footer())
    return embed


def notice_embed(notice: Notice, title: str, body: str) -> discord.Embed:
    """A note to a plan's starter, worded by the cog; the footer keeps the notice's key."""
    embed = discord.Embed(title=title[:256], description=truncate(body, EMBED_DESCRIPTION))
    embed.set_footer(text=notice.footer())
    return embed
