"""What a member reads week after week (issue 16): reminders that move, parallel blocks,
resources that fit their topic, and wording that stands on its own."""

from __future__ import annotations

import itertools
import re

import pytest
from plans_doubles import KNOWLEDGE

from bot.plans.library import load_library
from bot.plans.payload import WeekView
from bot.plans.practice import PracticePicker
from bot.quiz.bank import TOPICS, load_bank

PLANS = ("3m", "1y", "3y")
RESOURCES = "4.5 学習リソース集"


@pytest.fixture(scope="module")
def picker(kb) -> PracticePicker:
    return PracticePicker.from_bank(load_bank(KNOWLEDGE / "quiz", kb))


def views(library, plan_id: str, picker: PracticePicker | None) -> list[WeekView]:
    plan = library.plan(plan_id)
    return [WeekView.of(w, plan.total_weeks, practice=picker.for_week(w) if picker else ())
            for w in plan.weeks]


@pytest.mark.parametrize("plan_id", PLANS)
def test_no_two_consecutive_reminders_read_the_same(library, picker, plan_id):
    """Not only "week n of m" changes: each week shows something the last one did not."""
    shown = views(library, plan_id, picker)
    same = [(a.week, b.week) for a, b in itertools.pairwise(shown)
            if a.shown_parts() == b.shown_parts()]
    assert same == []
    # The rendered text differs too once the week number is taken out.
    texts = [re.sub(r"step week \d+ of \d+", "", v.render()) for v in shown]
    assert all(a != b for a, b in itertools.pairwise(texts))


@pytest.mark.parametrize("plan_id", PLANS)
def test_even_without_a_quiz_bank_the_featured_resource_moves(library, plan_id):
    shown = views(library, plan_id, None)
    assert all(a.shown_parts() != b.shown_parts() for a, b in itertools.pairwise(shown))


def test_practice_questions_change_every_week_of_a_block(library, picker):
    for plan_id in PLANS:
        for week in library.plan(plan_id).weeks:
            assert set(week.practice_topics) <= set(TOPICS), (plan_id, week.week)
            assert picker.for_week(week), (plan_id, week.week)
        weeks = library.plan(plan_id).weeks
        for a, b in itertools.pairwise(weeks):
            if a.block_first == b.block_first:
                assert not set(picker.for_week(a)) & set(picker.for_week(b)), (plan_id, b.week)


def _resource_entries(kb) -> list[str]:
    """Every course, book, community, conference and tool that 4.5 lists."""
    chapter, section = kb.find_section(RESOURCES)
    entries = []
    for line in chapter.subtree_text(section).splitlines():
        if line.startswith("- "):
            entries.append(re.split(r" - |:|(?<=[^A-Z])\((?=[^A-Z])", line[2:])[0].strip())
        elif line.startswith("| ") and not line.startswith(("| コース名", "| カテゴリ", "|---")):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) == 4:  # the course table: the course name
                entries.append(cells[0])
            else:  # the tool table: every tool of the row
                entries += [tool.strip() for tool in cells[1].split("、")]
    return entries


def test_every_resource_of_4_5_is_used_somewhere(library, kb):
    used = {w.featured.title for p in PLANS for w in library.plan(p).weeks}
    entries = _resource_entries(kb)
    assert len(entries) >= 30 and "Jupyter Notebook" in entries and "DVC" in entries[-1]
    for entry in entries:
        assert any(title in entry or entry in title for title in used), entry
    assert "『機械学習のエッセンス』加藤公一" in used
    assert set(library.resources) == {w.featured.resource_id for p in PLANS
                                      for w in library.plan(p).weeks}


@pytest.mark.parametrize("plan_id", PLANS)
def test_each_weeks_citation_is_its_block(library, kb, plan_id):
    plan = library.plan(plan_id)
    for week in plan.weeks:
        first, last, title = next(b for b in plan.blocks() if b[0] <= week.week <= b[1])
        assert (week.block_first, week.block_last, week.block) == (first, last, title)
        _, section = kb.find_section(week.heading_path)
        assert week.block.ja in section.heading, (plan_id, week.week)
        assert week.block_label in section.heading
        for task in week.tasks:
            assert kb.evidence_under(task.heading_path, task.text.ja)


def test_year_3_runs_its_four_activities_together(library):
    activities = ("オリジナル研究", "論文発表", "カンファレンス登壇", "コミュニティリーダー")
    for n in range(105, 157):
        tasks = [t.text.ja for t in library.plan("3y").week(n).tasks]
        assert [a for a in activities if any(t.startswith(a) for t in tasks)] == \
            list(activities), n
    # 「新しい手法・アプローチの提案」 is one item, not two tasks.
    assert "オリジナル研究:新しい手法・アプローチの提案" in tasks


def test_year_2_holds_expertise_papers_open_source_and_blog_side_by_side(library):
    for n in range(53, 105):
        tasks = library.plan("3y").week(n).tasks
        assert len(tasks) == 4 and tasks[-1].text.ja == "技術ブログ執筆:月2-4記事"


def test_the_medal_goal_is_chased_in_month_7_to_9(library):
    one_year = library.plan("1y")
    kaggle = {t.text.ja for n in range(27, 40) for t in one_year.week(n).tasks}
    specialise = {t.text.ja for n in range(40, 53) for t in one_year.week(n).tasks}
    assert "Bronze/Silverメダル獲得" in kaggle
    assert not any("メダル" in t for t in specialise)
    assert one_year.week(52).deliverable.ja == "Kaggleメダル、専門プロジェクト1つ"


def test_resources_fit_their_topic(library):
    three_months, three_years = library.plan("3m"), library.plan("3y")
    for n in range(1, 5):  # Python basics: Python resources, no theory books or conferences
        resources = three_months.week(n).resources
        assert {r.kind for r in resources} <= {"book", "tool"}
        assert "『Pythonではじめる機械学習』Andreas C. Müller" in [r.title for r in resources]
        assert "Jupyter Notebook" in [r.title for r in resources]
    for n in range(53, 105):
        week = three_years.week(n)
        titles = [r.title for r in week.resources]
        tasks = {t.text.ja for t in week.tasks}
        if "BERT" in tasks:
            assert "ACL、EMNLP、NAACL" in titles
        if "ResNet" in tasks:
            assert "CVPR、ICCV、ECCV" in titles
    for plan_id in PLANS:
        for week in library.plan(plan_id).weeks:
            for resource in week.resources:
                if resource.resource_id == "conf-miru":  # only where vision was chosen
                    assert resource.condition and "CV" in resource.condition.ja


def test_wording_stands_on_its_own_in_a_reminder(library):
    week13 = library.plan("1y").week(13)
    assert week13.focus.ja == "上記の内容を確実にマスター"
    text = WeekView.of(week13, 52).render()
    assert "「上記の内容」とは3ヶ月プラン" in text and '"The above" is the 3-month plan' in text
    projects = ("回帰", "Titanic", "顧客セグメンテーション")
    for n, project in zip((9, 10, 11), projects, strict=True):
        shown = [t.shown() for t in library.plan("3m").week(n).tasks]
        publish = next(t for t in shown if t.ja.startswith("GitHubに3つのプロジェクトを公開"))
        assert project in publish.ja and f"project {n - 8} of 3" in publish.en
    # The verbatim text is still what the citation check reads.
    assert library.verify is not None and load_library(KNOWLEDGE / "plans.yaml")
