"""Typed-answer matching: lenient about form, strict about content.

What is ignored: Unicode width and compatibility forms (NFKC), case, katakana vs hiragana,
punctuation, spacing, a leading English article and a trailing です. What is never ignored:
the digits of an answer (a dash between digits stays, so "4-1" is not "41"), and for short
answers every letter ("chair" is not "air", "AI" is not "AIP": no substring or fuzzy match).

Numbers are read as quantities: 75, 75%, 約75%, ７５％, "seventy-five percent",
七十五パーセント, "10億ドル", "1 billion dollars" and "$1B" are all values with units, compared
with the question's tolerance. A range answer ("3〜5年") also takes "3-5" without its unit, and
a score may be written in words ("four to one" is "4-1"). Long answers (8+ characters once
normalised) may differ by a typo: they match when rapidfuzz's ratio reaches the question's
threshold (default 85) and their digits agree.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.quiz.models import OPTION_LETTERS, Numeric, Question

log = logging.getLogger(__name__)

DEFAULT_FUZZY_THRESHOLD = 85.0
LONG_ANSWER_CHARS = 8  # shorter answers must match exactly (after normalisation)
MIN_FUZZY_RESPONSE_CHARS = 6

_DASHES = "-‐‑‒–—―~〜～〰ー−"
_RANGE_RE = re.compile(rf"(?<=\d)\s*(?:[{_DASHES}]|to|から|対)\s*(?=\d)")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL_RE = re.compile(r"(?<=\d)\.(?=\d)")
_DIGIT_GAP_RE = re.compile(r"(?<=\d)\s+(?=\d)")
_ARTICLE_RE = re.compile(r"^(?:the|an|a)\s+")
_POLITE_END_RE = re.compile(r"(?:です|でした|である)$")
_KEEP_PUNCTUATION = {"#"}  # C# is not C
_RANGE_MARK, _DECIMAL_MARK, _GAP_MARK = "\ue000", "\ue001", "\ue002"


def fold(text: str) -> str:
    """NFKC and case folding, with katakana folded to hiragana (ア and あ read alike)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in folded)


def normalize(text: str) -> str:
    """The comparable core of an answer: no punctuation, no spaces, digits kept apart."""
    folded = fold(text).strip()
    folded = _ARTICLE_RE.sub("", folded)
    folded = _THOUSANDS_RE.sub("", folded)
    folded = _digits_for_words(folded)
    folded = _RANGE_RE.sub(_RANGE_MARK, folded)
    folded = _DECIMAL_RE.sub(_DECIMAL_MARK, folded)
    folded = _DIGIT_GAP_RE.sub(_GAP_MARK, folded)  # "7 5" is two numbers, not 75
    kept = [c for c in folded if c in _KEEP_PUNCTUATION or not _is_noise(c)]
    core = "".join(kept).replace(_RANGE_MARK, "-").replace(_DECIMAL_MARK, ".")
    core = core.replace(_GAP_MARK, "_")
    return _POLITE_END_RE.sub("", core) if len(core) > 3 else core


def _digits_for_words(text: str) -> str:
    """Small number words as digits, so a score reads the same however it is written:
    "four to one", "four-one" and 「四対一」 are all "4-1"."""
    text = _SMALL_WORD_RE.sub(lambda m: str(_WORD_SMALL.get(m[0], 20)), text)
    return _KANJI_SCORE_RE.sub(lambda m: f"{_KANJI_DIGITS[m[1]]}対{_KANJI_DIGITS[m[2]]}", text)


def _is_noise(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "PZ" or category in ("Cc", "Cf") or char.isspace()


# ---------------------------------------------------------------------------------------------
# Quantities

@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None  # canonical unit (see UNIT_ALIASES), or the raw unit text


UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "%": ("%", "percent", "percentage", "percents", "pct", "ぱーせんと", "ぱー"),
    "ドル": ("ドル", "$", "dollars", "dollar", "usd", "us$", "米ドル"),
    "円": ("円", "yen", "jpy"),
    "年": ("年", "年前", "年間", "years", "year", "yrs", "yr", "yearsago"),
    "ヶ月": ("ヶ月", "か月", "カ月", "ケ月", "ヵ月", "months", "month"),
    "週間": ("週間", "週", "weeks", "week"),
    "日": ("日", "日間", "days", "day"),
    "時間": ("時間", "hours", "hour", "hrs"),
    "ms": ("ms", "ミリ秒", "milliseconds", "millisecond", "msec"),
    "層": ("層", "layers", "layer"),
    "言語": ("言語", "languages", "language"),
    "人": ("人", "名", "people", "persons", "person", "users"),
    "語": ("語", "words", "word"),
    "台": ("台", "cameras", "camera", "devices", "device", "units"),
    "枚": ("枚", "images", "image", "pictures", "photos"),
    "種類": ("種類", "種", "classes", "class", "kinds", "types", "categories"),
    "局面": ("局面", "positions", "position"),
    "マイル": ("マイル", "miles", "mile", "mi"),
    "パラメータ": ("パラメータ", "パラメーター", "parameters", "params"),
    "つ": ("つ", "個", "件", "items"),
    "点": ("点", "points", "score"),
    "記事": ("記事", "articles", "posts"),
}
_UNIT_LOOKUP = {fold(alias).replace(" ", ""): canonical
                for canonical, aliases in UNIT_ALIASES.items() for alias in aliases}

# Words around a number that do not change it ("about 75%", "5億人以上", "<10ms").
_PREFIXES = ("approximately", "approx.", "approx", "about", "around", "roughly", "nearly",
             "almost", "over", "more than", "less than", "under", "at least", "just", "in",
             "およそ", "約", "大体", "だいたい", "~", "≈", "≒", "<", ">", "≦", "≧", "+")
_SUFFIXES = ("以上", "以下", "未満", "超", "程度", "くらい", "ぐらい", "前後", "ほど", "です",
             "でした", "強", "+", "or more", "plus", "以上です")

_WORD_SMALL = {w: i for i, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"])}
_WORD_TENS = {w: 10 * (i + 2) for i, w in enumerate([
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}
_WORD_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_KANJI_SMALL = {"十": 10, "百": 100, "千": 1000}
_KANJI_BIG = {"万": 1e4, "億": 1e8, "兆": 1e12}
_NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)?)")
_SMALL_WORD_RE = re.compile(r"\b(?:" + "|".join([*_WORD_SMALL, "twenty"]) + r")\b")
_KANJI_SCORE_RE = re.compile(r"([〇一二三四五六七八九])対([〇一二三四五六七八九])")
# Magnitude letters after a number, as in "$1M", "500M", "75B", "1.8T" or "$34bn"; only
# when no letter follows ("10ms" stays ten milliseconds).
_MAGNITUDE_RE = re.compile(r"^(k|mn|m|bn|b|tn|t)(?![a-z])")
_MAGNITUDES = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12, "tn": 1e12}


def unit_key(unit: str) -> str:
    """The canonical form of a unit word, or the folded word itself if unknown."""
    key = fold(unit).replace(" ", "")
    return _UNIT_LOOKUP.get(key, key)


def parse_quantity(text: str) -> Quantity | None:
    """The number (and unit) an answer states, or None if it is not just a quantity."""
    rest = _strip_qualifiers(fold(text).strip())
    unit_from_sign = None
    if rest.startswith("$"):
        unit_from_sign, rest = "ドル", rest[1:].strip()
    rest = _THOUSANDS_RE.sub("", rest)
    parsed = _leading_number(rest)
    if parsed is None:
        return None
    value, rest = parsed
    unit_text = _strip_qualifiers(rest.strip()).replace(" ", "")
    if (unit_from_sign and unit_text) or re.search(r"\d", unit_text):
        return None  # "7 5" or "$5 yen" is not one quantity
    unit = unit_from_sign or (unit_key(unit_text) if unit_text else None)
    return Quantity(value, unit)


def _strip_qualifiers(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and (not prefix.isalpha() or _word_ends(text, prefix)):
                text, changed = text[len(prefix):].strip(), True
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)].strip(), True
    return text


def _word_ends(text: str, word: str) -> bool:
    return len(text) == len(word) or not text[len(word)].isalpha()


def _leading_number(text: str) -> tuple[float, str] | None:
    for reader in (_read_digits, _read_kanji, _read_words):
        found = reader(text)
        if found is not None:
            return found
    return None


def _read_digits(text: str) -> tuple[float, str] | None:
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    value, rest = float(match.group(1)), text[match.end():].lstrip()
    # Japanese multipliers, possibly chained (3千万 = 3 × 1000 × 10000).
    while rest and (rest[0] in _KANJI_SMALL or rest[0] in _KANJI_BIG):
        value *= _KANJI_SMALL.get(rest[0]) or _KANJI_BIG[rest[0]]
        rest = rest[1:]
    magnitude = _MAGNITUDE_RE.match(rest)
    if magnitude:
        value *= _MAGNITUDES[magnitude[1]]
        rest = rest[magnitude.end():].lstrip()
    words = rest.split(maxsplit=1)
    if words and words[0] in _WORD_SCALES:
        value *= _WORD_SCALES[words[0]]
        rest = words[1] if len(words) > 1 else ""
    return value, rest


def _read_kanji(text: str) -> tuple[float, str] | None:
    total, section, digit, used = 0.0, 0.0, None, 0
    for char in text:
        if char in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[char]
        elif char in _KANJI_SMALL:
            section += (digit if digit is not None else 1) * _KANJI_SMALL[char]
            digit = None
        elif char in _KANJI_BIG:
            total += (section + (digit or 0) or 1) * _KANJI_BIG[char]
            section, digit = 0.0, None
        else:
            break
        used += 1
    if used == 0 or (used == 1 and text[0] in _KANJI_BIG):
        return None
    return total + section + (digit or 0), text[used:]


def _read_words(text: str) -> tuple[float, str] | None:
    tokens = re.split(r"[\s-]+", text)
    total, current, used = 0.0, 0.0, 0
    for i, token in enumerate(tokens):
        if token in _WORD_SMALL or token in _WORD_TENS:
            current += _WORD_SMALL.get(token, _WORD_TENS.get(token, 0))
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in _WORD_SCALES:
            total += (current or 1) * _WORD_SCALES[token]
            current = 0
        elif (token == "and" and used and i + 1 < len(tokens)) or (token == "a" and i == 0):
            pass  # "one hundred and three", "a million"
        else:
            break
        used = i + 1
    if not used or all(t in ("a", "and") for t in tokens[:used]):
        return None
    return total + current, " ".join(tokens[used:])


@dataclass(frozen=True)
class Span:
    low: float
    high: float
    unit: str | None


def parse_range(text: str) -> Span | None:
    """"3-5", 「3〜5年」, "3 to 5 years": two numbers and the unit after the second."""
    folded = _digits_for_words(_strip_qualifiers(fold(text).strip()))
    parts = _RANGE_RE.split(folded, maxsplit=1)
    if len(parts) != 2:
        return None
    low, high = parse_quantity(parts[0]), parse_quantity(parts[1])
    if low is None or high is None or low.unit is not None:
        return None
    return Span(low.value, high.value, high.unit)


def range_matches(response: str, forms: tuple[str, ...] | list[str]) -> bool:
    """A range answer given with or without its unit ("3-5" for 「3〜5年」)."""
    said = parse_range(response)
    if said is None:
        return False
    for form in forms:
        wanted = parse_range(form)
        if wanted is not None and (said.low, said.high) == (wanted.low, wanted.high) and \
                said.unit in (None, wanted.unit):
            return True
    return False


def quantity_matches(response: str, numeric: Numeric) -> bool:
    found = parse_quantity(response)
    if found is None:
        return False
    if abs(found.value - numeric.value) > numeric.tolerance + 1e-9 * max(1.0, abs(numeric.value)):
        return False
    if found.unit is None:
        return True  # "75" answers "what percentage?"
    allowed = {unit_key(a) for a in numeric.unit_aliases}
    if numeric.unit is not None:
        allowed.add(unit_key(numeric.unit))
    return found.unit in allowed


# ---------------------------------------------------------------------------------------------
# Text and questions

@dataclass(frozen=True)
class Match:
    correct: bool
    method: str  # exact, numeric, fuzzy, choice, none
    score: float = 0.0  # 100 for exact matches, the rapidfuzz ratio for fuzzy ones
    choice: int | None = None  # for mc/tf: the option the response named


NO_MATCH = Match(False, "none")


def text_match(response: str, forms: tuple[str, ...] | list[str],
               threshold: float | None = None) -> Match:
    """Whether a response says one of the forms: exactly, or (long answers) nearly."""
    said = normalize(response)
    if not said:
        return NO_MATCH
    targets = [t for t in (normalize(f) for f in forms) if t]
    if said in targets:
        return Match(True, "exact", 100.0)
    best = max((fuzzy_score(said, t) for t in targets), default=0.0)
    if best >= (threshold if threshold is not None else DEFAULT_FUZZY_THRESHOLD):
        return Match(True, "fuzzy", best)
    return Match(False, "none", best)


def fuzzy_score(said: str, target: str) -> float:
    """rapidfuzz ratio of two normalised answers; 0 when fuzzy matching must not apply."""
    if len(target) < LONG_ANSWER_CHARS or len(said) < MIN_FUZZY_RESPONSE_CHARS:
        return 0.0
    if re.findall(r"\d+", said) != re.findall(r"\d+", target):
        return 0.0  # a typo may change a letter, never a number
    return float(fuzz.ratio(said, target))


# ○ (U+25CB), ◯ (U+25EF, the large circle many IMEs give for まる), 〇 and ⭕ all mean "true".
TRUE_WORDS = ("true", "t", "yes", "y", "correct", "right", "正しい", "正", "はい", "○", "〇",
              "◯", "⭕", "o", "本当", "真", "そう", "正解")
FALSE_WORDS = ("false", "f", "no", "n", "incorrect", "wrong", "誤り", "誤", "いいえ", "×",
               "x", "✕", "✖", "❌", "嘘", "うそ", "偽", "間違い", "まちがい", "違う", "ちがう")
_TRUE_SET = {normalize(w) for w in TRUE_WORDS}
_FALSE_SET = {normalize(w) for w in FALSE_WORDS}


def parse_choice(question: Question, response: str) -> int | None:
    """Which button a typed answer to an mc or tf question names (None if unclear)."""
    said = normalize(response)
    if not said:
        return None
    if question.kind == "tf":
        if said in _TRUE_SET:
            return 0
        if said in _FALSE_SET:
            return 1
        return None
    if question.kind != "mc":
        return None
    if len(said) == 1 and said.upper() in OPTION_LETTERS:
        return OPTION_LETTERS.index(said.upper())
    return _option_named(question, response)


def _option_named(question: Question, response: str) -> int | None:
    scores: list[tuple[float, int]] = []
    said_quantity = parse_quantity(response)
    for index, option in enumerate(question.options):
        match = text_match(response, (option.ja, option.en))
        score = match.score if match.correct else 0.0
        if not score and said_quantity is not None:
            option_quantity = parse_quantity(option.ja)
            if option_quantity is not None and option_quantity.value == said_quantity.value and (
                said_quantity.unit in (None, option_quantity.unit)
            ):
                score = 99.0
        if score:
            scores.append((score, index))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None  # nothing named, or two options named equally well
    return scores[0][1]


def check_answer(question: Question, response: str) -> Match:
    """Whether a typed response answers the question correctly, and how it was read."""
    if question.kind in ("mc", "tf"):
        choice = parse_choice(question, response)
        if choice is None:
            return NO_MATCH
        return Match(choice == question.correct_choice, "choice", 100.0, choice)
    if question.numeric is not None and quantity_matches(response, question.numeric):
        return Match(True, "numeric", 100.0)
    if range_matches(response, question.accepted):
        return Match(True, "numeric", 100.0)
    return text_match(response, question.accepted, question.fuzzy_threshold)
