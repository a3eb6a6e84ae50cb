"""`tutorbot plan show` and the console's `/plan` line."""

from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

import pytest
from plans_doubles import KNOWLEDGE

from bot.plans import cli


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutorbot")
    cli.register(parser.add_subparsers(dest="command", required=True))
    return parser


SETTINGS = SimpleNamespace(knowledge_dir=KNOWLEDGE)


def test_plan_show_json_has_the_documented_keys(capsys):
    args = _parser().parse_args(["plan", "show", "1y", "--week", "20", "--json"])
    assert args.handler(args, SETTINGS) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"plan", "week", "focus", "tasks", "resources", "heading_path"} <= set(data)
    assert data["plan"] == "1y" and data["week"] == 20
    assert data["focus"]["ja"] == "CNN:画像分類(MNIST、CIFAR-10)"
    assert [t["ja"] for t in data["tasks"]] == ["MNIST", "CIFAR-10"]
    assert data["heading_path"].endswith("Month 4-6: 深層学習")
    assert "Practical Deep Learning for Coders" in [r["title"] for r in data["resources"]]


def test_plan_show_text_defaults_to_week_1(capsys):
    args = _parser().parse_args(["plan", "show", "3m"])
    assert args.handler(args, SETTINGS) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plan 3m — week 1 of 12")
    assert "Python文法" in out and "変数 — Variables" in out
    assert "Source: 4.4 スキル開発タイムライン › 3ヶ月プラン(基礎固め) › Week 1-4" in out


def test_plan_show_rejects_a_week_out_of_range(capsys):
    args = _parser().parse_args(["plan", "show", "3m", "--week", "13"])
    assert args.handler(args, SETTINGS) == 2
    assert "weeks 1-12" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parser().parse_args(["plan", "show", "6m"])


def test_console_plan_line():
    handle = cli.console_commands(KNOWLEDGE)["/plan"]
    reply = handle("3y 156")
    assert "week 156 of 156" in reply and "メンタリング" in reply
    assert "/plan 3y 157" not in reply
    assert "Regression" in handle("3m 9") and "(/plan 3m 10 for the next week)" in handle("3m 9")
    assert handle("") == cli.CONSOLE_USAGE
    assert handle("4w") == cli.CONSOLE_USAGE
    assert "must be a number" in handle("1y five")
    assert "weeks 1-52" in handle("1y 53")


def test_plan_show_a_month_as_a_monthly_reminder_shows_it(capsys):
    """The CLI runs on the same core: a month of the 1-year plan, with its practice."""
    args = _parser().parse_args(["plan", "show", "1y", "--week", "2", "--cadence", "monthly",
                                 "--json"])
    assert args.handler(args, SETTINGS) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"] == 2 and data["focus"]["ja"] == "機械学習理論とscikit-learn"
    assert len(data["tasks"]) == 13 and data["practice"]
    args = _parser().parse_args(["plan", "show", "3m", "--cadence", "monthly"])
    assert args.handler(args, SETTINGS) == 0
    assert capsys.readouterr().out.startswith("Plan 3m — month 1 of 3")
