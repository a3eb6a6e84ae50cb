"""Japanese typed by sound is read as the chapter writes it (bot/retrieval/readings.py)."""

import pytest

from bot.retrieval.readings import ReadingTable


@pytest.fixture(scope="module")
def readings(tutor) -> ReadingTable:
    return tutor.retriever.readings


@pytest.mark.parametrize(("typed", "written"), [
    ("さんこうぶんけんは誰の論文?", "参考文献は誰の論文?"),
    ("きばんモデルってなに?", "基盤モデルってなに?"),  # the tagger reads き + ば + ん
    ("ひふがんのAI", "皮膚癌のAI"),
    ("じんこうちのう学会とか?", "人工知能学会とか?"),
    ("3かげつプランの最初", "3ヶ月プランの最初"),
    ("機会学習のあたらしいやつ?", "機械学習のあたらしいやつ?"),  # the wrong kanji
    ("実戦プロジェクトって何?", "実践プロジェクトって何?"),
    # Words the chapter writes in katakana or Latin letters, typed by sound in hiragana
    ("でーたさいえんてぃすとってなにするひと?", "データサイエンティストってなにするひと?"),
    ("ねっとふりっくすのおすすめ", "ネットフリックスのおすすめ"),  # the glossary's katakana
    # A name of three kana after a particle; an everyday loanword (かめら) only alone
    ("てすらのくるまってかめらなんこ", "テスラのくるまってかめらなんこ"),
    ("かめら", "カメラ"),
    ("えむえるえんじにあってにほんだとおきゅうりょう", "えむえるエンジニアってにほんだとお給料"),
])
def test_a_word_typed_by_sound_is_written_as_the_chapter_writes_it(readings, typed, written):
    assert readings.respell(typed) == written


@pytest.mark.parametrize("typed", [
    "あしたってせんたくものそとにほせるかな",  # 洗濯, the tagger's own word: not 選択
    "日本の公道で使えるの?",  # one word of its own, not a mistyped 行動
    "教科書で挙げられたものを全部教えてください",  # 教科書 sounds like nothing the chapter has
    "どうなったのでしょうか",  # the しょう of でしょう is no 章
    "日本語のおすすめ本教えてー",  # おすすめ is Japanese, whatever katakana オススメ names
    "げーむのかせぎかたおしえて",  # chat about games is no question about the chapter's ゲーム
])
def test_words_of_their_own_are_left_as_typed(readings, typed):
    assert readings.respell(typed) == typed


def test_a_question_typed_by_sound_is_answered_from_its_section(tutor):
    """Left in hiragana, 「さんこうぶんけん」 was three unknown words, and the question was
    declined; read as 参考文献, it is answered with the reference entry."""
    answer = tutor.ask("Foundation Modelsの さんこうぶんけんは だれの paperですか")
    assert answer.answered, answer.message
    assert any("Bommasani" in line for line in answer.passages[0].quote)


@pytest.mark.parametrize(("typed", "written"), [
    ("じーえぬえむてぃーってえんこーだーとでこーだーなんそうだっけ",
     "GNMTってエンコーダーとデコーダー"),
    ("てすらのじどううんてんってれべるいくつなの", "テスラの自動運転"),
    ("ぱいそんはじめたばっかなんだけどさいしょの3かげつなにやればいいの?", "最初の3ヶ月"),
    ("2025ねんにあいおーてぃーのきかいなんだい", "2025年にIoT"),
    # An everyday loanword of three kana, once the question names a subject of the chapter
    ("てすらのくるまってかめらなんこついてんの?", "テスラのくるまってカメラ"),
])
def test_a_question_typed_without_converting_reads_as_the_chapter_writes(tutor, typed,
                                                                          written):
    """A phone left unconverted: letters spelled by name (じーえぬえむてぃー), loanwords
    and counters after a figure (3かげつ) are read as the chapter writes them."""
    assert written in tutor.retriever.plan(typed).text


@pytest.mark.parametrize(("question", "section"), [
    ("てすらのくるまってかめらなんこついてんの?", "Tesla"),
    ("ねっとふりっくすのすいせんってどうやってきめてるの", "Netflix"),
    ("でーたさいえんてぃすとのねんしゅうどんくらい?", "データサイエンティスト"),
])
def test_a_question_typed_in_hiragana_is_answered_from_its_section(tutor, question, section):
    answer = tutor.ask(question)
    assert answer.answered, answer.message
    assert section in answer.passages[0].path_text


@pytest.mark.parametrize("question", [
    "げーむのかせぎかたおしえて",
    "さっかーのるーるってむずかしい?",
])
def test_chat_typed_in_hiragana_about_other_things_is_declined(tutor, question):
    """Reading everyday loanwords out of a run of hiragana made chapter words of a chat
    about games and football rules, which was then answered from AlphaGo and Netflix."""
    assert tutor.ask(question).outcome == "abstained"
