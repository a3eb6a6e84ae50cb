"""The English-Japanese word table generated from JMdict, LemmInflect and wordfreq
(data/lexicon.npz): an English word the chapter says in Japanese is not missing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.retrieval import lexicon

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("word", "japanese"), [
    ("camera", "カメラ"),
    ("cameras", "カメラ"),  # every inflected form is a key
    ("skin", "皮膚"),
    ("Champion", "チャンピオン"),  # looked up in lower case
])
def test_common_translations(word, japanese):
    assert japanese in lexicon.translations(word)


def test_words_without_a_common_translation_have_none():
    assert lexicon.translations("xqzvvkw") == ()


@pytest.mark.parametrize(("word", "letters"), [
    ("realistically", "r"),  # only an adverb
    ("attributed", "v"),
    ("subscribers", "n"),
    ("ditch", "nv"),
])
def test_parts_of_speech(word, letters):
    assert lexicon.parts_of_speech(word) == letters


def test_a_name_has_no_part_of_speech():
    assert lexicon.parts_of_speech("Spotify") is None


def test_the_table_is_the_generators():
    assert lexicon._sources() == lexicon.SOURCES
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["tables"]
    for package, version in lexicon.SOURCES.items():  # what the generator needs, pinned
        assert f"{package}=={version}" in extras


def test_the_packed_table_reads_back_what_it_holds():
    arrays = lexicon.pack({"skin": ["皮膚", "スキン"], "camera": ["カメラ"]},
                          {"skin": "nv", "quickly": "r"})
    assert "CC BY-SA" in str(arrays["license"])
    table = lexicon.Lexicon(arrays["hashes"], arrays["pos"], arrays["starts"],
                            arrays["ends"], arrays["forms"].tobytes())
    assert table.row("skin") is not None and table.row("Skin") == table.row("skin")
    assert table.row("tire") is None


@pytest.mark.parametrize(("gloss", "word"), [
    ("(to) translate", "translate"),
    ("to translate", "translate"),
    ("skin (of a person)", "skin"),
    ("world champion", None),  # a phrase: its words are judged one by one
])
def test_a_gloss_is_one_word_or_none(gloss, word):
    assert lexicon.gloss_word(gloss) == word
