"""`tutorbot plan show …` and the `/plan` line of `tutorbot chat`.

The main CLI wires these in; nothing here needs Discord, a database or the model:

    from bot.plans import cli as plan_cli
    plan_cli.register(commands)               # in build_parser(); handlers take (args, settings)
    console_commands = plan_cli.console_commands(settings.knowledge_dir)
    # in handle_line: name, _, rest = line.partition(" ")
    #                 if name in console_commands: return console_commands[name](rest), context
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from bot.plans.library import CADENCES, PLAN_IDS, PlanLibrary, load_library
from bot.plans.payload import WeekView
from bot.plans.practice import PracticePicker

log = logging.getLogger(__name__)

CONSOLE_USAGE = "Usage: /plan 3m|1y|3y [week]   e.g. /plan 3m 5"


@lru_cache(maxsize=4)
def _library(knowledge_dir: Path) -> PlanLibrary:
    return load_library(knowledge_dir / "plans.yaml")


def _default_knowledge_dir() -> Path:
    from bot.config import Settings

    return Settings().knowledge_dir


@lru_cache(maxsize=4)
def _picker(knowledge_dir: Path) -> PracticePicker | None:
    """Practice questions from the question files next to plans.yaml (none if absent)."""
    from bot.quiz.bank import load_bank  # the CLI shows what a reminder shows

    bank = load_bank(knowledge_dir / "quiz")
    return PracticePicker.from_bank(bank) if bank.questions else None


def week_view(knowledge_dir: Path, plan_id: str, week: int,
              cadence: str = "weekly") -> WeekView:
    """The week (a month, with cadence "monthly"), or ValueError naming the valid range."""
    plan = _library(knowledge_dir).plan_for(plan_id, cadence)
    entry = plan.week(week)
    picker = _picker(knowledge_dir)
    return WeekView.of(entry, plan.total_weeks,
                       practice=picker.for_week(entry) if picker else ())


def week_json(view: WeekView) -> dict:
    """The CLI's JSON: plan, week, focus, tasks, resources, heading_path (and a few more)."""
    return view.to_json()


def render_week(view: WeekView) -> str:
    header = f"Plan {view.plan_id} — {view.unit} {view.week} of {view.total_weeks}"
    return f"{header}\n{view.render().replace('**', '').replace('*', '')}"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `plan show (3m|1y|3y) [--week N] [--json]` to the tutorbot command line."""
    plan = subparsers.add_parser("plan", help="look at the study plans (3m, 1y, 3y)")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True)
    show = plan_commands.add_parser("show", help="print one week of a plan")
    show.add_argument("plan", choices=PLAN_IDS)
    show.add_argument("--week", type=int, default=1,
                      help="week number, or month number with --cadence monthly (default 1)")
    show.add_argument("--cadence", choices=CADENCES, default="weekly",
                      help="monthly: show a month as a monthly reminder does")
    show.add_argument("--json", action="store_true", help="print the week as JSON")
    show.set_defaults(handler=cmd_plan_show)
    return plan


def cmd_plan_show(args: argparse.Namespace, settings=None) -> int:
    knowledge_dir = Path(settings.knowledge_dir) if settings is not None \
        else _default_knowledge_dir()
    try:
        view = week_view(knowledge_dir, args.plan, args.week, args.cadence)
    except ValueError as problem:
        print(f"tutorbot: {problem}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(week_json(view), ensure_ascii=False, indent=2))
    else:
        print(render_week(view))
    return 0


def console_commands(knowledge_dir: Path | None = None) -> dict[str, Callable[[str], str]]:
    """`{"/plan": handler}`; the handler takes the rest of the line and returns the reply."""
    directory = knowledge_dir or _default_knowledge_dir()

    def plan_line(rest: str) -> str:
        words = rest.split()
        if not words or words[0] not in PLAN_IDS or len(words) > 2:
            return CONSOLE_USAGE
        if len(words) == 2 and not words[1].isdigit():
            return f"week must be a number, not {words[1]!r}\n{CONSOLE_USAGE}"
        try:
            week = int(words[1]) if len(words) == 2 else 1
            view = week_view(directory, words[0], week)
        except ValueError as problem:
            return f"{problem}\n{CONSOLE_USAGE}"
        hint = f"\n(/plan {view.plan_id} {view.week + 1} for the next week)" \
            if view.week < view.total_weeks else ""
        return render_week(view) + hint

    return {"/plan": plan_line}
