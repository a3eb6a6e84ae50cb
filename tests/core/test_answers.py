import pytest

from bot.retrieval.answer import MAX_QUESTION_CHARS


def test_japanese_question_gets_a_cited_verbatim_quote(tutor):
    answer = tutor.ask("Netflixの深層学習フェーズの精度は?")
    assert answer.answered and answer.language == "ja"
    assert answer.message.startswith("この章")
    top = answer.passages[0]
    assert "フェーズ3: 深層学習" in top.path_text
    assert any("85%" in q for q in top.quote)
    chapter_text = tutor.knowledge.chapter("ch04").text
    assert all(q in chapter_text for p in answer.passages for q in p.quote)
    assert "**精度**" in " ".join(top.quote_marked)
    assert top.reference and "10.1145/2843948" in top.reference


def test_english_question_reaches_the_japanese_text(tutor):
    answer = tutor.ask("How many people use Google Translate every day?")
    assert answer.answered and answer.language == "en"
    assert answer.message.startswith("Here is")
    assert any("5億人" in p.text for p in answer.passages[:1])


@pytest.mark.parametrize(("question", "language"), [
    ("How do I change a car tire?", "en"),
    ("富士山の高さは?", "ja"),
    ("What is the capital of Peru?", "en"),
])
def test_out_of_scope_questions_abstain_with_nearest_sections(tutor, question, language):
    answer = tutor.ask(question)
    assert answer.status == "abstained"
    assert answer.language == language
    assert answer.passages == []
    assert 1 <= len(answer.nearest) <= 3
    japanese = "扱われていない" in answer.message or "出てこない" in answer.message
    assert japanese == (language == "ja")


def test_lexical_mode_answers_before_the_model_loads(lexical_tutor):
    assert not lexical_tutor.dense_ready
    answer = lexical_tutor.ask("テスラの事故率はどれくらい減った?")
    assert answer.answered and answer.mode == "lexical"
    assert any("40%削減" in p.text for p in answer.passages)
    assert lexical_tutor.ask("How do I change a car tire?").status == "abstained"


@pytest.mark.parametrize(("raw", "fragment"), [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("why " * 2_500, "too long"),
    ("\x00\x07\x1b", "empty"),
])
def test_bad_input_gets_a_clear_message(tutor, raw, fragment):
    answer = tutor.ask(raw)
    assert answer.status == "invalid"
    assert fragment in answer.message


def test_japanese_bad_input_is_answered_in_japanese(tutor):
    answer = tutor.ask("質" * (MAX_QUESTION_CHARS + 1))
    assert "長すぎます" in answer.message


def test_mentions_in_a_question_are_harmless(tutor):
    answer = tutor.ask("@everyone Netflixの顧客離脱率は?")
    assert answer.answered
    assert all("@everyone" not in p.text for p in answer.passages)


def test_follow_up_uses_previous_turn_as_context(tutor):
    answer = tutor.ask("それの精度は?", context="Netflixの推薦システム")
    assert answer.answered
    assert "Netflix" in answer.passages[0].path_text


@pytest.mark.asyncio
async def test_ask_async_runs_off_the_event_loop(tutor):
    import threading

    seen = []
    original = tutor.retriever.search

    def spy(*args, **kwargs):
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    tutor.retriever.search = spy
    try:
        answer = await tutor.ask_async("AlphaGoが使った探索手法は?")
    finally:
        del tutor.retriever.search
    assert answer.answered
    assert seen and seen[0].startswith("tutor")


@pytest.mark.parametrize(("question", "word"), [
    ("How many paid subscribers does Netflix have?", '"subscribers"'),
    # Doubted, but about Tesla: answered with the hedge, naming the FSD the chapter lacks.
    ("Teslaの完全自動運転(FSD)の月額料金はいくら?", "「FSD」"),
])
def test_a_near_miss_says_which_words_the_chapter_lacks(tutor, question, word):
    """Answered from the nearest passage or declined, but either way saying plainly what
    is not in the chapter."""
    answer = tutor.ask(question)
    framing = {"answered": ("I couldn't find", "見当たりません"),
               "abstained": ("doesn't mention", "出てこない")}[answer.status]
    assert any(f in answer.message for f in framing) and word in answer.message
    assert answer.unmentioned


def test_a_name_the_chapter_never_mentions_is_named_before_the_nearest_lines(tutor):
    """Netflix is in the chapter, Spotify is not: the comparison is answered only by what
    the chapter says of Netflix, opening with the line that Spotify is not in it."""
    answer = tutor.ask("How accurate was Netflix's deep learning recommender compared with "
                       "Spotify's?")
    assert answer.outcome == "partial" and answer.unmentioned == ["Spotify"]
    assert answer.message.startswith('I couldn\'t find "Spotify" in the chapter.')
    assert any("85%" in line for line in answer.passages[0].quote)


@pytest.mark.parametrize(("question", "name", "evidence"), [
    ("I did a B.Tech, so what is the usual route to becoming a machine learning engineer?",
     "B.Tech", "MLE"),
    ("my A-level class asked: what were the results against Lee Sedol?", "A-level", "4-1"),
])
def test_a_name_that_only_says_who_asks_does_not_decline_the_question(tutor, question, name,
                                                                    evidence):
    """Judged without the name the chapter lacks, the question is the chapter's: it is
    answered, saying plainly that the name is not in it."""
    answer = tutor.ask(question)
    assert answer.outcome == "partial" and answer.unmentioned == [name], answer.message
    assert any(evidence in line for p in answer.passages[:2] for line in p.quote)


@pytest.mark.parametrize(("question", "what"), [
    ("How big will the edge AI market be in 2025?", "the amount"),
    ("Edge AIの市場規模は2025年にいくら?", "金額"),
])
def test_a_value_dated_to_another_year_does_not_answer(tutor, question, what):
    """The chapter sizes the edge AI market for 2030 only."""
    answer = tutor.ask(question)
    assert answer.outcome == "partial" and answer.unmentioned == [what], answer.message


@pytest.mark.parametrize(("question", "what"), [
    ("how big is the edge AI market now?", "the amount"),
    ("エッジAIの市場って、いまはいくらくらい?2030年のしか覚えてない", "金額"),
])
def test_a_forecast_does_not_answer_what_a_value_is_now(tutor, question, what):
    """The chapter forecasts the edge AI market for 2030; "now" is its own present (its
    「2024年現在」), which it gives no market size for. The year the asker only remembers
    sets the scene."""
    answer = tutor.ask(question)
    assert answer.outcome == "partial" and answer.unmentioned == [what], answer.message


@pytest.mark.parametrize("question", [
    "how much driving data has tesla collected now?",  # 「100億マイル以上(2024年現在)」
    "What is the edge AI market forecast to be worth?",  # a forecast asked for
    "Google翻訳はいま何言語に対応してる?",  # 103言語対応, undated
])
def test_a_value_of_the_present_or_a_forecast_asked_for_answers(tutor, question):
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message


@pytest.mark.parametrize("question", [
    "AlphaGo Zeroって、李世ドルに勝った方のAlphaGoと対戦したら何勝何敗だったんだっけ?",
    "How many games did AlphaGo Zero win against the original AlphaGo?",
    "the alphago zero thing that learned in 3 days did it ever play the old alphago and what "
    "was the score",
])
def test_a_value_of_one_subject_does_not_answer_for_another(tutor, question):
    """AlphaGo's matches against 李世ドル say nothing of how AlphaGo Zero fared against
    AlphaGo: a passage that never names one of the subjects holds no value of its."""
    answer = tutor.ask(question)
    assert answer.outcome != "answered", answer.message


@pytest.mark.parametrize("question", [
    # "a line" is no LINE Corporation
    "fact-checking a line in a draft: the netflix recommender is 'worth $1bn' - is that per "
    "year or cumulative?",
    "param count they quote for gpt-4?",
])
def test_a_subject_named_only_through_an_everyday_word_is_no_second_subject(tutor, question):
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message


def test_a_price_the_best_passages_lack_is_named_not_declined(tutor):
    """A question on a chapter topic that asks for a price its passages never give is
    answered from what the chapter says of the topic, opening with the line that it does
    not state the price."""
    answer = tutor.ask("how much did it cost to train gpt-4 with all those parameters?")
    assert answer.outcome == "partial" and answer.unmentioned == ["the price"], answer.message
    assert answer.message.startswith("The chapter doesn't state the price.")


@pytest.mark.parametrize("question", ["えーと明日の会議って何時からだったっけ",
                                      "what time does our reading group meet on friday?"])
def test_a_time_of_day_the_chapter_never_gives_is_declined(tutor, question):
    # Our own wording. 会議 is the chapter's word for a conference: before, the meeting's
    # time was "answered" with the list of ML conferences.
    assert tutor.ask(question).outcome == "abstained"


def test_the_one_time_of_day_the_chapter_gives_is_answered(tutor):
    answer = tutor.ask("問題3の解答例だと平日は朝何時から勉強してる?")
    assert answer.outcome == "answered", answer.message
    assert "6:00-7:00" in " ".join(answer.passages[0].quote)


def test_a_request_for_code_is_still_declined(tutor):
    answer = tutor.ask("write me a python function that computes the accuracy of a model")
    assert answer.outcome == "abstained", answer.message


@pytest.mark.parametrize(("question", "name"), [
    ("What is the capital of Germany?", "Germany"),
    # The name is what is asked for: judged without it, only "Tesla" would be left.
    ("Who is the CEO of Tesla?", "CEO"),
])
def test_a_question_for_a_foreign_name_is_still_declined(tutor, question, name):
    """Judged without the name, nothing of the question is left for the chapter to answer,
    or what is left is not what it asks."""
    answer = tutor.ask(question)
    assert answer.outcome == "abstained" and answer.unmentioned == [name], answer.message


@pytest.mark.parametrize("question", [
    "how did the Go engine learn by playing itself",  # the chapter's 囲碁
    "Which big IT firms hire ML engineers?",  # its 「大手IT企業」, though "it" is a stopword
])
def test_a_name_the_chapter_writes_its_own_way_is_not_foreign(tutor, question):
    """A capitalised word the chapter has in Japanese, or spelled as the question spells
    it, is the chapter's name: the question is answered, not declined for a name it
    "never mentions"."""
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


def test_words_left_in_hiragana_are_read_as_the_chapter_writes_them(tutor):
    """A learner of Japanese types 「さいしょ」 for 最初 and 「べんきょう」 for 勉強,
    and 「しゅう」 (週), which the tagger takes for the name シュウ: the question is
    answered from the three-month plan, not declined for a name the chapter lacks."""
    answer = tutor.ask("3ヶ月プランの さいしょの しゅうは なにを べんきょうする?")
    assert answer.answered and answer.unmentioned == [], answer.message
    assert any("3ヶ月プラン" in p.path_text for p in answer.passages[:3])


def test_a_count_by_its_noun_answers_a_japanese_count_question(tutor):
    """「パラメータ何個」 counts parameters: 「GPT-4(1.8兆パラメータ)」 answers it with
    no 個 in sight, while BERT's count, which the chapter never gives, is flagged."""
    answer = tutor.ask("GPT-4ってパラメータ何個って書いてあったっけ")
    assert answer.answered and answer.unmentioned == [], answer.message
    assert any("1.8兆パラメータ" in line for line in answer.passages[0].quote)
    assert tutor.ask("BERTってパラメータ何個?").outcome == "partial"


@pytest.mark.parametrize("question", [
    "What did Netflix's CF phase reach in accuracy?",  # Collaborative Filtering
    "Is there an English-language book on deep learning theory?",  # 英語, 言語
])
def test_an_acronym_or_compound_of_the_chapters_words_is_not_foreign(tutor, question):
    """"CF" abbreviates a name the chapter writes in full, and "English-language" is made
    of words it says: neither is a subject the chapter lacks."""
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


@pytest.mark.parametrize("question", [
    "As a barista learning at night, which online course is for beginners?",
    "I'm an accountant, so which role fits me, data scientist or ML engineer?",
    "I'm a retired teacher, so which beginner course is the shortest?",
])
def test_who_the_learner_is_is_not_what_they_ask(tutor, question):
    """A learner saying who they are ("as a barista") asks about the chapter, not about
    baristas: the answer neither declines nor names the self-description."""
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


@pytest.mark.parametrize(("question", "context"), [
    # Keigo: what the asker does, in humble おる, and the request formula.
    ("ヘルスケア事業の企画を担当しております。皮膚がん診断AIの精度についてご教示いただけますと幸いです。",
     "企画"),
    ("弊社でも社内コンペを企画しておりまして、Netflix Prizeの賞金はいくらでしたか。", "弊社"),
    ("quick q for a kickoff slide - what did netflix save per year with its recommender?",
     "kickoff"),
    ("i'm a backend swe thinking about moving into MLE. which mlops tools should i learn?",
     "backend"),
])
def test_what_the_asker_says_of_themself_is_not_called_missing(tutor, question, context):
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], (context, answer.message)


@pytest.mark.parametrize("question", [
    "SMTとGNMTの差分を列挙して",
    "exercise 2 - what's the one-liner takeaway on DS vs MLE?",
    "データサイエンティストの日本での年収レンジは?",
    # The word for the kind of value asked is judged by the value the quote holds.
    "how big was the netflix prize payout?",
    # A possessive is no part of a name: "Google's translator" is the glossary's.
    "How many languages does Google's translator handle?",
    "What's the salary range for an AI researcher in the US?",
])
def test_the_form_of_the_answer_wanted_is_not_called_missing(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


@pytest.mark.parametrize("question", [
    "exercise 1 model answer - which case did they go with?",
    "演習1の解答例はどの事例がえらばれてた?",
])
def test_the_choice_of_a_model_answer_is_quoted(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and "選択:AlphaGo" in answer.passages[0].quote, answer.passages[0].quote


def test_a_kind_asked_only_by_a_name_is_not_asked(tutor):
    """The "Prize" of "Netflix Prize" asks for no sum when the question asks for a name;
    alone, it does."""
    named = tutor.ask("Netflix Prize 優勝チームの名前は?")
    assert named.outcome in ("partial", "abstained"), named.message
    priced = tutor.ask("How much was the Netflix Prize?")
    assert priced.answered and not priced.unmentioned
    assert "100万ドル" in " ".join(priced.passages[0].quote)


def test_a_one_letter_name_takes_no_letters_out_of_the_question(tutor):
    """Setting a subject's name apart is by whole words: R, the language, leaves the r of
    "salary" in place, so the sum is still asked for beside the date."""
    plan = tutor.retriever.plan("when did R appear and what salary do R users get?")
    assert {kind.name for kind in plan.lines.kinds} == {"date", "money"}


def test_what_is_asked_in_the_second_passage_is_answered(tutor):
    """The layer count is in the passage on the 2016 launch, the background passage ranks
    first: the answer shows both rather than decline."""
    answer = tutor.ask("When Google moved Translate to neural MT, how many layers did its "
                       "encoder have?")
    assert answer.answered
    assert any("8層Encoder" in line for p in answer.passages[:2] for line in p.quote)


def test_a_loanword_split_by_the_tagger_is_still_the_chapters(tutor):
    """The tagger splits マイルストーン one way in the question and another in the chapter;
    the chapter writes the whole word, so it is not missing."""
    answer = tutor.ask("3年プランの演習では、どうやってマイルストーンを決めるの?")
    assert answer.answered and answer.unmentioned == [], answer.message


def test_a_brand_in_lower_case_is_a_subject(tutor):
    """connpass is a name though written in lower case: a count of its users is not
    answered by Google Translate's users."""
    answer = tutor.ask("connpassって登録してる人何人くらいいるの?")
    assert answer.outcome in ("partial", "abstained"), answer.message


@pytest.mark.parametrize(("question", "opening"), [
    # A plan table's "Year 3" and a numbered heading's "4." count nothing.
    ("CVPRって毎年何本くらい論文通るの?", "この章には数の記載がありません"),
    ("netflix subscriber count rn?", "The chapter doesn't state the number"),
    ("was google translate the first to ship neural MT?",
     "The chapter doesn't state whether it was the first"),
    # The chapter's sums are a prize, a value, a market size and salaries: none is a price.
    ("How much did Google pay to acquire DeepMind?", "The chapter doesn't state the price"),
    ("how much did netflix spend building their recommender?",
     "The chapter doesn't state the price"),
    ("Courseraの講座って受講料いくら?", "この章には価格の記載がありません"),
    # What became of someone after the story: the chapter stops at the matches.
    ("did lee sedol retire after losing to alphago?",
     "The chapter doesn't state what happened afterwards"),
    ("李世ドルさんはAlphaGoに敗れた後も、プロ棋士として活動を続けたのでしょうか。",
     "この章にはその後の記載がありません"),
    # "10億ドル | コスト削減+売上増" names the parts of the sum, not how it splits.
    ("of netflix's $1B a year, how much is cost savings and how much is extra revenue?",
     "The chapter doesn't state the breakdown"),
])
def test_a_value_the_chapter_lacks_is_said_to_be_missing(tutor, question, opening):
    answer = tutor.ask(question)
    assert answer.outcome in ("partial", "abstained"), answer.message
    if answer.answered and not answer.hedged:
        assert answer.message.startswith(opening), answer.message


def test_a_count_typed_in_hiragana_is_asked_for(tutor):
    """「なんにん」 asks how many people, which the survey line does not say; 何個 counts
    anything, and 「月2-4記事」 answers it."""
    survey = tutor.ask("AGIが2050年までにできるってやつ、なんにんの専門家にきいたアンケートなの?")
    assert survey.answered and survey.message.startswith("この章には数の記載がありません")
    blog = tutor.ask("3ねんプランの2年目って、ぎじゅつブログ月になんこ書けばいいんだっけ?")
    assert blog.answered and not blog.unmentioned, blog.message


@pytest.mark.parametrize("question", ["おすすめの本は?", "おすすめの本を教えて",
                                      # Chat drops the particle: 本 is no prefix of 教え.
                                      "おすすめの本教えて"])
def test_a_one_kanji_noun_is_covered_by_its_glossary_term(tutor, question):
    """本 is the 書籍 of the books passages: the question is answered with them."""
    answer = tutor.ask(question)
    assert answer.answered and "書籍" in answer.passages[0].path_text, answer.message


@pytest.mark.parametrize("question", [
    # The asker's gloss in brackets is theirs, not the chapter's.
    "ネットフリックス(映画やドラマを配信している会社)は、一年にどれほどの価値を生んだのでしょうか。",
    "一年の学習計画の中で、カグル(腕比べの大会のようなもの、と聞きました)ではどこまでを目標に"
    "していましたか。",
    # 「おすすめ」 asks for a recommendation.
    "私は横文字の本は読めませんので、日本語の本でおすすめを教えてください。",
])
def test_a_gloss_or_a_request_word_is_not_called_missing(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


def test_latin_letters_parted_by_middle_dots_are_read_as_letters(tutor):
    """「オー・ティー・エー」 is the Tesla table's OTA."""
    answer = tutor.ask("テスラの表にあった「オー・ティー・エー」というのは何のことでしょうか。")
    assert answer.answered and any("OTA" in line for line in answer.passages[0].quote)


def test_a_brand_in_mixed_case_is_a_name(tutor):
    """"iPhone" is a name however it is capitalised; the chapter names Apple's chip only."""
    answer = tutor.ask("Apple Neural Engineって、どのiPhoneの世代から搭載されてるんですか?")
    assert answer.outcome in ("partial", "abstained") and "iPhone" in answer.unmentioned


def test_a_persona_does_not_hide_a_missing_name(tutor):
    answer = tutor.ask("As a student, how much does a data scientist make in Germany?")
    assert answer.outcome in ("partial", "abstained") and answer.unmentioned == ["Germany"]


def test_latin_letters_typed_in_katakana_are_the_chapters_names(tutor):
    """「アイオーティー」 is IoT and 「エッジエーアイ」 エッジAI, as a learner types them."""
    answer = tutor.ask("エッジエーアイの話で、アイオーティーの機械は2025年に何台になるって予測?")
    assert answer.answered and answer.unmentioned == [], answer.message
    assert any("750億台" in line for line in answer.passages[0].quote)


@pytest.mark.parametrize(("question", "word"), [
    ("How accurate was the skin model on melanoma?", "melanoma"),
    ("Does the chapter say Tesla runs a robotaxi service?", "robotaxi"),
])
def test_a_kind_or_product_the_chapter_never_names_is_no_alias(tutor, question, word):
    """The chapter speaks of skin cancer and self-driving cars in general: melanoma and a
    robotaxi service are things it does not cover, not other words for its terms."""
    answer = tutor.ask(question)
    assert answer.outcome in ("abstained", "partial") and word in answer.unmentioned, \
        answer.message
    assert word in answer.message


def test_a_name_without_a_japanese_form_in_the_chapter_is_still_foreign(tutor):
    answer = tutor.ask("How much does a data scientist make in Germany?")
    assert answer.outcome in ("partial", "abstained") and answer.unmentioned == ["Germany"]


def test_a_word_the_chapter_lacks_is_named_in_the_question_spelling(tutor):
    answer = tutor.ask("How accurate was Netflix's deep learning recommender on smartwatches?")
    assert answer.answered and answer.unmentioned == ["smartwatches"]
    assert answer.message.startswith('I couldn\'t find "smartwatches" in the chapter.')


@pytest.mark.parametrize("question", [
    "realistically, how long does the researcher route take?",  # an adverb: how it is asked
    "who is the quote about planting a tree attributed to?",  # a verb form
    "which english books on the list go heavier on theory?",  # a comparative
])
def test_how_a_learner_talks_is_not_called_missing(tutor, question):
    """The chapter lacks "realistically" or "attributed" as much as "subscribers", but they
    say how the learner asks, not what about: the answer does not open by naming them."""
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


def test_a_word_the_chapter_writes_in_another_form_is_not_called_missing(tutor):
    """"encoding" and "decoding" are the chapter's Encoder and Decoder in another form."""
    answer = tutor.ask("how many layers did GNMT use on the encoding and decoding sides?")
    assert answer.answered and answer.unmentioned == [], answer.message
    assert any("8層Encoder" in line for line in answer.passages[0].quote)


def test_a_word_the_chapter_has_elsewhere_is_not_called_missing(tutor):
    """Smartphones are in the edge-AI section, not in the Netflix passages shown: saying
    the chapter lacks them would be untrue."""
    answer = tutor.ask("How accurate was Netflix's deep learning recommender on smartphones?")
    assert answer.answered and answer.unmentioned == []
    assert answer.message.startswith("Here is what the chapter says")


def test_a_name_one_keystroke_from_no_common_word_is_still_missing(tutor):
    answer = tutor.ask("How many subscribrs does Spotify have?")
    assert answer.status == "abstained" and answer.unmentioned == ["Spotify"]


@pytest.mark.parametrize("question", [
    "全部読み終わったら、次は何をすればいいですか?",
    "ok i finished everything, what should i do next?",
])
def test_what_to_do_next_gets_the_steps_not_the_closing_words(tutor, question):
    """The closing words ("このシリーズが、…") share "the series" with such a question."""
    quote = tutor.ask(question).passages[0].quote
    assert any("GitHubアカウントを作成" in line for line in quote), quote


def test_a_japanese_compound_is_named_whole(tutor):
    answer = tutor.ask("富士山の高さは?")
    assert answer.status == "abstained" and answer.unmentioned == ["富士山"]
    assert answer.message.startswith("この章には「富士山」が出てこないため")


def test_a_covered_question_names_no_missing_words(tutor):
    answer = tutor.ask("How much annual value did Netflix's recommender create?")
    assert answer.answered and answer.unmentioned == []
    assert answer.message == "Here is what the chapter says about this:"


@pytest.mark.parametrize(("question", "opening"), [
    # The count in "GPT-4(1.8兆パラメータ)、BERT、T5" is GPT-4's, not BERT's.
    ("how many params does bert have", "The chapter doesn't state the number"),
    # Compared with GPT-4, BERT still needs a count of its own.
    ("is bert's parameter count close to gpt-4's?", "The chapter doesn't state the number"),
    # "AIベース診断デバイス" is a kind of device, not a company's name.
    ("which company made the fda approved skin cancer device?",
     "The chapter doesn't state the name"),
    # "2017年5月" is when the match was, not how long it took.
    ("how long did each game vs ke jie last", "The chapter doesn't state the duration"),
    # A course title in capitals is nobody's name.
    ("fast.aiのコースって誰が教えてるの?", "この章には名前の記載がありません"),
    # A plan's "Month 1-3" or "Year 2" row says when in the plan, not when a book came out.
    ("『ゼロから作るDeep Learning』って何年に出た本?", "この章には何年かの記載がありません"),
    ("google automl pricing per hour?", "The chapter doesn't state the price"),
    # GNMT's "8層Encoder" is no layer count of BERT's.
    ("BERTの層数は?", "この章には数の記載がありません"),
    # "李世ドル" is a name, not a sum in dollars.
    ("AlphaGoとイ・セドルの対局の賞金っていくらだった?", "この章には金額の記載がありません"),
    # The course table gives levels and weeks, no price: "free" is a price.
    ("is the fast.ai course free?", "The chapter doesn't state the price"),
    ("AutoMLツールで一番安いのはどれ?", "この章には価格の記載がありません"),
    # "スマホアプリ" is a kind of product, no product's name.
    ("what's the name of the skin cancer phone app that got FDA approval?",
     "The chapter doesn't state the name"),
    # The case studies are told without countries: their figures are no answer for one.
    ("Netflixのレコメンドのおかげで、日本市場の売上ってどれくらい伸びたんですか?",
     "この章のこの話題には日本についての記載がありません"),
    ("that smartphone skin-check app - can I actually download it in Japan?",
     "On this topic the chapter says nothing about Japan"),
    # A language is asked of like its country: "103言語対応" names none.
    ("Google翻訳って日本語に対応したのいつなん?",
     "この章のこの話題には日本語についての記載がありません"),
    ("Does Google Translate support Japanese?",
     "On this topic the chapter says nothing about Japanese"),
])
def test_a_value_about_something_else_is_no_answer(tutor, question, opening):
    answer = tutor.ask(question)
    assert answer.answered and answer.message.startswith(opening)


@pytest.mark.parametrize("question", [
    "how many parameters does GPT-4 have",  # GPT-4's own item of the list holds it
    "まとめではAI研究者の年収はどのくらいって書いてある?",  # the key "AI研究者:" owns the line
    "1年プランでKaggleに参加するのは何ヶ月目?",  # "Month 7-9" says when
    "What tool can I use for data version control?",  # a tool, not a version
    "what year of the 3 year plan do i publish a paper?",  # "Year 3" is a unit, no name
    # Pay for a worker is a salary, which the chapter gives; a saving is no price.
    "What's the pay for a data scientist in Japan, in man-yen?",
    "how much are ML engineers paid in the US?",
    "how much does netflix save in costs thanks to recommendations per year?",
    # "2015-現在" goes on to now.
    "is netflix still using deep learning for its recommendations?",
    # それぞれ asks each part's value, which the line gives.
    "GNMTのEncoderとDecoderはそれぞれ何層ですか?",
    # A country or language the section tells of: salaries per country, 「国内」 in a
    # Japanese chapter, 「書籍(日本語)」, 「英語 | TOEFL 100+」; a player's country is no
    # language.
    "What's the data scientist salary in Japan?",
    "日本国内の機械学習の学会には何がある?",
    "日本語で読めるおすすめの本は?",
    "What English level does an AI researcher need?",
    "the korean world champion that played alphago in 2016, what was the final score?",
])
def test_the_value_asked_for_is_not_flagged_when_shown(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and not answer.unmentioned, answer.message


@pytest.mark.parametrize("question", [
    "ふつうのモデルと基盤モデルってどう違うの?",  # ふつう: everyday words are written in hiragana
    "AGIはいつごろ実現するって予測されてる?",  # いつごろ asks when; 実現 is the chapter's word
    "what was the skin cancer cnn's sensitivty?",  # "sensitivity" mistyped
])
def test_everyday_and_question_words_are_not_called_missing(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


@pytest.mark.parametrize(("question", "entry"), [
    ("テスラの自動運転の論文、arXivの番号って何?", "arXiv:1604.07316"),
    ("which journal published the skin cancer paper?", "Nature, 542(7639)"),
    ("皮膚がん論文のDOIってわかる?", "10.1038/nature21056"),
    ("AutoMLの本の出版社は?", "Springer"),
])
def test_a_reference_question_quotes_the_entry_of_the_asked_subject(tutor, question, entry):
    # The reference list holds every case study's paper; the one shown is the one
    # references.yaml gives for the section the question names, not the best-covered one.
    answer = tutor.ask(question)
    assert answer.answered
    assert entry in " ".join(answer.passages[0].quote)
    for passage in answer.passages[:3]:
        if passage.path_text.endswith("参考文献") and entry in passage.text:
            assert entry in " ".join(passage.quote)


def test_a_word_every_reference_has_names_no_entry(tutor):
    retriever = tutor.retriever
    assert retriever.cited_for("arXivの論文") == ()
    assert retriever.cited_for("the alphago paper") == ("Silver, D., et al. (2016)",)
    assert retriever.cited_for("テスラの論文") == ("Bojarski, M., et al. (2016)",)
    assert retriever.cited_for("皮膚がんの論文") == ("Esteva, A., et al. (2017)",)
    assert retriever.cited_for("機械学習の論文") == ()


@pytest.mark.parametrize(("question", "lines"), [
    # A route and its total are one statement; either line alone answers half of it.
    ("how long is a phd in the researcher route?", ("博士(3-5年)", "計8-12年の学術経験")),
    # A two-row table: the model's figure reads against the doctors'.
    ("what sensitivity did the skin cancer model reach?", ("| CNNモデル |", "| 皮膚科医(平均) |")),
])
def test_a_short_list_is_quoted_whole_for_one_value(tutor, question, lines):
    quote = " ".join(tutor.ask(question).passages[0].quote)
    assert all(line in quote for line in lines)


def test_a_learner_word_for_the_career_route_finds_it(tutor):
    # 「経路」 is how learners say the chapter's キャリアルート (glossary ask_forms).
    answer = tutor.ask("AI研究者ってどういう経路でなるの?")
    assert answer.outcome == "answered"
    assert answer.passages[0].path_text.endswith("Path 3: AI研究者 › キャリアルート")


def test_a_year_the_chapter_never_names_is_said_to_be_missing(tutor):
    answer = tutor.ask("how accurate was the netflix recommender in 2022?")
    assert answer.outcome == "partial" and answer.unmentioned == ["2022"]
    # A year the chapter names is no telltale.
    assert "2016" not in tutor.ask("who did alphago play in 2016?").unmentioned


@pytest.mark.parametrize(("question", "not_named"), [
    # Judged by its parts: the chapter says "chapter" and "series", never "four-chapter".
    ("What did the whole four-chapter series cover?", "four-chapter"),
    ("When was an AI-based skin diagnosis device approved by the FDA?", "AI-based"),
    # Symbols name nothing; "$" asks for a sum of money, which the answer holds.
    ("how big was the netflix prize $$", "$$"),
])
def test_a_compound_or_symbols_are_not_missing_words(tutor, question, not_named):
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message
    assert not_named not in answer.message


@pytest.mark.parametrize("question", [
    "AlphaGoに負けた世界チャンピオンは誰?", "who did alphago beat in 2016?",
])
def test_a_who_question_is_answered_by_a_name_in_the_chapters_script(tutor, question):
    # 李世ドル is a person of the glossary (`person: true`); the person intent's own
    # pattern knows Latin names only ("Silver, D.", "(Andrew Ng)").
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message
    assert "李世ドル" in " ".join(answer.passages[0].quote)


def test_a_who_question_about_no_chapter_subject_is_still_declined(tutor):
    assert tutor.ask("who won the world cup?").outcome == "abstained"


@pytest.mark.parametrize(("question", "name"), [
    ("what year is tesla supposed to hit level 5 autonomy", "level 5"),
    ("テスラのレベル4はいつ実現する予定?", "レベル4"),
    ("How many parameters does GPT-5 have?", "GPT-5"),
])
def test_a_number_the_chapter_never_gives_its_series_is_not_covered(tutor, question, name):
    """The chapter numbers Tesla's Level 2 and GPT-4 only: another number of the same
    series is something it does not cover, and the bot says so by that name."""
    answer = tutor.ask(question)
    assert answer.outcome in ("abstained", "partial") and name in answer.unmentioned


@pytest.mark.parametrize("question", [
    "Teslaの自動運転レベルはLevel 2?",
    "What can GPT-4 do as a foundation model?",
    "Week 10 of the 3-month plan: what do I build?",  # inside the plan's "Week 9-12"
])
def test_a_number_the_chapter_gives_its_series_is_covered(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and answer.unmentioned == [], answer.message


@pytest.mark.parametrize(("question", "scene"), [
    ("hobbyist here, trying to squeeze a model onto a tiny device. which shrinking tricks "
     "does the chapter name for on-device AI?", "squeeze"),
    ("ok so GNMT - how deep was the thing actually? encoder/decoder layer count pls, the ch "
     "kinda skims the arch", "skims"),
])
def test_words_that_only_set_the_scene_are_not_called_missing(tutor, question, scene):
    """The chapter answers the sentence that asks; the asker's scene-setting words are not
    what it lacks."""
    answer = tutor.ask(question)
    assert answer.answered and scene not in answer.unmentioned, answer.message


def test_a_short_ask_leans_on_the_sentence_before_it(tutor):
    answer = tutor.ask("I heard Tesla uses lidar. Is that in the chapter?")
    assert answer.status in ("abstained", "partial") and "lidar" in answer.unmentioned


@pytest.mark.parametrize(("question", "word"), [
    ("Did AlphaGo retire after beating Ke Jie?", "retire"),
    ("AlphaGoは柯潔に勝ったあと引退したの?", "引退"),
])
def test_a_yes_or_no_question_about_what_the_chapter_never_says_is_flagged(tutor, question,
                                                                           word):
    """A yes/no question's words name the property asked about: without it, the chapter
    can say neither yes nor no, and the bot says which word it lacks."""
    answer = tutor.ask(question)
    assert answer.outcome in ("abstained", "partial")
    # Retiring is what became of AlphaGo: the word, or what it asks for, is named.
    assert {word, "what happened afterwards", "その後"} & set(answer.unmentioned)


@pytest.mark.parametrize(("question", "word"), [
    ("how does google translate stack up against deepl? my nephew swears deepl is better",
     "deepl"),
    ("GNMTの翻訳品質って、DeepLと比べるとどうなんですか?", "DeepL"),
])
def test_a_comparison_with_what_the_chapter_never_names_is_flagged(tutor, question, word):
    """The chapter compares only what it names: what a question sets its subject against
    is, like a yes/no question's words, the thing it cannot speak to."""
    answer = tutor.ask(question)
    assert answer.outcome in ("abstained", "partial")
    assert word in answer.unmentioned


def test_a_matchs_opponent_is_no_comparison():
    from bot.retrieval.chatforms import compared_objects

    assert compared_objects("Was it really 4-1 against that Korean bloke?") == ""
    assert compared_objects("how does it stack up against deepl?") == "deepl"


def test_a_comparison_the_chapter_makes_is_answered(tutor):
    answer = tutor.ask("skin cancer cnn vs the dermatologists, who's more accurate?")
    assert answer.outcome == "answered", answer.message


@pytest.mark.parametrize("question", [
    "Did AlphaGo beat Lee Sedol 4-1?",
    "Can edge AI work without an internet connection?",
])
def test_a_yes_or_no_question_the_chapter_answers_is_answered(tutor, question):
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message


@pytest.mark.parametrize("question", [
    "for exercise 1 (the easy one) which case study did the sample answer pick and why?",
    "演習問題1の解答例って、どのケーススタディを選んでましたか?理由もざっくり知りたいです",
])
def test_a_message_asking_two_things_is_quoted_for_both(tutor, question):
    """Which case the model answer picks, and why: the choice is one line of its own,
    above the reasons that share more of the message's words."""
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message
    top = answer.passages[0]
    assert top.path_text.endswith("解答例")
    assert "選択:AlphaGo" in top.quote, top.quote
    assert len(" ".join(top.quote)) <= 300


def test_a_comparison_is_quoted_for_both_sides(tutor):
    """The model answer lists each role's deliverables under its own label: a question
    about one role compared with the other reads the first lines of both."""
    answer = tutor.ask("What does an ML engineer deliver compared with a data scientist?")
    top = answer.passages[0]
    assert top.path_text.endswith("成果物"), top.path_text
    assert "データサイエンティスト:" in top.quote and "機械学習エンジニア:" in top.quote
    assert any("APIエンドポイント" in line for line in top.quote), top.quote


@pytest.mark.parametrize(("question", "misread"), [
    ("日本語の本で、手動かしながら覚えられるのある?", "手動"),
    ("3年プランの2年目って、技術ブログは月何本書けばいいの?", "本書"),
])
def test_a_word_the_tagger_made_across_a_verb_is_not_called_missing(tutor, question, misread):
    """The learner wrote 手(を)動かし and 本 書け; the tagger read 手動 (manual) and 本書
    (this book). Saying the chapter lacks a word the learner never wrote is wrong."""
    answer = tutor.ask(question)
    assert misread not in answer.unmentioned, answer.message
    assert answer.answered


@pytest.mark.parametrize("question", [
    # 手順 is the hint's ステップ; 直行 the route's 直接.
    "問題3の3年計画ってどういう手順で作ればいいの?ヒントなんて書いてあった?",
    "DSになるルートって、修士から直行のやつもあった?",
])
def test_everyday_words_for_what_the_chapter_says_are_not_named_as_missing(tutor, question):
    answer = tutor.ask(question)
    assert answer.answered and not answer.unmentioned, answer.message


@pytest.mark.parametrize(("question", "stated"), [
    ("GPT-4のパラメータ数は?", True),
    # SAM is on the Vision line; GPT-4's 1.8兆 on the NLP line is not its count.
    ("SAMのパラメータ数は?", False),
    ("how many parameters does SAM have?", False),
])
def test_a_value_on_a_line_of_other_items_is_not_the_subjects(tutor, question, stated):
    answer = tutor.ask(question)
    assert answer.answered
    assert (not answer.unmentioned) is stated, answer.message


def test_a_count_of_what_the_chapter_calls_otherwise_is_answered(tutor):
    """「写真」 is the glossary's word for the chapter's 画像: 129,450枚の皮膚病変画像 counts
    the photos asked about, and the answer says nothing is missing."""
    answer = tutor.ask("皮膚癌みつけるAIって写真何枚で勉強したの")
    assert answer.outcome == "answered", answer.message
    assert any("129,450枚" in line for line in answer.passages[0].quote)


def test_a_year_dates_only_the_part_of_the_message_it_is_in(tutor):
    """"for 2025" dates the IoT devices; the market's size is asked without a year, and
    the chapter's 340億ドル (for 2030) answers it."""
    answer = tutor.ask("how many IoT devices IDC predict for 2025 and how big will be the "
                       "edge ai market?")
    assert answer.outcome == "answered", answer.message
    assert any("340億ドル" in line for line in answer.passages[0].quote)


@pytest.mark.parametrize(("question", "word"), [
    ("Crikey, the edge AI market is meant to be how big by 2030?", "Crikey"),
    ("Reckon someone could tell me what the Netflix recommendation whatsit is worth to them "
     "each year?", "whatsit"),
    ("実装から学ぶタイプの日本語の本、おすすめありますか?", "タイプ"),
    ("日本国内の学会を教えてください、AI全般と画像認識の", "全般"),
])
def test_how_a_learner_talks_is_no_missing_word(tutor, question, word):
    """An opening exclamation, a placeholder for a forgotten name, and the words that frame
    a list (its kind, its whole) say how the learner asks, not what the chapter lacks."""
    answer = tutor.ask(question)
    assert answer.outcome == "answered", answer.message
    assert word not in answer.unmentioned


def test_an_opening_place_is_still_asked_about(tutor):
    answer = tutor.ask("Germany, how much do data scientists earn there?")
    assert answer.outcome in ("abstained", "partial"), answer.message


def test_the_chapters_people_are_names_a_who_question_is_answered_with(tutor):
    """李世ドル and 柯潔 are names no pattern of letters sees: a line naming them holds the
    name asked for, and the quote shows it."""
    plan = tutor.retriever.plan("AlphaGoの対戦相手の名前は?")
    name = next(kind for kind in plan.lines.kinds if kind.name == "name")
    assert name.held.search("2017年5月:柯潔(世界最強棋士)に3-0で完勝")
    answer = tutor.ask("AlphaGoは誰に勝ったの?")
    assert answer.outcome == "answered", answer.message
    assert any("李世ドル" in line or "柯潔" in line for line in answer.passages[0].quote)
