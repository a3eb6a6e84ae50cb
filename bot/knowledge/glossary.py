"""The chapter's English ↔ Japanese glossary: a study aid and the bridge for English queries."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.knowledge.document import KnowledgeError, read_yaml_list

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    en: str
    ja: str
    aliases_en: tuple[str, ...] = ()
    aliases_ja: tuple[str, ...] = ()
    ask_forms: tuple[str, ...] = ()  # how learners say it where the chapter does not
    note: str = ""
    person: bool = False  # a person's name: what a who-question asks for
    # Its names in capitals are also everyday English words (FAIR, LINE, CLIP): they name
    # the term only when the question writes them in capitals ("Fair dinkum" is no FAIR).
    capitals_only: bool = False

    @property
    def english_forms(self) -> tuple[str, ...]:
        return (self.en, *self.aliases_en)

    @property
    def japanese_forms(self) -> tuple[str, ...]:
        return (self.ja, *self.aliases_ja)

    @property
    def query_forms(self) -> tuple[str, ...]:
        return (*self.english_forms, *self.ask_forms)


POSSESSIVE_RE = re.compile(r"(?<=[a-z0-9])['\u2019]s\b")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


HYPHENATED_RE = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
MIN_CLOSED_UP = 5


def _spellings(form: str) -> list[str]:
    """A hyphenated English form as learners also type it, closed up or spaced:
    "pre-train" is asked as "pretrain" and "pre train", "GPT-4" as "gpt4" and "gpt 4"."""
    if not form.isascii() or not HYPHENATED_RE.search(form):
        return [form]
    closed, spaced = HYPHENATED_RE.sub("", form), HYPHENATED_RE.sub(" ", form)
    return [form, *(v for v in (closed, spaced) if len(closed) >= MIN_CLOSED_UP)]


def fold_question(text: str) -> str:
    """A question folded as the glossary matches it: "Google's translator" names the term
    "google translator", a possessive being no part of a name; 「なにする仕事」 is typed
    for 「何する仕事」, as the glossary's forms write it."""
    return POSSESSIVE_RE.sub("", fold(text)).replace("なに", "何")


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Patterns compile on first use of each form: most never pass the cheap substring
        # test, and compiling ~3,000 at start-up would delay the first answer.
        self._forms = [(variant, term) for term in self.terms for form in term.query_forms
                       for variant in _spellings(fold(form))]
        self._all_forms = self._forms + [(fold(form), term) for term in self.terms
                                         for form in term.japanese_forms]
        self._cache: dict[tuple[str, bool], list[Term]] = {}
        self._capitals = {fold(form): form for term in self.terms if term.capitals_only
                          for form in (*term.english_forms, *term.japanese_forms)
                          if form.isascii() and form.isupper()}
        self._among: dict[frozenset[str] | None, list[tuple[str, Term]]] = {}

    def __len__(self) -> int:
        return len(self.terms)

    def matches(self, query: str) -> list[Term]:
        """Terms the query names in other words than the chapter's (English, or as learners
        say them); a longer phrase wins over the words inside it."""
        return self._matching(query, self._forms)

    def named(self, query: str) -> list[Term]:
        """Terms the query names in any of their forms, the chapter's own included."""
        return self._matching(query, self._all_forms)

    def named_within(self, text: str, among: frozenset[str] | None = None) -> list[Term]:
        """Terms the text names, the words inside a longer name included: "Tesla
        Autopilot" names Tesla as well as Autopilot, 「皮膚癌検出」 skin cancer. `among`:
        only these terms (by English name), for a caller asking per question."""
        folded = fold_question(text)
        return list(dict.fromkeys(term for form, term in self._forms_among(among)
                                  if form in folded and _compiled(form).search(folded)))

    def _forms_among(self, among: frozenset[str] | None) -> list[tuple[str, Term]]:
        forms = self._among.get(among)
        if forms is None:
            forms = self._among[among] = [(form, term) for form, term in self._all_forms
                                          if len(form) >= 2
                                          and (among is None or term.en in among)]
        return forms

    def _matching(self, query: str, forms: list[tuple[str, Term]]) -> list[Term]:
        # Asked several times per question (plan, dense query, subjects): scanning every
        # form is the costly part, so the last questions' matches are kept.
        key = (query, forms is self._all_forms)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 256:
                self._cache.clear()
            cached = self._cache[key] = self._scan(query, forms)
        return list(cached)

    def _scan(self, query: str, forms: list[tuple[str, Term]]) -> list[Term]:
        folded = fold_question(query)
        found = [
            (m.start(), m.end(), term)
            for form, term in forms
            if form and form in folded and self._written_as_named(query, form)
            for m in _compiled(form).finditer(folded)
        ]
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken: list[tuple[int, int]] = []
        terms: list[Term] = []
        for start, end, term in found:
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            if term not in terms:
                terms.append(term)
        return terms

    def _written_as_named(self, query: str, form: str) -> bool:
        capitals = self._capitals.get(form)
        return capitals is None or re.search(
            rf"(?<![A-Za-z0-9]){re.escape(capitals)}(?![A-Za-z0-9])",
            unicodedata.normalize("NFKC", query)) is not None

    def without(self, text: str, terms: list[Term]) -> str:
        """The text, folded, with the terms' English forms taken out where they match as
        they do in a question: whole words, so "R" leaves "price" and "year" alone."""
        folded = fold_question(text)
        for term in terms:
            for form in term.english_forms:
                if fold(form):
                    folded = _compiled(fold(form)).sub(" ", folded)
        return folded

    def expand(self, query: str) -> list[str]:
        """The chapter's wording for every term the query names in other words."""
        found: list[str] = []
        for term in self.matches(query):
            found.extend(f for f in term.japanese_forms if f not in found)
        return found

    def lookup(self, text: str, limit: int = 10) -> list[Term]:
        """Terms matching text in either language: exact first, then prefix, then substring."""
        key = fold(text)
        if not key:
            return []
        ranked: list[tuple[int, int, Term]] = []
        for order, term in enumerate(self.terms):
            forms = [fold(f) for f in (*term.english_forms, *term.japanese_forms)]
            rank = _match_rank(key, forms)
            if rank is not None:
                ranked.append((rank, order, term))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [term for _, _, term in ranked[:limit]]


def _match_rank(key: str, forms: list[str]) -> int | None:
    if key in forms:
        return 0
    if any(f.startswith(key) for f in forms):
        return 1
    if any(key in f for f in forms):
        return 2
    return None


@lru_cache(maxsize=8192)
def _compiled(phrase: str) -> re.Pattern[str]:
    return re.compile(_phrase_pattern(phrase))


def _phrase_pattern(phrase: str) -> str:
    """Latin phrases match as whole words (plural or possessive allowed); anything with
    Japanese in it matches as a substring, since Japanese has no spaces between words."""
    escaped = re.escape(phrase)
    if not phrase.isascii():
        return escaped
    if phrase and phrase[-1].isalnum():
        escaped += r"(?:s|es|'s)?"
    # ASCII-only boundaries: "DSの給料" must find "ds" although "の" is a word character.
    return rf"(?<![a-z0-9]){escaped}(?![a-z0-9])"


def load_glossary(path: Path) -> Glossary:
    if not path.exists():
        log.warning("no glossary at %s: English questions will reach less of the text", path)
        return Glossary()
    entries = read_yaml_list(path, "terms")
    return Glossary([_term(path, i, entry) for i, entry in enumerate(entries)])


def _term(path: Path, index: int, entry: object) -> Term:
    where = f"{path.name}: terms[{index}]"
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where}: each term must be a mapping")
    for key in ("en", "ja"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise KnowledgeError(f"{where}: field '{key}' must be a non-empty string")
    return Term(
        en=entry["en"].strip(),
        ja=entry["ja"].strip(),
        aliases_en=_string_list(where, entry, "aliases_en"),
        aliases_ja=_string_list(where, entry, "aliases_ja"),
        ask_forms=_string_list(where, entry, "ask_forms"),
        note=str(entry.get("note") or "").strip(),
        person=_flag(where, entry, "person"),
        capitals_only=_flag(where, entry, "capitals_only"),
    )


def _flag(where: str, entry: dict, key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise KnowledgeError(f"{where}: field '{key}' must be true or false")
    return value


def _string_list(where: str, entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"{where}: field '{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())
