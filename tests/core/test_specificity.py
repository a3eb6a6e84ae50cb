"""The bot keeps only the part of wordfreq's lists that can change a score (memory); every
word must weigh exactly as it does with the whole lists."""

from __future__ import annotations

import math

import pytest
from wordfreq import get_frequency_dict

from bot.retrieval import specificity


def reference(word: str, whole: dict[str, dict[str, float]]) -> float:
    """specificity() computed over wordfreq's whole lists, as before the trimming."""
    language = "en" if word.isascii() else "ja"
    if any(ch.isdigit() for ch in word):
        return 1.0
    endings = specificity.STEM_ENDINGS if language == "en" else ("",)
    best = max(whole[language].get(word + e, 0.0) for e in endings)
    zipf = math.log10(best) + 9 if best > 0 else 0.0
    value = (specificity.COMMON_ZIPF - zipf) / (specificity.COMMON_ZIPF - specificity.RARE_ZIPF)
    return min(1.0, max(0.0, value))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_word_weighs_as_with_the_whole_list(language):
    whole = {lang: dict(get_frequency_dict(lang)) for lang in ("en", "ja")}
    assert len(specificity._frequencies(language)) < len(whole[language]) / 3  # the point
    words = [*list(whole[language])[::7], "carbonara", "株価", "think", "結果", "tire", "運転免許"]
    for word in words:
        assert specificity.specificity(word) == pytest.approx(reference(word, whole), abs=1e-9)
