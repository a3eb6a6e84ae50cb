"""Japanese typed by sound, written as the chapter writes it.

On a phone, and for learners of Japanese, words are often left in hiragana
(「さんこうぶんけん」, 「ひふがん」, 「きばんモデル」) or converted to the wrong kanji of the
same sound (「機会学習」 for 機械学習, 「実戦プロジェクト」 for 実践プロジェクト). The
tagger's own lemma mends single words (tokenize.kana_spelled_nouns) but reads a run of
hiragana erratically (「きばん」 as き + ば + ん). What the chapter writes is known, with
its readings: a sound the chapter spells one way only is that word.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.retrieval.chatforms import LETTER_NAME_RE, to_katakana
from bot.retrieval.tokenize import KANJI_RE, tagged_readings

log = logging.getLogger(__name__)

# Runs of nouns and their affixes: 「解答例」 is 解答 + the suffix 例.
COMPOUND_POS = frozenset({"名詞", "接頭辞", "接尾辞"})
MAX_PARTS = 4
# A sound of three kana is matched only as a whole run of hiragana (「きばんモデル」); inside
# a longer run, three kana are too often grammar (the しょう of でしょう is also 章).
MIN_INNER_KANA = 4
MIN_KANA = 3
HIRAGANA_RUN_RE = re.compile(r"[ぁ-ゖー]+")
KATAKANA_RUN_RE = re.compile(r"[ァ-ヺー]{3,}")
# What ends the word before another in hiragana typed without kanji: a particle.
WORD_BEFORE = ("って", "の", "は", "が", "を", "に", "で", "と", "も", "や")


@dataclass(frozen=True)
class ReadingTable:
    """The chapter's words by their reading in katakana, for the readings it spells one
    way only: its kanji words and compounds, its katakana words, and the glossary's forms
    for readings the chapter lacks."""

    spelled: dict[str, str]

    @classmethod
    def of(cls, text: str, forms: Iterable[str] = ()) -> ReadingTable:
        """`forms`: the glossary's other spellings of the chapter's terms. A reading the
        chapter has is spelled as the chapter spells it; one it lacks, as the glossary does
        (「おきゅうりょう」 is its 給料). A katakana form (ネットフリックス, アルファゴ) is how
        a word the chapter writes in Latin letters is typed by sound, in hiragana as often
        as in katakana (「ねっとふりっくす」)."""
        chapter = _spellings(text)
        glossary = _spellings("\n".join(forms))
        spelled = {}
        for reading, surfaces in (glossary | chapter).items():
            # A katakana word is the sound as typed (アルファゴ, not the form アルファ碁).
            if reading in surfaces or len(surfaces) == 1:
                spelled[reading] = reading if reading in surfaces else next(iter(surfaces))
        return cls(spelled)

    def respell(self, question: str, loanwords: bool = False) -> str:
        """The question with words typed by sound written as the chapter writes them.
        `loanwords`: read everyday loanwords of three kana out of a run of hiragana too
        (「かめら」 in 「てすらのくるまってかめらなんこ」), for a question the caller knows
        to be about the chapter."""
        return self._respell_compounds(self._respell_hiragana(question, loanwords))

    def _respell_hiragana(self, question: str, loanwords: bool = False) -> str:
        """「さんこうぶんけんは」 is about 参考文献: the longest sound the chapter spells,
        left to right. A run the tagger reads as one word of its own (「せんたく」, 洗濯)
        is that word, not the chapter's 選択."""
        if not HIRAGANA_RUN_RE.search(question):
            return question  # nothing typed by sound: no need to tag it
        own_words = {word.surface: word.lemma for word in tagged_readings(question)}
        def mend(match: re.Match[str]) -> str:
            run = match.group(0)
            out, i = [], 0
            while i < len(run):
                found = self._longest_at(run, i, own_words, loanwords)
                if found:
                    out.append(self.spelled[to_katakana(run[i:i + found])])
                    i += found
                else:
                    out.append(run[i])
                    i += 1
            return "".join(out)
        return HIRAGANA_RUN_RE.sub(mend, question)

    def _longest_at(self, run: str, start: int, own_words: dict[str, str | None],
                    loanwords: bool = False) -> int:
        for end in range(len(run), start + MIN_KANA - 1, -1):
            sound = run[start:end]
            whole = start == 0 and end == len(run)
            spelling = self.spelled.get(to_katakana(sound))
            if len(sound) < MIN_INNER_KANA and not whole \
                    and not _short_word_here(run, start, spelling, sound, loanwords):
                continue
            lemma = own_words.get(sound)
            if spelling and not (lemma and KANJI_RE.search(lemma) and lemma != spelling):
                return end - start
        return 0

    def _respell_compounds(self, question: str) -> str:
        """A compound of two or more words that the chapter never writes, with the sound of
        one it does: 「機会学習」 is its 機械学習. A single word is left as typed (「公道」
        is no mistyped 行動)."""
        for run in _noun_runs(question):
            surface = "".join(part for part, _ in run)
            if len(run) < 2 or not KANJI_RE.search(surface):
                continue
            spelling = self.spelled.get("".join(kana for _, kana in run))
            if spelling and spelling != surface:
                question = question.replace(surface, spelling, 1)
        return question


def _spellings(text: str) -> dict[str, set[str]]:
    """The text's spellings of each reading: its katakana words, each its own reading
    (「でーたさいえんてぃすと」 is データサイエンティスト), and its nouns and compounds with
    kanji."""
    spellings: dict[str, set[str]] = {}
    for word in set(KATAKANA_RUN_RE.findall(text)):
        if _loanword(word):
            spellings.setdefault(word, set()).add(word)
    for run in _noun_runs(text):
        for start in range(len(run)):
            for end in range(start + 1, min(len(run), start + MAX_PARTS) + 1):
                surface = "".join(part for part, _ in run[start:end])
                reading = "".join(kana for _, kana in run[start:end])
                if len(reading) >= MIN_KANA and KANJI_RE.search(surface):
                    spellings.setdefault(reading, set()).add(surface)
    return spellings


def _loanword(word: str) -> bool:
    """Whether a katakana word is a foreign sound, which hiragana typing spells too
    (「てすら」): not a Japanese word written in katakana for effect (オススメ, 御勧め),
    which in hiragana is that word itself."""
    # Letters by name (ディー, エムエル) are read as letters: chatforms.spelled_letters.
    if re.fullmatch(f"(?:{LETTER_NAME_RE})+", word):
        return False
    return not any(tagged.lemma and KANJI_RE.search(tagged.lemma)
                   for tagged in tagged_readings(word))


@lru_cache(maxsize=512)
def _everyday_loanword(word: str) -> bool:
    """Whether a katakana word is an everyday English loan (ゲーム, ルール, カメラ: UniDic
    glosses it "ゲーム-game"), which a chat about anything uses, rather than a name
    (テスラ, カグル). Out of a longer run of hiragana, such a word of three kana is read
    only in a question that names a subject of the chapter: 「げーむのかせぎかた」 is no
    question about the chapter's games, 「てすらのくるまってかめらなんこ」 asks of Tesla's
    cameras."""
    return any(tagged.lemma and "-" in tagged.lemma for tagged in tagged_readings(word))


def _short_word_here(run: str, start: int, spelling: str | None, sound: str,
                     loanwords: bool) -> bool:
    """Whether a sound too short to be read inside a run of hiragana is read here all the
    same: a katakana word after a particle, a name (てすら) or, when `loanwords`, any."""
    return spelling == to_katakana(sound) and _word_starts(run, start) \
        and (loanwords or not _everyday_loanword(spelling))


def _word_starts(run: str, start: int) -> bool:
    """Whether a word can begin at `start` of a run of hiragana: at its start or after a
    particle. A katakana word of three kana typed in hiragana (「てすらのくるま」, 「って
    かめら」) is taken there only, not from inside grammar."""
    return start == 0 or run[:start].endswith(WORD_BEFORE)


def _noun_runs(text: str) -> list[list[tuple[str, str]]]:
    """Runs of adjacent nouns (with their affixes), as (surface, reading) pairs."""
    runs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for word in tagged_readings(text):
        if word.pos in COMPOUND_POS and word.kana and not word.surface.isascii():
            current.append((word.surface, word.kana))
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs
