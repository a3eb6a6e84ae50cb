"""Question forms that ask for a kind of section without naming it (knowledge/intents.yaml).

"What is AutoML?" wants the definition section, "Where can I work as an AI researcher?"
the list of organisations; the words that name those sections are added to the query.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.document import KnowledgeError, read_yaml_list

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intent:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    adds: tuple[str, ...]
    # Sections (a heading at any level) that answer only this kind of question: a
    # reference list shares words with every topic it cites, but answers only "which
    # paper?"; an exercise's hint answers only "what's the hint?".
    owns: tuple[str, ...] = ()
    # What any answer to this kind of question contains (a sum of money for "how much does
    # it cost?"). A passage without it cannot answer, however many words it shares.
    expects: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@dataclass(frozen=True)
class Intents:
    intents: tuple[Intent, ...] = ()

    def expand(self, question: str) -> list[str]:
        return added_words(self.matching(question))

    def matching(self, question: str, *inner: str) -> list[Intent]:
        """The kinds the question is, read whole and through each question it wraps in a
        request (`inner`: "what edge ai is" of "can you explain what edge ai is")."""
        texts = [unicodedata.normalize("NFKC", text).lower() for text in (question, *inner)]
        return [intent for intent in self.intents if any(intent.matches(t) for t in texts)]

    def unasked_by_intent(self, asked: frozenset[str]) -> dict[str, set[str]]:
        """Per kind of question other than those asked (`asked_names`), the sections that
        kind owns."""
        return {intent.name: set(intent.owns) for intent in self.intents
                if intent.owns and intent.name not in asked}

    def asked_names(self, question: str) -> set[str]:
        return set(names_of(self.matching(question)))

    def owned_by(self, name: str) -> set[str]:
        """The sections the named kind of question owns (none for an unknown name)."""
        return {s for intent in self.intents if intent.name == name for s in intent.owns}

    def unasked_sections(self, question: str) -> set[str]:
        """Top-level sections owned by a kind of question this question is not."""
        asked = self.asked_names(question)
        return {s for intent in self.intents if intent.name not in asked for s in intent.owns}

    def expected_answers(self, question: str) -> list[re.Pattern[str]]:
        """What an answer to the question must contain, one pattern per matching intent."""
        return expected_of(self.matching(question))


# What the intents a question matches (`Intents.matching`) say of it: a caller that needs
# several of these matches the patterns once.
def added_words(matched: list[Intent]) -> list[str]:
    """The heading words the matched intents add to the query, each once."""
    return list(dict.fromkeys(word for intent in matched for word in intent.adds))


def names_of(matched: list[Intent]) -> frozenset[str]:
    return frozenset(intent.name for intent in matched)


def expected_of(matched: list[Intent]) -> list[re.Pattern[str]]:
    return [intent.expects for intent in matched if intent.expects is not None]


def load_intents(path: Path) -> Intents:
    if not path.exists():
        return Intents()
    entries = read_yaml_list(path, "intents")
    return Intents(tuple(_intent(path, i, e) for i, e in enumerate(entries)))


def _intent(path: Path, index: int, entry: object) -> Intent:
    where = f"{path.name}: intents[{index}]"
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where}: each intent must be a mapping")
    patterns, adds = entry.get("patterns"), entry.get("adds")
    owns = entry.get("owns", [])
    if not isinstance(patterns, list) or not patterns:
        raise KnowledgeError(f"{where}: field 'patterns' must be a non-empty list")
    if not isinstance(adds, list) or not all(isinstance(a, str) for a in adds):
        raise KnowledgeError(f"{where}: field 'adds' must be a list of strings")
    if not isinstance(owns, list) or not all(isinstance(o, str) for o in owns):
        raise KnowledgeError(f"{where}: field 'owns' must be a list of section headings")
    compiled = tuple(_compile(where, "patterns", pattern) for pattern in patterns)
    expects = entry.get("expects")
    expected = None if expects is None else _compile(where, "expects", expects)
    return Intent(str(entry.get("name", index)), compiled, tuple(adds), tuple(owns), expected)


def _compile(where: str, field: str, pattern: object) -> re.Pattern[str]:
    try:
        # ASCII word boundaries: kana around an English word ("どのtoolがいい?") are word
        # characters to Unicode's \b.
        return re.compile(str(pattern), re.IGNORECASE | re.ASCII)
    except re.error as exc:
        raise KnowledgeError(f"{where}: {field} {pattern!r} is not a valid regex: {exc}") from exc
