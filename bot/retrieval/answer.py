"""Turn search hits into an extractive, cited answer, or a calibrated abstention.

Every quote is checked against the chapter text before it is returned; a quote that is
not a verbatim substring is dropped rather than shown.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.glossary import Term, fold, fold_question
from bot.knowledge.lang import detect_language
from bot.retrieval.asked import asked_noun, asks_present
from bot.retrieval.chatforms import (
    WH_JA_RE,
    asked_part,
    asking_sentences,
    compared_objects,
    opening_aside,
    question_parts,
    yes_or_no_sentences,
)
from bot.retrieval.index import folded_form
from bot.retrieval.lines import KEY_RE, best_scored_line, choose_quote
from bot.retrieval.logistic import sigmoid
from bot.retrieval.naming import KANJI_WORD_RE, AbsentWord, load_naming, naming_features
from bot.retrieval.quotes import REFERENCE_RE, mark_terms, passage_lines
from bot.retrieval.search import KATAKANA_WORD_RE, Hit, Retriever, SearchResult
from bot.retrieval.smalltalk import small_talk_kind, small_talk_reply
from bot.retrieval.specificity import misspelled_common, specificity
from bot.retrieval.tokenize import (
    HIRAGANA_RE,
    LATIN_TERM_RE,
    RELATIVE_ENDS,
    RELATIVE_RE,
    content_words,
    japanese_compounds,
    latin_terms,
    misread_compound,
    normalize,
    proper_nouns,
    stem,
)
from bot.retrieval.topicality import load_topicality
from bot.retrieval.valuekinds import (
    BY_NAME,
    ValueKind,
    asked_counter,
    asked_kinds,
    asks_price,
    countries_in,
    holds,
    languages_in,
    languages_named,
    places_in,
)

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
NEAREST_SHOWN = 3
# The value kind whose absence the answer names when an intent's expected kind of answer
# (intents.yaml `expects`) is missing from the best passages.
FLAGGED_UNHELD = {"price": "price", "person": "name"}
# Fewer words than this, and the asking sentences lean on the others ("Is that true?").
MIN_ASKING_WORDS = 3
# How deep a price, a name or a formula may sit and still be the answer: an in-scope
# question's answer is first or second; a near miss finds one only by chance, lower down.
ANSWER_KIND_DEPTH = 2
# The Japanese question words (何語, 何人, いつごろ, どのくらい): what is asked, not its topic.
QUESTION_PREFIXES = ("何", "幾", "誰", "いつ", "どこ", "どれ", "どの", "どう", "どんな", "だれ",
                     "なに", "なん", "いくら", "いくつ")
KATAKANA_RE = re.compile(r"[ァ-ヴー・]{2,}")
# Words for the form of the answer wanted, not its topic: 「差分を列挙して」, 「目安とコツ」,
# "the one-liner takeaway". The chapter never uses them, yet lacks nothing asked.
ANSWER_FORM_WORDS = frozenset({
    "差分", "列挙", "一覧", "要点", "要約", "概略", "大枠", "全体像", "一言", "内訳", "目安",
    "コツ", "工夫", "要否", "可否", "是非", "手間", "長所", "短所", "欠点", "教訓", "意義",
    # 「年収レンジ」 asks for the salaries from the lowest to the highest: the salaries.
    "レンジ", "range", "ranges", "トータル", "合計", "total",
    # 「おすすめ」 asks for a recommendation, 「箇条書きで」 for a list: the chapter's lists of
    # recommended books and its bullet points are the answer.
    "勧め", "オススメ", "箇条", "箇条書き",
    "one-liner", "one-line", "oneliner", "takeaway", "nutshell", "gist", "rundown", "recap",
    "upshot", "ballpark", "differentiator", "tl;dr", "eli5",
    # 「名前なんだっけ」 asks for the name: the name is the answer, not a word it lacks.
    "名前",
    # The order, the kind or the whole of what is listed (「どういう順番で」, 「実装から学ぶ
    # タイプの本」, 「AI全般の学会」) frames the answer; the chapter's list is it.
    "順番", "順序", "タイプ", "全般",
    # A placeholder for a name the asker cannot recall ("the recommendation whatsit").
    "whatsit", "thingy", "thingamajig", "thingamabob", "doohickey", "whatchamacallit",
})
LATIN_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.\-']*[A-Za-z0-9+#]|[A-Za-z0-9]")

MESSAGES = {
    "answered": {
        "ja": "この章の次の箇所が質問に関係しています:",
        "en": "Here is what the chapter says about this:",
    },
    "partial": {
        "ja": "この章に「{words}」という語は見当たりません。いちばん近い箇所はこちらです:",
        "en": "I couldn't find {words} in the chapter. Here is what it says nearest to that:",
    },
    "not_stated": {
        "ja": "この章には{what}の記載がありません。いちばん近い箇所はこちらです:",
        "en": "The chapter doesn't state {what}. Here is what it says nearest to that:",
    },
    "not_stated_for": {
        "ja": "この章のこの話題には{place}についての記載がありません。"
              "いちばん近い箇所はこちらです:",
        "en": "On this topic the chapter says nothing about {place}. "
              "Here is what it says nearest to that:",
    },
    "not_found": {
        "ja": "この章に、この質問にそのまま答える記載は見当たりません。"
              "いちばん近い箇所はこちらです:",
        "en": "I couldn't find a direct answer to this in the chapter. "
              "Here is what it says nearest to it:",
    },
    "abstained": {
        "ja": "この章ではその質問は扱われていないようです。近い節はこちらです:",
        "en": "The chapter doesn't seem to cover that. The nearest sections are:",
    },
    "abstained_naming": {
        "ja": "この章には「{words}」が出てこないため、答えられません。近い節はこちらです:",
        "en": "The chapter doesn't mention {words}, so it can't answer that. "
              "The nearest sections are:",
    },
    "empty": {
        "ja": "質問が空です。章について知りたいことを書いてください。",
        "en": "Your question is empty. Please ask something about the chapter.",
    },
    "too_long": {
        "ja": "質問が長すぎます({length}文字)。{limit}文字以内にまとめてください。",
        "en": "Your question is too long ({length} characters). Please keep it under {limit}.",
    },
    "no_words": {
        "ja": "検索できる言葉が見つかりませんでした。言葉で質問してください。",
        "en": "I couldn't find any words to search for. Please ask in words.",
    },
}


@dataclass
class Passage:
    chunk_id: str
    chapter_id: str
    heading_path: tuple[str, ...]
    anchor: str
    text: str
    quote: list[str]
    quote_marked: list[str]
    score: float
    reference: str | None = None
    reference_url: str | None = None

    @property
    def path_text(self) -> str:
        return " › ".join(self.heading_path)


@dataclass
class Answer:
    question: str
    language: str
    status: str  # answered | abstained | invalid | chat (thanks, greetings: no search)
    message: str
    passages: list[Passage] = field(default_factory=list)
    nearest: list[str] = field(default_factory=list)
    confidence: float = 0.0
    unmentioned: list[str] = field(default_factory=list)  # specific question words no
    # passage shown contains: the answer says so rather than let quotes pass for them
    mode: str = "lexical"
    timings: dict[str, float] = field(default_factory=dict)
    # Answered although the abstention model doubted it: the topicality gate passed it
    # (topicality.py), and the answer opens with the line that no passage answers directly.
    hedged: bool = False

    @property
    def answered(self) -> bool:
        return self.status == "answered"

    @property
    def outcome(self) -> str:
        """answered; partial: answered, but opening with the line that the chapter doesn't
        state what was asked; abstained; or invalid."""
        if self.status == "answered" and (self.unmentioned or self.hedged):
            return "partial"
        return self.status


def message(key: str, language: str, **values: object) -> str:
    return MESSAGES[key][language].format(**values)


# A space between two Japanese characters separates nothing: learners of Japanese space
# their words (「どこの まちで ありましたか」) as English does.
JAPANESE_SPACE_RE = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々ー、。])\s+"
    r"(?=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々ー])")


def clean_question(raw: str) -> str:
    """Strip control characters and collapse white space, dropping it between Japanese
    words; keep everything else. A space between two Japanese clauses that each ask
    (「どのケース選んでて なんでそれ選んだんだっけ」, as chat and voice input part them)
    becomes 、, which parts the message's questions (chatforms.question_parts)."""
    kept = (" " if unicodedata.category(c)[0] in "CZ" else c for c in raw)
    pieces = JAPANESE_SPACE_RE.split(" ".join("".join(kept).split()))
    joined = pieces[0]
    for before, after in itertools.pairwise(pieces):
        both_ask = WH_JA_RE.search(before) and WH_JA_RE.search(after)
        joined += ("、" if both_ask else "") + after
    return joined


def validate_question(raw: str, language: str) -> Answer | None:
    """An 'invalid' answer explaining the problem, a 'chat' reply to thanks, greetings and
    emoji alone, or None when the question is usable."""
    chat = small_talk_kind(raw or "")
    if chat is not None:
        return Answer(raw, language, "chat", small_talk_reply(chat, language))
    question = clean_question(raw or "")
    if not question:
        return Answer(raw or "", language, "invalid", message("empty", language))
    if len(question) > MAX_QUESTION_CHARS:
        text = message("too_long", language, length=len(question), limit=MAX_QUESTION_CHARS)
        return Answer(question[:80], language, "invalid", text)
    if not any(unicodedata.category(c)[0] in "LN" for c in question):
        return Answer(question, language, "invalid", message("no_words", language))
    return None


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over retrieval features; fitted by benchmarks/calibrate.py."""

    bias: float
    coverage: float
    known: float
    lexical: float
    missing: float
    dense: float
    threshold: float
    asked: float = 0.0

    def confidence(self, evidence: Evidence) -> float:
        z = (self.bias + self.coverage * evidence.coverage + self.known * evidence.known
             + self.lexical * math.log1p(evidence.lexical_top)
             + self.missing * evidence.missing + self.asked * evidence.asked_missing)
        if evidence.dense_top is not None:
            z += self.dense * evidence.dense_top
        return sigmoid(z)


def shifted(threshold: float, strictness: float) -> float:
    """A fitted threshold moved by the setting `abstain_strictness` (positive declines
    more), kept within [0, 0.99]."""
    return min(0.99, max(0.0, threshold + strictness))


@dataclass(frozen=True)
class Evidence:
    """How well the best passage accounts for the question, for the abstention model."""

    coverage: float  # share of the question's content words found in the top passage
    known: float  # share of them found anywhere in the index
    lexical_top: float
    dense_top: float | None
    missing: float = 0.0  # the weight of the most specific question word the passage lacks
    asked_missing: float = 0.0  # 1.0: the asked noun, kind of answer or a name is absent


def foreign_names(retriever: Retriever, result: SearchResult) -> set[str]:
    """Names in the question the chapter never mentions ("Germany", "シンガポール"): they
    weigh fully, however common the word, since the question is about something else. A
    name the glossary translates ("the US" is 米国, "learn Go" is 囲碁) is the chapter's."""
    glossed = glossed_words(result)
    # "As a German student, ..." says who asks, not what about.
    asked = asked_part(result.query)
    # Places are names however they are typed: "germany" as much as "Germany". A year is
    # the name of a time: "the 2022 world cup" is about something the chapter never dates.
    places = {stem(place) for place in places_in(asked) if place.isascii()}
    years = set(YEAR_RE.findall(normalize(result.query)))
    # A name the chapter writes in Japanese is the chapter's: "Go" is its 囲碁 (lexicon.py).
    # A word in hiragana alone is no name, whatever the tagger reads into it (「しゅう」,
    # a learner's 週, tagged as the name シュウ).
    return {name for name in proper_nouns(asked) | places | years
            if not retriever.knows(retriever.chapter_form(name)) and name not in glossed
            and not HIRAGANA_RE.match(name)
            and not _the_chapters_name(retriever, name, own_spelling(result.query, name))} \
        | set(retriever.unwritten_numbers(asked))


def _the_chapters_name(retriever: Retriever, name: str, spelling: str) -> bool:
    """Whether a name the index does not know is the chapter's all the same: said in
    Japanese, written as the question spells it, abbreviated, or made of its words."""
    return (retriever.says_in_japanese(name) or retriever.writes(spelling)
            or retriever.abbreviates(spelling) or _said_by_parts(retriever, name))


def _said_by_parts(retriever: Retriever, name: str) -> bool:
    """Whether a hyphenated name is made of words the chapter says ("English-language":
    its 英語 and 言語): the name is no subject of its own."""
    parts = [stem(part) for part in name.split("-") if part]
    return len(parts) > 1 and all(retriever.knows(part) or retriever.says_in_japanese(part)
                                  for part in parts)


def glossed_words(result: SearchResult) -> set[str]:
    """The words of the glossary terms the question names, stopwords included ("the US"):
    a word the glossary translates ("cameras": カメラ) is a word of the chapter."""
    return {word for term in result.matched_terms for word in _term_words(term)}


@lru_cache(maxsize=2048)
def _term_words(term: Term) -> frozenset[str]:
    return frozenset(word for form in term.query_forms
                     for word in (*content_words(form),
                                  *(stem(w) for w in LATIN_TERM_RE.findall(normalize(form)))))


def gather_evidence(retriever: Retriever, result: SearchResult,
                    aside: frozenset[str] = frozenset(),
                    foreign: set[str] | None = None) -> Evidence:
    """Coverage counts each word by its specificity, so a missing "tire" weighs more than
    a missing "think"; a question of only everyday words counts them all equally. Only
    the passage's own words count as covering a question word, or a glossary term the
    question itself used. `aside`: names judged without (set_aside_names). `foreign`: the
    question's foreign_names, when the caller has them already."""
    words = [retriever.chapter_form(w) for w in judged_words(result.query) if w not in aside]
    top = result.hits[0].position if result.hits else -1
    if not words or top < 0:
        return Evidence(0.0, 0.0, result.lexical_top, result.dense_top)
    if foreign is None:
        foreign = foreign_names(retriever, result)
    names = foreign - aside
    weights = [1.0 if w in names else 0.25 + 0.75 * specificity(w) for w in words]
    if sum(weights) < 0.5:
        weights = [1.0] * len(words)
    total = sum(weights)
    bridged = glossary_bridged(retriever, result, result.hits[0])
    said = [_says(retriever, result.hits[0], w, bridged) for w in words]
    covered = sum(wt for wt, ok in zip(weights, said, strict=True) if ok)
    missing = max((wt for wt, ok in zip(weights, said, strict=True) if not ok), default=0.0)
    if _broken_compound(retriever, top, result.query, dict(zip(words, said, strict=True))):
        missing = 1.0
    # What is asked may be in the next passage of the same section ("how many layers" in
    # GNMT's 2016 passage, below its background): the answer shows it too. A passage of
    # another section (Netflix's sum for a course's price) answers nothing.
    section = result.hits[0].chunk.heading_path[:2]
    asked = float(bool(names) or not any(
        _holds_what_is_asked(retriever, result, hit, bridged if hit is result.hits[0]
                             else glossary_bridged(retriever, result, hit))
        for hit in result.hits[:ANSWER_KIND_DEPTH] if hit.chunk.heading_path[:2] == section))
    known = sum(wt for w, wt in zip(words, weights, strict=True) if retriever.knows(w))
    return Evidence(covered / total, known / total, result.lexical_top, result.dense_top,
                    missing, asked)


def _asked_for(question: str, spelling: str) -> bool:
    """Whether the question asks for the name itself: "who is the CEO of Tesla?", 「Tesla
    のCEOは誰?」, rather than naming who asks or what they compare."""
    name = re.escape(spelling)
    text = unicodedata.normalize("NFKC", asked_part(question))
    return bool(re.search(rf"\b(?:who|what|which)\s+(?:is|are|was|were)\s+(?:the\s+)?"
                          rf"{name}(?![\w-])", text, re.IGNORECASE)
                or re.search(rf"{name}\S{{0,3}}?(?:は|って|が)\s*{ASKED_JA}", text,
                             re.IGNORECASE))


ASKED_JA = "(?:誰|だれ|何|なに|どこ|いつ|いくら)"


def set_aside_names(names: set[str]) -> frozenset[str]:
    """The foreign names and their parts ("b.tech": "b", "tech"), for judging a question
    without them: "after B.Tech CS, should I go straight to MLE?" is the chapter's
    question about the MLE path, whatever the chapter says of B.Tech."""
    return frozenset(names) | frozenset(part for name in names if name.isascii()
                                        for part in latin_terms(name))


def judged_words(question: str) -> list[str]:
    """The content words that coverage and the "not in the chapter" line judge. A compound
    whose parts are words of the question too ("four-chapter", "acc/sens/spec") is judged
    by its parts: the chapter says "chapter", never "four-chapter". A run of symbols
    ("$$") names nothing."""
    words = content_words(asked_part(question))
    present = set(words)
    return [word for word in words if any(ch.isalnum() for ch in word)
            and word not in ANSWER_FORM_WORDS and not _judged_by_parts(word, present)]


def _judged_by_parts(word: str, present: set[str]) -> bool:
    parts = latin_terms(word)[1:] if word.isascii() else []
    return bool(parts) and all(part in present for part in parts)


def _holds_what_is_asked(retriever: Retriever, result: SearchResult, hit: Hit,
                         bridged: list[str]) -> bool:
    """Whether a passage has the asked noun of a quantity question and the kind of answer
    the question's intents expect."""
    return not _asked_noun_missing(retriever, result, hit, bridged) \
        and retriever.holds_answer(hit.position, result)


def _asked_noun_missing(retriever: Retriever, result: SearchResult, hit: Hit,
                        bridged: list[str]) -> bool:
    """Whether a quantity question's asked noun ("subscribers") is absent from the passage."""
    noun = asked_noun(result.query)
    return noun is not None and not _says(retriever, hit, noun, bridged)


def _says(retriever: Retriever, hit: Hit, word: str, bridged: list[str]) -> bool:
    return retriever.passage_says(hit.position, word) or any(b in word or word in b
                                                              for b in bridged)


def _broken_compound(retriever: Retriever, top: int, query: str,
                     said: dict[str, bool]) -> bool:
    """Whether a Japanese compound of the question ("運転免許", "月額料金") is only half in
    the passage: "運転" alone does not make a passage about driving licences."""
    passage = retriever.passage_folded(top)
    for parts in japanese_compounds(query):
        if "".join(parts) not in passage and not all(said.get(p, True) for p in parts):
            return True
    return False


def glossary_bridged(retriever: Retriever, result: SearchResult, hit: Hit) -> list[str]:
    """The question's own spellings of glossary terms whose chapter wording is in the
    passage: "エンコーダー" is covered by a passage that says "Encoder"."""
    passage = retriever.passage_folded(hit.position)
    question = normalize(result.query)
    bridged: list[str] = []
    for term in result.matched_terms:
        if any(folded_form(form) in passage for form in term.japanese_forms):
            # A one-kanji noun is a word too: 「おすすめの本」 names the 書籍 a books
            # passage holds, and 本 is the whole of what 「おすすめの本は?」 asks about.
            bridged += [w for form in term.query_forms if folded_form(form) in question
                        for w in content_words(form)
                        if len(w) >= 2 or KANJI_WORD_RE.fullmatch(w)]
    return bridged


def unmentioned_words(retriever: Retriever, result: SearchResult, hits: list[Hit],
                      declined: bool = False, foreign: set[str] | None = None) -> list[str]:
    """The question's words that neither the passages shown nor the rest of the chapter
    contain and that say what it asks about (naming.py), in the question's own spelling:
    "How many subscribers does Netflix have?" is answered with what the chapter says about
    Netflix, and says plainly that subscribers are not in it. A word the chapter has
    elsewhere is not named: "not in the chapter" would be untrue. `foreign`: as for
    absent_words."""
    model = load_naming()
    names = foreign_names(retriever, result) if foreign is None else foreign
    polar = set(judged_words(yes_or_no_sentences(result.query)))
    polar |= set(judged_words(compared_objects(result.query)))
    # An answer names no word for the kind of value asked: unstated_kind says whether the
    # quote holds one. A declined question names it to say why (「月額料金」).
    missing = [absent.spelling for absent in absent_words(retriever, result, hits, names)
               if model.worth_naming(absent, declined, absent.word in polar)
               and (declined or not _names_the_asked_kind(absent.spelling, result))]
    # Years are no content words, but one the chapter never names is missing all the same.
    missing += [year for year in YEAR_RE.findall(normalize(result.query)) if year in names]
    missing += [name for name in retriever.unwritten_numbers(asked_part(result.query))
                if name in names]
    return list(dict.fromkeys(missing))


def absent_words(retriever: Retriever, result: SearchResult, hits: list[Hit],
                 foreign: set[str] | None = None) -> list[AbsentWord]:
    """The question's words that neither the passages shown, the glossary terms it names
    nor the rest of the chapter say, with what naming.py weighs them by. `foreign`: the
    question's foreign_names, when the caller has them already."""
    if foreign is None:
        foreign = foreign_names(retriever, result)
    names = foreign | {asked_noun(result.query)}
    bridged = [glossary_bridged(retriever, result, hit) for hit in hits]
    glossed = glossed_words(result)
    words = judged_words(result.query)
    scene = _scene_words(result.query, words)
    # An opening exclamation is no name, however capitalised ("Crikey, …"), unless a place.
    opener = {word for word in judged_words(opening_aside(result.query))
              if not places_in(word)}
    positioned = bool(RELATIVE_RE.search(normalize(result.query)))
    absent = []
    for position, word in enumerate(words):
        if (word in scene and word not in names) or word in opener:
            continue
        # A word in hiragana alone is everyday language (ふつう, いろいろ): the chapter
        # has no name or term written that way to be missing.
        # A common word mistyped ("acording") is no name either.
        if len(word) < 2 or word.startswith(QUESTION_PREFIXES) or HIRAGANA_RE.match(word):
            continue
        # The asker's own figures ("10B+ miles", "500m users") are what they remember,
        # not what they ask about; a plan's end or middle (「真ん中の4週間」) is a position.
        if NUMBER_TYPED_RE.fullmatch(word) or (word in RELATIVE_ENDS and positioned):
            continue
        form = retriever.chapter_form(word)
        if any(_says(retriever, hit, form, bridges)
               for hit, bridges in zip(hits, bridged, strict=True)) \
                or word in glossed or retriever.chapter_says(form) \
                or retriever.clipped_katakana(word) \
                or _in_written_katakana(retriever, result.query, word):
            continue
        spelling = own_spelling(result.query, word)
        if misspelled_common(spelling.lower()) or retriever.abbreviates(spelling):
            continue
        # 「手動かしながら」 never says 手動: the tagger read a noun across a verb. Checked
        # last, for the few words the chapter lacks: it tags the word's end once more.
        if misread_compound(result.query, word):
            continue
        features = naming_features(word, spelling, word in names,
                                   retriever.says_in_japanese(spelling),
                                   position / max(1, len(words) - 1))
        absent.append(AbsentWord(word, spelling, features))
    return absent


# A figure as typed: "10b+", "500m", "1.8t". Not a score or a range ("100-0", "30-75"):
# one the chapter lacks may be the claim the question checks.
NUMBER_TYPED_RE = re.compile(r"\d[\d.,]*(?:[kmbt]|bn|mn)?\+?")


def _names_the_asked_kind(spelling: str, result: SearchResult) -> bool:
    """Whether the word names the kind of value the question asks for ("payout" of "how
    big was the payout?"): the form of the answer, not a topic the chapter lacks."""
    asked = {kind.name for kind in result.lines.kinds} if result.lines else set()
    return bool(asked) and any(kind.name in asked for kind in asked_kinds(spelling))


def _scene_words(question: str, words: list[str]) -> set[str]:
    """Of the question's judged `words`, those of the sentences that only set the scene
    ("hobbyist here, trying to squeeze a model onto a tiny device."): the asker's, not
    what is asked. When the asking sentences say too little to stand alone ("Is that in
    the chapter?"), the scene is what they ask about."""
    glossed = _glossed_by_asker(question, words)
    asking_text = asking_sentences(question)
    if asking_text == question:  # one sentence, or none that asks: no scene
        return glossed
    asking = set(judged_words(asking_text))
    if len(asking) < MIN_ASKING_WORDS:
        return glossed
    return (set(words) - asking) | glossed


def _glossed_by_asker(question: str, words: list[str]) -> set[str]:
    """The words of the asker's own glosses in brackets, when what they gloss stays in the
    question: 「ネットフリックス(映画やドラマを配信している会社)」, 「カグル(腕比べの大会のような
    もの)」. The gloss says what the asker takes the word to mean; the chapter need not."""
    normalized = unicodedata.normalize("NFKC", question)
    inside = " ".join(GLOSS_RE.findall(normalized))
    if not inside:
        return set()
    outside = set(judged_words(GLOSS_RE.sub(" ", normalized)))
    return {word for word in judged_words(inside) if word in words and word not in outside}


# A bracketed aside after a word: 「データサイエンティスト(データを分析する仕事)」.
GLOSS_RE = re.compile(r"(?<=[^\s(])\(([^()]{2,60})\)")


def _in_written_katakana(retriever: Retriever, question: str, word: str) -> bool:
    """Whether the word is a piece of a katakana word of the question that the chapter
    writes: the tagger splits a loanword by its context (マイルス+トーン in the question,
    マイル+ストーン in the chapter), but the chapter has the whole word all the same."""
    return bool(KATAKANA_WORD_RE.fullmatch(word)) and any(
        word in run and retriever.chapter_writes(run)
        for run in KATAKANA_RE.findall(normalize(question)) if run != word)


def own_spelling(question: str, word: str) -> str:
    """The question's own spelling of a content word: "subscribers" for "subscriber", and
    the whole compound "富士山" for "富士", which alone reads as a different word."""
    for raw in LATIN_WORD_RE.findall(question):
        folded = normalize(raw).strip("'").removesuffix("'s")
        if stem(folded) == word or folded == word:
            return raw.removesuffix("'s")
    compound = next((parts for parts in japanese_compounds(question) if word in parts), None)
    return "".join(compound) if compound else word


def unstated_kind(result: SearchResult, best: Passage, subjects: list[Term],
                  names: NameForms, section: str = "", person_named: bool = False,
                  present_year: int | None = None) -> str | None:
    """The kind of value the question asks for (a date, a place, a sum of money …) when no
    line quoted for the best passage holds one about the asked subject: "When was GPT-4
    released?" answered with GPT-4's parameter count would read as if the chapter knew.
    `person_named`: the quote names a person of the glossary for a who-question about a
    chapter subject (李世ドル for "AlphaGoに負けた世界チャンピオンは誰?").
    `present_year`: the chapter's own present, what a question asking "now" dates."""
    kinds = result.lines.kinds if result.lines else ()
    if not kinds or (person_named and all(kind.name == "name" for kind in kinds)):
        return None
    asked = asked_part(result.query)
    # The line choice looks for any sum; what answers a price question is a price.
    if asks_price(asked):
        kinds = tuple(BY_NAME["price"] if kind.name == "money" else kind for kind in kinds)
    # A breakdown asks for the parts of a sum: the sum itself does not answer.
    kinds = tuple(kind for kind in kinds if kind.name == "breakdown") or kinds
    best_text = f"{best.path_text} {best.text}"
    if subjects and not _names_any(best_text, subjects) \
            and not _names_any(section, subjects):
        # A value about something else ("Which team won the Netflix Prize?" answered
        # from AlphaGo's matches) does not answer. The passage's section counts: the
        # skin cancer case names Stanford once, for all its passages.
        return kinds[0].name
    # What the question itself names is no answer: the "4" of "GPT-4" is not a count, nor
    # "Netflix" the name asked for in "Who founded Netflix?".
    # Units are no names: "what year of the plan" is answered by the heading "Year 3".
    # The noun a count counts stays: "1.8兆パラメータ" answers "パラメータ何個".
    counter = asked_counter(normalize(result.query))
    counted_noun = counter.noun if counter else ""
    named = sorted({word for word in (*LATIN_WORD_RE.findall(result.query),
                                      *KATAKANA_RE.findall(result.query))
                    if word.lower() not in TIME_UNITS and word.lower() != counted_noun},
                   key=len, reverse=True)
    if _person_unstated(best, result, kinds):
        return "name"
    # Several subjects each need their own value: "BERT's parameters compared to GPT-4"
    # is not answered by "GPT-4(1.8兆パラメータ)、BERT、T5".
    groups = [[subject] for subject in subjects] if len(subjects) > 1 else [subjects]
    # …and a passage that never names one of them holds no value of its: AlphaGo's
    # matches say nothing of how AlphaGo Zero fared against it.
    # A country or a language is a matter for unstated_country, which says which.
    own_named = [group for group in groups
                 if len(group) == 1 and _called_by_name(result.query, group[0])
                 and not countries_in(group[0].ja) and not languages_in(group[0].ja)]
    if len(own_named) > 1 and not all(_names_any(best_text, group) for group in own_named):
        return kinds[0].name
    # A year the asker only remembers ("I only remember the 2030 one, was there a 2025
    # number?") sets the scene; the sentences that ask date the value.
    asking = asking_sentences(asked)
    for kind in kinds:
        years = _years_asked(_part_asking(asking, kind), present_year)
        if all(_quote_holds(best, kind, group, named, names, result, years)
               for group in groups):
            return None
    return kinds[0].name


def _part_asking(asking: str, kind: ValueKind) -> str:
    """The part of a message asking two things that asks for this kind of value: the 2025
    of "how many IoT devices for 2025 and how big will the market be?" dates the devices,
    not the market."""
    parts = [part for part in question_parts(asking)
             if kind.asked.search(unicodedata.normalize("NFKC", part).lower())]
    return " ".join(parts) or asking


def _years_asked(asking: str, present_year: int | None) -> set[int]:
    years = {int(year) for year in YEAR_RE.findall(normalize(asking))}
    if not years and present_year and asks_present(asking):
        # "How big is the edge AI market now?" is not answered by its 2030 forecast.
        years = {present_year}
    return years


def _called_by_name(question: str, term: Term) -> bool:
    """Whether the question names the term by its own name ("AlphaGo Zero", 李世ドル), not
    through an everyday word the glossary also reads as it ("line" for LINE, "slides"
    for PowerPoint)."""
    folded, plain = fold_question(question), unicodedata.normalize("NFKC", question)
    for name in {term.en, term.ja}:
        # A name in capitals is a name only in capitals: "a line in a draft" is no LINE.
        text, form = (plain, name) if name.isupper() else (folded, fold(name))
        if form and re.search(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", text):
            return True
    return False


def unstated_country(question: str, best: Passage, section: str) -> str | None:
    """A country the question asks about when the best passage's section is told without
    any country, in the question's spelling: 「Netflixのレコメンドで日本市場の売上は?」 is
    answered from Netflix's worldwide figures, which say nothing about Japan. The chapter
    names Japan elsewhere (salaries, communities), so the word itself is not missing.
    Where a section gives figures per country (salaries in Japan and the US), an unnamed
    one is a matter for the values asked; the exercises and the summary span every topic
    (no `section`), and say nothing either way."""
    asked = unicodedata.normalize("NFKC", asked_part(question))
    wanted = countries_in(asked) | languages_in(asked)
    if not wanted or not section:
        return None
    told = f"{best.path_text}\n{best.text}\n{section}"
    if countries_in(told) or languages_in(told) or JAPAN_TOLD_RE.search(told):
        return None
    # The language's name before the country's: 「日本語に対応したのいつ」 asks of 日本語.
    spellings = [spelling for spelling, _ in languages_named(asked)] + sorted(
        (place for place in places_in(asked) if countries_in(place)), key=len, reverse=True)
    if not spellings:
        return sorted(wanted)[0]
    own = re.search(re.escape(spellings[0]), asked, re.IGNORECASE)
    return own.group(0) if own else spellings[0]


# A Japanese chapter tells of Japan as 「国内」 (its domestic conferences) and in 「日本語」
# (its books in Japanese).
JAPAN_TOLD_RE = re.compile(r"国内|日本語")


def _person_unstated(best: Passage, result: SearchResult, kinds: tuple[ValueKind, ...]) -> bool:
    """A "who" question wants a person's name as the chapter writes one (the intent's
    `expects`: "Silver, D., et al.", "(Andrew Ng)"): a course title in capitals ("Practical
    Deep Learning for Coders" for "who teaches the fast.ai course") is a name of no one."""
    if not result.expected or not any(kind.name == "name" for kind in kinds):
        return False
    return not any(pattern.search(line) for pattern in result.expected for line in best.quote)


def _answer_lines(best: Passage, result: SearchResult) -> list[str]:
    """The quoted line that answers, with its label: a short list is quoted whole, but a
    value in its other lines is about their own items ("Multimodal:GPT-4V" beside BERT)."""
    line = best_scored_line(best.text, result.lines, best.path_text) if result.lines else None
    if line is None or line.line.text not in best.quote:
        return best.quote
    lines = passage_lines(best.text)
    label = lines[line.line.label].text if line.line.label is not None else None
    return [text for text in best.quote if text in (line.line.text, label)]


def _quote_holds(best: Passage, kind: ValueKind, subjects: list[Term], named: list[str],
                 names: NameForms, result: SearchResult, years: set[int]) -> bool:
    """Whether a line quoted for the passage holds a value of the kind about the subjects.
    The passage's own heading may hold it ("Month 7-9" answers "from which month?"), but
    not its numbering ("Trend 1" counts nothing), nor the headings above it ("3つの主要動向"
    counts the trends, not BERT's parameters). `years`: the calendar years the question
    asks about."""
    lines = _answer_lines(best, result)
    # A subject another line of the passage names ("Vision:CLIP、SAM") is not the one an
    # enumeration without it counts for ("NLP:GPT-4(1.8兆パラメータ)、BERT、T5").
    named_elsewhere = any(_names_any(other.text, subjects)
                          for other in passage_lines(best.text) if other.text not in lines)
    # A reference's authors are no items: its year is the paper's.
    quoted = [_about(line, subjects, named_elsewhere and not REFERENCE_RE.search(line))
              for line in lines]
    if years and kind.name not in TIME_KINDS | {"month"}:
        # A value dated to another year is not the asked one: "the edge AI market in 2025"
        # is not "市場規模:2030年に340億ドル", nor Gartner's 2030 forecast its 2025 share.
        quoted = [" ".join(part for part in _top_level_parts(line) if _fits_years(part, years))
                  for line in quoted]
    quoted = [_without(line, named) for line in quoted]
    if kind.name == "count":  # "| Year 3 |" of a plan table is a position, not a count
        quoted = [HEADING_NUMBER_RE.sub(" ", line) for line in quoted]
    own_heading = best.heading_path[-1] if best.heading_path else ""
    heading = own_heading if kind.name in TIME_KINDS else HEADING_NUMBER_RE.sub(" ",
                                                                            own_heading)
    return any(_holds(line, kind, names) for line in (*quoted, _without(heading, named)))


# A span of years in a line: "(2006-2009)", "2015-現在" (from 2015 on).
YEAR_SPAN_RE = re.compile(r"((?:19|20)\d\d)\s*[-〜~–]\s*((?:19|20)\d\d|現在)")


def _fits_years(part: str, years: set[int]) -> bool:
    """Whether a part of a line is undated or dated to one of the asked years."""
    text = unicodedata.normalize("NFKC", part)
    dated = {int(y) for y in YEAR_RE.findall(text)}
    if not dated:
        return True
    spans = [(int(start), 9999 if end == "現在" else int(end))
             for start, end in YEAR_SPAN_RE.findall(text)]
    return any(year in dated or any(start <= year <= end for start, end in spans)
               for year in years)


TIME_UNITS = frozenset({"year", "years", "month", "months", "week", "weeks", "day", "days"})
# Kinds a heading's numbering answers: "Month 7-9" says when, "Trend 1" counts nothing.
TIME_KINDS = frozenset({"date", "year", "duration"})


# Section numbering in a heading path: "4.2", "Case Study 3", "Trend 1", "Week 9-12", and
# the "4. " of a numbered heading ("4. 学習リソース").
HEADING_NUMBER_RE = re.compile(
    r"^\s*\d+[.)]\s|\b\d+(?:\.\d+)+\b|"
    r"(?:Case Study|Trend|Path|Phase|フェーズ|問題|Week|Month|Year)\s*\d+(?:\s*-\s*\d+)?",
    re.IGNORECASE)
# Where an enumeration splits: "GPT-4(1.8兆パラメータ)、BERT、T5" gives GPT-4 its count,
# not BERT. A comma inside a number ("1,200万") splits nothing.
ENUMERATION_RE = re.compile(r"[、，;；]|,(?!\d)")


def _about(line: str, subjects: list[Term], named_elsewhere: bool = False) -> str:
    """The parts of an enumerated line that name one of the subjects; when none does, the
    whole line, unless another line of the passage names them (then the line's items are
    others'). A line that is no enumeration is whole: a value belongs to the item it
    stands in."""
    parts = _top_level_parts(line)
    if len(parts) < 2 or not subjects:
        return line
    key = KEY_RE.match(line)
    if key and _names_any(key.group(1), subjects):
        return line  # "AI研究者:新手法開発、年収500-2,000万円": all of it is the key's
    own = [part for part in parts if _names_any(part, subjects)]
    return " ".join(own) if own else ("" if named_elsewhere else line)


def _top_level_parts(line: str) -> list[str]:
    """The line split at enumeration marks outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(line):
        if char in "(（[「『":
            depth += 1
        elif char in ")）]」』":
            depth = max(0, depth - 1)
        elif depth == 0 and ENUMERATION_RE.match(line, i):
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return [part for part in parts if part.strip()]


def _names_any(text: str, subjects: list[Term]) -> bool:
    """Whether the text names one of the subjects, in any of their forms."""
    folded = folded_form(text)
    return any(folded_form(form) in folded for term in subjects
               for form in (*term.japanese_forms, *term.english_forms))


@dataclass(frozen=True)
class NameForms:
    """How the glossary tells names from concepts: "Collaborative Filtering" is written
    with capitals but names a method, "メルカリ" names a company in katakana."""

    names: tuple[str, ...]  # folded Japanese forms of terms whose English name is a name
    latin_names: re.Pattern[str] | None  # their Latin forms, as whole words
    concept_words: frozenset[str]  # Latin words of the other terms, not of any name

    @classmethod
    def of(cls, terms: list[Term]) -> NameForms:
        names: set[str] = set()
        concept: set[str] = set()
        name_words: set[str] = set()
        for term in terms:
            forms = [f for f in (*term.japanese_forms, *term.english_forms) if len(f) >= 2]
            words = {w.casefold() for f in forms for w in NAME_WORD_RE.findall(f)}
            if TITLE_RE.match(term.en):
                names.update(folded_form(f) for f in forms)
                name_words |= words
            else:
                concept |= words
        latin = sorted((n for n in names if n.isascii()), key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, latin)) + r")\b") \
            if latin else None
        return cls(tuple(sorted((n for n in names if not n.isascii()), key=len, reverse=True)),
                   pattern,
                   frozenset(concept - name_words))

    def without_names(self, line: str) -> str:
        """The line without the glossary's Japanese names: the "ドル" of "李世ドル" is no
        sum of money."""
        folded = folded_form(line)
        for name in self.names:
            if name in folded:
                folded = folded.replace(name, " ")
        return folded

    def held(self, line: str) -> bool:
        """Whether the line names someone or something: a name of the glossary, or a
        capitalised word or a title that is no concept's. Katakana alone is mostly
        loanwords: "AIベース診断デバイス" names no company."""
        folded = folded_form(line)
        if any(name in folded for name in self.names):
            return True
        if self.latin_names is not None and self.latin_names.search(folded):
            return True
        if "『" in line or "et al" in line:
            return True
        return any(word.casefold() not in self.concept_words
                   for word in NAME_WORD_RE.findall(line) if TITLE_RE.match(word))


# A name's English spelling starts with a capital and goes on in small letters ("Netflix",
# "Lee Sedol"); an acronym ("FDA approval", "CNN") may as well be a concept's.
TITLE_RE = re.compile(r"[A-Z][a-z]")
NAME_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def _holds(line: str, kind: ValueKind, names: NameForms) -> bool:
    if kind.name == "name":
        return names.held(line)
    return holds(names.without_names(line), kind)


def _without(line: str, words: list[str]) -> str:
    for word in words:
        if len(word) >= 2:
            line = re.sub(re.escape(word), " ", line, flags=re.IGNORECASE)
    return line


def answered_message(language: str, unmentioned: list[str]) -> str:
    return _naming_message("answered", "partial", language, unmentioned)


def abstained_message(language: str, unmentioned: list[str]) -> str:
    return _naming_message("abstained", "abstained_naming", language, unmentioned)


def _naming_message(plain: str, naming: str, language: str, unmentioned: list[str]) -> str:
    if not unmentioned:
        return message(plain, language)
    if language == "ja":
        return message(naming, language, words="」「".join(unmentioned))
    return message(naming, language, words=", ".join(f'"{w}"' for w in unmentioned))


def highlight_terms(result: SearchResult) -> list[str]:
    """Words to bold in quotes: the question's own words and their glossary translations."""
    terms = content_words(result.query)
    terms += [normalize(t) for t in result.expanded_terms]
    return [t for t in terms if len(t) >= 2]


@dataclass(frozen=True)
class Judgement:
    confidence: float
    aside: frozenset[str]  # names the question was judged without (set_aside_names)
    evidence: tuple[Evidence, ...]  # as asked, then without the names set aside


def gate_row(evidence: Evidence, topic: float) -> tuple[float, ...]:
    """The topicality gate's features (topicality.GATE_FEATURES)."""
    return (evidence.coverage, evidence.known, math.log1p(evidence.lexical_top),
            evidence.missing, evidence.asked_missing, topic)


class AnswerBuilder:
    def __init__(self, knowledge: KnowledgeBase, retriever: Retriever,
                 calibration: Calibration, name_forms: NameForms,
                 strictness: float = 0.0) -> None:
        self.knowledge = knowledge
        self.retriever = retriever
        self.calibration = calibration
        self.name_forms = name_forms
        self.strictness = strictness  # settings.abstain_strictness: it moves the gate too

    def build(self, question: str, result: SearchResult, k: int) -> Answer:
        language = detect_language(question)
        if not result.hits:
            return self._abstain(question, language, result, 0.0)
        foreign = foreign_names(self.retriever, result)
        judgement = self.judge(result, foreign)
        confidence, aside = judgement.confidence, judgement.aside
        hedged = confidence < self.calibration.threshold
        if hedged and not self._on_topic(result, judgement):
            return self._abstain(question, language, result, confidence, foreign)
        unheld_kind = None
        if not self._answer_kind_near_top(result):
            # A question the chapter covers, asking for a price or a person its best
            # passages do not give, is answered with the line that the chapter does not
            # state it; a request for code or a formula is not the chapter's to answer.
            unheld_kind = next((FLAGGED_UNHELD[name] for name in sorted(result.intents)
                                if name in FLAGGED_UNHELD), None)
            if unheld_kind is None:
                return self._abstain(question, language, result, confidence, foreign)
        terms = highlight_terms(result)
        passages = [p for p in (self._passage(h, result, terms) for h in result.hits[:k]) if p]
        if not passages:
            return self._abstain(question, language, result, confidence, foreign)
        shown_ids = {p.chunk_id for p in passages}
        shown = [h for h in result.hits[:k] if h.chunk.chunk_id in shown_ids]
        unmentioned = unmentioned_words(self.retriever, result, shown, foreign=foreign)
        if aside and not unmentioned:
            unmentioned = [own_spelling(result.query, name) for name in sorted(aside)]
        text = answered_message(language, unmentioned)
        person_named = result.asks_person \
            and self.retriever.names_person(" ".join(passages[0].quote))
        section = self.retriever.section_text(shown[0].position)
        missing_kind = unstated_kind(result, passages[0],
                                     self.retriever.subject_terms(result.query),
                                     self.name_forms, section, person_named,
                                     self.retriever.present_year) or unheld_kind
        if missing_kind and not unmentioned:
            label = BY_NAME[missing_kind].label_ja if language == "ja" \
                else BY_NAME[missing_kind].label_en
            text = message("not_stated", language, what=label)
            unmentioned = [label]
        place = None if unmentioned else unstated_country(result.query, passages[0], section)
        if place:
            text = message("not_stated_for", language, place=place)
            unmentioned = [place]
        if hedged and not unmentioned:
            text = message("not_found", language)
        return Answer(question, language, "answered", text, passages, confidence=confidence,
                      unmentioned=unmentioned, mode=result.mode, timings=result.timings,
                      hedged=hedged)

    def judge(self, result: SearchResult, foreign: set[str]) -> Judgement:
        """The abstention model's confidence, and the evidence it was judged on."""
        evidence = gather_evidence(self.retriever, result, foreign=foreign)
        confidence = self.calibration.confidence(evidence)
        if confidence >= self.calibration.threshold:
            return Judgement(confidence, frozenset(), (evidence,))
        # A name the chapter lacks may only say who asks or where ("my A-level kids",
        # "after B.Tech"): judged without it, a question the chapter answers is answered,
        # saying plainly that the name is not in it. One about the name alone ("the
        # capital of France?") still has nothing left to match.
        aside = frozenset(foreign)
        if any(_asked_for(result.query, own_spelling(result.query, name)) for name in aside):
            aside = frozenset()  # "Who is the CEO of Tesla?": the name is what is asked
        if not aside:
            return Judgement(confidence, aside, (evidence,))
        without = gather_evidence(self.retriever, result, set_aside_names(aside), foreign)
        return Judgement(self.calibration.confidence(without), aside, (evidence, without))

    def _on_topic(self, result: SearchResult, judgement: Judgement) -> bool:
        """Whether a question the abstention model doubts is still about the chapter's
        subject, by the topicality gate: then it is answered with a hedge, not declined."""
        model, gate = load_topicality()
        topic = model.logit(result.query)
        threshold = shifted(gate.threshold, self.strictness)
        return any(gate.probability(gate_row(evidence, topic)) >= threshold
                   for evidence in judgement.evidence)

    def _answer_kind_near_top(self, result: SearchResult) -> bool:
        """Whether one of the best two passages holds the kind of thing the question asks
        for: with no price among them, "What does FSD cost?" is not answered, however
        much else about FSD they say."""
        # A person the glossary knows answers a who-question about a chapter subject in
        # whatever script the chapter names them; without a subject ("who won the world
        # cup?") a name in the chapter is no answer.
        return any(self.retriever.holds_answer(hit.position, result)
                   for hit in result.hits[:ANSWER_KIND_DEPTH])

    def _abstain(self, question: str, language: str, result: SearchResult,
                 confidence: float, foreign: set[str] | None = None) -> Answer:
        nearest: list[str] = []
        for hit in result.hits:
            path = hit.chunk.path_text
            if path not in nearest:
                nearest.append(path)
        # Naming what the chapter lacks ("Spotify") tells the user why, and what to drop.
        unmentioned = unmentioned_words(self.retriever, result, result.hits[:NEAREST_SHOWN],
                                        declined=True, foreign=foreign)
        return Answer(question, language, "abstained", abstained_message(language, unmentioned),
                      nearest=nearest[:NEAREST_SHOWN], confidence=confidence,
                      unmentioned=unmentioned, mode=result.mode, timings=result.timings)

    def _passage(self, hit: Hit, result: SearchResult, terms: list[str]) -> Passage | None:
        chunk = hit.chunk
        quote = [q for q in choose_quote(chunk.text, result.lines, chunk.path_text)
                 if self.knowledge.is_verbatim(chunk.chapter_id, q)]
        if not quote:
            log.warning("no verbatim quote for chunk %s; passage dropped", chunk.chunk_id)
            return None
        reference = self.knowledge.references.for_path(chunk.chapter_id, chunk.heading_path)
        return Passage(
            chunk_id=chunk.chunk_id,
            chapter_id=chunk.chapter_id,
            heading_path=chunk.heading_path,
            anchor=chunk.anchor,
            text=chunk.text,
            quote=quote,
            quote_marked=[mark_terms(q, terms) for q in quote],
            score=hit.score,
            reference=reference.short if reference else None,
            reference_url=reference.url if reference else None,
        )
