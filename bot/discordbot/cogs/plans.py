"""/plan and /timezone: weekly study-plan reminders, and the buttons under each reminder.

A thin layer over bot/plans (see its README): commands parse options, call PlanService and
render the answer. Delivery is the core's Dispatcher, sending through DiscordTransport;
it starts once the client is ready and stops when the cog unloads.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import logging
import re
import secrets
from datetime import date, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import member_is_moderator
from bot.discordbot.client import NO_MENTIONS, TutorBot, send_ephemeral
from bot.discordbot.cogs.admin import valid_timezone, zone_matches
from bot.discordbot.i18n import t
from bot.discordbot.limits import FIELD_VALUE, truncate
from bot.discordbot.plan_views import notice_embed, pick, reminder_embed, unit_key, week_embed
from bot.discordbot.plans_transport import DiscordTransport, Rendered
from bot.discordbot.texts import TEXTS, guild_language, interaction_language, tr
from bot.plans import (
    Dispatcher,
    Notice,
    PlanConflict,
    PlanError,
    PlanRuntime,
    PlanService,
    PracticePicker,
    ReminderPayload,
    SubscriptionStatus,
    Target,
    WeekView,
    key_from_footer,
    load_library,
)
from bot.plans.checkins import MAX_CHECKIN
from bot.plans.library import PlanWeek, Text
from bot.plans.practice import PracticeQuestion

log = logging.getLogger(__name__)

TIMELINE_FILE = "plan-timeline.png"
PLAN_CHOICES = [
    app_commands.Choice(name=t("3 months (foundations)"), value="3m"),
    app_commands.Choice(name=t("1 year (practical strength)"), value="1y"),
    app_commands.Choice(name=t("3 years (expert)"), value="3y"),
]
WEEKDAY_CHOICES = [
    app_commands.Choice(name=t(name), value=name[:3].lower())
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
]
WHERE_CHOICES = [
    app_commands.Choice(name=t("My DMs"), value="dm"),
    app_commands.Choice(name=t("This channel (moderators)"), value="here"),
]
CADENCE_CHOICES = [
    app_commands.Choice(name=t("Weekly"), value="weekly"),
    app_commands.Choice(name=t("Monthly (every four weeks)"), value="monthly"),
]
# A check-in form's custom id: the random part keeps two open forms apart; the submission
# is handled by Plans.on_interaction, so a form sent while the bot restarts still counts.
CHECKIN_FORM_RE = re.compile(r"^planlog:[0-9a-f]+:(?P<sub>\d+):(?P<week>\d+)$")
CHECKIN_FIELD = "checkin"
# The core's PlanError messages are English; these give the member's language instead.
ERROR_TEXTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key) for pattern, key in (
        (r"start date (?P<value>\S+) is in the past", "plan_err_past_date"),
        (r"expected a time like", "plan_err_time"),
        (r"expected a weekday", "plan_err_weekday"),
        (r"unknown time zone", "plan_err_zone"),
        (r"already has a study plan", "plan_err_conflict"),
        (r"only an active plan|this plan is not active", "plan_err_not_active"),
        (r"only a paused plan", "plan_err_not_paused"),
        (r"plan has (already )?ended", "plan_err_ended"),
        (r"no week left to skip", "plan_err_no_week_left"),
        (r"being sent right now|changed meanwhile", "plan_err_busy"),
        (r"someone else's personal plan", "plan_err_not_yours"),
        (r"only the member who started", "plan_err_not_owner"),
        (r"has weeks 1-(?P<last>\d+)", "plan_err_week_range"),
        (r"only a week that was already sent", "plan_err_not_sent"),
        (r"check in only for a week", "plan_err_checkin_not_sent"),
        (r"write one line", "plan_err_checkin_empty"),
    ))
PLAN_FAILURES = (PlanError, PlanConflict)
NOTICE_KEY_RE = re.compile(r"^tp(?P<sub>\d+)w\d+")  # a notice's key starts with its send's
CHANGE_TEXTS = {"pause": "plan_paused", "resume": "plan_resumed",
                "stop": "plan_stopped"}


# --- rendering ----------------------------------------------------------------------------

def plan_error_text(error: Exception, language: str) -> str:
    message = str(error)
    for pattern, key in ERROR_TEXTS:
        match = pattern.search(message)
        if match:
            return tr(key, language, **match.groupdict())
    return tr("plan_err_other", language, reason=message)


def when(moment: datetime | None) -> str:
    """A Discord timestamp: each member sees it in their own local time."""
    if moment is None:
        return "—"
    unix = int(moment.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def where_text(target: Target, language: str) -> str:
    return tr("plan_where_dm", language) if target.kind == "dm" else f"<#{target.id}>"


def state_text(status: SubscriptionStatus, language: str) -> str:
    if status.status != "paused" and status.retrying_after:
        return tr("plan_state_retrying", language, error=status.retrying_after[:200],
                  state=tr(f"plan_state_{status.status}", language))
    if status.status != "paused":
        return tr(f"plan_state_{status.status}", language)
    reason_key = f"plan_reason_{status.paused_reason}"
    reason = tr(reason_key, language) if reason_key in TEXTS else status.paused_text
    return tr("plan_state_paused", language, reason=reason)


def status_unit(status: SubscriptionStatus) -> str:
    """A monthly plan's status counts months (next_week, current_week, total_weeks)."""
    return "month" if status.cadence == "monthly" else "week"


def next_text(status: SubscriptionStatus, language: str) -> str:
    """Which week comes next and when, in every reader's own time, and in the plan's zone."""
    if status.next_week is None:
        return "—"
    unit = status_unit(status)
    if status.next_due is None:  # paused: it has no time until it is resumed
        return tr(unit_key("plan_next_week_paused", unit), language, week=status.next_week)
    text = tr(unit_key("plan_next_week", unit), language, week=status.next_week,
              when=when(status.next_due))
    local = status.next_due_local
    if local is not None:
        text += f"\n{local:%Y-%m-%d %H:%M} (`{status.timezone}`)"
    return text


def progress_text(status: SubscriptionStatus, language: str) -> str:
    """Weeks received and tasks done; before week 1 arrives, when it will."""
    unit = status_unit(status)
    if status.current_week is None:
        key = "plan_progress_waiting" if status.next_due else "plan_progress_none_sent"
        return tr(unit_key(key, unit), language, total=status.total_weeks,
                  when=when(status.next_due))
    return tr(unit_key("plan_progress", unit), language, week=status.current_week,
              total=status.total_weeks, done=status.tasks_done, tasks=status.tasks_total)


def status_body(status: SubscriptionStatus, language: str) -> str:
    body = tr("plan_status_body", language, state=state_text(status, language),
              where=where_text(status.target, language), next=next_text(status, language),
              progress=progress_text(status, language), zone=f"`{status.timezone}`")
    if status.cadence == "monthly":
        body += "\n" + tr("plan_cadence_monthly", language)
    if status.study_log:  # the owner's check-ins, newest first
        rows = [tr("plan_study_log_row", language, week=entry.week, text=entry.text)
                for entry in status.study_log]
        body += f"\n**{tr('plan_study_log', language)}**\n" + "\n".join(rows)
    return truncate(body, FIELD_VALUE)


def status_embed(statuses: list[SubscriptionStatus], language: str) -> discord.Embed:
    embed = discord.Embed(title=tr("plan_status_title", language))
    for status in statuses[:10]:  # well inside the 6000-character embed total
        name = f"#{status.subscription_id} · {pick(status.plan_title, language)}"
        embed.add_field(name=name[:256], value=status_body(status, language), inline=False)
    return embed


def change_text(action: str, before: SubscriptionStatus, after: SubscriptionStatus,
                language: str) -> str:
    """What a pause/resume/skip/stop did; a skip names the skipped and the next week (the
    next month, in a monthly plan)."""
    if action != "skip":
        return tr(CHANGE_TEXTS[action], language)
    unit = status_unit(after)
    if after.next_week is None:
        return tr(unit_key("plan_skipped_last", unit), language, week=before.next_week)
    return tr(unit_key("plan_skipped_to", unit), language, week=before.next_week,
              next=after.next_week, when=when(after.next_due))


def reminder_view(payload: ReminderPayload | Notice,
                  language: str = "en") -> discord.ui.View | None:
    """One ✅ per task of the (latest) week, and a snooze; custom ids carry everything."""
    if not isinstance(payload, ReminderPayload):
        return None
    week = payload.weeks[-1]
    named = payload.kind == "catchup"
    view = discord.ui.View(timeout=None)
    for task in week.tasks:
        view.add_item(DoneButton(payload.subscription_id, week.week, task.index, named,
                                 language))
    view.add_item(SnoozeButton(payload.subscription_id, week.week, language))
    view.add_item(CheckinButton(payload.subscription_id, week.week, language))
    return view


def message_key(message: discord.Message | None) -> str | None:
    if message is None or not message.embeds:
        return None
    return key_from_footer(message.embeds[0].footer.text)


# --- buttons ------------------------------------------------------------------------------

def plans_cog(interaction: discord.Interaction) -> Plans | None:
    cog = interaction.client.get_cog("Plans")  # type: ignore[attr-defined]
    return cog if isinstance(cog, Plans) and cog.service is not None else None


def starting_text(interaction: discord.Interaction) -> str:
    return tr("plans_starting", interaction_language(interaction))


class DoneButton(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"plan:done:(?P<sub>\d+):(?P<week>\d+):(?P<task>\d+)"):
    """Marks (or unmarks) one task of one week done for the member who presses it."""

    def __init__(self, subscription_id: int, week: int, task: int, named: bool = False,
                 language: str = "en") -> None:
        label = tr("plan_done_button_named", language, week=week, task=task + 1) if named \
            else str(task + 1)
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.success, emoji="✅", label=label,
            custom_id=f"plan:done:{subscription_id}:{week}:{task}"))
        self.subscription_id = subscription_id
        self.week = week
        self.task = task

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> DoneButton:
        return cls(int(match["sub"]), int(match["week"]), int(match["task"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = plans_cog(interaction)
        if cog is None:
            await send_ephemeral(interaction, starting_text(interaction))
            return
        await cog.press_done(interaction, self.subscription_id, self.week, self.task)


class SnoozeButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"plan:snooze:(?P<sub>\d+):(?P<week>\d+)"):
    """Sends the week again to the presser's DMs a day later."""

    def __init__(self, subscription_id: int, week: int, language: str = "en") -> None:
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.secondary, emoji="💤",
            label=tr("plan_snooze_button", language),
            custom_id=f"plan:snooze:{subscription_id}:{week}"))
        self.subscription_id = subscription_id
        self.week = week

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> SnoozeButton:
        return cls(int(match["sub"]), int(match["week"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = plans_cog(interaction)
        if cog is None:
            await send_ephemeral(interaction, starting_text(interaction))
            return
        await cog.press_snooze(interaction, self.subscription_id, self.week)


class CheckinButton(discord.ui.DynamicItem[discord.ui.Button],
                    template=r"plan:checkin:(?P<sub>\d+):(?P<week>\d+)"):
    """Opens a one-line form: "what did you do this week?", kept as the study log."""

    def __init__(self, subscription_id: int, week: int, language: str = "en") -> None:
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.primary, emoji="📝",
            label=tr("plan_checkin_button", language),
            custom_id=f"plan:checkin:{subscription_id}:{week}"))
        self.subscription_id = subscription_id
        self.week = week

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> CheckinButton:
        return cls(int(match["sub"]), int(match["week"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(checkin_form(
            self.subscription_id, self.week, interaction_language(interaction)))


class CheckinForm(discord.ui.Modal):
    """The one-line check-in; Plans.on_interaction handles the submission by custom id."""

    def __init__(self, subscription_id: int, week: int, language: str) -> None:
        super().__init__(title=truncate(tr("plan_checkin_title", language, week=week), 45),
                         timeout=3600,
                         custom_id=f"planlog:{secrets.token_hex(3)}:{subscription_id}:{week}")
        self.add_item(discord.ui.TextInput(
            label=truncate(tr("plan_checkin_label", language), 45), custom_id=CHECKIN_FIELD,
            style=discord.TextStyle.short, max_length=MAX_CHECKIN))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: Plans.on_interaction stores every check-in."""


def checkin_form(subscription_id: int, week: int, language: str) -> CheckinForm:
    return CheckinForm(subscription_id, week, language)


def form_text(data: dict) -> str:
    """The check-in field's value from a modal submission's raw data."""
    for row in data.get("components", []):
        for component in row.get("components", []):
            if component.get("custom_id") == CHECKIN_FIELD:
                return str(component.get("value") or "")
    return ""


# --- the cog ------------------------------------------------------------------------------

class Plans(commands.Cog):
    plan = app_commands.Group(name=t("plan"),
                              description=t("Weekly study-plan reminders (chapter 4.4)"))
    timezone = app_commands.Group(name=t("timezone"),
                                  description=t("Your time zone for study-plan reminders"))

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        self.runtime: PlanRuntime | None = None
        self._starting: asyncio.Task | None = None
        self._picker: tuple[object, PracticePicker] | None = None  # (bank, its picker)

    @property
    def service(self) -> PlanService | None:
        return self.runtime.service if self.runtime else None

    # --- lifecycle -----------------------------------------------------------------------

    async def cog_load(self) -> None:
        self.runtime = await self._open_runtime()
        self._starting = asyncio.create_task(self._start_when_ready(), name="plans-start")

    async def cog_unload(self) -> None:
        if self._starting is not None:
            self._starting.cancel()
            await asyncio.gather(self._starting, return_exceptions=True)
        if self.runtime is not None:
            await self.runtime.stop()

    async def _open_runtime(self) -> PlanRuntime:
        """What open_plans() does, with the citation check (≈0.2 s) in a worker thread so
        the event loop keeps running."""
        bot = self.bot
        library = bot.plan_library or await asyncio.to_thread(
            load_library, bot.settings.knowledge_dir / "plans.yaml", bot.tutor.knowledge)
        service = PlanService(bot.db, library, bot.clock,
                              default_timezone=bot.settings.default_timezone,
                              reviews_due=self._reviews_due,  # a "done" redraw keeps the line
                              practice=self._practice_for)
        transport = DiscordTransport(bot, render=self._render_reminder)
        dispatcher = Dispatcher(service.store, service.scheduler, transport, bot.clock,
                                reviews_due=self._reviews_due,
                                lease=bot.settings.reminder_lease_seconds)
        service.set_wake(dispatcher.wake)
        return PlanRuntime(service, dispatcher)

    async def _start_when_ready(self) -> None:
        await self.bot.wait_until_ready()  # the transport can send from here on
        try:
            await self.runtime.start()
        except Exception:
            log.exception("the plan dispatcher did not start; no reminders will be sent")
            return
        log.info("plan dispatcher started")

    async def _render_reminder(self, target: Target,
                               payload: ReminderPayload | Notice) -> Rendered:
        language = await self._reader_language(target)
        if isinstance(payload, Notice):
            return await self._notice_embed(payload, language), None
        return reminder_embed(payload, language), reminder_view(payload, language)

    async def _notice_embed(self, notice: Notice, language: str) -> discord.Embed:
        """The dispatcher's pause notice, worded from the plan's stored state: its key
        starts with the plan's ("tp12w3n"). Anything unexpected keeps the core's text."""
        match = NOTICE_KEY_RE.match(notice.key)
        status = None
        if match and self.service is not None:
            try:
                status = await self.service.status(int(match["sub"]))
            except PLAN_FAILURES:
                status = None
        if status is None or status.status != "paused":
            return reminder_embed(notice, language)
        body = tr("plan_notice_body", language, plan=pick(status.plan_title, language),
                  where=where_text(status.target, language),
                  state=state_text(status, language))
        return notice_embed(notice, tr("plan_notice_title", language), body)

    async def _reader_language(self, target: Target) -> str:
        """A DM's reader is one member (their client's language, remembered from their
        last command); a channel's readers are the server's members (its language)."""
        if target.kind == "dm":
            return await self.bot.member_language(target.id, None)
        channel = self.bot.get_channel(target.id)
        return guild_language(getattr(channel, "guild", None))

    async def _reviews_due(self, member_id: int) -> int:
        """The quiz feature's `bot.reviews_due`, looked up per call: it may load after this
        cog, or not at all (then 0, which shows no review line)."""
        source = getattr(self.bot, "reviews_due", None)
        if source is None:
            return 0
        result = source(member_id)
        return int(await result if inspect.isawaitable(result) else result)

    def _practice_for(self, week: PlanWeek) -> tuple[PracticeQuestion, ...]:
        """A few questions from the quiz cog's bank, looked up per call: the quiz cog loads
        after this one, or not at all (then no practice lines)."""
        quiz = self.bot.get_cog("Quiz")
        bank = getattr(getattr(quiz, "service", None), "bank", None)
        if bank is None:
            return ()
        if self._picker is None or self._picker[0] is not bank:
            self._picker = (bank, PracticePicker.from_bank(bank))
        return self._picker[1].for_week(week)

    # --- helpers -------------------------------------------------------------------------

    async def _ready_service(self, interaction: discord.Interaction) -> PlanService | None:
        if self.service is None:
            await send_ephemeral(interaction, starting_text(interaction))
        return self.service

    async def _resolve(self, interaction: discord.Interaction, where: str | None
                       ) -> tuple[SubscriptionStatus | None, bool]:
        """The plan a command means: the member's DM plan, or with `here` this channel's.
        Also whether the member may act as a moderator on it."""
        if where == "here" and interaction.guild is not None:
            status = await self.service.subscription_for(Target.channel(interaction.channel_id))
            return status, await member_is_moderator(interaction)
        return await self.service.subscription_for(Target.dm(interaction.user.id)), False

    @staticmethod
    def _can_post(interaction: discord.Interaction) -> bool:
        permissions = interaction.app_permissions
        return permissions.send_messages and permissions.embed_links

    # --- /plan start ---------------------------------------------------------------------

    @plan.command(name=t("start"), description=t("Start weekly reminders for a study plan"))
    @app_commands.describe(
        plan=t("Which plan: 3 months, 1 year or 3 years"),
        start_date=t("First day to count from, YYYY-MM-DD (default: today)"),
        weekday=t("Reminder weekday (default: the start date's)"),
        at=t("Reminder time, HH:MM (default 09:00)"),
        zone=t("Time zone (IANA) for this plan (default: yours, then the server's)"),
        where=t("Your DMs, or this channel (moderators)"),
        cadence=t("Weekly reminders, or monthly ones holding four weeks each"))
    @app_commands.rename(plan=t("plan"), start_date=t("start_date"), weekday=t("weekday"),
                         at=t("time"), zone=t("timezone"), where=t("where"),
                         cadence=t("cadence"))
    @app_commands.choices(plan=PLAN_CHOICES, weekday=WEEKDAY_CHOICES, where=WHERE_CHOICES,
                          cadence=CADENCE_CHOICES)
    async def start(self, interaction: discord.Interaction, plan: app_commands.Choice[str],
                    start_date: app_commands.Range[str, 8, 10] | None = None,
                    weekday: app_commands.Choice[str] | None = None,
                    at: app_commands.Range[str, 4, 5] = "09:00",
                    zone: app_commands.Range[str, 1, 64] | None = None,
                    where: app_commands.Choice[str] | None = None,
                    cadence: app_commands.Choice[str] | None = None) -> None:
        language = interaction_language(interaction)
        if await self._ready_service(interaction) is None:
            return
        target = await self._start_target(interaction, where.value if where else "dm")
        if target is None:
            return
        try:
            first_day = date.fromisoformat(start_date) if start_date else None
        except ValueError:
            await send_ephemeral(interaction, tr("plan_bad_date", language, value=start_date))
            return
        try:
            status = await self.service.start(
                interaction.user.id, plan.value, guild_id=interaction.guild_id, target=target,
                start_date=first_day, weekday=weekday.value if weekday else None, at=at,
                timezone=zone, cadence=cadence.value if cadence else "weekly")
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        text = tr("plan_started", language, plan=pick(status.plan_title, language),
                  when=when(status.next_due), where=where_text(target, language))
        await interaction.response.send_message(
            text, embed=status_embed([status], language), ephemeral=target.kind == "dm",
            allowed_mentions=NO_MENTIONS)

    async def _start_target(self, interaction: discord.Interaction, where: str
                            ) -> Target | None:
        """The target for /plan start, or None after telling the member why not."""
        language = interaction_language(interaction)
        if where != "here" or interaction.guild is None:
            return Target.dm(interaction.user.id)
        if not await member_is_moderator(interaction):
            await send_ephemeral(interaction, tr("not_moderator", language))
            return None
        if not self._can_post(interaction):
            await send_ephemeral(interaction, tr("plan_cannot_post", language))
            return None
        return Target.channel(interaction.channel_id)

    @start.autocomplete("zone")
    async def start_zone_autocomplete(self, interaction: discord.Interaction,
                                      current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_matches(current)]

    # --- /plan status, /plan show ------------------------------------------------------------

    @plan.command(name=t("status"),
                  description=t("Your study plans and when the next reminder comes"))
    async def status(self, interaction: discord.Interaction) -> None:
        language = interaction_language(interaction)
        if await self._ready_service(interaction) is None:
            return
        statuses = await self.service.statuses(interaction.user.id)
        if interaction.guild is not None:
            here = await self.service.subscription_for(Target.channel(interaction.channel_id))
            if here and all(s.subscription_id != here.subscription_id for s in statuses):
                statuses.append(here)
        if not statuses:
            await send_ephemeral(interaction, tr("plan_none", language))
            return
        await interaction.response.send_message(embed=status_embed(statuses, language),
                                                ephemeral=True)

    @plan.command(name=t("show"), description=t("A week of your plan, with the timeline picture"))
    @app_commands.describe(week=t("Week number (default: the latest one sent)"),
                           preview=t("Preview a plan without starting it"),
                           where=t("Which plan: your DMs' or this channel's"))
    @app_commands.rename(week=t("week"), preview=t("plan"), where=t("where"))
    @app_commands.choices(preview=PLAN_CHOICES, where=WHERE_CHOICES)
    async def show(self, interaction: discord.Interaction,
                   week: app_commands.Range[int, 1, 156] | None = None,
                   preview: app_commands.Choice[str] | None = None,
                   where: app_commands.Choice[str] | None = None) -> None:
        language = interaction_language(interaction)
        if await self._ready_service(interaction) is None:
            return
        # The PNG is drawn in a worker thread; the first one may take more than 3 s.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            shown = await self._week_and_picture(interaction, week, preview,
                                                 where.value if where else None)
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        if shown is None:
            await send_ephemeral(interaction, tr("plan_none", language))
            return
        view, title, png = shown
        embed = week_embed(view, title, language)
        embed.set_image(url=f"attachment://{TIMELINE_FILE}")
        await interaction.followup.send(embed=embed, ephemeral=True,
                                        file=discord.File(io.BytesIO(png), TIMELINE_FILE))

    async def _week_and_picture(self, interaction: discord.Interaction, week: int | None,
                                preview: app_commands.Choice[str] | None, where: str | None
                                ) -> tuple[WeekView, Text, bytes] | None:
        service, member = self.service, interaction.user.id
        language = interaction_language(interaction)
        if preview is not None:
            view = service.show_plan(preview.value, week or 1)
            png = await service.timeline_png(plan_id=preview.value, week=view.week,
                                             language=language)
            return view, service.library.plan(preview.value).title, png
        status, _ = await self._resolve(interaction, where)
        if status is None:
            return None
        view = await service.show(status.subscription_id, week, member_id=member)
        png = await service.timeline_png(subscription_id=status.subscription_id,
                                         member_id=member, language=language)
        return view, status.plan_title, png

    # --- /plan pause, resume, skip, stop -----------------------------------------------------

    @plan.command(name=t("pause"), description=t("Pause your reminders"))
    @app_commands.describe(where=t("Which plan: your DMs' or this channel's"))
    @app_commands.rename(where=t("where"))
    @app_commands.choices(where=WHERE_CHOICES)
    async def pause(self, interaction: discord.Interaction,
                    where: app_commands.Choice[str] | None = None) -> None:
        await self._change(interaction, "pause", where)

    @plan.command(name=t("resume"), description=t("Resume paused reminders"))
    @app_commands.describe(where=t("Which plan: your DMs' or this channel's"))
    @app_commands.rename(where=t("where"))
    @app_commands.choices(where=WHERE_CHOICES)
    async def resume(self, interaction: discord.Interaction,
                     where: app_commands.Choice[str] | None = None) -> None:
        await self._change(interaction, "resume", where)

    @plan.command(name=t("skip"), description=t("Skip the next week"))
    @app_commands.describe(where=t("Which plan: your DMs' or this channel's"))
    @app_commands.rename(where=t("where"))
    @app_commands.choices(where=WHERE_CHOICES)
    async def skip(self, interaction: discord.Interaction,
                   where: app_commands.Choice[str] | None = None) -> None:
        await self._change(interaction, "skip", where)

    @plan.command(name=t("stop"), description=t("End the plan"))
    @app_commands.describe(where=t("Which plan: your DMs' or this channel's"))
    @app_commands.rename(where=t("where"))
    @app_commands.choices(where=WHERE_CHOICES)
    async def stop(self, interaction: discord.Interaction,
                   where: app_commands.Choice[str] | None = None) -> None:
        await self._change(interaction, "stop", where)

    async def _change(self, interaction: discord.Interaction, action: str,
                      where: app_commands.Choice[str] | None) -> None:
        """pause / resume / skip / stop: the owner, or a moderator for a channel plan."""
        language = interaction_language(interaction)
        if await self._ready_service(interaction) is None:
            return
        current, moderator = await self._resolve(interaction, where.value if where else None)
        if current is None:
            await send_ephemeral(interaction, tr("plan_none", language))
            return
        change = getattr(self.service, action)
        try:
            status = await change(current.subscription_id, interaction.user.id,
                                  moderator=moderator)
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        # A channel's plan belongs to the channel: everyone there sees the change.
        await interaction.response.send_message(
            change_text(action, current, status, language), embed=status_embed([status], language),
            ephemeral=status.target.kind == "dm", allowed_mentions=NO_MENTIONS)

    # --- /timezone set -------------------------------------------------------------------

    @timezone.command(name=t("set"), description=t("Set your time zone (your DM plans move to it)"))
    @app_commands.describe(zone=t("An IANA time zone such as Asia/Tokyo"))
    @app_commands.rename(zone=t("zone"))
    async def set_timezone(self, interaction: discord.Interaction,
                           zone: app_commands.Range[str, 1, 64]) -> None:
        language = interaction_language(interaction)
        if await self._ready_service(interaction) is None:
            return
        if not valid_timezone(zone):
            await send_ephemeral(interaction, tr("bad_timezone", language, zone=zone))
            return
        try:
            moved = await self.service.set_member_timezone(interaction.user.id, zone)
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        await send_ephemeral(interaction, tr("timezone_set", language, zone=zone, moved=moved))

    @set_timezone.autocomplete("zone")
    async def zone_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_matches(current)]

    # --- reminder buttons ----------------------------------------------------------------

    async def press_done(self, interaction: discord.Interaction, subscription_id: int,
                         week: int, task: int) -> None:
        """Toggle the presser's tick; re-render the reminder when it shows this week."""
        language = interaction_language(interaction)
        member = interaction.user.id
        try:
            before = await self.service.show(subscription_id, week, member_id=member)
            done = not any(line.done for line in before.tasks if line.index == task)
            progress = await self.service.mark_done(subscription_id, member, week, task, done)
            payload = await self.service.week_payload(subscription_id, week)
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        key = "plan_done_marked" if progress.done else "plan_done_unmarked"
        note = tr(key, language, task=task + 1, week=week, count=progress.done_count)
        if message_key(interaction.message) != payload.key:
            await send_ephemeral(interaction, note)  # a catch-up or snooze copy: not edited
            return
        # A DM reminder is the presser's own; a channel's is worded for the server.
        shown = guild_language(interaction.guild) if interaction.guild else language
        await interaction.response.edit_message(embed=reminder_embed(payload, shown),
                                                view=reminder_view(payload, shown))
        if interaction.guild is not None:  # counts only: tell the presser what they did
            await send_ephemeral(interaction, note)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Check-in form submissions, routed by custom id."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = interaction.data or {}
        match = CHECKIN_FORM_RE.match(str(data.get("custom_id", "")))
        if match is None:
            return
        await self.submit_checkin(interaction, int(match["sub"]), int(match["week"]),
                                  form_text(data))  # type: ignore[arg-type]

    async def submit_checkin(self, interaction: discord.Interaction, subscription_id: int,
                             week: int, text: str) -> None:
        language = interaction_language(interaction)
        if self.service is None:
            await send_ephemeral(interaction, starting_text(interaction))
            return
        try:
            entry = await self.service.check_in(subscription_id, interaction.user.id, week,
                                                text)
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        await send_ephemeral(interaction, tr("plan_checkin_saved", language, week=week,
                                             text=entry.text))

    async def press_snooze(self, interaction: discord.Interaction, subscription_id: int,
                           week: int) -> None:
        """Schedule the week again for the presser's DMs. If their DMs are known to be
        closed, the snooze is still kept, and the reply says so and how to fix it."""
        language = interaction_language(interaction)
        try:
            arrives = await self.service.snooze(subscription_id, interaction.user.id, week)
        except PLAN_FAILURES as error:
            await send_ephemeral(interaction, plan_error_text(error, language))
            return
        closed = await self.service.dms_closed(interaction.user.id)
        key = "plan_snoozed_dms_closed" if closed else "plan_snoozed"
        await send_ephemeral(interaction, tr(key, language, week=week, when=when(arrives)))


async def setup(bot: TutorBot) -> None:
    bot.add_dynamic_items(DoneButton, SnoozeButton, CheckinButton)
    await bot.add_cog(Plans(bot))


async def teardown(bot: TutorBot) -> None:
    bot.remove_dynamic_items(DoneButton, SnoozeButton, CheckinButton)
