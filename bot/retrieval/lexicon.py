"""English words: their common Japanese translations (JMdict) and parts of speech.

The chapter is Japanese; a learner asks in English. "translator", "cameras" or "champ" are
not in the chapter as English, yet 翻訳, カメラ and チャンピオン are: the "not in the
chapter" line must not name them. The table maps an English word, in each of its inflected
forms ("cameras", "heavier", "attributed"), to the Japanese headwords whose English glosses
are that word, keeping JMdict's common words only (those with a priority mark) so that a
gloss of a rare sense does not make every word translatable.

It also holds what each common English word can be (noun, verb, adjective, adverb): a
missing "subscribers" or "publisher" is what a near miss asks about, a missing "ditch" or
"realistically" is how a learner talks (naming.py weighs that).

data/lexicon.npz is generated from JMdict (jamdict-data, © the Electronic Dictionary
Research and Development Group, CC BY-SA 4.0), LemmInflect's inflection and lemma tables
and wordfreq's English word list, and committed, so the bot imports none of them. After
upgrading them (the `tables` extra), set the versions below and regenerate:

    python -m bot.retrieval.lexicon --build
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.retrieval.generated import build_command
from bot.retrieval.specificity import find_hashed, word_hash, write_npz

TABLE_FILE = Path(__file__).with_name("data") / "lexicon.npz"
SOURCES = {"jamdict-data": "1.5", "lemminflect": "0.2.3", "wordfreq": "3.1.1"}
POS_LETTERS = {"NOUN": "n", "PROPN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}
POS_MIN_ZIPF = 2.5  # the English words whose parts of speech are kept (as specificity.py)
# A gloss is one English word after its parentheses and a leading "to"/"a"/"the" go:
# "(to) translate", "camera", "skin (of a person)". Longer glosses ("world champion") are
# phrases, and the words they would attach to are judged one by one.
GLOSS_WORD_RE = re.compile(r"[a-z][a-z-]*[a-z]")
GLOSS_PARENS_RE = re.compile(r"\([^)]*\)")
GLOSS_ARTICLE_RE = re.compile(r"^(?:to|a|an|the) ")
LICENSE = "JMdict: CC BY-SA 4.0, the Electronic Dictionary Research and Development Group"
_lock = threading.Lock()


# The table, as specificity.py keeps its own (a Python dict of it took 30 MB of a serving
# process): the English words as sorted 64-bit hashes; per word its parts of speech as
# POS_BITS, and the span of its translations, tab-separated, in one UTF-8 blob.
POS_BITS = {letter: 1 << n for n, letter in enumerate("nvar")}
FORM_SEPARATOR = "\t"


@dataclass(frozen=True)
class Lexicon:
    hashes: np.ndarray  # uint64, sorted
    pos: np.ndarray  # uint8 bits of POS_BITS; 0: no part of speech known
    starts: np.ndarray  # uint32: each word's translations in `forms`
    ends: np.ndarray
    forms: bytes  # UTF-8

    def row(self, word: str) -> int | None:
        positions, found = find_hashed(self.hashes, [word.lower()])
        return int(positions[0]) if found[0] else None


@lru_cache(maxsize=1)
def _table() -> Lexicon:
    with _lock, np.load(TABLE_FILE, allow_pickle=False) as data:
        return Lexicon(data["hashes"], data["pos"], data["starts"], data["ends"],
                       data["forms"].tobytes())


def _sources() -> dict[str, str]:
    with np.load(TABLE_FILE, allow_pickle=False) as data:
        return json.loads(str(data["sources"]))


def translations(word: str) -> tuple[str, ...]:
    """The common Japanese words JMdict gives for an English word, or ()."""
    table = _table()
    row = table.row(word)
    if row is None or table.starts[row] == table.ends[row]:
        return ()
    text = table.forms[int(table.starts[row]):int(table.ends[row])].decode("utf-8")
    return tuple(text.split(FORM_SEPARATOR))


def parts_of_speech(word: str) -> str | None:
    """What a common English word can be, as letters of POS_LETTERS ("nv" for "ditch",
    "r" for "realistically"); None for a word the table lacks (a name, a rare word)."""
    table = _table()
    row = table.row(word)
    bits = int(table.pos[row]) if row is not None else 0
    return "".join(letter for letter, bit in POS_BITS.items() if bits & bit) or None


def warm_up() -> None:
    _table()


def gloss_word(gloss: str) -> str | None:
    """The English word a JMdict gloss is, or None for a phrase."""
    text = GLOSS_ARTICLE_RE.sub("", GLOSS_PARENS_RE.sub("", gloss).strip().lower())
    return text if GLOSS_WORD_RE.fullmatch(text) else None


def _headwords(db: sqlite3.Connection) -> dict[int, list[str]]:
    """Each entry's common written forms: its kanji forms, or its kana where it is written
    in kana alone (カメラ), two characters or more."""
    common_kanji = {kid for (kid,) in db.execute("SELECT DISTINCT kid FROM KJP")}
    common_kana = {kid for (kid,) in db.execute("SELECT DISTINCT kid FROM KNP")}
    forms: dict[int, list[str]] = defaultdict(list)
    for kid, entry, text in db.execute("SELECT ID, idseq, text FROM Kanji"):
        if kid in common_kanji:
            forms[entry].append(text)
    with_kanji = {entry for (entry,) in db.execute("SELECT DISTINCT idseq FROM Kanji")}
    for kid, entry, text, no_kanji in db.execute("SELECT ID, idseq, text, nokanji FROM Kana"):
        if kid in common_kana and (entry not in with_kanji or no_kanji):
            forms[entry].append(text)
    return {entry: [f for f in texts if len(f) >= 2] for entry, texts in forms.items()}


def build_words(db_path: Path) -> dict[str, list[str]]:
    from lemminflect import getAllInflections

    db = sqlite3.connect(db_path)
    headwords = _headwords(db)
    by_lemma: dict[str, set[str]] = defaultdict(set)
    query = ("SELECT Sense.idseq, SenseGloss.text FROM SenseGloss "
             "JOIN Sense ON Sense.ID = SenseGloss.sid WHERE SenseGloss.lang = 'eng'")
    for entry, gloss in db.execute(query):
        word = gloss_word(gloss)
        if word and headwords.get(entry):
            by_lemma[word].update(headwords[entry])
    words: dict[str, set[str]] = defaultdict(set)
    for lemma, forms in by_lemma.items():
        inflected = {f for group in getAllInflections(lemma).values() for f in group}
        for form in {lemma} | inflected:
            words[form] |= forms
    return {word: sorted(forms) for word, forms in sorted(words.items())}


def build_parts_of_speech() -> dict[str, str]:
    from lemminflect import getAllLemmas
    from wordfreq import get_frequency_dict

    floor = 10 ** (POS_MIN_ZIPF - 9) * 0.999
    kept: dict[str, str] = {}
    for word, frequency in get_frequency_dict("en").items():
        if frequency < floor or not word.isascii() or not word.isalpha():
            continue
        letters = {POS_LETTERS[tag] for tag in getAllLemmas(word) if tag in POS_LETTERS}
        if letters:
            kept[word] = "".join(letter for letter in POS_BITS if letter in letters)
    return dict(sorted(kept.items()))


def pack(words: dict[str, list[str]], pos: dict[str, str]) -> dict[str, np.ndarray]:
    """The arrays of the table file (see Lexicon) for the words and parts of speech."""
    rows = sorted((word_hash(w), w) for w in set(words) | set(pos))
    hashes = np.array([h for h, _ in rows], dtype=np.uint64)
    if len(np.unique(hashes)) != len(hashes):
        raise ValueError("two English words share a hash: use a longer digest")
    blob = bytearray()
    starts, ends, bits = [], [], []
    for _, word in rows:
        starts.append(len(blob))
        blob += FORM_SEPARATOR.join(words.get(word, ())).encode("utf-8")
        ends.append(len(blob))
        bits.append(sum(POS_BITS[letter] for letter in pos.get(word, "")))
    return {"hashes": hashes, "pos": np.array(bits, dtype=np.uint8),
            "starts": np.array(starts, dtype=np.uint32), "ends": np.array(ends, dtype=np.uint32),
            "forms": np.frombuffer(bytes(blob), dtype=np.uint8),
            "sources": np.array(json.dumps(SOURCES, sort_keys=True)),
            "license": np.array(LICENSE)}


def build() -> int:
    """Write TABLE_FILE from the installed jamdict-data, LemmInflect and wordfreq."""
    from importlib.metadata import version

    for package, pinned in SOURCES.items():
        if version(package) != pinned:
            print(f"{package} {version(package)} is installed, SOURCES says {pinned}: set it "
                  "to the version the table is generated from", file=sys.stderr)
            return 2
    import jamdict_data

    words = build_words(Path(jamdict_data.__file__).with_name("jamdict.db"))
    pos = build_parts_of_speech()
    write_npz(TABLE_FILE, pack(words, pos))
    _table.cache_clear()
    for word in set(words) | set(pos):  # every word reads back as generated
        if translations(word) != tuple(words.get(word, ())) \
                or parts_of_speech(word) != pos.get(word):
            print(f"{word!r} reads back wrong: a hash collision?", file=sys.stderr)
            return 1
    print(f"wrote {TABLE_FILE.name} ({TABLE_FILE.stat().st_size / 1e6:.2f} MB; "
          f"{len(words):,} English words translated, {len(pos):,} with parts of speech)")
    return 0


if __name__ == "__main__":
    build_command("Generate the English-Japanese word table.", TABLE_FILE, build)
