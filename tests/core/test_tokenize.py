import pytest

from bot.retrieval.tokenize import (
    content_words,
    english_phrases,
    kana_spelled_nouns,
    kanji_numerals_in_digits,
    misread_compound,
    normalize,
    stem,
    tokenize,
)


def test_japanese_is_split_into_words_and_bigrams():
    tokens = tokenize("協調フィルタリングの精度は約75%でした")
    assert "協調" in tokens
    assert "フィルタリング" in tokens
    assert "精度" in tokens
    assert "調フ" in tokens  # bigrams bridge words the dictionary splits
    # The classic silent bug: a whole clause as a single token.
    assert "協調フィルタリングの精度は約" not in tokens
    assert "の" not in tokens and "は" not in tokens


def test_latin_terms_stay_whole_and_also_yield_parts():
    tokens = tokenize("ResNet-152とGPT-4、Auto-sklearn")
    for whole in ("resnet-152", "gpt-4", "auto-sklearn"):
        assert whole in tokens
    assert "resnet" in tokens and "152" in tokens


def test_nfkc_and_case_folding():
    assert tokenize("ＧＰＴ－４") == tokenize("gpt-4")
    assert normalize("Ｐｙｔｈｏｎ") == "python"


def test_number_ranges_share_one_spelling():
    assert "5-8" in tokenize("3ヶ月プランの5〜8週目")
    assert "9-12" in tokenize("weeks 9 to 12")
    assert "9-12" in tokenize("Week 9-12: 実践プロジェクト3つ")


def test_english_stopwords_and_plurals():
    tokens = tokenize("What are the accidents?")
    assert tokens == ["accident"]


def test_content_words_drop_question_words():
    assert content_words("テスラはどれくらいの走行データで学習している?") == [
        "テスラ", "走行", "データ", "学習"]


def test_plan_positions_can_be_left_out():
    assert "year2" in tokenize("second year")
    assert "year2" not in tokenize("second year", positions=False)
    assert "year" in tokenize("second year", positions=False)


def test_exercise_numbers_name_one_exercise():
    from bot.retrieval.tokenize import normalize, plan_positions

    assert plan_positions(normalize("演習問題 › 問題2(難易度:medium) › ヒント")) == ["exercise2"]
    assert plan_positions(normalize("What's the hint for exercise 2?")) == ["exercise2"]
    assert plan_positions(normalize("the third problem")) == ["exercise3"]
    assert plan_positions(normalize("勾配消失問題とは")) == []


def test_milestones_meet_across_languages():
    from bot.retrieval.tokenize import normalize, plan_positions

    assert "after-month6" in plan_positions(normalize("- 6ヶ月後:CIFAR-10で精度90%"))
    assert "after-month6" in plan_positions(normalize("What should be done after six months?"))
    assert "after-year3" in plan_positions(normalize("What is the goal 3 years from now?"))


@pytest.mark.parametrize(("question", "positions"), [
    ("3 year planのlast yearって何する?", ["year3"]),
    ("the third yearは何する?", ["year3"]),
    ("after six monthsで何ができる?", ["after-month6"]),
    ("1年プランのfirst 3 monthsは?", ["month1", "month2", "month3"]),
])
def test_english_positions_typed_inside_japanese_are_read(question, positions):
    """Kana are word characters to Python's Unicode \\b: "year" before って was no word."""
    from bot.retrieval.tokenize import normalize, plan_positions

    assert plan_positions(normalize(question)) == positions


def test_english_phrases_are_the_shortest_runs_of_three_content_words():
    assert english_phrases("Who wrote Pattern Recognition and Machine Learning?") == [
        "wrote pattern recognition", "pattern recognition and machine",
        "recognition and machine learning"]
    assert english_phrases("Netflixの精度は?") == []


def test_a_hiragana_noun_that_names_a_section_is_kept():
    assert "おわり" in content_words("おわりにでは何が身についたと書いてある?")
    assert "まとめ" in content_words("本章のまとめは?")
    assert content_words("これはどうなの?") == []


def test_plurals_meet_their_singulars_but_series_stays_series():
    assert stem("accidents") == stem("accident")
    assert stem("technologies") == "technology"
    assert stem("series") == "series"


def test_nouns_left_in_hiragana_get_their_kanji_spelling():
    assert kana_spelled_nouns("さいしょの4週間は なにを べんきょうしますか") == [
        ("さいしょ", "最初"), ("べんきょう", "勉強")]


@pytest.mark.parametrize(("typed", "written"), [
    # Voice input and formal writing spell figures in kanji; the chapter writes digits.
    ("自己対戦は三千万局面だっけ", "自己対戦は3,000万局面だっけ"),
    ("賞金は百万ドル?", "賞金は100万ドル?"),
    ("一日五億人が使う", "1日5億人が使う"),
    ("年収千二百万円", "年収1,200万円"),
    ("二〇一六年に移行", "2016年に移行"),
    ("三ヶ月プランの三つ目", "3ヶ月プランの3つ目"),
    # Words with a numeral's kanji are words, and so are idioms.
    ("三日坊主で一石二鳥、十人十色", "三日坊主で一石二鳥、十人十色"),
    ("十分な精度で統一された一般的な手法、一番のおすすめ",
     "十分な精度で統一された一般的な手法、一番のおすすめ"),
])
def test_numbers_in_kanji_are_written_in_digits(typed, written):
    assert kanji_numerals_in_digits(typed) == written


@pytest.mark.parametrize("text", [
    "どういうことですか",  # こと is 事: one kanji, grammar more often than topic
    "Netflixの推薦システムの精度は?",  # nothing left in hiragana
    "なにを勉強する?",  # なに is a pronoun, the question word
])
def test_grammar_and_written_words_are_left_alone(text):
    assert kana_spelled_nouns(text) == []


@pytest.mark.parametrize(("text", "positions"), [
    ("三年計画の最後の年は?", ["year3"]),
    ("3年プランの最終年は何を目指す?", ["year3"]),
    ("what do you do in the last year of the 3 year plan", ["year3"]),
    ("3ヶ月プランの真ん中の4週間は?", ["week5", "week6", "week7", "week8"]),
    ("1年プランの最後の3ヶ月は?", ["month10", "month11", "month12"]),
    # No plan named, no end to count from; 「4週間」 is a duration, not week 4.
    ("最後の年は?", []), ("4週間で終わる?", []),
])
def test_a_position_counted_from_an_end_of_the_plan_named(text, positions):
    from bot.retrieval.tokenize import normalize, plan_positions

    assert plan_positions(normalize(text)) == positions


@pytest.mark.parametrize(("text", "word", "misread"), [
    ("手動かしながら覚えたい", "手動", True),  # 手 + 動かし, not 手動 (manual)
    ("技術ブログは月何本書けばいい?", "本書", True),  # 本 + 書け, not 本書
    ("手動で設定する", "手動", False),  # the noun, as written
    ("出版社ってどこ?", "出版社", False),
    ("Netflixが開発したシステム", "開発", False),  # 開発+した: the noun's own する
    ("翻訳品質が向上させた", "向上", False),
    ("精度が高い", "精度", False),
])
def test_a_noun_read_across_a_verb_is_told_from_a_noun(text, word, misread):
    assert misread_compound(text, word) is misread
