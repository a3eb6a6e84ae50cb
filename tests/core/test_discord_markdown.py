"""Chapter Markdown as Discord shows it: no raw `#####` or `|`, every word kept."""

import re

from bot.config import PROJECT_ROOT
from bot.discordbot.markdown import for_discord
from bot.quiz.bank import load_bank

KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
TABLE = """##### 2. 必要なスキルセット

| スキル | データサイエンティスト | 機械学習エンジニア |
|---|---|---|
| プログラミング | Python, R, SQL | Python, Java/C++ |
| 統計・数学 | ◎(必須・深い理解) | ○(基礎理解) |

次の段落。"""


def test_headings_become_bold_lines_and_tables_become_lists():
    assert for_discord(TABLE).splitlines() == [
        "**2. 必要なスキルセット**",
        "",
        "**スキル**",
        "• **プログラミング** — データサイエンティスト: Python, R, SQL · "
        "機械学習エンジニア: Python, Java/C++",
        "• **統計・数学** — データサイエンティスト: ◎(必須・深い理解) · "
        "機械学習エンジニア: ○(基礎理解)",
        "",
        "次の段落。",
    ]


def test_plain_text_lists_and_code_are_left_alone():
    text = "- 項目 #1\n**太字**\n`a | b`\n1. 手順"
    assert for_discord(text) == text


def words(text: str) -> list[str]:
    return re.findall(r"[^\s|#*•—:·-]+", text)


def test_every_model_answer_keeps_its_words(knowledge):
    bank = load_bank(KNOWLEDGE_DIR / "quiz", knowledge)
    for exercise in bank.exercises.values():
        shown = for_discord(exercise.model_answer)
        assert "#####" not in shown and not re.search(r"^\s*\|", shown, re.M)
        # Table headers are repeated per row; no word is lost or changed.
        assert set(words(exercise.model_answer)) <= set(words(shown))
