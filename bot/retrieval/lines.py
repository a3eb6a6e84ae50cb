"""Choose the lines of a passage that a learner reads: the line that holds what was asked.

On Discord a member sees one or two quoted lines per passage, not the passage. The line
that shares most words with the question is often a look-alike: a prize line for an
accuracy question, a reference line, a label without the items under it. So each line
is scored by a logistic model fitted on labelled questions (benchmarks/fit_models.py,
weights in bot/retrieval/models/lines.json) over features of the line and the question:
how much of the question's weight the line's words cover, whether it holds the kind of
value asked for (a sum of money, a percentage, a date ...), whether it is a label, a
list item, a table row or a reference, and how it sits in the passage.

The chosen line is then shown with what makes it readable: a label with its items, and
for a question that asks for no single value, the rest of its list or table when that
stays short (a list question may use up to the passage's own 600 characters).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from bot.retrieval.logistic import sigmoid
from bot.retrieval.quotes import MAX_LIST_CHARS, MAX_QUOTE_CHARS, Line, passage_lines
from bot.retrieval.tokenize import tokenize
from bot.retrieval.valuekinds import BY_NAME, ValueKind, countries_in, holds

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("models") / "lines.json"
FEATURES = ("cover", "relative_cover", "kind_held", "kind_missing", "digit", "label",
            "reference_unasked", "reference_asked", "first", "row", "item", "length",
            "label_cover", "block_cover", "other_kind", "key_match", "item_heading",
            "first_block", "list_item", "count_match", "reference_of_subject")
COVER = FEATURES.index("cover")
# Kinds of value whose presence, unasked, marks a look-alike line ("精度10%向上で100万ドル
# 賞金" is about a prize when the accuracy was asked).
DISTINCT_KINDS = ("money", "percent", "date", "duration")
# "精度:約75%", "| 精度 | 91% |": the key before the value names what the value is.
KEY_RE = re.compile(r"^\|?\s*([^:|]{1,24})(?::|\s\|)")
# Logits closer than this are a tie the line model cannot settle (its features differ by a
# hair, such as being a list's first line).
TIE_MARGIN = 0.1
# A list or table of at most this many lines is quoted whole, even for one value.
SHORT_LIST = 3
# Questions that ask for several things: the list, not one item of it.
LIST_RE = re.compile(
    r"\b(what are|which|list|all the|benefits|advantages|pros|skills|books?|courses|steps|"
    r"tips|tools|examples|conferences|projects|deliverables|ways|kinds|types|recommend\w*|"
    r"resources|options|milestones|tasks|trends|stuff|things|next steps?)\b|おすすめ|何がある|"
    # "What should I do next?" is answered by the steps, not one of them.
    r"\bwhat (?:should|do|can) (?:i|we) do\b|(?:何|なに)(?:を|から)?(?:すれば|したら|やれば|始め)|"
    r"どんな|一覧|挙げ|利点|メリット|スキル|書籍|ステップ|方法|ツール|成果物|カンファレンス|"
    r"学会|リソース|マイルストーン|課題|特徴|違い|プロジェクト|種類|トレンド|タスク",
    # ASCII word boundaries: 「おすすめのbooksは?」 asks for a list as "which books" does.
    re.IGNORECASE | re.ASCII)
# "the 3 projects", "3つのトレンド": a question that counts what it asks for names the size
# of the list that answers it. Time units are plan positions, not list sizes ("3 months").
COUNTED_EN_RE = re.compile(
    r"\b(\d|two|three|four|five|six)\s+(?:(?:main|key|big|major|different)\s+)?"
    r"(?!(?:weeks|months|years|days|hours|yrs|hrs|mins|minutes|times)\b)[a-z]{3,}s\b",
    re.IGNORECASE | re.ASCII)
COUNTED_JA_RE = re.compile(r"(\d|[二三四五六])つ")
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


@dataclass(frozen=True)
class LineQuestion:
    """What line choice needs to know of the question. It also keeps the lines scored for
    each passage: ranking reads a passage's best line, and the answer then quotes it."""

    tokens: frozenset[str]
    weight: Callable[[str], float]
    kinds: tuple[ValueKind, ...]
    citation_asked: bool
    wants_list: bool
    list_size: int | None = None  # "the 3 projects": the size of the list asked for
    # The starts of the reference entries ("Bojarski, M., et al. (2016)") that back the
    # sections whose subject the question names: "the Tesla paper" is the Bojarski entry.
    cited: tuple[str, ...] = ()
    # The countries the question asks about ("in the US", 「アメリカの」): of a table's
    # rows per country, the asked one's.
    countries: frozenset[str] = frozenset()
    # Each question of a message that asks several ("who beat it? and the score?"): the
    # quote holds the best line for each, not only for the message as a whole.
    parts: tuple[LineQuestion, ...] = ()
    scored: dict[tuple[str, str], list[ScoredLine]] = field(
        default_factory=dict, compare=False, hash=False, repr=False)

    @cached_property
    def total(self) -> float:
        return sum(self.weight(t) for t in self.tokens) or 1.0


@dataclass(frozen=True)
class ScoredLine:
    line: Line
    score: float
    features: tuple[float, ...]
    logit: float = 0.0  # the model's own score: unlike `score`, it does not saturate


@lru_cache(maxsize=1)
def load_weights(path: Path = MODEL_FILE) -> tuple[float, dict[str, float]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return float(data["bias"]), {name: float(data["weights"].get(name, 0.0))
                                 for name in FEATURES}


def _cover(tokens: frozenset[str], question: LineQuestion) -> float:
    return sum(question.weight(t) for t in tokens & question.tokens) / question.total


@lru_cache(maxsize=4096)
def line_tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def line_features(lines: tuple[Line, ...], question: LineQuestion,
                  heading: str = "") -> list[tuple[float, ...]]:
    """One feature vector per line, in FEATURES order. The heading matters to a list: when
    the question names the heading ("Week 9-12 projects?" under "Week 9-12: 実践プロジェクト
    3つ"), the heading's list is the answer, however few words its items share."""
    token_sets = [line_tokens(line.text) for line in lines]
    heading_tokens = line_tokens(heading) if heading else frozenset()
    heading_cover = _cover(heading_tokens, question) if heading else 0.0
    # A key names what its value is when it names what was asked, not the section's own
    # subject: "Netflix Prize(2006-2009):" in the Netflix section is no key for accuracy.
    key_words = question.tokens - heading_tokens
    first_block = lines[0].block if lines else 0
    covers = [_cover(tokens, question) for tokens in token_sets]
    best = max(covers, default=0.0) or 1.0
    block_best: dict[int, float] = {}
    block_items: dict[int, int] = {}
    for line, cover in zip(lines, covers, strict=True):
        block_best[line.block] = max(block_best.get(line.block, 0.0), cover)
        if line.kind in ("item", "row"):
            block_items[line.block] = block_items.get(line.block, 0) + 1
    rows = []
    # A year or a month is a date: "2016年" is no look-alike for "which year".
    asked = {kind.name for kind in question.kinds} | ({"date"} if any(
        kind.name in ("year", "month") for kind in question.kinds) else set())
    unasked = [BY_NAME[name] for name in DISTINCT_KINDS if name not in asked]
    for n, (line, cover) in enumerate(zip(lines, covers, strict=True)):
        held = any(holds(line.text, kind) for kind in question.kinds)
        other = bool(asked) and any(holds(line.text, kind) for kind in unasked)
        key = KEY_RE.match(line.text)
        key_match = bool(key) and bool(line_tokens(key.group(1)) & key_words)
        reference = line.kind == "reference"
        rows.append((
            cover,
            cover / best,
            float(bool(question.kinds) and held),
            float(bool(question.kinds) and not held),
            float(any(ch.isdigit() for ch in line.text)),
            float(line.kind == "label"),
            float(reference and not question.citation_asked),
            float(reference and question.citation_asked),
            float(n == 0),
            float(line.kind == "row"),
            float(line.kind == "item"),
            math.log1p(len(line.text)) / 6,
            covers[line.label] if line.label is not None else 0.0,
            block_best[line.block],
            float(other),
            float(key_match),
            heading_cover if line.kind in ("item", "row") else 0.0,
            float(line.block == first_block),
            float(question.wants_list and line.kind in ("item", "row")),
            float(question.list_size is not None and line.kind in ("item", "row", "label")
                  and block_items.get(line.block) == question.list_size),
            float(question.citation_asked
                  and any(start in line.text for start in question.cited)),
        ))
    return rows


def score_lines(text: str, question: LineQuestion, heading: str = "") -> list[ScoredLine]:
    scored = question.scored.get((text, heading))
    if scored is None:
        scored = question.scored[(text, heading)] = _score_lines(text, question, heading)
    return scored


def _score_lines(text: str, question: LineQuestion, heading: str) -> list[ScoredLine]:
    lines = passage_lines(text)
    bias, weights = load_weights()
    scored = []
    for line, features in zip(lines, line_features(lines, question, heading), strict=True):
        z = bias + sum(weights[name] * value for name, value in zip(FEATURES, features,
                                                                      strict=True))
        scored.append(ScoredLine(line, sigmoid(z), features, z))
    return scored


def choose_quote(text: str, question: LineQuestion, heading: str = "") -> list[str]:
    """The lines to show for a passage, in the passage's order, verbatim."""
    scored = score_lines(text, question, heading)
    if not scored:
        return []
    best = max(range(len(scored)), key=lambda i: (scored[i].logit, -i))
    lines = tuple(s.line for s in scored)
    best = _of_the_asked_country(lines, best, scored, question)
    chosen = _readable_unit(lines, best, scored, question)
    limit = MAX_LIST_CHARS if question.wants_list and len(chosen) > 1 else MAX_QUOTE_CHARS
    also = _parts_lines(text, question, heading, lines, chosen)
    return _within(lines, chosen + also, best, scored, limit, also)


def _parts_lines(text: str, question: LineQuestion, heading: str, lines: tuple[Line, ...],
                 chosen: list[int]) -> list[int]:
    """For each part of a question asking several things, its own best line when the quote
    lacks it, with the label that says what the line is ("個人的な理由:" for the why of
    "which case did they pick and why"). A part that shares no word with the passage adds
    nothing: its answer is elsewhere."""
    also: list[int] = []
    for part in question.parts:
        scored = score_lines(text, part, heading)
        best = max(range(len(scored)), key=lambda i: (scored[i].logit, -i), default=None)
        if best is None or best in chosen or best in also or scored[best].features[COVER] <= 0:
            continue
        line = lines[best]
        if line.kind == "label":
            # A label is read with its first line: "個人的な理由:" alone says nothing.
            first = next((i for i in range(best + 1, len(lines))
                          if lines[i].block == line.block), None)
            also += [i for i in (best, first) if i is not None]
        else:
            also += [i for i in (line.label, best) if i is not None]
    return list(dict.fromkeys(i for i in also if i not in chosen))


def _of_the_asked_country(lines: tuple[Line, ...], best: int, scored: list[ScoredLine],
                          question: LineQuestion) -> int:
    """The best line, or, when it names another country than the question asks about
    ("企業研究所(日本)" for a US salary), the best line of its list that names the asked
    one ("米国企業(Google AI, OpenAI等)")."""
    if not _of_another_country(lines[best].text, question):
        return best
    block = lines[best].block
    asked = [i for i, line in enumerate(lines) if line.block == block
             and countries_in(line.text) & question.countries]
    return max(asked, key=lambda i: (scored[i].logit, -i), default=best)


def best_scored_line(text: str, question: LineQuestion,
                     heading: str = "") -> ScoredLine | None:
    return max(score_lines(text, question, heading), key=lambda s: s.logit, default=None)


def _readable_unit(lines: tuple[Line, ...], best: int, scored: list[ScoredLine],
                   question: LineQuestion) -> list[int]:
    """The best line with what it needs to be read: a label brings its items; a line of a
    list or table brings its label, and its siblings when the question asks for no single
    value (a list question wants the list; "why…" wants the reasons together); a sentence
    brings the better of its neighbours in the same paragraph."""
    line = lines[best]
    block = [i for i, other in enumerate(lines) if other.block == line.block]
    if line.kind == "label":
        return block
    if line.kind in ("item", "row"):
        siblings = [i for i in block if lines[i].kind == line.kind]
        # A value question wants its one line, unless the list is short enough to read as
        # one statement: a route and its total ("博士(3-5年) …" / "計8-12年"), a model's
        # row beside the doctors' row.
        if not question.kinds or len(siblings) <= SHORT_LIST:
            return block
        return sorted(i for i in (line.label, best, *_tied(lines, siblings, best, scored,
                                                             question)) if i is not None)
    if question.wants_list and not question.kinds:
        # A list question answered by a sentence next to the list ("成果物:GitHubに3つの
        # プロジェクトを公開" under the three projects) wants the list beside it too.
        beside = [i for i, other in enumerate(lines) if other.kind in ("item", "row")
                  and abs(other.block - line.block) == 1]
        if beside:
            return sorted([best, *beside])
    neighbours = [i for i in (best - 1, best + 1) if i in block]
    if not neighbours:
        return [best]
    return sorted([best, max(neighbours, key=lambda i: scored[i].score)])


def _tied(lines: tuple[Line, ...], siblings: list[int], best: int, scored: list[ScoredLine],
          question: LineQuestion) -> list[int]:
    """The sibling the line model can hardly tell from the best line, if any: two rows
    holding the asked kind of value alike ("| Coursera(Andrew Ng) | 初級 | 11週間 |" and
    "| Fast.ai | 中級 | 7週間 |" for "how many weeks is the course?") are both shown rather
    than one chosen by a hair. Not one of another country than the question asks about."""
    runner = max((i for i in siblings if i != best), key=lambda i: scored[i].logit, default=None)
    if runner is None or scored[best].logit - scored[runner].logit >= TIE_MARGIN:
        return []
    return [] if _of_another_country(lines[runner].text, question) else [runner]


def _of_another_country(text: str, question: LineQuestion) -> bool:
    """Whether a line names a country, none of them one the question asks about."""
    if not question.countries:
        return False
    named = countries_in(text)
    return bool(named) and not named & question.countries


def _within(lines: tuple[Line, ...], chosen: list[int], best: int, scored: list[ScoredLine],
            limit: int, also: list[int] | None = None) -> list[str]:
    """Keep the chosen lines that fit in `limit` characters: the best line and its label
    first, then the lines of the question's other parts (`also`), then the others by score;
    always in the passage's order."""
    keep: list[int] = []
    used = 0
    label = lines[best].label
    first = [best] + ([label] if label is not None and label in chosen else [])
    if lines[best].kind == "label":
        first = [best]
    first += [i for i in also or [] if i not in first]
    rest = sorted((i for i in chosen if i not in first), key=lambda i: -scored[i].score)
    for i in first + rest:
        size = len(lines[i].text) + (3 if keep else 0)
        if keep and used + size > limit:
            continue
        keep.append(i)
        used += size
    if not keep:
        keep = [best]
    return [lines[i].text[:limit] for i in sorted(keep)]


def wants_list(question: str) -> bool:
    return bool(LIST_RE.search(question))


def asked_list_size(question: str) -> int | None:
    """The number of things the question counts ("the 3 projects", "3つのトレンド"), if any."""
    match = COUNTED_EN_RE.search(question) or COUNTED_JA_RE.search(question)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)
