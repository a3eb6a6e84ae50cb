"""What a reminder says, as plain data plus Discord-free rendering.

Every scheduled send has an idempotency key ("tp<subscription>w<week>", with "z<n>" for
a snooze). The key travels in two places the Discord layer can read back after a crash:
the message nonce (`nonce_for`, ≤ 25 characters) and the embed footer (`footer_for`,
parsed by `key_from_footer`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.plans.library import PlanWeek, Resource, Text
from bot.plans.practice import PracticeQuestion

log = logging.getLogger(__name__)

NONCE_MAX = 25
DESCRIPTION_MAX = 4096  # Discord's embed description limit
FOOTER_RE = re.compile(r"\bkey (tp\d+w\d+(?:z\d+)?)\s*$")

PayloadKind = Literal["week", "catchup", "snooze"]


def send_key(subscription_id: int, week: int, snooze: int | None = None) -> str:
    key = f"tp{subscription_id}w{week}"
    return f"{key}z{snooze}" if snooze is not None else key


def nonce_for(key: str) -> str:
    """Discord accepts nonces of at most 25 characters; long keys are hashed."""
    if len(key) <= NONCE_MAX:
        return key
    return "tp" + hashlib.sha256(key.encode()).hexdigest()[: NONCE_MAX - 2]


def footer_for(plan_id: str, key: str) -> str:
    return f"tutorbot plan {plan_id} · key {key}"


def key_from_footer(text: str | None) -> str | None:
    match = FOOTER_RE.search(text or "")
    return match.group(1) if match else None


@dataclass(frozen=True)
class TaskLine:
    index: int
    text: Text
    done: bool = False  # done by the member the view is for
    done_count: int | None = None  # channel plans: how many members marked it done


@dataclass(frozen=True)
class BlockProgress:
    """Where a member stands in the chapter block this week belongs to."""

    label: str  # the chapter's name for the block, e.g. "Month 4-6"
    weeks_left: int  # weeks (months, for a monthly plan) of the block after this one
    done: int | None = None  # the member's distinct tasks done in the block (None: a channel)
    total: int = 0
    unit: str = "week"

    def text(self) -> str:
        ja_unit = "週" if self.unit == "week" else "か月"
        left = (f"{self.weeks_left} {self.unit}(s) left in {self.label} · "
                f"{self.label}の残り{self.weeks_left}{ja_unit}")
        if self.done is None:
            return left
        return (f"{self.done} of {self.total} tasks done · {self.total}件中{self.done}件完了 — "
                + left)


@dataclass(frozen=True)
class WeekView:
    plan_id: str
    week: int
    total_weeks: int
    block: Text
    focus: Text
    tasks: tuple[TaskLine, ...]
    resources: tuple[Resource, ...]
    heading_path: str
    step_week: int = 1
    step_weeks: int = 1
    choose: int | None = None
    deliverable: Text | None = None
    deliverable_week: int | None = None
    goal: Text | None = None
    note: Text | None = None
    # The part that changes every week of a long block:
    featured: Resource | None = None  # this week's resource, in turn
    practice: tuple[PracticeQuestion, ...] = ()  # a few bank questions, new each week
    progress: BlockProgress | None = None  # the member's standing in the block
    checkin: str | None = None  # what the member said they did this week
    unit: str = "week"  # "month": a monthly plan's entry, holding the weeks in `covers`
    covers: tuple[int, int] | None = None
    block_weeks: int = 0  # how long the chapter block is

    @classmethod
    def of(cls, week: PlanWeek, total_weeks: int, done: Iterable[int] = (),
           counts: dict[int, int] | None = None, *,
           practice: tuple[PracticeQuestion, ...] = (), progress: BlockProgress | None = None,
           checkin: str | None = None) -> WeekView:
        done = set(done)
        lines = tuple(
            TaskLine(t.index, t.shown(), t.index in done,
                     None if counts is None else counts.get(t.index, 0))
            for t in week.tasks
        )
        return cls(week.plan_id, week.week, total_weeks, week.block, week.focus, lines,
                   week.resources, week.heading_path, week.step_week, week.step_weeks,
                   week.choose, week.deliverable, week.deliverable_week, week.goal,
                   week.note, week.featured, tuple(practice), progress, checkin, week.unit,
                   week.covers, week.block_last - week.block_first + 1)

    def shown_parts(self) -> tuple:
        """What a member sees of this week, without the week number: two reminders with
        equal parts would read the same."""
        return (self.focus, self.note, tuple((t.index, t.text) for t in self.tasks),
                self.choose, self.deliverable, self.goal, self.featured,
                tuple(q.question_id for q in self.practice), self.heading_path)

    def to_json(self) -> dict:
        return {
            "plan": self.plan_id,
            "week": self.week,
            "focus": {"ja": self.focus.ja, "en": self.focus.en},
            "tasks": [{"index": t.index, "ja": t.text.ja, "en": t.text.en, "done": t.done,
                       **({"done_count": t.done_count} if t.done_count is not None else {})}
                      for t in self.tasks],
            "resources": [{"id": r.resource_id, "kind": r.kind, "title": r.title,
                           "provider": r.provider, "note": r.note,
                           "heading_path": r.heading_path} for r in self.resources],
            "heading_path": self.heading_path,
            "block": {"ja": self.block.ja, "en": self.block.en},
            "step": {"week": self.step_week, "of": self.step_weeks},
            "choose": self.choose,
            "deliverable": ({"ja": self.deliverable.ja, "en": self.deliverable.en,
                             "week": self.deliverable_week} if self.deliverable else None),
            "goal": {"ja": self.goal.ja, "en": self.goal.en} if self.goal else None,
            "note": {"ja": self.note.ja, "en": self.note.en} if self.note else None,
            "featured": self.featured.resource_id if self.featured else None,
            "practice": [{"id": q.question_id, "topic": q.topic, "ja": q.text.ja,
                          "en": q.text.en} for q in self.practice],
        }

    def task_lines(self) -> list[str]:
        lines = []
        for t in self.tasks:
            mark = "✅" if t.done else "☐"
            count = f"  (✅ {t.done_count})" if t.done_count else ""
            lines.append(f"{mark} {t.index + 1}. {t.text.both()}{count}")
        if self.choose:
            lines.append(f"(pick {self.choose} of these / いずれか{self.choose}つを選択)")
        return lines

    def render(self, with_details: bool = True) -> str:
        """The week as Markdown-ish text for an embed description or a terminal."""
        out = [f"**Focus:** {self.focus.both()}"]
        if self.covers:
            first, last = self.covers
            out.append(f"🗓️ This month: weeks {first}-{last} of the plan · "
                       f"今月はプランの第{first}〜{last}週")
        if self.note:
            out.append(f"ℹ️ {self.note.both()}")
        # A step that is the whole block (Year 3's activities side by side) has no steps
        # to count; the progress line says how much of the block is left.
        step = (f" · step week {self.step_week} of {self.step_weeks}"
                if 1 < self.step_weeks < self.block_weeks else "")
        out.append(f"*{self.block.both()}*{step}")
        out.append("**Tasks**")
        out += self.task_lines()
        if not with_details:
            return "\n".join(out)
        if self.deliverable:
            out.append(f"**Deliverable (by week {self.deliverable_week}):** "
                       f"{self.deliverable.both()}")
        if self.goal:
            out.append(f"**Goal:** {self.goal.both()}")
        out += self._fresh_lines()
        if self.resources:
            out.append("**Resources**")
            out += [f"• {r.label()}" for r in self.resources]
        out.append(f"**Source:** {self.heading_path}")
        return "\n".join(out)

    def _fresh_lines(self) -> list[str]:
        """The week's changing part: progress, the check-in, practice, the featured
        resource."""
        out = []
        if self.progress:
            out.append(f"📈 {self.progress.text()}")
        if self.checkin:
            out.append(f"📝 This week · 今週の記録: {self.checkin}")
        if self.practice:
            out.append("**🧠 Practice this week · 今週の練習** — answer with `/practice` · "
                       "`/練習` で解答")
            out += [f"• {q.text.both()} (`topic:{q.topic}`)" for q in self.practice]
        if self.featured:
            out.append(f"**📚 This week's resource · 今週のリソース:** {self.featured.label()}")
        return out


@dataclass(frozen=True)
class ReminderPayload:
    key: str
    kind: PayloadKind
    subscription_id: int
    plan_id: str
    plan_title: Text
    weeks: tuple[WeekView, ...]  # one week, or every missed week of a catch-up
    reviews_due: int | None = None
    recap: WeekView | None = None  # channel plans: the previous week's group progress
    notes: tuple[str, ...] = field(default=())

    @property
    def nonce(self) -> str:
        return nonce_for(self.key)

    @property
    def first_week(self) -> int:
        return self.weeks[0].week

    @property
    def last_week(self) -> int:
        return self.weeks[-1].week

    def footer(self) -> str:
        return footer_for(self.plan_id, self.key)

    def title(self) -> str:
        total = self.weeks[-1].total_weeks
        unit = self.weeks[-1].unit
        if self.kind == "catchup":
            return (f"📚 {self.plan_title.ja}: while I was offline — {unit}s "
                    f"{self.first_week}-{self.last_week} of {total}")
        prefix = "⏰ Reminder again" if self.kind == "snooze" else f"📚 {self.plan_title.ja}"
        return f"{prefix} — {unit} {self.first_week}/{total}"

    def description(self) -> str:
        parts: list[str] = []
        if self.kind == "catchup":
            parts.append(
                f"While I was offline, {self.weeks[-1].unit}s {self.first_week}-"
                f"{self.last_week} came due. "
                "Here they are in one message; the regular schedule continues from the "
                "next week.")
        parts += list(self.notes)
        tail = [_reviews_line(self.reviews_due) if self.reviews_due else ""]
        if self.recap is not None:
            done = [f"{t.index + 1}: ✅ {t.done_count or 0}" for t in self.recap.tasks]
            tail.append(f"Last week (week {self.recap.week}) done by members — "
                        + ", ".join(done))
        tail_text = "\n".join(x for x in tail if x)
        budget = DESCRIPTION_MAX - len("\n\n".join(parts)) - len(tail_text) - 8
        parts.append(_weeks_text(self.weeks, budget))
        if tail_text:
            parts.append(tail_text)
        return "\n\n".join(p for p in parts if p)[:DESCRIPTION_MAX]

    def embed_dict(self) -> dict:
        """A plain dict in Discord's embed shape (discord.Embed.from_dict accepts it)."""
        return {"title": self.title()[:256], "description": self.description(),
                "footer": {"text": self.footer()}}

    def text(self) -> str:
        return f"{self.title()}\n\n{self.description()}\n\n— {self.footer()}"


def _reviews_line(count: int) -> str:
    """The personal reviews-due line, naming the command that shows them (/review, which
    Japanese clients list as /復習)."""
    return f"🔁 {count} review(s) due — /review · 復習が{count}件あります — /復習"


def _weeks_text(weeks: tuple[WeekView, ...], budget: int) -> str:
    return fit_weeks(weeks, budget)


def fit_weeks(weeks: tuple[WeekView, ...], budget: int,
              render: Callable[[WeekView, bool], str] = lambda w, details: w.render(details),
              heading: Callable[[WeekView], str] = lambda w: f"__{w.unit.title()} {w.week}__",
              short: Callable[[WeekView], str] = (
                  lambda w: f"• {w.unit.title()} {w.week}: {w.focus.both()}")
              ) -> str:
    """All weeks in full if they fit; otherwise earlier weeks shrink to their focus line,
    because the latest week is the one the member starts now. The three callables word
    it (the Discord layer passes the reader's language)."""
    if len(weeks) == 1:
        return render(weeks[0], True)
    full = "\n\n".join(f"{heading(w)}\n{render(w, w is weeks[-1])}" for w in weeks)
    if len(full) <= budget:
        return full
    last = f"{heading(weeks[-1])}\n{render(weeks[-1], True)}"
    lines = [short(w) for w in weeks[:-1]]
    while lines and len("\n".join(lines)) + len(last) + 2 > budget:
        lines.pop(0)  # the oldest weeks go first; the range is in the title
    return "\n".join([*lines, "", last]) if lines else last


@dataclass(frozen=True)
class Notice:
    """A best-effort note to a member, e.g. that their channel plan was paused."""

    key: str
    text_body: str

    @property
    def nonce(self) -> str:
        return nonce_for(self.key)

    def footer(self) -> str:
        return f"tutorbot plan notice · key {self.key}"

    def title(self) -> str:
        return "📚 Study plan paused"

    def description(self) -> str:
        return self.text_body[:DESCRIPTION_MAX]

    def embed_dict(self) -> dict:
        return {"title": self.title(), "description": self.description(),
                "footer": {"text": self.footer()}}

    def text(self) -> str:
        return f"{self.title()}\n\n{self.description()}"
