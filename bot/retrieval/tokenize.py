"""Japanese-aware tokens for BM25: fugashi words, CJK bigrams and whole Latin terms.

Text is NFKC-normalised and lower-cased first. Latin terms such as "resnet-152" or
"gpt-4" stay whole (and also yield their parts), so version numbers keep their meaning.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

log = logging.getLogger(__name__)

TOKENIZER_VERSION = "fugashi-unidic-lite+span-bigram+latin+plan-v14"

LATIN_TERM_RE = re.compile(r"[a-z0-9$][a-z0-9$+#]*(?:[.,\-/&'][a-z0-9$+#]+)*")
SUFFIXES = ("ies", "ing", "es", "ed", "s")
LATIN_WORD_RUN_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
CJK_RUN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々〆ー]+")
SKIPPED_POS = {"助詞", "助動詞", "補助記号", "記号", "空白"}
# Function words, question words and light verbs: they carry no topic, and left in they
# match filler everywhere (and count against coverage when the chapter lacks them).
_ENGLISH_STOPWORDS = """
a an the of to in on at for by with from and or but is are was were be been being am do does
did done doing what which who whom whose when where why how much many this that these those it
its i you he she we they me my your our their his her them us can could should would will shall
may might must about into than then there here as if so not no yes any some all each every have
has had get gets got tell please explain describe give list show what's that's there's it's
who's how's let's i'm i'd i'll don't doesn't didn't isn't aren't was wasn't also just really
very else still even ever more most such only own same other another again further once
take takes took make makes made go goes going went come comes came use uses used using need
needs want wants know knows think say says said mention mentioned talk talks thing things way
lot lots kind sort mean means one ones like able try tries tried trying ask asks asked
asking myself yourself ourselves themselves anything something everything someone
"""
_JAPANESE_STOPWORDS = """
何 なに 誰 いつ どこ どれ どの どう どんな どれくらい どのくらい いくら いくつ 教え 知り 知る
言う 言っ いう ある あっ いる い する し やる やっ なる なっ できる でき れる られる ため こと
もの よう それ これ あれ 方 的 感じ 一言 込み
"""
ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORDS.split())
JAPANESE_STOPWORDS = frozenset(_JAPANESE_STOPWORDS.split())
RANGE_RE = re.compile(r"(\d+)\s*(?:〜|~|～|–|—|-|から|to)\s*(\d+)")
HIRAGANA_RE = re.compile(r"^[\u3040-\u309fー]+$")
HIRAGANA_WORD_RE = re.compile(r"[\u3040-\u309f]{2}")
# Study-plan positions: "Week 5-8", "weeks 9-12", "Year 2", "5週目", "2年目", "第3週".
# Bounded by Latin letters and digits only, not \b: Japanese around it is a word character
# too, and "year 3って" or "month 10-12で" name a year and months all the same.
UNIT_EN_RE = re.compile(
    r"(?<![a-z])(week|month|year|exercise|problem)s?\s*#?\s*(\d{1,3})(?:-(\d{1,3}))?(?![0-9a-z])")
# 「4週間」 is a duration, not the fourth week.
UNIT_JA_RE = re.compile(r"第?(\d{1,3})(?:-(\d{1,3}))?\s*(週目|ヶ月目|か月目|カ月目|年目|週(?!間))")
UNIT_JA = {"週目": "week", "週": "week", "ヶ月目": "month", "か月目": "month",
           "カ月目": "month", "年目": "year"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
            "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}
UNIT_ORDINAL_RE = re.compile(
    r"\b(" + "|".join(ORDINALS) + r")\s+(week|month|year|exercise|problem)(?![a-z])", re.ASCII)
# The chapter's exercises: "問題2", "演習3", "exercise 1" all name one exercise.
EXERCISE_JA_RE = re.compile(r"(?:問題|演習)\s*(\d{1,2})(?![\d.,])")
MAX_UNIT_SPAN = 12


def normalize(text: str) -> str:
    """NFKC, lower case, and one spelling for number ranges ("5〜8", "5 to 8" → "5-8")."""
    text = unicodedata.normalize("NFKC", text).lower()
    return RANGE_RE.sub(r"\1-\2", text)


@lru_cache(maxsize=1)
def _tagger():
    import fugashi

    return fugashi.Tagger()


_tagger_lock = threading.Lock()


def _is_content(surface: str, pos: str) -> bool:
    # Hiragana is mostly grammar, but a longer hiragana noun names something: 「おわりに」
    # and 「まとめ」 are headings learners ask about by name.
    return bool(surface) and pos not in SKIPPED_POS and surface not in JAPANESE_STOPWORDS and \
        (not HIRAGANA_RE.match(surface) or (pos == "名詞" and len(surface) >= 3))


def _tag(run: str) -> list[tuple[str, str]]:
    return [(surface, pos1) for surface, pos1, _ in _tag_detailed(run)]


def _tag_detailed(run: str) -> list[tuple[str, str, str]]:
    # MeCab taggers are not thread-safe; searches run in worker threads.
    with _tagger_lock:
        words = [(n.surface, n.feature.pos1, n.feature.pos2) for n in _tagger()(run)]
    return [_unprefixed(words, i) for i in range(len(words))]


# What a prefix cannot prefix. A prefix at a run's end stays one: 「約」 before "60%".
NOT_PREFIXED = frozenset({"動詞", "形容詞", "助詞", "助動詞", "補助記号"})


def _unprefixed(words: list[tuple[str, str, str]], i: int) -> tuple[str, str, str]:
    """A kanji the tagger reads as a prefix with no noun after it is a noun itself. Chat
    drops particles: in 「おすすめの本教えて」 UniDic reads 本 as the prefix of 本日,
    though nothing follows for it to prefix but the verb."""
    surface, pos1, _ = words[i]
    following = words[i + 1][1] if i + 1 < len(words) else None
    if pos1 == "接頭辞" and following in NOT_PREFIXED and KANJI_RE.fullmatch(surface):
        return surface, "名詞", "普通名詞"
    return words[i]


KANJI_RANGES = "\u3400-\u4dbf\u4e00-\u9fff々"
KANJI_RE = re.compile(f"[{KANJI_RANGES}]")


class TaggedWord(NamedTuple):
    surface: str
    pos: str
    lemma: str | None
    kana: str | None  # the reading, in katakana
    detail: str  # the second level of the part of speech: 数詞 of 名詞
    space: str  # the white space before the word, which the surfaces leave out


def tagged_readings(text: str) -> list[TaggedWord]:
    """The tagger's words with their part of speech, lemma and reading."""
    with _tagger_lock:  # as in _tag_detailed: MeCab taggers are not thread-safe
        return [TaggedWord(n.surface, n.feature.pos1, n.feature.lemma, n.feature.kana,
                           n.feature.pos2, n.white_space)
                for n in _tagger()(text)]


KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                "七": 7, "八": 8, "九": 9}
KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
KANJI_LARGE_UNITS = "万億兆"
KANJI_LARGE_UNITS_RE = re.compile(f"([{KANJI_LARGE_UNITS}])")
NUMERAL_CHARS = "".join([*KANJI_DIGITS, *KANJI_SMALL_UNITS, KANJI_LARGE_UNITS])
KANJI_NUMERAL_RE = re.compile(f"^[{NUMERAL_CHARS}]+$")
KANJI_CHARS = f"{KANJI_RANGES}〇"
# A figure's counter and noun: 「3,000万局面」, 「1日」. More kanji after a numeral make an
# idiom's word (「三日坊主」).
MAX_COUNTED_KANJI = 2


def kanji_numerals_in_digits(text: str) -> str:
    """The text with numbers written in kanji written as the chapter writes its figures:
    「三千万局面」 is its 3,000万局面, 「一日五億人」 its 1日5億人 and 「二〇一六年」 2016年.
    Only what the tagger reads as a numeral is rewritten (「十分な」 and 「統一」 are words),
    and not in an idiom: a numeral before more than a counter or a two-kanji noun
    (「三日坊主」), or in four kanji that pair two numerals with two words (「一石二鳥」)."""
    if not any(ch in KANJI_DIGITS or ch in KANJI_SMALL_UNITS for ch in text):
        return text
    spans: list[tuple[int, int]] = []  # the numerals' runs, as offsets into the text
    position = 0
    for word in tagged_readings(text):
        position += len(word.space)
        end = position + len(word.surface)
        if word.detail == "数詞" and KANJI_NUMERAL_RE.match(word.surface):
            if spans and spans[-1][1] == position:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((position, end))
        position = end
    for start, end in reversed(spans):
        if not _in_idiom(text, start, end):
            text = text[:start] + _kanji_number_in_digits(text[start:end]) + text[end:]
    return text


def _in_idiom(text: str, start: int, end: int) -> bool:
    before = re.split(f"[^{KANJI_CHARS}]", text[:start])[-1]
    following = re.split(f"[^{KANJI_CHARS}]", text[end:])[0]
    whole = before + text[start:end] + following
    paired = len(whole) == 4 and all((ch in NUMERAL_CHARS) == (i % 2 == 0)
                                     for i, ch in enumerate(whole))
    word_after = re.split(f"[{NUMERAL_CHARS}]", following)[0]
    return paired or len(word_after) > MAX_COUNTED_KANJI


def _kanji_number_in_digits(numeral: str) -> str:
    """「三千万」 → 3,000万: the part under each of 万, 億 and 兆 in digits, the unit kept,
    as the chapter writes 3,000万 and 5億. Digits alone are read by place (二〇一六 → 2016)."""
    parts = KANJI_LARGE_UNITS_RE.split(numeral)
    return "".join(part if KANJI_LARGE_UNITS_RE.fullmatch(part) or not part
                   else _small_kanji_number(part) for part in parts)


def _small_kanji_number(numeral: str) -> str:
    if not any(ch in KANJI_SMALL_UNITS for ch in numeral):
        return "".join(str(KANJI_DIGITS[ch]) for ch in numeral)
    value, digit = 0, None
    for ch in numeral:
        if ch in KANJI_SMALL_UNITS:
            value += (1 if digit is None else digit) * KANJI_SMALL_UNITS[ch]
            digit = None
        else:
            digit = KANJI_DIGITS[ch]
    return f"{value + (digit or 0):,}"


def kana_spelled_nouns(text: str) -> list[tuple[str, str]]:
    """The nouns written in hiragana that UniDic spells in kanji, with that spelling (its
    lemma): 「べんきょう」 勉強, 「さいしょ」 最初. Learners of Japanese, and phone
    typing, leave words unconverted. One-kanji spellings (こと 事, とき 時) are left:
    those words are grammar more often than topic."""
    if not HIRAGANA_WORD_RE.search(text):
        return []
    return [(word.surface, word.lemma) for word in tagged_readings(text)
            if word.pos == "名詞" and len(word.surface) >= 2 and HIRAGANA_RE.match(word.surface)
            and word.lemma and len(word.lemma) >= 2 and KANJI_RE.search(word.lemma)
            and "-" not in word.lemma]


VERB_POS = frozenset({"動詞", "形容詞"})
KANA_AFTER_RE = r"[\u3040-\u309f]{1,6}"
SURU_FORMS = ("し", "す", "さ", "せ", "でき", "しな")


def misread_compound(text: str, word: str) -> bool:
    """Whether the tagger read a kanji noun across a verb: 「手動かしながら」 is 手 +
    動かし (moving one's hands), not 手動 (manual), and 「月何本書けって」 is 本 + 書け,
    not 本書. Read again from its last kanji with the kana that follow it, the word's end
    begins a verb or adjective. A noun the learner wrote as one (「手動で」) stays a noun."""
    if len(word) < 2 or not KANJI_RE.fullmatch(word[-1]):
        return False
    for match in re.finditer(re.escape(word) + f"({KANA_AFTER_RE})", normalize(text)):
        if match.group(1).startswith(SURU_FORMS):
            continue  # 開発した, 向上させ: the noun's own する verb
        surface, pos, _ = _tag_detailed(word[-1] + match.group(1))[0]
        if pos in VERB_POS and len(surface) > 1:
            return True
    return False


def japanese_nouns(run: str) -> list[str]:
    return [surface for surface, pos in _tag(run) if pos == "名詞" and _is_content(surface, pos)]


def japanese_compounds(text: str) -> list[list[str]]:
    """Runs of two or more adjacent content nouns ("運転"+"免許"): one concept together."""
    return [run for cjk in CJK_RUN_RE.findall(normalize(text))
            for run in _adjacent_runs(cjk, lambda surface, pos: pos == "名詞"
                                      and _is_content(surface, pos))
            if len(run) >= 2]


def japanese_spans(run: str) -> list[list[str]]:
    """Runs of adjacent content words; particles, auxiliaries and stopwords split them."""
    return _adjacent_runs(run, _is_content)


def _adjacent_runs(run: str, keep: Callable[[str, str], bool]) -> list[list[str]]:
    """The runs of adjacent words `keep(surface, pos)` accepts; any other word splits them."""
    runs: list[list[str]] = [[]]
    for surface, pos in _tag(run):
        if keep(surface, pos):
            runs[-1].append(surface)
        elif runs[-1]:
            runs.append([])
    return [words for words in runs if words]


def cjk_bigrams(text: str) -> list[str]:
    if len(text) == 1:
        return [text]
    return [text[i : i + 2] for i in range(len(text) - 1)]


# Nouns whose singular is their plural: "series" is no "sery".
SAME_PLURAL = frozenset({"series", "species"})


def stem(word: str) -> str:
    """A crude English stem, so "accidents" meets "accident" and "systems" meets "system"."""
    if not word.isalpha() or len(word) <= 4 or word in SAME_PLURAL:
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@lru_cache(maxsize=4096)
def english_stem(word: str) -> str:
    """The Snowball (Porter 2) stem: "encoding" and "encoder" are "encod", "translator"
    and "translation" "translat". Too eager for the index ("university" is "univers"),
    it only says whether a word the chapter lacks is one of its words in another form."""
    # A stemmer keeps its word while it works: one thread at a time.
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()


def latin_terms(text: str) -> list[str]:
    tokens: list[str] = []
    for term in LATIN_TERM_RE.findall(text):
        term = term.strip("'").removesuffix("'s")
        if not term or term in ENGLISH_STOPWORDS:
            continue
        tokens.append(stem(term))
        parts = [p for p in re.split(r"[.,\-/&']", term) if p and p not in ENGLISH_STOPWORDS]
        if len(parts) > 1:
            tokens.extend(stem(p) for p in parts)
    return tokens


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}
_COUNT = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"
# Milestones counted from the start: 「6ヶ月後」, "after six months", "3 years from now".
MILESTONE_EN_RE = re.compile(
    r"\b(?:after|in|within)\s+" + _COUNT + r"[\s-](month|year)s?(?![a-z])"
    r"|\b" + _COUNT + r"[\s-](month|year)s?\s+(?:later|from now|in|on)\b", re.ASCII)
MILESTONE_JA_RE = re.compile(r"(\d{1,2})\s*(ヶ月|か月|カ月|年)後")


def milestones(text: str) -> list[str]:
    """One token per milestone named: 「6ヶ月後」 and "after six months" both give
    after-month6, so a question about the six-month mark meets the plan that sets it."""
    found = []
    for count1, unit1, count2, unit2 in MILESTONE_EN_RE.findall(text):
        count, unit = (count1, unit1) if unit1 else (count2, unit2)
        found.append((int(count) if count.isdigit() else NUMBER_WORDS[count], unit))
    found += [(int(n), "year" if u == "年" else "month") for n, u in MILESTONE_JA_RE.findall(text)]
    return [f"after-{unit}{count}" for count, unit in found]


# A plan's length in its own unit: the three-year plan counts years, the one-year plan
# months, the three-month plan weeks (as their headings do: "Year 3", "Month 10-12",
# "Week 9-12").
PLAN_LENGTHS = (
    (re.compile(r"[3三]\s*年(?:間)?(?:の)?(?:プラン|計画)|\b(?:3|three)[\s-]?(?:yr|year)s?[\s-]plan",
                re.ASCII),
     "year", 3),
    (re.compile(r"(?<![\d.])[1一]\s*年(?:間)?(?:の)?(?:プラン|計画)|\b(?:1|one)[\s-]?(?:yr|year)s?[\s-]plan",
                re.ASCII),
     "month", 12),
    (re.compile(r"[3三]\s*(?:ヶ|か|カ)月(?:の)?(?:プラン|計画)|\b(?:3|three)[\s-]?months?[\s-]plan",
                re.ASCII),
     "week", 12),
)
# "the last year", 「最後の4週間」, 「最終年」, 「真ん中の4週間」: a position counted from an
# end or the middle of the plan the question names.
RELATIVE_RE = re.compile(
    r"(最初|はじめ|初め|最後|最終|終わり|さいご|ラスト|真ん中|まんなか)の?\s*(\d{1,2})?\s*"
    r"(年|ヶ月|か月|カ月|月|週間|週)|\b(first|last|final|middle)\s+(\d{1,2}\s+)?"
    r"(years?|months?|weeks?)\b", re.ASCII)
RELATIVE_UNITS = {"年": "year", "ヶ月": "month", "か月": "month", "カ月": "month", "月": "month",
                  "週間": "week", "週": "week"}
RELATIVE_ENDS = {"最初": "first", "はじめ": "first", "初め": "first", "最後": "last",
                 "最終": "last", "終わり": "last", "さいご": "last", "ラスト": "last",
                 "真ん中": "middle",
                 "まんなか": "middle", "first": "first", "last": "last", "final": "last",
                 "middle": "middle"}


def relative_positions(text: str) -> list[tuple[str, str, str]]:
    """The positions a question names by an end or the middle of the one plan it names:
    「三年計画の最後の年」 is Year 3, 「3ヶ月プランの真ん中の4週間」 Weeks 5-8."""
    plans = [(unit, total) for pattern, unit, total in PLAN_LENGTHS if pattern.search(text)]
    if len(plans) != 1:
        return []
    plan_unit, total = plans[0]
    found = []
    for match in RELATIVE_RE.finditer(text):
        if match.group(1):
            end, count, unit = match.group(1), match.group(2), RELATIVE_UNITS[match.group(3)]
        else:
            end, count, unit = match.group(4), match.group(5), match.group(6).rstrip("s")
        size = int(count) if count else 1
        if unit != plan_unit or not 0 < size <= total:
            continue
        start = {"first": 1, "last": total - size + 1,
                 "middle": (total - size) // 2 + 1}[RELATIVE_ENDS[end]]
        found.append((unit, str(start), str(start + size - 1) if size > 1 else ""))
    return found


def plan_positions(text: str) -> list[str]:
    """One token per week, month, year or exercise named, ranges spelled out ("week 5-8"
    → week5 … week8), so "6週目" meets the heading "Week 5-8", "year 2" meets "Year 2" and
    "exercise 2" meets "問題2"."""
    found = [(unit, first, last) for unit, first, last in UNIT_EN_RE.findall(text)]
    found += [(UNIT_JA[unit], first, last) for first, last, unit in UNIT_JA_RE.findall(text)]
    found += [(unit, str(ORDINALS[word]), "") for word, unit in UNIT_ORDINAL_RE.findall(text)]
    found += [("exercise", number, "") for number in EXERCISE_JA_RE.findall(text)]
    found += relative_positions(text)
    tokens = []
    for unit, first, last in found:
        unit = "exercise" if unit == "problem" else unit
        start = int(first)
        end = int(last) if last else start
        if start <= end <= start + MAX_UNIT_SPAN:
            tokens.extend(f"{unit}{n}" for n in range(start, end + 1))
    return tokens + milestones(text)


def tokenize(text: str, positions: bool = True) -> list[str]:
    """Tokens of `text`; `positions=False` leaves out plan positions, for text such as
    glossary aliases that names weeks and years without being about them."""
    text = normalize(text)
    tokens = latin_terms(CJK_RUN_RE.sub(" ", text))
    if positions:
        tokens += plan_positions(text)
    for run in CJK_RUN_RE.findall(text):
        for span in japanese_spans(run):
            tokens.extend(span)
            tokens.extend(cjk_bigrams("".join(span)))
    return tokens


def content_words(text: str) -> list[str]:
    """The words of a question that name its topic: Latin terms and Japanese nouns.
    Japanese verbs and adjectives (終え, 変わっ) say what is asked, not what about."""
    text = normalize(text)
    words = [t for t in latin_terms(CJK_RUN_RE.sub(" ", text)) if not t.isdigit()]
    for run in CJK_RUN_RE.findall(text):
        words.extend(japanese_nouns(run))
    return list(dict.fromkeys(words))


# A word in mixed case is a brand's name wherever it stands ("iPhone", "macOS").
MIXED_CASE_RE = re.compile(r"(?<![A-Za-z0-9])[a-z]+[A-Z][A-Za-z0-9]*")
CAPITALISED_RE = re.compile(r"(?<![.?!:]\s)(?<!^)\b[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")


def proper_nouns(text: str) -> set[str]:
    """The names in a question, as `content_words` spells them: English words capitalised
    inside a sentence ("Germany", "Coursera") and Japanese 固有名詞 ("シンガポール").
    A name says exactly what the question is about, however common the word."""
    text = unicodedata.normalize("NFKC", text).strip()
    names = {stem(m.lower()) for m in CAPITALISED_RE.findall(text) if m != "I"}
    names |= {stem(m.lower()) for m in MIXED_CASE_RE.findall(text)}
    for run in CJK_RUN_RE.findall(text):
        names.update(surface for surface, pos1, pos2 in _tag_detailed(run)
                     if pos1 == "名詞" and pos2 == "固有名詞")
    return names


def english_phrases(text: str, content: int = 3) -> list[str]:
    """The shortest runs of the text's English words that hold `content` words other than
    stopwords, starting and ending on one ("pattern recognition and machine")."""
    words = LATIN_WORD_RUN_RE.findall(normalize(text))
    phrases = []
    for start, first in enumerate(words):
        if first in ENGLISH_STOPWORDS:
            continue
        found = 0
        for end in range(start, len(words)):
            found += words[end] not in ENGLISH_STOPWORDS
            if found == content:
                phrases.append(" ".join(words[start:end + 1]))
                break
    return phrases
