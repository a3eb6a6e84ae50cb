"""The thing a quantity question asks about: "How many *subscribers* …", 「月額*料金*はいくら」.

A passage that names Netflix but not subscribers cannot answer "How many subscribers does
Netflix have?"; the asked noun missing from the best passage is the clearest sign of a
question the chapter does not cover. Units ("how many years", 「割合はどれくらい」) are
not things asked about and are left out.
"""

from __future__ import annotations

import logging
import re

from bot.retrieval.tokenize import (
    CJK_RUN_RE,
    content_words,
    japanese_nouns,
    latin_terms,
    normalize,
    stem,
)

log = logging.getLogger(__name__)

_AUX = r"(?:do|does|did|is|are|was|were|can|could|should|will|would|has|have|had)"
HOW_MANY_RE = re.compile(r"\bhow many ((?:[a-z][a-z0-9\-]*\s+){1,3}?)(?=" + _AUX + r"\b)",
                         re.ASCII)
JA_AMOUNT_RE = re.compile(
    r"([^\sはがのを、,]+?)(?:は|が|って)"
    r"(?:いくら|何[人枚個台本件社回年円ドル語種]|どれくらい|どのくらい)(?!の)"
)
_ENGLISH_UNITS = ("year", "hour", "week", "month", "day", "word", "time", "people", "percent",
                  "minute", "step", "way", "kind", "type", "language")
_JAPANESE_UNITS = ("割合", "比率", "率", "数", "人数", "時間", "年数", "期間", "回数", "件数",
                   "規模", "量", "精度", "年", "ヶ月", "日")
UNITS = frozenset((*(stem(f) for u in _ENGLISH_UNITS for f in (u, u + "s")), *_JAPANESE_UNITS))


def asked_noun(question: str) -> str | None:
    """The head noun a "how many" / いくら・何枚 question asks about, as `content_words`
    spells it; None for other questions and for units."""
    text = normalize(question)
    match = HOW_MANY_RE.search(text)
    if match:
        phrase = match.group(1).split(" of ")[0].split()
        words = latin_terms(phrase[-1]) if phrase else []
    else:
        match = JA_AMOUNT_RE.search(text)
        words = _last_word(match.group(1)) if match else []
    head = words[-1] if words else None
    return head if head and head not in UNITS else None


def _last_word(phrase: str) -> list[str]:
    """The last Latin term or Japanese noun of a phrase, by position."""
    runs = CJK_RUN_RE.split(phrase)
    if runs[-1].strip():
        return latin_terms(runs[-1])
    cjk = CJK_RUN_RE.findall(phrase)
    nouns = japanese_nouns(cjk[-1]) if cjk else []
    return [n for n in nouns if n in content_words(phrase)][-1:]


# The present, as a question asks for a value "now": "how big is the edge AI market now",
# 「いまはいくら」. Not 今後, 今日 or 今年 (a time of their own), nor the hiragana of 「います」.
PRESENT_RE = re.compile(
    r"\b(?:now|nowadays|currently|today|these days|at the moment|at present|as of now)\b|"
    r"現在|現時点|(?:(?<![ぁ-ゖ])いま|今)(?=は|の|って|でも|だと|時点|[、,\s]|何|なに|どの|どれ|"
    r"いくら)", re.ASCII)
# A question about a forecast asks for the forecast's year, whenever it is asked.
FORECAST_RE = re.compile(r"\b(?:forecasts?|predict\w*|projections?|projected|expected|will)\b|"
                         r"予測|予想|見込|見通し|将来", re.IGNORECASE | re.ASCII)


def asks_present(question: str) -> bool:
    """Whether a question asks for a value as it is now, not as forecast."""
    text = normalize(question)
    return bool(PRESENT_RE.search(text)) and not FORECAST_RE.search(text)

