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
from datetime import date, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import member_is_moderator
from bot.discordbot.client import NO_MENTIONS, TutorBot, send_ephemeral
from bot.discordbot.cogs.admin import valid_timezone, zone_matches
from bot.discordbot.i18n import t
from bot.discordbot.limits import EMBED_DESCRIPTION, FIELD_VALUE, truncate
from bot.discordbot.plans_transport import DiscordTransport
from bot.discordbot.texts import TEXTS, interaction_language, tr
from bot.plans import (
    Dispatcher,
    Notice,
    PlanConflict,
    PlanError,
    PlanRuntime,
    PlanService,
    ReminderPayload,
    SubscriptionStatus,
    Target,
    WeekView,
    key_from_footer,
    load_library,
)
from bot.plans.library import Text

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
    ))
PLAN_FAILURES = (PlanError, PlanConflict)
CHANGE_TEXTS = {"pause": "plan_paused", "resume": "plan_resumed", "skip": "plan_skipped",
                "stop": "plan_stopped"}


# --- rendering ----------------------------------------------------------------------------

def plan_error_text(error: Exception, language: str) -> str:
    message = str(error)
    for pattern, key in ERROR_TEXTS:
        match = pattern.search(message)
        if match:
            return tr(key, language, **match.groupdict())
    return tr("plan_err_other", language, reason=message)


def pick(text: Text, language: str) -> str:
    return text.ja if language == "ja" else text.en


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


def status_body(status: SubscriptionStatus, language: str) -> str:
    local = status.next_due_local
    next_text = when(status.next_due)
    if local is not None:
        next_text += f"\n{local:%a %Y-%m-%d %H:%M} {status.timezone}"
    body = tr("plan_status_body", language, state=state_text(status, language),
              where=where_text(status.target, language), next=next_text,
              week=status.current_week or 0, total=status.total_weeks,
              done=status.tasks_done, tasks=status.tasks_total, zone=status.timezone)
    return truncate(body, FIELD_VALUE)


def status_embed(statuses: list[SubscriptionStatus], language: str) -> discord.Embed:
    embed = discord.Embed(title=tr("plan_status_title", language))
    for status in statuses[:10]:  # well inside the 6000-character embed total
        name = f"#{status.subscription_id} · {pick(status.plan_title, language)}"
        embed.add_field(name=name[:256], value=status_body(status, language), inline=False)
    return embed


def week_embed(view: WeekView, title: Text, language: str) -> discord.Embed:
    heading = tr("plan_week_title", language, plan=pick(title, language), week=view.week,
                 total=view.total_weeks)
    return discord.Embed(title=heading[:256],
                         description=truncate(view.render(), EMBED_DESCRIPTION))


def reminder_embed(payload: ReminderPayload) -> discord.Embed:
    return discord.Embed.from_dict(payload.embed_dict())


def reminder_view(payload: ReminderPayload | Notice) -> discord.ui.View | None:
    """One ✅ per task of the (latest) week, and a snooze; custom ids carry everything."""
    if not isinstance(payload, ReminderPayload):
        return None
    week = payload.weeks[-1]
    named = payload.kind == "catchup"
    view = discord.ui.View(timeout=None)
    for task in week.tasks:
        view.add_item(DoneButton(payload.subscription_id, week.week, task.index, named))
    view.add_item(SnoozeButton(payload.subscription_id, week.week))
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

    def __init__(self, subscription_id: int, week: int, task: int, named: bool = False) -> None:
        label = f"W{week} · {task + 1}" if named else str(task + 1)
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

    def __init__(self, subscription_id: int, week: int) -> None:
        super().__init__(discord.ui.Button(
            style=discord.ButtonStyle.secondary, emoji="💤", label="1日後 · Snooze 1 day",
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
                              reviews_due=self._reviews_due)  # a "done" redraw keeps the line
        transport = DiscordTransport(bot, view_for=reminder_view)
        dispatcher = Dispatcher(service.store, service.scheduler, transport, bot.clock,
                                reviews_due=self._reviews_due)
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

    async def _reviews_due(self, member_id: int) -> int:
        """The quiz feature's `bot.reviews_due`, looked up per call: it may load after this
        cog, or not at all (then 0, which shows no review line)."""
        source = getattr(self.bot, "reviews_due", None)
        if source is None:
            return 0
        result = source(member_id)
        return int(await result if inspect.isawaitable(result) else result)

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
        where=t("Your DMs, or this channel (moderators)"))
    @app_commands.rename(plan=t("plan"), start_date=t("start_date"), weekday=t("weekday"),
                         at=t("time"), zone=t("timezone"), where=t("where"))
    @app_commands.choices(plan=PLAN_CHOICES, weekday=WEEKDAY_CHOICES, where=WHERE_CHOICES)
    async def start(self, interaction: discord.Interaction, plan: app_commands.Choice[str],
                    start_date: app_commands.Range[str, 8, 10] | None = None,
                    weekday: app_commands.Choice[str] | None = None,
                    at: app_commands.Range[str, 4, 5] = "09:00",
                    zone: app_commands.Range[str, 1, 64] | None = None,
                    where: app_commands.Choice[str] | None = None) -> None:
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
                timezone=zone)
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
        if preview is not None:
            view = service.show_plan(preview.value, week or 1)
            png = await service.timeline_png(plan_id=preview.value)
            return view, service.library.plan(preview.value).title, png
        status, _ = await self._resolve(interaction, where)
        if status is None:
            return None
        view = await service.show(status.subscription_id, week, member_id=member)
        png = await service.timeline_png(subscription_id=status.subscription_id,
                                         member_id=member)
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
            tr(CHANGE_TEXTS[action], language), embed=status_embed([status], language),
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
        await interaction.response.edit_message(embed=reminder_embed(payload),
                                                view=reminder_view(payload))
        if interaction.guild is not None:  # counts only: tell the presser what they did
            await send_ephemeral(interaction, note)

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
    bot.add_dynamic_items(DoneButton, SnoozeButton)
    await bot.add_cog(Plans(bot))


async def teardown(bot: TutorBot) -> None:
    bot.remove_dynamic_items(DoneButton, SnoozeButton)
