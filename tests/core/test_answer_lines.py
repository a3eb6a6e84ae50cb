"""Which lines of a passage a learner reads: the line holding what was asked, with what
it needs to be read (a label's items, a list's rows), and never a look-alike."""

import dataclasses

import pytest

from bot.retrieval.lines import LineQuestion, asked_list_size, choose_quote, wants_list
from bot.retrieval.quotes import passage_lines
from bot.retrieval.smalltalk import small_talk_kind
from bot.retrieval.tokenize import tokenize
from bot.retrieval.valuekinds import (
    asked_counter,
    asked_kinds,
    countries_in,
    holds,
    languages_in,
    places_in,
)

PHASE = ("- Netflix Prize(2006-2009):精度10%向上で100万ドル賞金\n"
         "- 技術:Collaborative Filtering、Matrix Factorization\n- 精度:約75%\n"
         "- 成果:顧客満足度向上、視聴時間増加")
ROLES = ("データサイエンティスト(DS):\n- ビジネス課題のヒアリングと問題定式化\n"
         "- 探索的データ分析(EDA)、データ可視化\n機械学習エンジニア(MLE):\n"
         "- MLモデルの本番環境への実装\n- 監視・モニタリングシステムの構築")
TABLE = ("| 利点 | 詳細 |\n|---|---|\n| 低遅延 | ネットワーク通信不要、<10ms応答 |\n"
         "| プライバシー | データ送信不要、デバイス内で完結 |\n| オフライン動作 | ネット接続不要 |")
IMPACT = ("| 指標 | 実績 |\n|---|---|\n| 事故率削減 | Autopilot使用時、40%削減 |\n"
          "参考文献: Bojarski, M., et al. (2016). \"End to End Learning for Self-Driving Cars.\" "
          "arXiv preprint arXiv:1604.07316.")


def question(text: str, *, citation: bool = False, extra: str = "") -> LineQuestion:
    return LineQuestion(tokens=frozenset(tokenize(f"{text} {extra}")), weight=lambda t: 1.0,
                        kinds=tuple(asked_kinds(text)), citation_asked=citation,
                        wants_list=wants_list(text), list_size=asked_list_size(text),
                        countries=countries_in(text))


def test_a_value_question_gets_the_line_with_that_kind_of_value():
    quote = choose_quote(PHASE, question("協調フィルタリングの精度は何%?"))
    assert quote == ["精度:約75%"]


def test_a_label_comes_with_its_items():
    quote = choose_quote(ROLES, question("機械学習エンジニア(MLE)の仕事"))
    assert quote[0] == "機械学習エンジニア(MLE):"
    assert "MLモデルの本番環境への実装" in quote and "監視・モニタリングシステムの構築" in quote
    assert not any("データサイエンティスト" in line for line in quote)


def test_a_list_question_gets_the_rows_of_the_table():
    quote = choose_quote(TABLE, question("エッジAIの利点は?", extra="低遅延"))
    assert len(quote) == 3 and all(line.startswith("| ") for line in quote)
    assert "| 利点 | 詳細 |" not in quote  # the header row alone says nothing


COURSES = ("| コース | 提供 | 難易度 | 期間 |\n|---|---|---|---|\n"
           "| Machine Learning | Coursera(Andrew Ng) | 初級 | 11週間 |\n"
           "| Practical Deep Learning for Coders | Fast.ai | 中級 | 7週間 |\n"
           "| Deep Learning Specialization | Coursera(deeplearning.ai) | 中級 | 3ヶ月 |\n"
           "| Machine Learning Engineer Nanodegree | Udacity | 中級〜上級 | 4ヶ月 |")


def test_rows_the_line_model_cannot_tell_apart_are_both_shown():
    # Both rows hold a number of weeks and share the question's words alike: the first
    # row's one feature of difference (being first) once chose Fast.ai's alone.
    quote = choose_quote(COURSES, question("which online course should i start with, how many "
                                           "weeks is it", extra="コース 週間"))
    assert "| Machine Learning | Coursera(Andrew Ng) | 初級 | 11週間 |" in quote
    assert "| Practical Deep Learning for Coders | Fast.ai | 中級 | 7週間 |" in quote
    assert len(quote) == 2


PROJECTS = ("- 回帰:住宅価格予測(California Housing)\n- 分類:Titanic生存予測\n"
            "- クラスタリング:顧客セグメンテーション\n成果物:GitHubに3つのプロジェクトを公開")


@pytest.mark.parametrize("text", ["what r the 3 projects?", "which three projects do we build"])
def test_a_counted_list_question_gets_the_list_not_the_line_that_counts_it(text):
    quote = choose_quote(PROJECTS, question(text))
    assert "分類:Titanic生存予測" in quote and "クラスタリング:顧客セグメンテーション" in quote


@pytest.mark.parametrize("text", ["what projects do we put on GitHub?",
                                  "GitHubに載せるプロジェクトって何?"])
def test_a_list_question_answered_by_the_line_beside_a_list_gets_the_list_too(text):
    quote = choose_quote(PROJECTS, question(text))
    assert "成果物:GitHubに3つのプロジェクトを公開" in quote
    assert "分類:Titanic生存予測" in quote


@pytest.mark.parametrize(("text", "size"), [("what r the 3 projects for week 9-12", 3),
                                            ("the three trends again?", 3),
                                            ("3つのトレンド", 3), ("the 3 month plan", None),
                                            ("how many hours a week", None)])
def test_the_size_of_the_list_asked_for(text, size):
    assert asked_list_size(text) == size


def test_a_reference_line_only_when_a_paper_is_asked_for():
    plain = choose_quote(IMPACT, question("Autopilotの事故率削減は? Bojarski"))
    assert plain == ["| 事故率削減 | Autopilot使用時、40%削減 |"]
    cited = choose_quote(IMPACT, question("Autopilotの論文のarXiv番号は? Bojarski",
                                          citation=True))
    assert any("arXiv:1604.07316" in line for line in cited)


def test_quotes_stay_short_and_verbatim():
    long_text = "。".join(f"文{n}はテストの文章で機械学習について述べています" for n in range(40))
    for quote in (choose_quote(long_text, question("機械学習")),
                  choose_quote(TABLE, question("エッジAIの利点は?"))):
        assert sum(len(line) for line in quote) <= 600
        assert all(line in long_text or line in TABLE for line in quote)


def test_lines_know_labels_items_and_rows():
    kinds = [(line.kind, line.label) for line in passage_lines(ROLES)]
    assert kinds == [("label", None), ("item", 0), ("item", 0), ("label", None), ("item", 3),
                     ("item", 3)]
    assert [line.kind for line in passage_lines(TABLE)] == ["row", "row", "row"]


CLOSING = ("あなたは今、旅をスタートする準備が整いました!\n"
           "\"The best time to plant a tree was 20 years ago. The second best time is now.\" "
           "- Chinese Proverb\n「木を植えるのに最適な時期は20年前だった。次善の時期は今だ。」\n"
           "今日から行動を始めましょう。\n\n- GitHubアカウントを作成\n次の文。")


def test_lines_of_one_paragraph_share_a_block_and_a_quotation_stays_whole():
    lines = passage_lines(CLOSING)
    assert "「木を植えるのに最適な時期は20年前だった。次善の時期は今だ。」" in [
        line.text for line in lines]  # its closing bracket is on no line of its own
    assert {line.block for line in lines[:4]} == {0}  # four Markdown lines, one paragraph
    assert [line.kind for line in lines[4:]] == ["item", "prose"]
    assert lines[5].block not in (0, lines[4].block)  # a blank line or a list ends it


def test_a_line_comes_with_its_translation_beside_it():
    """The chapter gives the proverb in English and then in Japanese, on adjacent lines
    of one paragraph: an English question reads the English too."""
    quote = choose_quote(CLOSING, question("what's that proverb about planting a tree?",
                                           extra="木 植える"))
    assert any("plant a tree" in line for line in quote)


@pytest.mark.parametrize(("text", "kind"), [
    ("how much was the netflix prize", "money"), ("GNMTってエンコーダ何層?", "count"),
    ("gpt-4 param count?", "count"),
    ("when did alphago beat ke jie", "date"),
    ("李世ドルとの対局ってどこの都市でやったの?", "place"),
    ("テスラのFSDって今バージョンいくつ?", "version"), ("who wrote the netflix paper", "name"),
    ("皮膚がんのCNNって学習に何時間かかったの?", "duration"),
    ("google automl pricing per hour?", "money"), ("what's it priced at", "money"),
    ("which year did the book come out", "year"), ("この本って何年に出たの?", "year"),
    # A point of a plan is a date of the plan, not a calendar year.
    ("what year of the 3 year plan has the paper?", "date"), ("Kaggleは何年目?", "date"),
    ("Kaggleのユーザー数は?", "count"), ("how expensive is the nanodegree", "money"),
    ("what's the release date of gpt-4", "date"),
    ("is the udacity course free?", "money"), ("無料で受けられる講座ある?", "money"),
    ("AutoMLのツールでいちばん安いのは?", "money"), ("AI研究者の平均年齢は?", "count"),
    ("李世ドルとの試合はどこの町であったの?", "place"),
    # The year of an event as one noun; a month, finer than a year.
    ("Courseraの設立年は?", "year"), ("what's the founding year of kaggle", "year"),
    ("AlphaGoが李世ドルに勝ったのは何月?", "month"), ("which month was GNMT launched", "month"),
    ("at which hospital was the skin model first used?", "place"),
    ("AlphaGoって開発に何年かかったの?", "duration"),  # years it took, not which year
    ("そのアプリって1枚何秒で判定できるの?", "duration"),
    ("IoT機器の台数は?", "count"), ("what proportion of experts expect AGI by 2050?", "percent"),
    ("AI研究者になるまでの学術経験の総年数", "duration"),
    ("how many seconds does one diagnosis take?", "duration"),
    ("GNMTの学習にかかったお金ってどんくらい?", "money"),
    ("what will the AutoML market be worth by 2030?", "money"),
    ("what is the edge ai market size?", "money"), ("基盤モデルの市場規模は?", "money"),
    ("did deepmind retire alphago after the ke jie match?", "aftermath"),
    ("Gartnerの予測って結局どうなったの?", "aftermath"),
    ("what's the breakdown of the 1B by region?", "breakdown"),
    ("IoTデバイスの内訳は?", "breakdown"),
    ("what's the name of the skin cancer phone app?", "name"),
    ("the device the FDA cleared - who makes it?", "name"), ("なんてアプリ名だっけ?", "name"),
    # A "when" clause sets the time of what the question asks.
    ("when the translator launched, how many languages did it have?", "count"),
    ("賞を取った研究室ってどこ?", "name"),
    ("which phone model was the first to ship the chip?", "first"),
    # English words inside Japanese, between kana that Unicode counts as word characters.
    ("1年プランのPyTorchは どのversionを入れればいい?", "version"),
    ("FDAのapprovalって いつ?", "date"),
    # The chapter's competition by its name asks for no sum.
    ("Netflix Prizeって何チーム参加した?", "count"),
    ("what's the name of the team that won?", "name"), ("出版社ってどこ?", "name"),
    ("what was the score against lee sedol?", "score"), ("柯潔との戦績は?", "score"),
    ("did it ever play the old alphago and what was the score", "score"),
    # Which month of a plan, and a fraction, are no durations.
    ("1年プランだと何か月めにKaggle?", "month_of_plan"), ("従来の何分の一のデータ?", None),
])
def test_the_kind_of_value_asked_for(text, kind):
    kinds = asked_kinds(text)
    if kind == "month_of_plan":  # no duration, whatever else it asks
        assert "duration" not in {k.name for k in kinds}
    elif kind is None:
        assert not kinds
    else:
        assert kinds[0].name == kind


def test_parts_of_a_sum_set_against_each_other_ask_for_its_breakdown():
    """A sum asked for by its parts: the sum alone ("10億ドル | コスト削減+売上増") does
    not say how it splits (answer.unstated_kind asks the breakdown before the sum)."""
    kinds = {kind.name for kind in asked_kinds("how much of that is cost savings vs new "
                                               "revenue?")}
    assert {"breakdown", "money"} <= kinds


def test_a_metric_s_score_is_no_match_result():
    assert "score" not in {kind.name for kind in asked_kinds("what was GNMT's BLEU score?")}


def test_a_concept_called_something_asks_for_no_name():
    """"what is this method called" asks for the chapter's term, which no name answers."""
    assert "name" not in {kind.name for kind in asked_kinds("what is this method called?")}


@pytest.mark.parametrize("text", [
    "any japanese book where you learn dl by coding it from scratch?",
    "a course where you start from zero?",
])
def test_a_relative_where_asks_for_no_place(text):
    assert "place" not in {kind.name for kind in asked_kinds(text)}


@pytest.mark.parametrize("text", [
    "nlp conferences worth following?", "how much time do they spend on kaggle?",
    "how should i budget my study time?",
    # "free" asks about the price only as "is it free?", "for free" or "free of charge".
    "how should i use my free time to study?", "feel free to explain automl",
    "is the one-year plan worth it?", "is kaggle worth joining as a beginner?",
    "which dataset is suggested for the house price regression project?",
])
def test_worth_spend_and_budget_ask_for_no_sum(text):
    assert "money" not in {kind.name for kind in asked_kinds(text)}


@pytest.mark.parametrize(("text", "codes"), [
    ("Bishopの本のタイトルは?", set()),  # タイトル holds no Thailand
    ("タイの研究者の年収は?", {"TH"}), ("日本語の本", set()), ("in japan", {"JP"}),
])
def test_the_countries_a_text_names(text, codes):
    assert countries_in(text) == codes


@pytest.mark.parametrize(("text", "codes"), [
    ("日本語に対応したのいつ", {"JP"}), ("does it support Japanese?", {"JP"}),
    ("japanese subtitles?", {"JP"}), ("the Korean champion", set()),
])
def test_the_languages_a_text_names(text, codes):
    assert languages_in(text) == codes


def test_count_as_a_verb_asks_for_no_number():
    assert asked_kinds("does a kaggle medal count as experience?") == []


TRANSLATE_IMPACT = ("- 翻訳量:1日1,000億語以上\n- 利用者数:1日5億人以上\n"
                    "- 多言語同時学習:103言語対応\n- 翻訳の種類:会話、カメラ翻訳")


@pytest.mark.parametrize(("text", "line"), [
    ("翻訳アプリって1日に何人使ってる?", "利用者数:1日5億人以上"),
    ("how many users does it have per day", "利用者数:1日5億人以上"),
    ("how many languages at once?", "多言語同時学習:103言語対応"),
    ("1日に何語くらい訳してる?", "翻訳量:1日1,000億語以上"),
])
def test_a_count_gets_the_line_that_counts_the_same_thing(text, line):
    """Each line holds a number: the one that answers counts what was asked (people,
    languages, words), whichever line shares more words with the question."""
    assert choose_quote(TRANSLATE_IMPACT, question(text)) == [line]


@pytest.mark.parametrize(("text", "line", "answers"), [
    ("GNMTの導入は何月?", "2016: ニューラル機械翻訳導入(GNMT)", False),
    ("柯潔に勝ったのは何月?", "2017年5月:柯潔(世界最強棋士)に3-0で完勝", True),
    # The noun after the counter is what is counted: 8 cameras are no count of cars.
    ("テスラは何台の車に載ってる?", "8台のカメラによる360度視野", False),
    # …and so is the noun right before 何: 「車何台」 counts cars, 「カメラ何台」 cameras.
    ("自動運転ついてる車何台走ってる?", "8台のカメラによる360度視野", False),
    ("カメラ何台ついてる?", "8台のカメラによる360度視野", True),
    # Whichever counter the learner used: the camera line counts cameras.
    ("テスラってカメラ何個ついてるの?", "8台のカメラによる360度視野", True),
    ("IoTデバイス何台になる?", "IDC予測:2025年までに750億台のIoTデバイス", True),
    # 「何万人」 counts people: 万円 is a sum.
    ("データサイエンティストは何万人いる?", "日本:年収600-1,200万円(ジュニア:600万)", False),
    ("1日に何億人が使ってる?", "利用者数:1日5億人以上", True),
    # A score counts wins and losses: 「何勝何敗」 is answered by 「4-1で勝利」.
    ("李世ドルさんに何勝何敗で勝ったの?", "2016年3月:李世ドル(世界チャンピオン)に4-1で勝利", True),
    ("何台のカメラで周りを見てる?", "8台のカメラによる360度視野", True),
    ("何枚の画像で学習した?", "129,450枚の皮膚病変画像", True),
    # A count of the noun of 「〜数」: a sum counts no members, layers no parameters.
    ("Netflixの今の会員数ってどれくらい?", "| 年間価値 | - | 10億ドル | コスト削減+売上増 |",
     False),
    ("GNMTのパラメータ数は?", "アーキテクチャ:8層Encoder、8層Decoder", False),
    ("GPT-4のパラメータ数は?", "NLP:GPT-4(1.8兆パラメータ)、BERT、T5", True),
    ("学習に使った画像数は?", "129,450枚の皮膚病変画像", True),
    # People by trade are counted in people: images are no count of dermatologists.
    ("how many dermatologist did they compare with?", "129,450枚の皮膚病変画像", False),
    ("how many users does it have per day", "利用者数:1日5億人以上", True),
    # A share of the companies counts them; a share of anything else counts no people.
    ("how many companies will use automl by 2025?", "Gartner予測:2025年までに50%の企業でAutoML採用",
     True),
    ("データサイエンティストは何人くらい仕事がなくなる?",
     "Gartner予測:2025年までに50%の企業でAutoML採用", False),
    # A first or an only one is a claim the line makes, or no answer.
    ("was AlphaGo the first AI to beat a pro?", "2016年3月:李世ドル(世界チャンピオン)に4-1で勝利",
     False),
    ("皮膚がんの診断で専門医レベルに到達した世界初のAIだった?",
     "Stanford大学の研究チームは、深層学習で皮膚科医レベルの診断精度を達成しました。", False),
])
def test_a_line_answers_only_a_value_as_fine_and_of_the_same_thing(text, line, answers):
    assert any(holds(line, kind) for kind in asked_kinds(text)) is answers


@pytest.mark.parametrize(("text", "asks_version"), [
    ("which python version should i install for the 3 month plan?", True),
    ("TPOTの最新バージョンっていくつ?", True), ("python version?", True),
    # The verb, a rendering of a text and a tool's name ask for no version.
    ("is there a tool to version my datasets?", False),
    ("sum up DS vs MLE, one sentence version pls", False),
    ("the MT version of that trend confused me", False), ("what is data version control?", False),
])
def test_a_version_is_asked_of_software_only(text, asks_version):
    assert ("version" in {kind.name for kind in asked_kinds(text)}) is asks_version


@pytest.mark.parametrize(("text", "asks_count"), [
    ("what's the arXiv number of the GNMT paper?", False),
    ("what is the number of layers in GNMT?", True),
])
def test_an_identifier_number_is_no_count(text, asks_count):
    assert ("count" in {kind.name for kind in asked_kinds(text)}) is asks_count


@pytest.mark.parametrize(("text", "asks_count"), [
    ("DSになるのにプログラミングは何語いるの?", False),  # which language
    ("google翻訳って1日何語くらい訳してる?", True),
    ("何万語くらい?", True),
])
def test_nango_asks_which_language_unless_a_quantity_follows(text, asks_count):
    assert ("count" in {kind.name for kind in asked_kinds(text)}) is asks_count


@pytest.mark.parametrize("text", ["3ヶ月プランの最後のプロジェクトって?家の値段のやつとか",
                                  "住宅価格予測ってどのデータ使うの?"])
def test_the_house_price_project_asks_for_no_sum(text):
    assert not {"money", "price"} & {kind.name for kind in asked_kinds(text)}


@pytest.mark.parametrize("text", [
    "what is the first case study about?", "what should i learn first?",
    "初めての人におすすめの本は?", "is the first exercise hard?",
])
def test_a_first_in_order_asks_for_no_claim(text):
    assert "first" not in {kind.name for kind in asked_kinds(text)}


@pytest.mark.parametrize(("text", "counter"), [
    ("netflix subscriber count?", "人|名"), ("the number of users of google translate", "人|名"),
    ("Google翻訳って何か国語に対応してる?", "言語|[カかヶケ]国語"),
    ("何カ国で使われてる?", "[カかヶケ]国"),
    ("apple neural engineって何topsくらい?", "tops"),  # a unit asked by name
    # A noun and 数: members are people; a noun ending in a counter is counted by either.
    ("Netflixの会員数ってどれくらい?", "人|名"), ("GNMTのパラメータ数は?", "パラメータ"),
    ("1日に訳される単語数は?", "単語|語"),
])
def test_what_a_count_counts(text, counter):
    asked = asked_counter(text.lower())
    assert asked is not None and asked.counter == counter


@pytest.mark.parametrize(("text", "asks_date"), [
    ("when did netflix start streaming?", True), ("quick q: when netflix started?", True),
    ("GNMT launched when", True), ("and when was the prize won?", True),
    # A "when" clause dates the question; it does not ask for a date.
    ("In 2016 when google translate went neural, how many layers did it have?", False),
    ("when should i start kaggle", False),
])
def test_when_asks_for_a_date_only_as_a_question_word(text, asks_date):
    assert ("date" in {kind.name for kind in asked_kinds(text)}) is asks_date


def test_where_a_company_is_headquartered_asks_for_a_place():
    assert asked_kinds("where is h2o.ai headquartered?")[0].name == "place"


def test_some_of_a_counter_asks_for_no_number():
    assert asked_kinds("MLEの企業例って何社か教えて") == []  # 何社か: "a few companies"
    assert asked_kinds("MLEの企業って何社ある?")[0].name == "count"


def test_a_where_question_asks_for_a_place():
    assert asked_kinds("where is the skin cancer dataset from?")[0].name == "place"


def test_places_are_names_however_they_are_typed():
    assert places_in("how much is netflix in germany?") == {"germany"}
    assert places_in("is it approved in the UK") == {"uk"}
    assert "ドイツ" in places_in("MLエンジニアの年収ってドイツだと?")
    assert places_in("how do i get a job as a data scientist") == set()


@pytest.mark.parametrize(("text", "kind"), [
    ("ありがとう!", "thanks"), ("thanks!!", "thanks"), ("こんにちは", "greeting"),
    ("👍", "emoji"), ("なるほど", "ok"), ("Netflixの精度は?", None), ("thanks, but why?", None),
    ("thank you sir", "thanks"), ("namaste", "greeting"), ("hello everyone!", "greeting"),
    ("hello, what is automl?", None),
    # Thanks and greetings in a learner's first language, and whom they are said to.
    ("asante sana!", "thanks"), ("salamat po", "thanks"), ("gracias!!", "thanks"),
    ("thank you sah", "thanks"), ("hola amigos", "greeting"),
    ("gracias, pero que es automl?", None),
])
def test_small_talk_is_told_from_questions(text, kind):
    assert small_talk_kind(text) == kind


SALARIES = ("- アカデミア(日本):年収500-1,200万円(助教-教授)\n"
            "- 企業研究所(日本):年収800-2,000万円\n- 米国アカデミア:$80,000-$200,000\n"
            "- 米国企業(Google AI, OpenAI等):$150,000-$500,000+")


@pytest.mark.parametrize(("text", "line"), [
    ("アメリカの大企業の研究者の給料は?", "- 米国企業(Google AI, OpenAI等):$150,000-$500,000+"),
    ("What does a corporate researcher earn in the US?",
     "- 米国企業(Google AI, OpenAI等):$150,000-$500,000+"),
    ("日本の企業研究所の年収は?", "- 企業研究所(日本):年収800-2,000万円"),
])
def test_a_value_asked_of_a_country_gets_that_countrys_line(text, line):
    # Without the glossary's words for "corporate" (企業), the two US lines tie and both
    # are shown; no line of the other country is.
    quote = choose_quote(SALARIES, question(text))
    assert line.removeprefix("- ") in quote
    asked = "日本" if "日本" in text else "米国"
    assert all(asked in shown for shown in quote), quote


@pytest.mark.parametrize(("text", "countries"), [
    ("salary in the US?", {"US"}), ("アメリカの企業", {"US"}), ("米国の年収", {"US"}),
    ("Japan or Germany?", {"JP", "DE"}), ("日本語の翻訳", set()), ("let us know", set()),
])
def test_the_countries_a_question_names(text, countries):
    assert countries_in(text) == countries


MODEL_ANSWER = ("選択:AlphaGo\n技術的観点:\n"
                "- Deep Reinforcement Learningと自己対戦(Self-Play)の組み合わせが革新的\n"
                "ビジネス・社会的影響:\n"
                "- AI研究の転換点:「AIは人間の直感を超えられる」ことを実証\n"
                "- 新定石の発見:人間が数千年かけて築いた知識を覆し、囲碁界に影響")


def test_each_question_of_a_message_gets_its_line():
    """「どの事例を選んだ?影響は?」 asks two things: the quote holds the choice as well as
    the impact, not only the lines the whole message shares most words with."""
    whole = question("どの事例を選択した?社会的影響は?")
    parts = tuple(question(part) for part in ("どの事例を選択した?", "社会的影響は?"))
    with_parts = dataclasses.replace(whole, parts=parts, scored={})
    assert "選択:AlphaGo" not in choose_quote(MODEL_ANSWER, whole)
    quote = choose_quote(MODEL_ANSWER, with_parts)
    assert "選択:AlphaGo" in quote and "ビジネス・社会的影響:" in quote


@pytest.mark.parametrize(("message", "parts"), [
    ("which case study did the sample answer pick and why??",
     ["which case study did the sample answer pick", "why?"]),
    ("which online course should i start w/ and how many weeks is it",
     ["which online course should i start w/", "how many weeks is it"]),
    ("2017年にアルファ碁がかった相手ってだれだっけ?何対何だった?",
     ["2017年にアルファ碁がかった相手ってだれだっけ?", "何対何だった?"]),
    ("演習1の解答例ってどの事例を選んでましたか?理由も知りたいです",
     ["演習1の解答例ってどの事例を選んでましたか?", "理由も知りたいです"]),
    # Japanese clauses parted by 、 that each ask, with what leads up to the first.
    ("問題1の解答例では、どの事例が選ばれ、どのような理由が挙げられていたのでしょうか。",
     ["問題1の解答例では、どの事例が選ばれ", "どのような理由が挙げられていたのでしょうか。"]),
    # A message that does not read as asking is still split into its questions.
    ("for the easy exercise which case did the example answer pick and why did they pick it",
     ["for the easy exercise which case did the example answer pick", "why did they pick it"]),
    # A comparison asks about each side.
    ("What does an ML engineer deliver compared with a data scientist?",
     ["What does an ML engineer deliver", "a data scientist?"]),
    ("DSとMLEの違いは?", ["DSの違いは?", "MLEの違いは?"]),
    ("What is AutoML?", []),
    ("ねえ、どの本がいい?", []),
    ("AlphaGoとAlphaGo Zero", []),  # two names, no comparison asked
    ("what are the pros and cons of edge AI", []),
    ("DS志望なんだけど、年収はいくら?", []),  # the first clause sets the scene
])
def test_the_questions_a_message_asks(message, parts):
    from bot.retrieval.chatforms import question_parts

    assert question_parts(message) == parts


def test_a_label_over_a_paragraph_heads_it():
    """「個人的な理由:」 is followed by its reasons as prose, not items: the label is quoted
    with them, never alone."""
    text = (MODEL_ANSWER + "\n個人的な理由:\n"
            "AlphaGoは「AIは人間の補助」という従来の常識を覆しました。"
            "これは多くの研究者に影響を与えました。\n\n次の段落です。")
    lines = passage_lines(text)
    label = next(i for i, line in enumerate(lines) if line.text == "個人的な理由:")
    assert [line.label for line in lines[label + 1:label + 3]] == [label, label]
    assert lines[-1].label is None  # a paragraph after a blank line is its own
    quote = choose_quote(text, question("解答例の個人的な理由は?"))
    assert quote[0] == "個人的な理由:" and any("従来の常識" in line for line in quote)
