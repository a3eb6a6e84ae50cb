"""What a member pastes is searched for its words: terminal colours are not words."""

from bot.render_text import answer_to_json, render_answer
from bot.retrieval.answer import clean_question


def test_escape_sequences_in_a_question_are_not_searched(tutor):
    coloured = tutor.ask("Netflix\x1b[31m accuracy\x1b[0m")
    plain = tutor.ask("Netflix accuracy")
    assert "31m" not in render_answer(coloured) and "[0m" not in render_answer(coloured)
    assert coloured.question == plain.question == "Netflix accuracy"
    assert answer_to_json(coloured)["passages"] == answer_to_json(plain)["passages"]
    assert coloured.status == plain.status


def test_a_question_of_escape_sequences_alone_is_refused_politely(tutor):
    answer = tutor.ask("\x1b[31m\x1b[0m")
    assert answer.status == "invalid" and answer.message


def test_spaces_between_japanese_words_are_dropped():
    """Learners of Japanese space their words as English does; Japanese does not, and a
    space inside 「どこの まちで」 would split what search and the question forms read."""
    assert clean_question("AlphaGoの しあいは どこの まちで ありましたか") == \
        "AlphaGoのしあいはどこのまちでありましたか"
    assert clean_question("データサイエンティストの salaryは いくら") == \
        "データサイエンティストの salaryはいくら"  # beside a Latin word, a space separates


def test_a_space_between_two_asking_clauses_parts_the_questions(tutor):
    # Chat and voice input part clauses with a space (our own wording): each question
    # keeps its own line, the choice the model answer made as well as its reasons.
    assert clean_question("どのケース選んでて なんでそれ選んだんだっけ") == \
        "どのケース選んでて、なんでそれ選んだんだっけ"
    assert clean_question("テスラと アルファ碁の違いは?") == "テスラとアルファ碁の違いは?"
    answer = tutor.ask("演習1の解答例ってどのケース選んでて なんでそれ選んだんだっけ")
    assert answer.outcome == "answered", answer.message
    assert "選択:AlphaGo" in " ".join(answer.passages[0].quote)
