"""The bot reads word frequencies from a table generated from wordfreq (data/wordfreq.npz),
keeping only the words that can change a score; every word must weigh exactly as it does
with wordfreq's whole lists."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from bot.retrieval import specificity

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("word", "language", "zipf", "weight"), [
    ("think", "en", 6.08, 0.0),  # everyday: weighs nothing
    ("change", "en", 5.54, 0.0),
    ("tire", "en", 4.03, 0.388),
    ("tired", "en", 4.71, 0.116),  # "tire" + "d" is no ending: its own bucket
    ("Germany", "en", 0.0, 1.0),  # wordfreq's words are lower case
    ("germany", "en", 4.9, 0.04),
    ("carbonara", "en", 0.0, 1.0),  # rarer than RARE_ZIPF: not in the table, weighs fully
    ("結果", "ja", 5.46, 0.0),
    ("株価", "ja", 4.09, 0.364),
    ("運転免許", "ja", 0.0, 1.0),
])
def test_known_words(word, language, zipf, weight):
    assert specificity.zipf(word, language) == pytest.approx(zipf, abs=1e-9)
    assert specificity.specificity(word) == pytest.approx(weight, abs=1e-9)


def test_stem_endings_take_the_most_frequent_form():
    assert specificity.zipf("learn", "en") == max(
        specificity.zipf("learn" + e, "en") for e in specificity.STEM_ENDINGS)
    assert specificity.zipf("learn", "en") > 0
    assert specificity.zipf("結", "ja") != specificity.zipf("結果", "ja")  # no endings in ja


@pytest.mark.parametrize("word", ["xqzvvkw", "zzzzzzzzzzz", "ぽにょぽにょぽにょ", "2024",
                                  "GPT4"])
def test_absent_words_weigh_fully(word):
    language = "en" if word.isascii() else "ja"
    if not any(ch.isdigit() for ch in word):
        assert specificity.zipf(word, language) == 0.0
    assert specificity.specificity(word) == 1.0


def test_the_table_is_the_generators():
    table = specificity._table()
    assert str(table["wordfreq_version"]) == specificity.WORDFREQ_VERSION
    assert float(table["rare_zipf"]) == specificity.RARE_ZIPF
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["dev"]
    assert f"wordfreq=={specificity.WORDFREQ_VERSION}" in dev  # what the generator needs
    for language in specificity.LANGUAGES:
        hashes = table[f"{language}_hashes"]
        assert hashes.dtype == np.uint64 and len(hashes) > 50_000
        assert np.all(hashes[1:] > hashes[:-1])  # sorted, no two words share a hash
        assert table[f"{language}_centibels"].max() <= 100 * (9 - specificity.RARE_ZIPF)
    assert specificity.TABLE_FILE.stat().st_size < 2_000_000


def reference(word: str, whole: dict[str, dict[str, float]]) -> float:
    """specificity() computed over wordfreq's whole lists."""
    language = "en" if word.isascii() else "ja"
    if any(ch.isdigit() for ch in word):
        return 1.0
    endings = specificity.STEM_ENDINGS if language == "en" else ("",)
    best = max(whole[language].get(word + e, 0.0) for e in endings)
    zipf = math.log10(best) + 9 if best > 0 else 0.0
    value = (specificity.COMMON_ZIPF - zipf) / (specificity.COMMON_ZIPF - specificity.RARE_ZIPF)
    return min(1.0, max(0.0, value))


@pytest.mark.parametrize("language", specificity.LANGUAGES)
def test_every_word_weighs_as_with_wordfreq(language):
    # wordfreq is in the dev extra, pinned to the version the table was generated from.
    from wordfreq import get_frequency_dict

    whole = {lang: dict(get_frequency_dict(lang)) for lang in specificity.LANGUAGES}
    kept = specificity.kept_words(language)
    assert len(kept) < len(whole[language]) / 3  # the point
    for word, centibels in kept.items():  # each kept word reads back as its own bucket
        assert specificity._centibels((word,), language) == centibels, word
    for word in [*list(whole[language])[::7], "carbonara", "株価", "think", "結果", "tire"]:
        assert specificity.specificity(word) == pytest.approx(reference(word, whole), abs=1e-9)


@pytest.mark.parametrize(("word", "mistyped"), [
    ("acording", True), ("numbrs", True), ("sensitivty", True),  # one keystroke off
    ("spotify", False), ("kubernetes", False),  # names the lists lack, near no common word
    ("according", False),  # a word of the lists is no typo
    ("hulu", False),  # too short to tell from a word: "hull"
])
def test_a_common_word_mistyped_is_told_from_a_name(word, mistyped):
    assert specificity.misspelled_common(word) is mistyped
