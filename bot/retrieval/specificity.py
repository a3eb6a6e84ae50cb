"""How specific a word is, from its frequency in general text (wordfreq).

"tire" or "株価" missing from the best passage says the question is about something else;
"think" or "結果" missing says nothing. Weighting coverage by specificity tells them apart.
"""

from __future__ import annotations

import logging
import math
import threading
from functools import lru_cache

log = logging.getLogger(__name__)

COMMON_ZIPF = 5.0  # words this frequent ("think", "change", "結果") weigh nothing
RARE_ZIPF = 2.5  # words this rare or rarer ("carbonara", "株価" is 4.1) weigh fully
STEM_ENDINGS = ("", "e", "s", "es", "ing", "ed", "y")
_lock = threading.Lock()


@lru_cache(maxsize=2)
def _frequencies(language: str) -> dict[str, float]:
    # The frequency lists are read directly: wordfreq's own Japanese tokenizer needs MeCab
    # with ipadic, while our words already come segmented by fugashi.
    from wordfreq import get_frequency_dict, get_frequency_list

    with _lock:
        # Only words more frequent than RARE_ZIPF change a score (rarer ones weigh fully, as
        # absent ones do), so only those are kept, and wordfreq's caches of the whole lists
        # are dropped: 106,000 words instead of 536,000, about 50 MB less in the bot.
        floor = 10 ** (RARE_ZIPF - 9) * 0.999
        table = {w: f for w, f in get_frequency_dict(language).items() if f >= floor}
        get_frequency_dict.cache_clear()
        get_frequency_list.cache_clear()
        return table


def zipf(word: str, language: str) -> float:
    table = _frequencies(language)
    candidates = (word + e for e in STEM_ENDINGS) if language == "en" else (word,)
    best = max((table.get(c, 0.0) for c in candidates), default=0.0)
    return math.log10(best) + 9 if best > 0 else 0.0


def specificity(word: str) -> float:
    """0 for everyday words, 1 for rare or unknown ones."""
    language = "en" if word.isascii() else "ja"
    if any(ch.isdigit() for ch in word):
        return 1.0
    value = (COMMON_ZIPF - zipf(word, language)) / (COMMON_ZIPF - RARE_ZIPF)
    return min(1.0, max(0.0, value))


def warm_up() -> None:
    for language in ("en", "ja"):
        _frequencies(language)
