"""The study plans of knowledge/plans.yaml, validated and expanded to one entry per week.

The file is compact (blocks with week ranges, multi-week steps, one plan including another);
`load_library` turns it into `Plan`s whose `weeks` hold every week from 1 to the end. Any
schema problem raises `PlanFileError` naming the file and the field, e.g.
``plans.yaml: plans.1y.blocks[2].steps[0].tasks[1].ja: expected a non-empty string``.
`PlanLibrary.verify(knowledge)` then checks every citation against the chapter.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.knowledge.document import KnowledgeError, normalize_path
from bot.yamlfile import load_yaml

log = logging.getLogger(__name__)

PLAN_IDS = ("3m", "1y", "3y")
CADENCES = ("weekly", "monthly")
MONTH_WEEKS = 4  # a monthly reminder covers four plan weeks ("Week 1-4" is the first month)
RESOURCE_KINDS = ("course", "book", "community", "conference", "tool")
MIN_TASKS, MAX_TASKS = 2, 5
WEEK_RANGE_RE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


class PlanFileError(KnowledgeError):
    """plans.yaml cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Text:
    ja: str
    en: str

    def both(self) -> str:
        return self.ja if self.ja == self.en else f"{self.ja} — {self.en}"


@dataclass(frozen=True)
class Task:
    index: int  # 0-based position within its week; progress records refer to it
    text: Text  # ja: the chapter's words, verbatim (what verify() checks)
    heading_path: str  # where the task's ja text is in the chapter
    ja_detail: str = ""  # our words after the verbatim ja, e.g. which project this week is

    def shown(self) -> Text:
        """The task as a member reads it: the chapter's words, then our detail."""
        if not self.ja_detail:
            return self.text
        return Text(f"{self.text.ja}({self.ja_detail})", self.text.en)


@dataclass(frozen=True)
class Resource:
    resource_id: str
    kind: str
    title: str
    provider: str
    note: str
    heading_path: str
    condition: Text | None = None  # only for one of a step's options, e.g. "if you chose CV"

    def label(self) -> str:
        extra = ", ".join(x for x in (self.provider, self.note) if x)
        label = f"{self.title} ({extra})" if extra else self.title
        return f"{label} — {self.condition.both()}" if self.condition else label


@dataclass(frozen=True)
class PlanWeek:
    plan_id: str
    week: int
    block: Text  # the chapter block this week belongs to, e.g. "Week 1-4: …"
    block_first: int
    block_last: int
    focus: Text
    tasks: tuple[Task, ...]
    resources: tuple[Resource, ...]
    heading_path: str  # the citation: the chapter section this week comes from
    step_week: int = 1  # this is week step_week of step_weeks spent on the same step
    step_weeks: int = 1
    choose: int | None = None  # pick this many of the tasks (the chapter offers options)
    deliverable: Text | None = None
    deliverable_week: int | None = None
    goal: Text | None = None
    note: Text | None = None  # our words explaining the focus where it points elsewhere
    practice_topics: tuple[str, ...] = ()  # quiz-bank topics for this block's questions
    featured: Resource | None = None  # this week's resource, a different one each week
    unit: str = "week"  # "month" in a monthly plan, where `week` counts months
    covers: tuple[int, int] | None = None  # a month: the plan weeks it holds

    @property
    def block_label(self) -> str:
        """The chapter's name for the block, e.g. "Month 4-6" (from the cited heading)."""
        return self.heading_path.rsplit(" › ", 1)[-1].split(":", 1)[0]

    @property
    def block_offset(self) -> int:
        """0 for the block's first week, 1 for the next…"""
        return self.week - self.block_first


@dataclass(frozen=True)
class Plan:
    plan_id: str
    title: Text
    heading_path: str
    weeks: tuple[PlanWeek, ...]

    @property
    def total_weeks(self) -> int:
        return len(self.weeks)

    def week(self, number: int) -> PlanWeek:
        if not 1 <= number <= len(self.weeks):
            raise ValueError(f"plan {self.plan_id} has weeks 1-{len(self.weeks)}, not {number}")
        return self.weeks[number - 1]

    def blocks(self) -> list[tuple[int, int, Text]]:
        """(first week, last week, title) of each chapter block, in order."""
        found: list[tuple[int, int, Text]] = []
        for week in self.weeks:
            if not found or found[-1][0] != week.block_first:
                found.append((week.block_first, week.block_last, week.block))
        return found


@dataclass(frozen=True)
class PlanLibrary:
    path: Path
    chapter_id: str
    plans: dict[str, Plan]
    resources: dict[str, Resource]
    _monthly: dict[str, Plan] = field(default_factory=dict, compare=False, repr=False)

    def plan(self, plan_id: str) -> Plan:
        try:
            return self.plans[plan_id]
        except KeyError:
            raise ValueError(f"unknown plan {plan_id!r}; choose one of "
                             f"{', '.join(self.plans)}") from None

    def plan_for(self, plan_id: str, cadence: str = "weekly") -> Plan:
        """The plan as a subscription with this cadence steps through it: week by week,
        or month by month (each entry then holds four weeks)."""
        if cadence == "weekly":
            return self.plan(plan_id)
        if cadence != "monthly":
            raise ValueError(f"unknown cadence {cadence!r}; choose {' or '.join(CADENCES)}")
        if plan_id not in self._monthly:
            self._monthly[plan_id] = monthly_plan(self.plan(plan_id))
        return self._monthly[plan_id]

    def verify(self, knowledge) -> list[str]:
        """Citation problems against a KnowledgeBase; empty when every one checks out."""
        problems: list[str] = []
        for resource in self.resources.values():
            for evidence in (resource.title, resource.note):
                if evidence and not knowledge.evidence_under(resource.heading_path, evidence):
                    problems.append(f"resource {resource.resource_id}: {evidence!r} not under "
                                    f"{resource.heading_path!r}")
        for plan in self.plans.values():
            if knowledge.find_section(plan.heading_path) is None:
                problems.append(f"plan {plan.plan_id}: no section {plan.heading_path!r}")
            for week in plan.weeks:
                problems.extend(_verify_week(knowledge, week))
        return problems


def month_of(week: int) -> int:
    return (week - 1) // MONTH_WEEKS + 1


def monthly_plan(plan: Plan) -> Plan:
    """One entry per four weeks: the month's block (the chapter block most of its weeks
    belong to), every task of its weeks once, and its resources in turn."""
    months = [_month(plan, number, plan.weeks[start:start + MONTH_WEEKS])
              for number, start in enumerate(range(0, plan.total_weeks, MONTH_WEEKS), 1)]
    # A block spans the months it is the main block of (a month shared by two blocks
    # counts for one), so "months left" and progress line up with what the months show.
    spans: dict[str, list[int]] = {}
    for month in months:
        spans.setdefault(month.heading_path, []).append(month.week)
    months = [replace(m, block_first=min(spans[m.heading_path]),
                      block_last=max(spans[m.heading_path])) for m in months]
    return replace(plan, weeks=tuple(months))


def _month(plan: Plan, number: int, weeks: tuple[PlanWeek, ...]) -> PlanWeek:
    counts = Counter(w.block_first for w in weeks)
    block_first = max(counts, key=lambda first: (counts[first], first))  # tie: the later
    main = next(w for w in weeks if w.block_first == block_first)
    tasks: list[Task] = []
    for week in weeks:
        for task in week.tasks:
            if all((t.text, t.ja_detail) != (task.text, task.ja_detail) for t in tasks):
                tasks.append(replace(task, index=len(tasks)))
    resources = tuple(dict.fromkeys(r for w in weeks for r in w.resources))
    one_step = len({(w.focus, w.tasks) for w in weeks}) == 1
    return replace(
        main, week=number,
        focus=main.focus if one_step else main.block, tasks=tuple(tasks), resources=resources,
        step_week=1, step_weeks=1, choose=main.choose if one_step else None,
        deliverable_week=month_of(main.deliverable_week) if main.deliverable_week else None,
        note=next((w.note for w in weeks if w.note), None),
        featured=resources[(number - 1) % len(resources)],
        unit="month", covers=(weeks[0].week, weeks[-1].week))


def _verify_week(knowledge, week: PlanWeek) -> list[str]:
    where = f"plan {week.plan_id} week {week.week}"
    if knowledge.find_section(week.heading_path) is None:
        return [f"{where}: no section {week.heading_path!r}"]
    checks = [("focus", week.focus.ja, week.heading_path)]
    checks += [(f"task {t.index + 1}", t.text.ja, t.heading_path) for t in week.tasks]
    for extra in (week.deliverable, week.goal):
        if extra is not None:
            checks.append(("deliverable/goal", extra.ja, week.heading_path))
    return [f"{where}: {label} {text!r} not under {path!r}"
            for label, text, path in checks if not knowledge.evidence_under(path, text)]


def load_library(path: Path, knowledge=None) -> PlanLibrary:
    """Load and expand plans.yaml; with a KnowledgeBase, also check every citation."""
    raw = load_yaml(path, PlanFileError)
    library = _Loader(path).load(raw)
    if knowledge is not None:
        problems = library.verify(knowledge)
        if problems:
            raise PlanFileError(f"{path.name}: " + "; ".join(problems))
    log.info("loaded plans %s from %s", ", ".join(library.plans), path.name)
    return library


class _Loader:
    """Walks the YAML tree keeping the field path, so every error says where it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = ""  # " (plan 3m, week 5)" while a block or step is being read

    def fail(self, field: str, message: str) -> PlanFileError:
        return PlanFileError(f"{self.path}: {field}: {message}{self.where}")

    def load(self, raw: Any) -> PlanLibrary:
        root = self.mapping(raw, "", required=("version", "resources", "plans"),
                            optional=("chapter",))
        if root["version"] != 1:
            raise self.fail("version", f"unsupported version {root['version']!r} (expected 1)")
        resources = {
            rid: self.resource(rid, body, f"resources.{rid}")
            for rid, body in self.mapping(root["resources"], "resources").items()
        }
        plans_raw = self.mapping(root["plans"], "plans")
        for plan_id in plans_raw:
            if plan_id not in PLAN_IDS:
                raise self.fail(f"plans.{plan_id}", f"unknown plan id; use {', '.join(PLAN_IDS)}")
        plans: dict[str, Plan] = {}
        for plan_id in self._include_order(plans_raw):
            plans[plan_id] = self.plan(plan_id, plans_raw[plan_id], resources, plans)
        chapter = str(root.get("chapter") or "")
        return PlanLibrary(self.path, chapter, {p: plans[p] for p in plans_raw}, resources)

    # --- generic checks -------------------------------------------------------------

    def mapping(self, value: Any, field: str, required: tuple[str, ...] = (),
                optional: tuple[str, ...] | None = None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(field or "(top level)",
                            f"expected a mapping, got {type(value).__name__}")
        for key in required:
            if key not in value:
                raise self.fail(_join(field, key), "required field is missing")
        if optional is not None:
            allowed = set(required) | set(optional)
            for key in value:
                if key not in allowed:
                    raise self.fail(_join(field, str(key)), f"unknown field (allowed: "
                                    f"{', '.join(sorted(allowed))})")
        return {str(k): v for k, v in value.items()}

    def text(self, value: Any, field: str) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # YAML reads "F1"-like words as text but 2024 as a number
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "expected a non-empty string")
        return value.strip()

    def bilingual(self, value: Any, field: str) -> Text:
        body = self.mapping(value, field, required=("ja", "en"), optional=())
        return Text(self.text(body["ja"], f"{field}.ja"), self.text(body["en"], f"{field}.en"))

    def heading_path(self, value: Any, field: str) -> str:
        return normalize_path(self.text(value, field))

    def week_range(self, value: Any, field: str) -> tuple[int, int]:
        match = WEEK_RANGE_RE.match(str(value)) if isinstance(value, (str, int)) else None
        if not match:
            raise self.fail(field, f"expected a week or a range like 5-8, got {value!r}")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise self.fail(field, f"bad week range {value!r}")
        return first, last

    def positive_int(self, value: Any, field: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(field, f"expected a whole number ≥ 1, got {value!r}")
        return value

    # --- the schema -------------------------------------------------------------------

    def resource(self, rid: str, value: Any, field: str) -> Resource:
        body = self.mapping(value, field, required=("kind", "title", "cite"),
                            optional=("provider", "note"))
        kind = self.text(body["kind"], f"{field}.kind")
        if kind not in RESOURCE_KINDS:
            raise self.fail(f"{field}.kind", f"{kind!r} is not one of {', '.join(RESOURCE_KINDS)}")
        return Resource(
            resource_id=rid,
            kind=kind,
            title=self.text(body["title"], f"{field}.title"),
            provider=self.text(body["provider"], f"{field}.provider") if "provider" in body
            else "",
            note=self.text(body["note"], f"{field}.note") if "note" in body else "",
            heading_path=self.heading_path(body["cite"], f"{field}.cite"),
        )

    def resource_list(self, value: Any, field: str, known: dict[str, Resource]
                      ) -> tuple[Resource, ...]:
        """Resource ids, or {id, if: {ja, en}} for one that fits only one of the step's
        options (MIRU only for those who chose computer vision)."""
        if not isinstance(value, list):
            raise self.fail(field, "expected a list of resource ids")
        found = []
        for i, entry in enumerate(value):
            condition = None
            if isinstance(entry, dict):
                body = self.mapping(entry, f"{field}[{i}]", required=("id", "if"), optional=())
                entry, condition = body["id"], self.bilingual(body["if"], f"{field}[{i}].if")
            if entry not in known:
                raise self.fail(f"{field}[{i}]", f"unknown resource {entry!r}")
            found.append(replace(known[entry], condition=condition))
        return tuple(found)

    def topics(self, value: Any, field: str) -> tuple[str, ...]:
        """Quiz-bank topic names; the bank checks them when it picks questions."""
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(field, "expected a list of quiz topics")
        return tuple(value)

    def _include_order(self, plans_raw: dict) -> list[str]:
        """Plans ordered so that a plan comes after any plan it includes."""
        includes: dict[str, list[tuple[str, str]]] = {}
        for plan_id, body in plans_raw.items():
            blocks = body.get("blocks") if isinstance(body, dict) else None
            includes[plan_id] = [
                (str(b["include"]), f"plans.{plan_id}.blocks[{i}].include")
                for i, b in enumerate(blocks if isinstance(blocks, list) else [])
                if isinstance(b, dict) and "include" in b
            ]
        order: list[str] = []
        visiting: set[str] = set()

        def visit(plan_id: str, field: str) -> None:
            if plan_id in order:
                return
            if plan_id not in plans_raw:
                raise self.fail(field, f"includes unknown plan {plan_id!r}")
            if plan_id in visiting:
                raise self.fail(field, f"plans include each other ({plan_id})")
            visiting.add(plan_id)
            for included, where in includes[plan_id]:
                visit(included, where)
            order.append(plan_id)

        for plan_id in plans_raw:
            visit(plan_id, f"plans.{plan_id}")
        return order

    def plan(self, plan_id: str, value: Any, resources: dict[str, Resource],
             done: dict[str, Plan]) -> Plan:
        field = f"plans.{plan_id}"
        body = self.mapping(value, field, required=("title", "cite", "weeks", "blocks"),
                            optional=())
        total = self.positive_int(body["weeks"], f"{field}.weeks")
        blocks = body["blocks"]
        if not isinstance(blocks, list) or not blocks:
            raise self.fail(f"{field}.blocks", "expected a non-empty list")
        weeks: list[PlanWeek] = []
        for i, block in enumerate(blocks):
            block_field = f"{field}.blocks[{i}]"
            block = self.mapping(block, block_field, required=("weeks",))
            first, last = self.week_range(block["weeks"], f"{block_field}.weeks")
            self.where = f" (plan {plan_id}, weeks {first}-{last})"
            if first != len(weeks) + 1:
                raise self.fail(f"{block_field}.weeks", f"starts at week {first}, but the "
                                f"blocks before it end at week {len(weeks)}")
            if "include" in block:
                weeks += self.included(plan_id, block, block_field, first, last, done)
            else:
                weeks += self.block(plan_id, block, block_field, first, last, resources)
        self.where = ""
        if len(weeks) != total:
            raise self.fail(f"{field}.weeks", f"says {total} weeks but the blocks cover "
                            f"{len(weeks)}")
        return Plan(plan_id, self.bilingual(body["title"], f"{field}.title"),
                    self.heading_path(body["cite"], f"{field}.cite"), tuple(weeks))

    def included(self, plan_id: str, block: dict, field: str, first: int, last: int,
                 done: dict[str, Plan]) -> list[PlanWeek]:
        self.mapping(block, field, required=("weeks", "include"), optional=())
        source = done[str(block["include"])]
        if last - first + 1 != source.total_weeks:
            raise self.fail(f"{field}.weeks", f"covers {last - first + 1} weeks but plan "
                            f"{source.plan_id} has {source.total_weeks}")
        shift = first - 1

        def moved(week: PlanWeek) -> PlanWeek:
            return replace(
                week, plan_id=plan_id, week=week.week + shift,
                block_first=week.block_first + shift, block_last=week.block_last + shift,
                deliverable_week=(week.deliverable_week + shift
                                  if week.deliverable_week is not None else None),
            )

        return [moved(w) for w in source.weeks]

    def block(self, plan_id: str, block: dict, field: str, first: int, last: int,
              resources: dict[str, Resource]) -> list[PlanWeek]:
        body = self.mapping(block, field, required=("weeks", "title", "cite", "steps"),
                            optional=("resources", "deliverable", "goal", "practice"))
        title = self.bilingual(body["title"], f"{field}.title")
        cite = self.heading_path(body["cite"], f"{field}.cite")
        block_resources = (self.resource_list(body["resources"], f"{field}.resources",
                                              resources) if "resources" in body else ())
        deliverable = (self.bilingual(body["deliverable"], f"{field}.deliverable")
                       if "deliverable" in body else None)
        goal = self.bilingual(body["goal"], f"{field}.goal") if "goal" in body else None
        practice = self.topics(body.get("practice", []), f"{field}.practice")
        steps = body["steps"]
        if not isinstance(steps, list) or not steps:
            raise self.fail(f"{field}.steps", "expected a non-empty list")
        weeks: list[PlanWeek] = []
        for i, step in enumerate(steps):
            step_field = f"{field}.steps[{i}]"
            self.where = f" (plan {plan_id}, week {first + len(weeks)})"
            s = self.mapping(step, step_field, required=("focus", "tasks"),
                             optional=("weeks", "choose", "resources", "note"))
            span = self.positive_int(s.get("weeks", 1), f"{step_field}.weeks")
            tasks = self.tasks(s["tasks"], f"{step_field}.tasks", cite)
            choose = None
            if "choose" in s:
                choose = self.positive_int(s["choose"], f"{step_field}.choose")
                if choose >= len(tasks):
                    raise self.fail(f"{step_field}.choose", f"must be fewer than the "
                                    f"{len(tasks)} tasks")
            step_resources = (self.resource_list(s["resources"], f"{step_field}.resources",
                                                 resources) if "resources" in s
                              else block_resources)
            if not step_resources:
                raise self.fail(f"{step_field}.resources", "no resources for this step "
                                "(give them on the block or the step)")
            focus = self.bilingual(s["focus"], f"{step_field}.focus")
            note = self.bilingual(s["note"], f"{step_field}.note") if "note" in s else None
            for n in range(1, span + 1):
                week = first + len(weeks)
                weeks.append(PlanWeek(
                    plan_id=plan_id, week=week, block=title, block_first=first,
                    block_last=last, focus=focus, tasks=tasks, resources=step_resources,
                    heading_path=cite, step_week=n, step_weeks=span, choose=choose,
                    deliverable=deliverable, deliverable_week=last if deliverable else None,
                    goal=goal, note=note, practice_topics=practice,
                    # Rotating through the step's resources gives each week a fresh one.
                    featured=step_resources[(week - first) % len(step_resources)],
                ))
        self.where = f" (plan {plan_id}, weeks {first}-{last})"
        if len(weeks) != last - first + 1:
            raise self.fail(f"{field}.steps", f"the steps last {len(weeks)} weeks but the "
                            f"block is weeks {first}-{last} ({last - first + 1} weeks)")
        return weeks

    def tasks(self, value: Any, field: str, cite: str) -> tuple[Task, ...]:
        if not isinstance(value, list) or not MIN_TASKS <= len(value) <= MAX_TASKS:
            count = len(value) if isinstance(value, list) else "no list"
            raise self.fail(field, f"expected {MIN_TASKS}-{MAX_TASKS} tasks, got {count}")
        tasks = []
        for i, item in enumerate(value):
            body = self.mapping(item, f"{field}[{i}]", required=("ja", "en"),
                                optional=("cite", "ja_detail"))
            text = Text(self.text(body["ja"], f"{field}[{i}].ja"),
                        self.text(body["en"], f"{field}[{i}].en"))
            path = (self.heading_path(body["cite"], f"{field}[{i}].cite") if "cite" in body
                    else cite)
            detail = (self.text(body["ja_detail"], f"{field}[{i}].ja_detail")
                      if "ja_detail" in body else "")
            tasks.append(Task(i, text, path, detail))
        return tuple(tasks)


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key
