import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.document import KnowledgeError, load_chapter, load_chapters
from bot.knowledge.glossary import load_glossary
from tests.conftest import SEED_FILE


def _plain(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+", "", line.strip())
    line = re.sub(r"^[-*]\s*", "", line)
    return " ".join(unicodedata.normalize("NFC", line).split())


def test_every_seed_line_is_in_the_knowledge_file_verbatim(knowledge):
    chapter = knowledge.chapter("ch04")
    body_lines = {_plain(line) for line in chapter.text.splitlines()}
    missing = [line for line in SEED_FILE.read_text(encoding="utf-8").splitlines()
               if _plain(line) and _plain(line) not in body_lines]
    assert missing == []


def test_front_matter_and_structure(knowledge):
    chapter = knowledge.chapter("ch04")
    assert chapter.title == "機械学習の実世界への応用"
    assert chapter.language == "ja"
    paths = [s.path_text for s in chapter.sections]
    for expected in [
        "学習目標",
        "4.1 5つの詳細ケーススタディ › Case Study 1: Netflix推薦システム › ビジネスインパクト",
        "4.1 5つの詳細ケーススタディ › Case Study 5: 医療診断(皮膚癌検出) › 評価結果",
        "4.2 将来トレンド:3つの主要動向 › Trend 3: エッジAI(デバイス上の機械学習) › 利点",
        "4.3 キャリアパス:3つの主要進路 › Path 3: AI研究者 › 給与",
        "4.4 スキル開発タイムライン › 3ヶ月プラン(基礎固め) › Week 9-12: 実践プロジェクト3つ",
        "4.5 学習リソース集 › カンファレンス › 国内",
        "本章のまとめ",
        "演習問題 › 問題2(難易度:medium) › ヒント",
        "演習問題 › 問題3(難易度:hard) › 解答例",
        "参考文献",
        "おわりに",
    ]:
        assert expected in paths
    case_studies = [s for s in chapter.sections if s.heading.startswith("Case Study")]
    assert len(case_studies) == 5


def test_tables_stay_markdown_tables(knowledge):
    text = knowledge.chapter("ch04").text
    assert "| 指標 | 改善前 | 改善後 | 効果 |\n|---|---|---|---|" in text


def test_every_markdown_file_is_loaded(tmp_path, knowledge):
    shutil.copy(knowledge.chapter("ch04").path, tmp_path / "ch04.md")
    (tmp_path / "ch01.md").write_text(
        "---\nid: ch01\ntitle: 入門\nlanguage: ja\n---\n\n# 第1章\n\n## 1.1 歴史\n\n本文。\n",
        encoding="utf-8")
    chapters = load_chapters(tmp_path)
    assert [c.chapter_id for c in chapters] == ["ch01", "ch04"]
    assert chapters[0].sections[1].path_text == "1.1 歴史"


def test_broken_front_matter_names_the_file(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("---\nid: [unclosed\n---\n# T\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"broken\.md"):
        load_chapter(path)


def test_glossary_has_enough_terms_in_the_chapter_words(knowledge):
    glossary = knowledge.glossary
    assert len(glossary) >= 80
    text = knowledge.chapter("ch04").text
    assert all(form in text for t in glossary.terms for form in t.japanese_forms)


@pytest.mark.parametrize(("english", "japanese"), [
    ("What is Netflix's churn?", "顧客離脱率"),
    ("data scientist salary", "年収"),
    ("self-driving cars", "自動運転"),
    ("quantization", "量子化"),
    ("accuracy of the model", "精度"),
    # A hyphenated form typed closed up or spaced ("pre-train").
    ("did they pretrain on something?", "事前学習"),
    ("what was pre train on?", "事前学習"),
])
def test_glossary_bridges_english_to_the_chapter(knowledge, english, japanese):
    assert japanese in knowledge.glossary.expand(english)


def test_glossary_lookup_both_directions(knowledge):
    assert knowledge.glossary.lookup("collaborative filtering")[0].ja == "協調フィルタリング"
    assert knowledge.glossary.lookup("協調フィルタリング")[0].en == "collaborative filtering"


def test_every_reference_resolves(knowledge):
    ref = knowledge.references.for_path("ch04", (
        "4.1 5つの詳細ケーススタディ", "Case Study 1: Netflix推薦システム", "ビジネスインパクト"))
    assert ref is not None
    assert "10.1145/2843948" in ref.short
    assert ref.url == "https://doi.org/10.1145/2843948"
    data = yaml.safe_load(Path(knowledge.directory / "references.yaml").read_text())
    assert len(data["ch04"]) == 8


def test_knowledge_base_loads_from_a_copy(tmp_path, knowledge):
    for name in ("ch04.md", "glossary.yaml", "references.yaml"):
        shutil.copy(knowledge.directory / name, tmp_path / name)
    copy = KnowledgeBase.load(tmp_path)
    assert len(copy.glossary) == len(knowledge.glossary)


def test_a_glossary_person_flag_must_be_true_or_false(tmp_path):
    bad = tmp_path / "glossary.yaml"
    bad.write_text("terms:\n  - en: Lee Sedol\n    ja: 李世ドル\n    person: yes please\n",
                   encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"glossary\.yaml: terms\[0\]: field 'person'"):
        load_glossary(bad)


def test_the_glossary_knows_the_chapters_people(knowledge):
    people = {term.en for term in knowledge.glossary.terms if term.person}
    assert {"Lee Sedol", "Ke Jie", "Koki Saito"} <= people
    assert "AlphaGo" not in people


@pytest.mark.parametrize(("question", "named"), [
    ("Fair dinkum, how many cameras does a Tesla have?", False),
    ("what does FAIR research?", True),
    ("is that a fair comparison?", False),
])
def test_a_name_in_capitals_that_is_an_everyday_word_names_only_in_capitals(knowledge,
                                                                           question, named):
    """FAIR is Meta's lab only as written; "fair" is the everyday word."""
    found = {term.en for term in knowledge.glossary.named(question)}
    assert ("Facebook AI Research" in found) is named


def test_every_everyday_word_in_capitals_is_marked_capitals_only(knowledge):
    """A chapter name in capitals that is also a common English word of four letters or
    more would be read into any sentence using the word."""
    from bot.retrieval.lexicon import parts_of_speech

    unmarked = [term.ja for term in knowledge.glossary.terms
                if term.ja.isascii() and term.ja.isupper() and len(term.ja) >= 4
                and parts_of_speech(term.ja.lower()) and not term.capitals_only]
    assert unmarked == []
