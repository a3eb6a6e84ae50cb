"""How specific a word is, from its frequency in general text (wordfreq's lists).

"tire" or "株価" missing from the best passage says the question is about something else;
"think" or "結果" missing says nothing. Weighting coverage by specificity tells them apart.

The frequencies come from data/wordfreq.npz, a table generated from wordfreq's English and
Japanese lists and committed, so the bot neither imports wordfreq nor holds its lists
(37 MB of a serving process before). Only words more frequent than RARE_ZIPF are kept
(rarer ones weigh fully, as absent ones do): per language, the sorted 64-bit BLAKE2b
hashes of the words and each word's wordfreq bucket (centibels below a frequency of 1,
zipf = 9 - centibels / 100, exactly as wordfreq stores it), about 1 MB. After upgrading
wordfreq (the dev extra), set WORDFREQ_VERSION to it and regenerate:

    python -m bot.retrieval.specificity --build
"""

from __future__ import annotations

import hashlib
import math
import sys
import threading
import zipfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.retrieval.generated import build_command

COMMON_ZIPF = 5.0  # words this frequent ("think", "change", "結果") weigh nothing
RARE_ZIPF = 2.5  # words this rare or rarer ("carbonara", "株価" is 4.1) weigh fully
STEM_ENDINGS = ("", "e", "s", "es", "ing", "ed", "y")
LANGUAGES = ("en", "ja")
TABLE_FILE = Path(__file__).with_name("data") / "wordfreq.npz"
WORDFREQ_VERSION = "3.1.1"  # the wordfreq the table was generated from (pyproject's dev extra)
_lock = threading.Lock()


def word_hash(word: str) -> int:
    """A stable 64-bit hash (not Python's hash(), which changes between processes)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(),
                          "little")


def find_hashed(hashes: np.ndarray, words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows of words in a sorted array of their word_hash values, and which are there."""
    keys = np.array([word_hash(w) for w in words], dtype=np.uint64)
    positions = np.minimum(np.searchsorted(hashes, keys), len(hashes) - 1)
    return positions, hashes[positions] == keys


@lru_cache(maxsize=1)
def _table() -> dict[str, np.ndarray]:
    with _lock, np.load(TABLE_FILE, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def _centibels(words: tuple[str, ...], language: str) -> int | None:
    """The smallest bucket (the highest frequency) among the words in the table, or None."""
    table = _table()
    positions, found = find_hashed(table[f"{language}_hashes"], words)
    buckets = table[f"{language}_centibels"]
    return int(buckets[positions[found]].min()) if found.any() else None


def zipf(word: str, language: str) -> float:
    candidates = tuple(word + e for e in STEM_ENDINGS) if language == "en" else (word,)
    centibels = _centibels(candidates, language)
    if centibels is None:
        return 0.0
    # wordfreq's frequency for that bucket (cB_to_freq), so the figure is exactly its own.
    return math.log10(10 ** (-centibels / 100)) + 9


def specificity(word: str) -> float:
    """0 for everyday words, 1 for rare or unknown ones."""
    language = "en" if word.isascii() else "ja"
    if any(ch.isdigit() for ch in word):
        return 1.0
    value = (COMMON_ZIPF - zipf(word, language)) / (COMMON_ZIPF - RARE_ZIPF)
    return min(1.0, max(0.0, value))


# A long word the lists lack, one keystroke from a word this common, is that word mistyped.
TYPO_MIN_LENGTH = 6
TYPO_ZIPF = 3.5
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=4096)
def misspelled_common(word: str) -> bool:
    """Whether an English word is a common word mistyped ("acording", "numbrs"): absent from
    the lists, and one deletion, insertion, substitution or swap from a word at least as
    common as TYPO_ZIPF. Names the lists lack ("Spotify") are no keystroke from one."""
    if len(word) < TYPO_MIN_LENGTH or not word.isascii() or not word.isalpha() \
            or zipf(word, "en") > 0:
        return False
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    variants |= {a + c + b for a, b in splits for c in LETTERS}
    variants.discard(word)
    centibels = _centibels(tuple(variants), "en")
    return centibels is not None and 9 - centibels / 100 >= TYPO_ZIPF


def warm_up() -> None:
    _table()


def kept_words(language: str) -> dict[str, int]:
    """wordfreq's words above the floor, with their buckets (needs wordfreq installed)."""
    from wordfreq import get_frequency_dict

    floor = 10 ** (RARE_ZIPF - 9) * 0.999
    kept = {}
    for word, frequency in get_frequency_dict(language).items():
        if frequency >= floor:
            centibels = round(-100 * math.log10(frequency))
            if 10 ** (-centibels / 100) != frequency:  # wordfreq stores whole centibels
                raise ValueError(f"{word!r}: {frequency} is not a centibel bucket")
            kept[word] = centibels
    return kept


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed's format, with fixed timestamps: the same lists, the same bytes."""
    path.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as out:
                np.lib.format.write_array(out, array, allow_pickle=False)


def build() -> int:
    """Write TABLE_FILE from the installed wordfreq, then check every kept word."""
    from importlib.metadata import version

    installed = version("wordfreq")
    if installed != WORDFREQ_VERSION:
        print(f"wordfreq {installed} is installed, WORDFREQ_VERSION says {WORDFREQ_VERSION}: "
              "set it to the version the table is generated from", file=sys.stderr)
        return 2
    arrays: dict[str, np.ndarray] = {}
    words = {language: kept_words(language) for language in LANGUAGES}
    for language, kept in words.items():
        pairs = sorted((word_hash(w), c) for w, c in kept.items())
        hashes = np.array([h for h, _ in pairs], dtype=np.uint64)
        if len(np.unique(hashes)) != len(hashes):
            print(f"two {language} words share a hash: use a longer digest", file=sys.stderr)
            return 1
        arrays[f"{language}_hashes"] = hashes
        arrays[f"{language}_centibels"] = np.array([c for _, c in pairs], dtype=np.uint16)
    arrays.update(wordfreq_version=np.array(WORDFREQ_VERSION), rare_zipf=np.array(RARE_ZIPF))
    write_npz(TABLE_FILE, arrays)
    _table.cache_clear()
    for language, kept in words.items():  # every word reads back as wordfreq has it
        wrong = [w for w, c in kept.items() if _centibels((w,), language) != c]
        if wrong:
            print(f"{len(wrong)} {language} words read back wrong: {wrong[:5]}", file=sys.stderr)
            return 1
    sizes = ", ".join(f"{language} {len(kept):,} words" for language, kept in words.items())
    print(f"wrote {TABLE_FILE.name} ({TABLE_FILE.stat().st_size / 1e6:.2f} MB; {sizes}; "
          f"wordfreq {WORDFREQ_VERSION}, zipf >= {RARE_ZIPF})")
    return 0


if __name__ == "__main__":
    build_command("Generate the word-frequency table.", TABLE_FILE, build)
