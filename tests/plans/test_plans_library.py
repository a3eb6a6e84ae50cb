"""plans.yaml: every week complete, cited, and taken from the chapter; schema errors named."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from plans_doubles import KNOWLEDGE

from bot.plans.library import MAX_TASKS, MIN_TASKS, PlanFileError, load_library

T = "4.4 スキル開発タイムライン"
M3 = f"{T} › 3ヶ月プラン(基礎固め)"
Y1 = f"{T} › 1年プラン(実践力強化)"
Y3 = f"{T} › 3年プラン(エキスパート)"

CHAPTER_ORDER = {
    "3m": [(1, 4, f"{M3} › Week 1-4: Python基礎とライブラリ習得"),
           (5, 8, f"{M3} › Week 5-8: 機械学習理論とscikit-learn"),
           (9, 12, f"{M3} › Week 9-12: 実践プロジェクト3つ")],
    "1y": [(13, 13, f"{Y1} › Month 1-3: 基礎(3ヶ月プラン)"),
           (14, 26, f"{Y1} › Month 4-6: 深層学習"),
           (27, 39, f"{Y1} › Month 7-9: Kaggleコンペ参加"),
           (40, 52, f"{Y1} › Month 10-12: 専門分野特化")],
    "3y": [(53, 104, f"{Y3} › Year 2: 専門性確立"),
           (105, 156, f"{Y3} › Year 3: 業界リーダー")],
}


def test_plan_lengths(library):
    assert {p: library.plan(p).total_weeks for p in ("3m", "1y", "3y")} == \
        {"3m": 12, "1y": 52, "3y": 156}
    for plan in library.plans.values():
        assert [w.week for w in plan.weeks] == list(range(1, plan.total_weeks + 1))


def test_every_week_has_2_to_5_tasks_and_a_citation_that_resolves(library, kb):
    checked = 0
    for plan in library.plans.values():
        for week in plan.weeks:
            where = f"{plan.plan_id} week {week.week}"
            assert MIN_TASKS <= len(week.tasks) <= MAX_TASKS, where
            assert week.heading_path.startswith(T), where
            found = kb.find_section(week.heading_path)
            assert found is not None, f"{where}: {week.heading_path}"
            assert kb.evidence_under(week.heading_path, week.focus.ja), where
            for task in week.tasks:
                # The ja text is the chapter's own wording, in the section cited.
                assert kb.evidence_under(task.heading_path, task.text.ja), (where, task)
                assert task.text.en.strip()
                checked += 1
            assert week.resources, where
            for resource in week.resources:
                assert resource.heading_path.startswith("4.5 学習リソース集")
                assert kb.evidence_under(resource.heading_path, resource.title), resource
    assert checked > 156 * 2


def test_verify_reports_a_task_the_chapter_does_not_contain(library, kb, tmp_path):
    assert library.verify(kb) == []
    raw = yaml.safe_load((KNOWLEDGE / "plans.yaml").read_text("utf-8"))
    raw["plans"]["3m"]["blocks"][0]["steps"][0]["tasks"][0]["ja"] = "深層強化学習の最新論文"
    path = tmp_path / "plans.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    problems = load_library(path).verify(kb)
    # Week 1 of the 3-month plan is also week 1 of the 1- and 3-year plans.
    assert sorted(p.split(":")[0] for p in problems) == \
        ["plan 1y week 1", "plan 3m week 1", "plan 3y week 1"]
    assert all("深層強化学習の最新論文" in p for p in problems)
    with pytest.raises(PlanFileError, match="plan 3m week 1: task 1"):
        load_library(path, kb)


def test_weeks_follow_the_chapter_blocks_in_order(library):
    for plan_id, blocks in CHAPTER_ORDER.items():
        plan = library.plan(plan_id)
        for first, last, path in blocks:
            for n in range(first, last + 1):
                assert plan.week(n).heading_path == path, (plan_id, n)


def test_longer_plans_start_with_the_shorter_ones(library):
    three_months, one_year, three_years = (library.plan(p) for p in ("3m", "1y", "3y"))
    for shorter, longer in ((three_months, one_year), (one_year, three_years)):
        for week in shorter.weeks:
            other = longer.week(week.week)
            assert (other.focus, other.tasks, other.heading_path, other.resources) == \
                (week.focus, week.tasks, week.heading_path, week.resources)
            assert other.plan_id == longer.plan_id


def _bullets(kb, path: str) -> list[str]:
    chapter, section = kb.find_section(path)
    text = chapter.subtree_text(section)
    return [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]


def test_every_chapter_item_of_4_4_appears_in_its_block(library, kb):
    """Nothing from the chapter's timeline is dropped: each bullet (and 成果物 line) of a
    block shares its wording with some focus, task, goal or deliverable of that block."""
    for plan_id, blocks in CHAPTER_ORDER.items():
        plan = library.plan(plan_id)
        for first, last, path in blocks:
            chapter, section = kb.find_section(path)
            body = chapter.subtree_text(section)
            items = _bullets(kb, path) + re.findall(r"^成果物:(.+)$", body, re.M)
            texts = set()
            for n in range(first, last + 1):
                week = plan.week(n)
                texts |= {week.focus.ja, *(t.text.ja for t in week.tasks)}
                texts |= {x.ja for x in (week.goal, week.deliverable) if x}
            for item in items:
                assert any(t in item for t in texts), (plan_id, path, item)


def test_multi_week_steps_count_their_weeks(library):
    one_year = library.plan("1y")
    assert [(w.step_week, w.step_weeks) for w in one_year.weeks[13:16]] == \
        [(1, 3), (2, 3), (3, 3)]
    assert one_year.week(40).choose == 1


def test_deliverables_are_due_at_the_end_of_their_block(library):
    assert library.plan("3m").week(9).deliverable.ja == "GitHubに3つのプロジェクトを公開"
    assert library.plan("3m").week(9).deliverable_week == 12
    assert library.plan("1y").week(45).deliverable_week == 52
    assert library.plan("3y").week(10).deliverable_week == 12
    assert library.plan("3y").week(120).deliverable_week == 156
    assert library.plan("3y").week(60).deliverable is None


# --- schema errors name the file and the field ----------------------------------------

def _edit_3m_week_tasks(raw):
    raw["plans"]["3m"]["blocks"][0]["steps"][1]["tasks"] = \
        raw["plans"]["3m"]["blocks"][0]["steps"][1]["tasks"][:1]


def _drop_en(raw):
    del raw["plans"]["1y"]["blocks"][2]["steps"][1]["tasks"][0]["en"]


def _unknown_resource(raw):
    raw["plans"]["3m"]["blocks"][0]["resources"][0] = "udemy"


def _steps_too_short(raw):
    raw["plans"]["1y"]["blocks"][2]["steps"][0]["weeks"] = 2


def _gap(raw):
    raw["plans"]["3m"]["blocks"][1]["weeks"] = "6-8"


def _typo_field(raw):
    raw["plans"]["3m"]["blocks"][2]["steps"][0]["taks"] = []


def _cycle(raw):
    raw["plans"]["3m"]["blocks"][0] = {"weeks": "1-52", "include": "1y"}


def _wrong_total(raw):
    raw["plans"]["3y"]["weeks"] = 150


def _bad_kind(raw):
    raw["resources"]["kaggle"]["kind"] = "forum"


def _too_many_tasks(raw):
    tasks = raw["plans"]["1y"]["blocks"][1]["steps"][0]["tasks"]
    tasks.extend(copy.deepcopy(tasks))  # 3 + 3


def _empty_focus(raw):
    raw["plans"]["3y"]["blocks"][2]["steps"][0]["focus"]["ja"] = "  "


@pytest.mark.parametrize("edit, field, message", [
    (_edit_3m_week_tasks, "plans.3m.blocks[0].steps[1].tasks", "expected 2-5 tasks, got 1"),
    (_drop_en, "plans.1y.blocks[2].steps[1].tasks[0].en", "required field is missing"),
    (_unknown_resource, "plans.3m.blocks[0].resources[0]", "unknown resource 'udemy'"),
    (_steps_too_short, "plans.1y.blocks[2].steps", "the steps last 12 weeks"),
    (_gap, "plans.3m.blocks[1].weeks", "starts at week 6"),
    (_typo_field, "plans.3m.blocks[2].steps[0].taks", "unknown field"),
    (_cycle, "plans.1y.blocks[0].include", "include each other (3m)"),
    (_wrong_total, "plans.3y.weeks", "says 150 weeks but the blocks cover 156"),
    (_bad_kind, "resources.kaggle.kind", "'forum' is not one of"),
    (_too_many_tasks, "plans.1y.blocks[1].steps[0].tasks", "expected 2-5 tasks, got 6"),
    (_empty_focus, "plans.3y.blocks[2].steps[0].focus.ja", "expected a non-empty string"),
])
def test_schema_errors_name_file_and_field(tmp_path, edit, field, message):
    raw = yaml.safe_load((KNOWLEDGE / "plans.yaml").read_text("utf-8"))
    edit(raw)
    path = tmp_path / "broken-plans.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    with pytest.raises(PlanFileError) as caught:
        load_library(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: {field}: "), text  # the whole path, as configured
    assert message in text and "\n" not in text
    if ".steps[" in field:  # inside a block: the plan and the week are named too
        assert re.search(rf"\(plan {field.split('.')[1]}, weeks? \d+", text), text


def test_invalid_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "plans.yaml"
    bad.write_text("plans: [unclosed\n", "utf-8")
    with pytest.raises(PlanFileError, match="not valid YAML at line 2") as caught:
        load_library(bad)
    assert str(caught.value).startswith(str(bad)) and "\n" not in str(caught.value)
    with pytest.raises(PlanFileError, match=r"missing\.yaml does not exist"):
        load_library(Path(tmp_path / "missing.yaml"))
    with pytest.raises(PlanFileError, match="is a folder, not a file"):
        load_library(tmp_path)
