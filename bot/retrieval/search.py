"""Hybrid search: BM25 over Japanese-aware tokens, fused with dense FAISS scores.

The dense half is optional at any moment: until the embedding model has loaded, search
is lexical only, and it upgrades to hybrid as soon as the model is ready.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.knowledge.chunking import Chunk
from bot.knowledge.glossary import Glossary, Term, fold
from bot.knowledge.intents import Intent, Intents, added_words, expected_of, names_of
from bot.knowledge.lang import detect_language
from bot.knowledge.references import Reference, ReferenceMap
from bot.retrieval.chatforms import (
    asked_part,
    inner_questions,
    question_parts,
    spaced_letters,
    spelled_letters,
    standardize,
)
from bot.retrieval.index import LoadedIndex, passage_text, searchable_text, written_text
from bot.retrieval.lexicon import translations
from bot.retrieval.lines import LineQuestion, asked_list_size, best_scored_line, wants_list
from bot.retrieval.readings import HIRAGANA_RUN_RE, ReadingTable
from bot.retrieval.specificity import zipf
from bot.retrieval.tokenize import (
    CJK_RUN_RE,
    ENGLISH_STOPWORDS,
    english_phrases,
    english_stem,
    japanese_spans,
    kana_spelled_nouns,
    kanji_numerals_in_digits,
    normalize,
    plan_positions,
    tokenize,
)
from bot.retrieval.valuekinds import ValueKind, asked_kinds, countries_in

log = logging.getLogger(__name__)

# The passages the fitted ranking orders: the rest keep the order of the fused score.
RANK_CANDIDATES = 30
RANKING_FILE = Path(__file__).with_name("models") / "ranking.json"
LINE_LOGIT_SCALE = 10.0
# Shorter words share a stem by chance ("news" and "new").
MIN_STEMMED = 5
# The chapter's three study plans, as a question names them and as their headings do.
PLAN_NAMES_RE = {
    "3ヶ月": re.compile(r"(?:3|three)\s*-?\s*(?:ヶ月|か月|カ月|ヵ月|months?)\s*の?\s*"
                      r"(?:プラン|計画|plan)"),
    "1年": re.compile(r"(?<!\d)(?:1|one)\s*-?\s*(?:年|years?)\s*の?\s*(?:プラン|計画|plan)"),
    "3年": re.compile(r"(?<!\d)(?:3|three)\s*-?\s*(?:年|years?)\s*の?\s*(?:プラン|計画|plan)"),
}
PLAN_HEADING_RE = re.compile(r"(3ヶ月|1年|3年)プラン")
# A numbered unit of a section: "Case Study 2: Google翻訳(GNMT)", "Trend 3: …", "Path 1: …".
UNIT_HEADING_RE = re.compile(r"[A-Za-z][A-Za-z ]*\s\d+\s*:")
# A unit's term may come up once in another ("Netflix" among the MLE path's employers).
OTHER_UNIT_MENTIONS = 1
KATAKANA_WORD_RE = re.compile(r"[ァ-ヴ][ァ-ヴー]+")
# A brand written in lower case ("connpass", "deeplearning.ai"), and how common in English
# a word may be and still be taken for one: "pandas" is an animal before a library.
LOWER_NAME_RE = re.compile(r"[a-z][a-z0-9.\-]*")
EVERYDAY_ZIPF = 1.0
# A run of capitalised English words, the way the chapter writes a name in full
# ("Collaborative Filtering", "Over-The-Air"): what an acronym abbreviates.
TITLE_RUN_RE = re.compile(r"[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)+")
ACRONYM_RE = re.compile(r"[A-Za-z]{2,6}")
PRESENT_YEAR_RE = re.compile(r"((?:19|20)\d\d)年現在")
# A word and the number of one of its series: "Level 2", "GPT-4", "Phase 4", "Python 3.11".
NUMBERED_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,})[ \-]?(\d{1,3}(?:\.\d+)?)(?:-(\d{1,3}))?"
                         r"(?![\d.]*\d)(?![A-Za-z%])")
KATAKANA_NUMBERED_RE = re.compile(r"([ァ-ヴ][ァ-ヴー]+)(\d{1,3})(?![\d.%])")
# Times are positions of the plans (plan_positions), not names of a series.
SERIES_TIME_WORDS = frozenset({"year", "years", "month", "months", "week", "weeks", "day",
                               "days", "top"})
SECTION_DEPTH = 2  # "4.1 5つの詳細ケーススタディ › Case Study 5: 医療診断(皮膚癌検出)"
# Sections owned by a kind of question (knowledge/intents.yaml `owns`), one feature per
# kind: the fit weighs an unasked reference list apart from an unasked summary.
OWNER_FEATURES = {"citation": "unasked_citation", "exercise": "unasked_exercise",
                  "summary": "unasked_summary", "hint": "unasked_hint"}
RANK_FEATURES = ("lexical", "dense", "dense_ja", "fused", "inverse_rank", "position_mismatch",
                 *OWNER_FEATURES.values(), "unasked_prompt", "no_answer_kind", "phrase",
                 "best_line", "line_kind_held", "heading_cover", "own_cover", "prompt_passed",
                 "named_tools", "other_unit")
# A product as the chapter writes one in a list of tools: "Tableau", "scikit-learn", "CI/CD".
PRODUCT_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#./\-]*[A-Za-z0-9+#]")
# A line naming this many products lists tools ("Docker、Kubernetes、CI/CD、MLflow").
TOOL_LIST_SIZE = 4
# Kinds of question about what follows an exercise's prompt: its hints, its model answer.
PAST_PROMPT_INTENTS = frozenset({"hint", "model_answer"})


@dataclass(frozen=True)
class Hit:
    position: int  # the chunk's row in the index
    chunk: Chunk
    score: float
    lexical: float
    dense: float | None


@dataclass
class SearchResult:
    query: str
    expanded_terms: list[str]
    matched_terms: list[Term]
    query_tokens: list[str]
    hits: list[Hit]
    mode: str  # "hybrid" or "lexical"
    timings: dict[str, float] = field(default_factory=dict)
    lexical_top: float = 0.0
    dense_top: float | None = None
    # What an answer must contain, by the question's kind (intents.yaml `expects`).
    expected: list[re.Pattern[str]] = field(default_factory=list)
    lines: LineQuestion | None = None  # what answer-line choice needs of the question
    # A who-question about a named subject of the chapter (Retriever.holds_answer).
    asks_person: bool = False
    intents: frozenset[str] = frozenset()  # the kinds of question it is (intents.yaml)


@dataclass
class QueryPlan:
    text: str
    matched_terms: list[Term]
    expanded_terms: list[str]
    tokens: list[str]
    expected: list[re.Pattern[str]] = field(default_factory=list)
    lines: LineQuestion | None = None
    intents: frozenset[str] = frozenset()  # the kinds of question it is (intents.yaml)
    asks_person: bool = False


def named_tools(line: str) -> float:
    """How fully a line lists products, 0 to 1: what a question about tools wants shown."""
    names = {name.lower() for name in PRODUCT_NAME_RE.findall(line)}
    return min(len(names), TOOL_LIST_SIZE) / TOOL_LIST_SIZE


def _is_series_word(word: str) -> bool:
    """"Level" of "Level 2" names a series; "was" of "was 20 years" and "week" of a plan's
    "Week 9-12" (plan_positions reads those) do not."""
    folded = word.lower()
    return folded not in SERIES_TIME_WORDS and folded not in ENGLISH_STOPWORDS


@lru_cache(maxsize=1)
def load_ranking(path: Path = RANKING_FILE) -> tuple[float, np.ndarray]:
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = data["weights"]
    return float(data["bias"]), np.array([float(weights.get(n, 0.0)) for n in RANK_FEATURES])


def _only_one(forms: Iterable[str], texts: list[str]) -> list[int]:
    """The texts that one of the forms singles out: a form in exactly one of them. "Tesla"
    or "皮膚癌" names one section's heading, "機械学習" or "arXiv" names none."""
    found = []
    for form in forms:
        holding = [i for i, text in enumerate(texts) if len(form) >= 3 and form in text]
        if len(holding) == 1:
            found.extend(holding)
    return found


def expansion_tokens(query: str, query_tokens: list[str], expanded: list[str],
                     synonyms: Iterable[str] = ()) -> list[str]:
    """Tokens of the glossary's other names for the question's terms. A Japanese question
    already holds the chapter's words, so its synonyms add each new token once and do not
    outweigh the rest of the question ("3年計画の問題のヒント" is about the hint, not about
    a plan spelled four ways). An English question has no Japanese words: the translations
    are its whole weight and count in full.

    `synonyms` are the forms of the terms a Japanese question names in Japanese already
    (画像認識 for コンピュータビジョン): they add their words but not the katakana bigrams
    of their loanwords, which would outweigh the question's own words (「国内の画像認識系の
    学会」 is about 国内 as much as about images). A term named in Latin letters (DS, MLE)
    has no other Japanese words in the question, and its forms count as translations."""
    tokens = tokenize(" ".join(expanded))
    if detect_language(query) != "ja":
        return tokens
    own = set(query_tokens)
    synonyms = set(synonyms)
    translated = set(tokenize(" ".join(f for f in expanded if f not in synonyms)))
    words = {w for f in synonyms for run in CJK_RUN_RE.findall(normalize(f))
             for span in japanese_spans(run) for w in span}
    return [t for t in dict.fromkeys(tokens) if t not in own
            and (t in translated or t in words or not KATAKANA_BIGRAM_RE.fullmatch(t))]


KATAKANA_BIGRAM_RE = re.compile(r"[ァ-ヴー]{2}")
# Latin letters and digits: what is left of a question without them is its Japanese.
LATIN_RUN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.]*")


class Retriever:
    def __init__(self, index: LoadedIndex, glossary: Glossary, settings: Settings,
                 embedder=None, intents: Intents | None = None,
                 references: ReferenceMap | None = None) -> None:
        self.index = index
        self.glossary = glossary
        self.intents = intents or Intents()
        # The glossary's people as the chapter writes them (李世ドル), folded.
        self._person_names = tuple(fold(form) for term in glossary.terms if term.person
                                   for form in term.japanese_forms if len(form) >= 2)
        self._people_pattern = "|".join(re.escape(name) for name in self._person_names)
        self.references = references or ReferenceMap({})
        self.settings = settings
        self.embedder = embedder
        self.chunks = index.chunks
        self._by_id = {chunk.chunk_id: chunk for chunk in self.chunks}
        # Per passage, filled on first use: most passages are never anyone's best answer.
        self._folded: dict[int, str] = {}
        self._own: dict[int, set[str]] = {}
        self._heading_positions = [set(plan_positions(normalize(c.path_text)))
                                   for c in self.chunks]
        self._positioned = [i for i, own in enumerate(self._heading_positions) if own]
        # The plan a passage belongs to: the plan heading it sits under, not one its own
        # heading mentions ("1年プラン › Month 1-3: 基礎(3ヶ月プラン)" is the one-year plan's).
        self._plans = [next((m.group(1) for h in c.heading_path[:-1] or c.heading_path
                             if (m := PLAN_HEADING_RE.match(h))), None) for c in self.chunks]
        self._depths = np.array([len(c.heading_path) for c in self.chunks])
        self._answer_kinds: dict[re.Pattern[str], np.ndarray] = {}
        self._under: dict[frozenset[str], np.ndarray] = {}
        self._katakana: frozenset[str] | None = None
        self._folded_chapter: str | None = None
        self._chapter_text: str | None = None
        self._initialisms: frozenset[str] | None = None
        self._series: dict[str, set[str]] | None = None
        self._sections: dict[tuple[str, ...], str] = {}
        self._cross_topic = {heading for intent in self.intents.intents
                             for heading in intent.owns}
        self._token_weights: dict[str, float] = {}
        self._headings: dict[int, frozenset[str]] = {}
        self._cited: tuple[list[Reference], list[str], list[str]] | None = None
        self._stem_forms: dict[str, str] | None = None
        self._unit_of, self._unit_headings, self._unit_topics = self._numbered_units()
        # The terms a question is read for, to tell its units: the units' headings'.
        self._unit_terms = frozenset().union(*self._unit_headings.values())

    def _numbered_units(self) -> tuple[list[str | None], dict[str, frozenset[str]],
                                       dict[str, frozenset[str]]]:
        """Per passage, the numbered unit it sits in (the case study, trend or career path
        of its second heading); per unit, the glossary terms its heading names, and those
        of them other units' passages mention once at most: "Google Translate", "Tesla" and
        "Netflix" (once among the MLE path's employers) name case studies 2, 3 and 1;
        "Google" (in the AutoML and edge AI tools, the employers) and 「モデル」 none."""
        unit_of = [next((h for h in c.heading_path[1:2] if UNIT_HEADING_RE.match(h)), None)
                   for c in self.chunks]
        # Passages mentioning each term, in all units and in each.
        everywhere: Counter[str] = Counter()
        within: Counter[tuple[str, str]] = Counter()
        for chunk, unit in zip(self.chunks, unit_of, strict=True):
            if unit:
                terms = {term.en for term in self.glossary.named_within(
                    f"{chunk.path_text}\n{chunk.text}")}
                everywhere.update(terms)
                within.update((unit, en) for en in terms)
        headings = {unit: frozenset(term.en for term in self.glossary.named_within(unit))
                    for unit in unit_of if unit}
        return unit_of, headings, {
            unit: frozenset(en for en in named
                            if everywhere[en] - within[unit, en] <= OTHER_UNIT_MENTIONS)
            for unit, named in headings.items()}

    def asked_units(self, text: str) -> set[str]:
        """The numbered units whose own terms the text names."""
        return self._units_named_by(self._unit_terms_named(text))

    def _unit_terms_named(self, text: str) -> set[str]:
        return {term.en for term in self.glossary.named_within(text, self._unit_terms)}

    def _units_named_by(self, terms: set[str]) -> set[str]:
        return {unit for unit, own in self._unit_topics.items() if own & terms}

    def other_units(self, text: str) -> np.ndarray:
        """Per passage, 1 for one of a numbered unit the question does not name when it
        names one: "Google Translate's approach" is not AlphaGo's 技術的アプローチ. A unit
        whose heading names a term of the question is named ("DS vs MLE": データサイエン
        ティスト is in other units' text too, but it heads path 1)."""
        asked = self._unit_terms_named(text)
        units = self._units_named_by(asked)
        if not units:
            return np.zeros(len(self.chunks), dtype=np.float32)
        named = {unit for unit, terms in self._unit_headings.items() if terms & asked}
        return np.array([float(unit is not None and unit not in units | named)
                         for unit in self._unit_of], dtype=np.float32)

    def chunk_by_id(self, chunk_id: str) -> Chunk:
        return self._by_id[chunk_id]

    @property
    def dense_ready(self) -> bool:
        return self.embedder is not None and self.embedder.loaded

    def subjects(self, text: str) -> set[str]:
        return {term.en for term in self.subject_terms(text)}

    def subject_terms(self, text: str) -> list[Term]:
        """The named things a text is about: glossary terms whose English name is a name
        ("Google Translate", "Netflix", not "accuracy"), however the text spells them."""
        return [term for term in self.glossary.named(text) if self._is_name(term.en)]

    def _is_name(self, english: str) -> bool:
        """Whether a glossary term's English name is a name: capitalised, or a word of no
        English that the chapter writes as it is (connpass, scikit-learn, seaborn): brands
        written in lower case are names all the same."""
        return english[:1].isupper() or (LOWER_NAME_RE.fullmatch(english) is not None
                                         and zipf(english, "en") < EVERYDAY_ZIPF
                                         and self.writes(english))

    def holds_answer(self, position: int, result: SearchResult) -> bool:
        """Whether a passage holds the kinds of answer the question's intents expect; for a
        who-question about a chapter subject, a person of the glossary in any script."""
        return self.has_answer_kind(position, result.expected) or (
            result.asks_person and self.names_person(self.chunks[position].text))

    def names_person(self, text: str) -> bool:
        """Whether a text names a person of the glossary, in the chapter's own script:
        李世ドル is a name as much as "Silver, D.", which the person intent's pattern sees."""
        folded = fold(text)
        return any(name in folded for name in self._person_names)

    def plan(self, query: str, context: str = "") -> QueryPlan:
        # Chat shorthand spelled out, kana in the chapter's kanji and Latin letters.
        query = kanji_numerals_in_digits(standardize(query))
        query = self.latin_spelled(self.kanji_spelled(self._respelled(query)))
        own_subjects = self.subjects(query)
        if context and own_subjects and not own_subjects & self.subjects(context):
            context = ""  # a new subject replaces the old one
        matched = self.glossary.matches(f"{context} {query}")
        # The question's kinds, matched once, also through the question a request wraps.
        asked = self.intents.matching(query, *inner_questions(query))
        expanded, tokens = self._expanded(query, matched, asked)
        if context:
            # Earlier turns count once, the new question twice: "what about its accuracy?"
            # after a question on Netflix's value is about accuracy first.
            tokens += tokens + [t for t in tokenize(context) if t not in tokens]
        intents = names_of(asked)
        expected = expected_of(asked)
        # What the asker says of themself asks for nothing: "I'm a retired teacher" asks
        # what became of no one, "As a German student" about no country.
        own_part = asked_part(query)
        lines = LineQuestion(tokens=frozenset(tokens), weight=self.token_weight,
                             kinds=self._asked_kinds(own_part),
                             citation_asked="citation" in intents, wants_list=wants_list(query),
                             list_size=asked_list_size(query),
                             cited=self.cited_for(query) or self.cited_for(context),
                             countries=countries_in(own_part),
                             parts=tuple(self._part_lines(part)
                                         for part in question_parts(own_part)))
        # A who-question, and nothing else its intents expect, about a named subject of the
        # chapter: "AlphaGoに負けた世界チャンピオンは誰?", not "who won the world cup?".
        asks_person = "person" in intents and len(expected) == 1 and bool(own_subjects)
        return QueryPlan(query, matched, expanded, tokens, expected, lines, intents, asks_person)

    def _expanded(self, query: str, matched: list[Term],
                  asked: list[Intent]) -> tuple[list[str], list[str]]:
        """The chapter's words for the question's terms and kinds (the glossary's forms, the
        intents' added words), and the question's tokens with theirs."""
        expanded = list(dict.fromkeys(f for t in matched for f in t.japanese_forms))
        expanded += [w for w in added_words(asked) if w not in expanded]
        tokens = tokenize(query)
        # Only a Japanese question has synonyms of its own words to weigh less.
        synonyms = self._named_in_japanese(query) if detect_language(query) == "ja" else ()
        tokens += expansion_tokens(query, tokens, expanded, synonyms)
        return expanded, tokens

    def _part_lines(self, part: str) -> LineQuestion:
        """What line choice needs of one question of a message that asks several: its own
        words, the glossary's names for its terms and the kinds of value it asks for."""
        asked = self.intents.matching(part)
        _, tokens = self._expanded(part, self.glossary.matches(part), asked)
        return LineQuestion(tokens=frozenset(tokens), weight=self.token_weight,
                            kinds=self._asked_kinds(part),
                            citation_asked="citation" in names_of(asked),
                            wants_list=wants_list(part), list_size=asked_list_size(part),
                            countries=countries_in(part))

    def _named_in_japanese(self, query: str) -> list[str]:
        """The Japanese forms of the terms a question names in its Japanese words."""
        return [f for term in self.glossary.matches(LATIN_RUN_RE.sub(" ", query))
                for f in term.japanese_forms]

    def _respelled(self, query: str) -> str:
        """Words typed by sound as the chapter writes them (readings.py); everyday loanwords
        of three kana too once the question names a subject of the chapter (「てすら」)."""
        respelled = self.readings.respell(query)
        # Without hiragana there is no loanword to read: the second reading would be the same.
        if not HIRAGANA_RUN_RE.search(query) or not self.subjects(respelled):
            return respelled
        return self.readings.respell(query, loanwords=True)

    def kanji_spelled(self, query: str) -> str:
        """The question with nouns left in hiragana written as the chapter writes them:
        「さいしょの4週間は なにを べんきょうする?」 asks about 最初 and 勉強. Only a
        spelling the chapter (or the index, glossary names included) uses replaces the
        kana, so a misreading of the tagger (「れい」 as 礼, not 例) leaves the word as
        typed."""
        for surface, kanji in kana_spelled_nouns(query):
            if self.chapter_writes(kanji) or self.knows(normalize(kanji)):
                query = query.replace(surface, kanji, 1)
        return query

    def latin_spelled(self, query: str) -> str:
        """The question with Latin letters typed as katakana written as the chapter writes
        them: 「エッジエーアイ」 is its エッジAI, 「アイオーティー」 its IoT. Letters the
        chapter never writes as a word stay as typed (アイ is also "eye")."""
        for spelled, letters in spelled_letters(query):
            written = self._written_letters(letters)
            if written:
                query = query.replace(spelled, written, 1)
        # Dictated letters ("g p t four", "edge a i") likewise, as a word of their own.
        for spelled, letters in spaced_letters(query):
            written = self._written_letters(letters)
            typed = re.search(rf"(?<![\w']){re.escape(spelled)}(?![\w'])", query)
            if written and typed:
                query = f"{query[:typed.start()]}{written}{query[typed.end():]}"
        return query

    def _written_letters(self, letters: str) -> str | None:
        """The chapter's own spelling of a run of letters it writes as a word ("GPT")."""
        written = re.search(rf"(?<![A-Za-z0-9]){letters}(?![A-Za-z0-9])",
                            self._written_text(), re.IGNORECASE)
        return written.group(0) if written else None

    def chapter_writes(self, text: str) -> bool:
        """Whether the text occurs anywhere in the chapter, as search reads it."""
        if self._folded_chapter is None:
            self._folded_chapter = "\n".join(self.passage_folded(i)
                                              for i in range(len(self.chunks)))
        return normalize(text) in self._folded_chapter

    def cited_for(self, text: str) -> tuple[str, ...]:
        """The starts of the reference entries a text asks about: an entry the text names
        (the glossary's "AlphaGo paper" is the entry's title), or one that backs a section
        the text names by its heading: "the Tesla paper" is the entry references.yaml gives
        for "Case Study 3: Tesla Autopilot(自動運転)"."""
        references, headings, entries = self._cited_sections()
        chosen: set[int] = set()
        for term in self.glossary.named(text):
            chosen.update(_only_one(term.japanese_forms, entries))
            chosen.update(_only_one([fold(f) for f in (*term.english_forms,
                                                      *term.japanese_forms)], headings))
        return tuple(references[i].head for i in sorted(chosen))

    def _cited_sections(self) -> tuple[list[Reference], list[str], list[str]]:
        """The chapter's cited references, with the folded own heading of the section each
        backs and the entry's text: built once, asked twice per question."""
        if self._cited is None:
            references = [ref for refs in self.references.by_chapter.values() for ref in refs]
            self._cited = (references,
                           [fold(ref.section_path.split(" › ")[-1]) for ref in references],
                           [ref.entry for ref in references])
        return self._cited

    def lexical_scores(self, plan: QueryPlan) -> np.ndarray:
        retriever = self.index.lexical
        known = [t for t in plan.tokens if t in retriever.vocab_dict]
        if not known:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(retriever.get_scores(known), dtype=np.float32)

    def passage_says(self, position: int, token: str) -> bool:
        """Whether the passage's own words (heading path and body) include the token. The
        glossary names added to the index for search do not count: "subscriber churn" is
        indexed with the churn passage, which still says nothing about subscribers."""
        return token in self._own_words(position)

    def passage_folded(self, position: int) -> str:
        """The passage as search reads it (searchable_text), normalised. Kept apart from
        its tokens: reading the whole chapter's text (chapter_writes) tokenizes nothing."""
        folded = self._folded.get(position)
        if folded is None:
            folded = self._folded[position] = normalize(
                searchable_text(self.chunks[position], self.references))
        return folded

    def _asked_kinds(self, query: str) -> tuple[ValueKind, ...]:
        """The kinds of value asked, less one that only a name asks: the "Prize" of
        "Netflix Prize 優勝チームの名前" asks for no sum, but a name. Alone, such a kind is
        kept: "How much was the Netflix Prize?" asks for the sum. `query`: the asked part
        (chatforms.asked_part)."""
        kinds = [self._with_people(kind) if kind.name == "name" else kind
                 for kind in asked_kinds(query, self._chapter_words_for)]
        if len(kinds) < 2:
            return tuple(kinds)
        unnamed = self.glossary.without(query, self.subject_terms(query))
        left = {kind.name for kind in asked_kinds(unnamed)}
        return tuple(kind for kind in kinds if kind.name in left) or tuple(kinds)

    def _with_people(self, kind: ValueKind) -> ValueKind:
        """The name kind held by the glossary's people too, as the chapter writes them:
        「李世ドル」 and 「柯潔」 are names, which no pattern of letters sees."""
        if not self._people_pattern:
            return kind
        return replace(kind, held=re.compile(f"{kind.held.pattern}|{self._people_pattern}",
                                             kind.held.flags))

    def _chapter_words_for(self, noun: str) -> tuple[str, ...]:
        """The chapter's words for a noun the glossary reads as a term's (写真: 画像), so a
        count of 「写真何枚」 is held by 「129,450枚の皮膚病変画像」."""
        return tuple(form for term in self.glossary.matches(noun) for form in term.japanese_forms)

    def _own_words(self, position: int) -> set[str]:
        own = self._own.get(position)
        if own is None:
            own = self._own[position] = set(tokenize(self.passage_folded(position)))
        return own

    def has_answer_kind(self, position: int, expected: list[re.Pattern[str]]) -> bool:
        """Whether the passage holds what the question's kind asks for (a sum of money for
        "What does it cost?"); True for questions that expect nothing in particular."""
        return all(self._holds(pattern)[position] for pattern in expected)

    def _holds(self, pattern: re.Pattern[str]) -> np.ndarray:
        holds = self._answer_kinds.get(pattern)
        if holds is None:
            holds = np.array([bool(pattern.search(passage_text(c)))
                              for c in self.chunks])
            self._answer_kinds[pattern] = holds
        return holds

    def chapter_form(self, word: str) -> str:
        """The chapter's own word for an English word of another form, or the word: one
        Snowball stem makes "encoding" its "Encoder" and "translator" its "Translation",
        which the index's plural-only stemming keeps apart."""
        if not (word.isascii() and word.isalpha()) or self.knows(word):
            return word
        return self._stems().get(english_stem(word), word)

    def _stems(self) -> dict[str, str]:
        if self._stem_forms is None:
            forms: dict[str, str] = {}
            for token in sorted(self.index.lexical.vocab_dict):
                if token.isascii() and token.isalpha() and len(token) >= MIN_STEMMED:
                    forms.setdefault(english_stem(token), token)
            self._stem_forms = forms
        return self._stem_forms

    def chapter_says(self, token: str) -> bool:
        """Whether any passage's own words include the token: the index postings narrow
        the search to the passages indexed with it, glossary names included."""
        if not self.knows(token):
            return False
        indexed = np.nonzero(self.index.lexical.get_scores([token]))[0]
        return any(self.passage_says(int(position), token) for position in indexed)

    def says_in_japanese(self, word: str) -> bool:
        """Whether the chapter has a common Japanese translation of an English word: it
        says "cameras" as カメラ and "skin" as 皮膚 (lexicon.py)."""
        return word.isascii() and any(self.chapter_writes(form) for form in translations(word))

    def writes(self, spelling: str) -> bool:
        """Whether the chapter writes a Latin word exactly as given, case and all, as a
        whole word: "IT" of its 「IT企業」, which search reads as the stopword "it"."""
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(spelling)}(?![A-Za-z0-9])",
                         self._written_text()) is not None

    @cached_property
    def readings(self) -> ReadingTable:
        """The chapter's words by their sound, for questions typed by sound (readings.py),
        as the index build read them."""
        return ReadingTable(self.index.readings)

    @cached_property
    def present_year(self) -> int | None:
        """The year the chapter writes as its present (「100億マイル以上(2024年現在)」):
        what "now" asks of it. None when it names none."""
        years = [int(y) for y in PRESENT_YEAR_RE.findall(self._written_text())]
        return max(years) if years else None

    def _written_text(self) -> str:
        """The chapter as written (case and all, unlike chapter_writes' folded text)."""
        if self._chapter_text is None:
            self._chapter_text = written_text(self.chunks)
        return self._chapter_text

    def abbreviates(self, spelling: str) -> bool:
        """Whether a word is the acronym of a name the chapter writes in full: "CF" is its
        Collaborative Filtering and "OTA" its Over-The-Air, though it never writes them so."""
        return bool(ACRONYM_RE.fullmatch(spelling)) and spelling.upper() in self._acronyms()

    def _acronyms(self) -> frozenset[str]:
        if self._initialisms is None:
            found = set()
            for run in TITLE_RUN_RE.findall(self._written_text()):
                initials = "".join(word[0] for word in re.split(r"[ \-]", run))
                found.update(initials[start:end] for start in range(len(initials))
                             for end in range(start + 2, min(len(initials), start + 6) + 1))
            self._initialisms = frozenset(found)
        return self._initialisms

    def unwritten_numbers(self, query: str) -> list[str]:
        """The numbered names of the question, as it spells them, that the chapter writes
        with other numbers only: it knows Tesla's "Level 2", so "Level 4" (or 「レベル4」)
        is something it never covers, as much as a year it never names; so are "GPT-5"
        beside its GPT-4 and "Case Study 7" beside its five. A word the chapter never
        numbers is no series."""
        series = self._numbered_series()
        return [spelling for word, number, spelling in self._numbered_in(query)
                if series.get(word.lower()) and number not in series[word.lower()]]

    def _numbered_in(self, query: str) -> list[tuple[str, str, str]]:
        text = unicodedata.normalize("NFKC", query)
        found = [(m.group(1), m.group(2), m.group(0)) for m in NUMBERED_RE.finditer(text)
                 if m.group(3) is None]
        # 「レベル4」: the series' Latin word is the glossary's for the katakana one.
        for match in KATAKANA_NUMBERED_RE.finditer(text):
            latin = self._latin_series_word(match.group(1), match.group(2))
            if latin:
                found.append((latin, match.group(2), match.group(0)))
        return [named for named in found if _is_series_word(named[0])]

    def _latin_series_word(self, katakana: str, number: str) -> str | None:
        for term in self.glossary.named(katakana + number):
            for form in term.query_forms:
                match = NUMBERED_RE.fullmatch(form)
                if match and match.group(2) == number:
                    return match.group(1)
        return None

    def _numbered_series(self) -> dict[str, set[str]]:
        """Per word the chapter numbers, the numbers it gives it; a range ("Week 9-12")
        counts every number in it."""
        if self._series is None:
            series: dict[str, set[str]] = {}
            for match in NUMBERED_RE.finditer(self._written_text()):
                word, first, last = match.group(1).lower(), match.group(2), match.group(3)
                if not _is_series_word(word):
                    continue
                numbers = series.setdefault(word, set())
                if last is not None and first.isdigit():
                    numbers.update(str(n) for n in range(int(first), int(last) + 1))
                else:
                    numbers.add(first)
            self._series = series
        return self._series

    def section_text(self, position: int) -> str:
        """The text of the section the passage belongs to (its first two headings): a
        case study, a trend, a career path."""
        path = self.chunks[position].heading_path
        if self._cross_topic.intersection(path):
            # The summary, the exercises and the references span every topic: a name
            # elsewhere in them says nothing about this passage.
            return ""
        key = tuple(path[:SECTION_DEPTH])
        text = self._sections.get(key)
        if text is None:
            text = self._sections[key] = "\n".join(
                f"{c.path_text}\n{c.text}" for c in self.chunks
                if tuple(c.heading_path[:SECTION_DEPTH]) == key)
        return text

    def clipped_katakana(self, word: str) -> bool:
        """Whether the word is the clipped form of a katakana word of the chapter:
        Japanese shortens loanwords by their head ("モチベ" for モチベーション, "コミュ"
        for コミュニティ), so the chapter does say it."""
        if len(word) < 3 or not KATAKANA_WORD_RE.fullmatch(word):
            return False
        return any(own.startswith(word) and own != word for own in self._katakana_words())

    def _katakana_words(self) -> frozenset[str]:
        if self._katakana is None:
            self._katakana = frozenset(
                w for chunk in self.chunks
                for w in KATAKANA_WORD_RE.findall(f"{chunk.path_text}\n{chunk.text}"))
        return self._katakana

    def knows(self, token: str) -> bool:
        return token in self.index.lexical.vocab_dict

    def token_weight(self, token: str) -> float:
        """How much a question token says about which line answers: its inverse document
        frequency over the passages (a token the index lacks weighs as the rarest)."""
        weight = self._token_weights.get(token)
        if weight is None:
            count = len(self.chunks)
            found = (int(np.count_nonzero(self.index.lexical.get_scores([token])))
                     if self.knows(token) else 0)
            weight = self._token_weights[token] = math.log1p(count / (1 + found))
        return weight

    def encode(self, plan: QueryPlan, context: str = "") -> np.ndarray:
        return self.embedder.encode_queries([self.dense_query(plan, context)])[0]

    def dense_query(self, plan: QueryPlan, context: str = "") -> str:
        """What the embedding model reads. A Japanese question is read through the
        glossary's English names of its terms: the packaged model is English-only (most
        kanji are unknown to it), while every passage is embedded with the English names
        and notes of its terms."""
        if detect_language(plan.text) != "ja" or self.settings.dense_weight("ja") > 0:
            return " ".join([context, plan.text, *plan.expanded_terms]).strip()
        terms = self.glossary.named(f"{context} {plan.text}")
        english = [form for term in terms for form in (term.en, term.note) if form]
        latin = re.findall(r"[A-Za-z][A-Za-z0-9.\-]*", plan.text)
        return " ".join(dict.fromkeys([*latin, *english])) or plan.text

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        count = len(self.chunks)
        scores, ids = self.index.vectors.search(vector.reshape(1, -1), count)
        dense = np.zeros(count, dtype=np.float32)
        valid = ids[0] >= 0
        dense[ids[0][valid]] = scores[0][valid]
        return dense

    def ranking_examples(self, query: str, use_dense: bool) -> tuple[np.ndarray, np.ndarray]:
        """The candidate passages of a question and their RANK_FEATURES rows, as the
        fitted ranking sees them (for benchmarks/fit_models.py)."""
        plan = self.plan(query)
        lexical = self.lexical_scores(plan)
        dense = (self.dense_scores(self.encode(plan))
                 if use_dense and self.dense_ready else None)
        return self._candidates(plan, lexical, dense)

    def search(self, query: str, k: int = 10, context: str = "",
               use_dense: bool = True) -> SearchResult:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        plan = self.plan(query, context)
        vector = None
        if use_dense and self.dense_ready:
            vector = self.encode(plan, context)
        timings["encode"] = time.perf_counter() - started
        mark = time.perf_counter()
        lexical = self.lexical_scores(plan)
        dense = self.dense_scores(vector) if vector is not None else None
        result = self._fuse(plan, lexical, dense, k)
        timings["search"] = time.perf_counter() - mark
        result.timings = timings
        return result

    def section_flags(self, plan: QueryPlan, candidates: np.ndarray) -> dict[str, np.ndarray]:
        """Per passage, 0/1: a section owned by a kind of question this one is not (the
        reference list, the exercises) and, under it, an exercise's own wording; a heading
        naming another week, month, year or exercise than the question asks about ("the
        second year" is not about "Year 1", however many plan words the two share); how
        many of the kinds of answer the question expects the passage lacks; and a run of
        the question's English words held verbatim (a title). The fitted ranking weighs
        them."""
        unasked = self.intents.unasked_by_intent(plan.intents)
        owned_by = {OWNER_FEATURES[name]: self._under_any(headings)
                    for name, headings in unasked.items() if name in OWNER_FEATURES}
        owned = self._under_any({h for hs in unasked.values() for h in hs})
        mismatch = np.zeros(len(self.chunks), dtype=np.float32)
        asked = set(plan_positions(normalize(plan.text)))
        if asked:
            units = {position.rstrip("0123456789") for position in asked}
            for i in self._positioned:
                same_unit = {p for p in self._heading_positions[i]
                             if p.rstrip("0123456789") in units}
                if same_unit and not same_unit & asked:
                    mismatch[i] = 1.0
        # A study plan is a position too: "the first month of the three-month plan" is not
        # in the one-year plan, whose "Month 1-3" points back to it.
        question = normalize(plan.text)
        plans = {name for name, pattern in PLAN_NAMES_RE.items() if pattern.search(question)}
        if len(plans) == 1:
            for i, own in enumerate(self._plans):
                if own is not None and own not in plans:
                    mismatch[i] = 1.0
        lacking = np.zeros(len(self.chunks), dtype=np.float32)
        for pattern in plan.expected:
            lacking += ~self._holds(pattern)
        none = np.zeros(len(self.chunks), dtype=np.float32)
        return {**{feature: owned_by.get(feature, none).astype(np.float32)
                   for feature in OWNER_FEATURES.values()},
                "unasked_prompt": (owned & (self._depths == 2)).astype(np.float32),
                "prompt_passed": self._prompts_passed(plan),
                "position_mismatch": mismatch, "no_answer_kind": lacking,
                "other_unit": self.other_units(plan.text),
                "phrase": self._verbatim_phrases(plan, candidates)}

    def _prompts_passed(self, plan: QueryPlan) -> np.ndarray:
        """Per passage, 1 for an exercise's own prompt when the question asks for its hints
        or its model answer: "exercise 1 sample answer, which case study?" shares its
        words with the prompt ("5つのケーススタディから…") but wants what follows it."""
        if not plan.intents & PAST_PROMPT_INTENTS:
            return np.zeros(len(self.chunks), dtype=np.float32)
        exercises = self._under_any(self.intents.owned_by("exercise"))
        return (exercises & (self._depths == 2)).astype(np.float32)

    def _under_any(self, headings: set[str]) -> np.ndarray:
        """Per passage, whether one of its headings (at any level) is one of these."""
        key = frozenset(headings)
        found = self._under.get(key)
        if found is None:
            found = self._under[key] = np.array(
                [bool(headings.intersection(c.heading_path)) for c in self.chunks])
        return found

    def _verbatim_phrases(self, plan: QueryPlan, candidates: np.ndarray) -> np.ndarray:
        """Per passage, 1 for a candidate holding a run of the question's English words
        verbatim: BM25 scores words one by one, so a title the question quotes word for
        word counts no more than the same words scattered. Only the candidates are read,
        so a large corpus costs no more per question."""
        found = np.zeros(len(self.chunks), dtype=np.float32)
        phrases = english_phrases(plan.text)
        if phrases:
            for i in candidates:
                own = normalize(passage_text(self.chunks[int(i)]))
                found[i] = float(any(phrase in own for phrase in phrases))
        return found

    def rank_features(self, plan: QueryPlan, lexical_norm: np.ndarray,
                      dense: np.ndarray | None, fused: np.ndarray,
                      candidates: np.ndarray) -> np.ndarray:
        """One row of RANK_FEATURES per candidate passage."""
        flags = self.section_flags(plan, candidates)
        question = plan.lines
        total = question.total if question else 1.0
        japanese = detect_language(plan.text) == "ja"
        rows = []
        for rank, i in enumerate(candidates):
            chunk = self.chunks[i]
            best = best_scored_line(chunk.text, question, chunk.path_text) if question else None
            heading = self._heading_tokens(int(i))
            own = self._own_words(int(i))
            rows.append([
                lexical_norm[i], 0.0 if dense is None or japanese else dense[i],
                0.0 if dense is None or not japanese else dense[i], fused[i],
                1.0 / (1 + rank), flags["position_mismatch"][i],
                *(flags[feature][i] for feature in OWNER_FEATURES.values()),
                flags["unasked_prompt"][i], flags["no_answer_kind"][i], flags["phrase"][i],
                # The logit, scaled: the probability is near 1 for the best line of
                # most passages, so it would not tell them apart.
                best.logit / LINE_LOGIT_SCALE if best else 0.0,
                best.features[2] if best else 0.0,
                self._covered(plan.tokens, heading) / total if question else 0.0,
                self._covered(plan.tokens, own) / total if question else 0.0,
                flags["prompt_passed"][i],
                named_tools(best.line.text) if best and "tools" in plan.intents else 0.0,
                flags["other_unit"][i],
            ])
        return np.array(rows, dtype=np.float32)

    def _covered(self, tokens: list[str], words: set[str] | frozenset[str]) -> float:
        return sum(self.token_weight(t) for t in set(tokens) & words)

    def _heading_tokens(self, position: int) -> frozenset[str]:
        tokens = self._headings.get(position)
        if tokens is None:
            tokens = self._headings[position] = frozenset(
                tokenize(self.chunks[position].path_text))
        return tokens

    def _fused(self, plan: QueryPlan, lexical: np.ndarray,
               dense: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """BM25 scaled to its best hit (so the dense weight means the same for every
        query), and its weighted sum with the dense cosine."""
        top = float(lexical.max()) if len(lexical) else 0.0
        lexical_norm = lexical / top if top > 0 else lexical
        if dense is None:
            return lexical_norm, lexical_norm
        weight = self.settings.dense_weight(detect_language(plan.text))
        return lexical_norm, (1.0 - weight) * lexical_norm + weight * dense

    def _candidates(self, plan: QueryPlan, lexical: np.ndarray,
                    dense: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The best RANK_CANDIDATES passages by fused score, and their features."""
        lexical_norm, fused = self._fused(plan, lexical, dense)
        pool = np.argsort(-fused, kind="stable")[:RANK_CANDIDATES]
        return pool, self.rank_features(plan, lexical_norm, dense, fused, pool)

    def _fuse(self, plan: QueryPlan, lexical: np.ndarray, dense: np.ndarray | None,
              k: int) -> SearchResult:
        lexical_top = float(lexical.max()) if len(lexical) else 0.0
        pool, features = self._candidates(plan, lexical, dense)
        bias, weights = load_ranking()
        # The fitted model's logit: it only orders passages (a pairwise fit has no scale).
        ranked = bias + features @ weights
        order = pool[np.argsort(-ranked, kind="stable")][:k]
        fused = np.zeros(len(self.chunks), dtype=np.float32)
        fused[pool] = ranked
        hits = [
            Hit(int(i), self.chunks[i], float(fused[i]), float(lexical[i]),
                None if dense is None else float(dense[i]))
            for i in order
        ]
        return SearchResult(
            query=plan.text,
            expanded_terms=plan.expanded_terms,
            matched_terms=plan.matched_terms,
            query_tokens=plan.tokens,
            hits=hits,
            mode="lexical" if dense is None else "hybrid",
            lexical_top=lexical_top,
            dense_top=None if dense is None else float(dense.max()),
            expected=plan.expected,
            lines=plan.lines,
            asks_person=plan.asks_person,
            intents=plan.intents,
        )
