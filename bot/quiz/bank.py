"""The question bank: knowledge/quiz/*.yaml, validated against a schema before use.

Modelled on Red-DiscordBot's trivia lists, with one difference that matters in a study
group: a bad entry never stops the bot. Each problem becomes a `BankError` naming the file,
the question (or exercise) id and the field; the entry is left out, logged, and every valid
question still loads. With a KnowledgeBase the loader also checks that each citation's
evidence is verbatim in the section it names, and that exercises quote the chapter exactly.

File format (both keys optional, so one file may hold either or both)::

    version: 1
    questions: [ {id, topic, kind, difficulty, question, ..., citation}, ... ]
    exercises: [ {id, number, difficulty, heading_path, prompt, hints, ...}, ... ]

See bot/quiz/README.md for every field.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from bot.knowledge.base import KnowledgeBase
from bot.quiz.citations import Quote, quote_for
from bot.quiz.models import (
    DIFFICULTIES,
    KINDS,
    Citation,
    Exercise,
    ExerciseEnglish,
    KeyPoint,
    Numeric,
    Question,
    Text,
)

log = logging.getLogger(__name__)

# Every topic a question may name; a typo in a file is an error, not a new topic.
TOPIC_LABELS: dict[str, Text] = {
    "overview": Text("学習目標・まとめ", "Goals and summary"),
    "netflix": Text("Netflix推薦システム", "Netflix recommendations"),
    "gnmt": Text("Google翻訳(GNMT)", "Google Translate (GNMT)"),
    "tesla": Text("Tesla Autopilot", "Tesla Autopilot"),
    "alphago": Text("AlphaGo", "AlphaGo"),
    "skin-cancer": Text("皮膚癌検出", "Skin cancer detection"),
    "foundation-models": Text("基盤モデル", "Foundation models"),
    "automl": Text("AutoML", "AutoML"),
    "edge-ai": Text("エッジAI", "Edge AI"),
    "data-scientist": Text("データサイエンティスト", "Data scientist"),
    "ml-engineer": Text("機械学習エンジニア", "ML engineer"),
    "ai-researcher": Text("AI研究者", "AI researcher"),
    "plan-3m": Text("3ヶ月プラン", "3-month plan"),
    "plan-1y": Text("1年プラン", "1-year plan"),
    "plan-3y": Text("3年プラン", "3-year plan"),
    "resources": Text("学習リソース", "Learning resources"),
    "references": Text("参考文献", "References"),
}
TOPICS: tuple[str, ...] = tuple(TOPIC_LABELS)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
QUESTION_FIELDS = {
    "common": {"id", "topic", "kind", "difficulty", "question", "explanation", "citation"},
    "mc": {"options", "answer"},
    "tf": {"answer"},
    "short": {"answer", "accepted", "numeric", "fuzzy"},
}
LEAD_IN_ENDINGS = (":", ":")
TOPIC_MATCH_CUTOFF = 75  # rapidfuzz WRatio, 0-100: below this a topic is no likely typo
EXERCISE_FIELDS = {"id", "number", "difficulty", "heading_path", "prompt", "hints",
                   "model_answer", "key_points", "title", "en"}
EXERCISE_EN_FIELDS = {"prompt", "hints", "model_answer"}
KEY_POINT_FIELDS = {"id", "label", "source", "cues", "min_hits"}


@dataclass(frozen=True)
class BankError:
    """One problem in a question file; str() reads as `file: question id: field: problem`."""

    file: str
    item_id: str | None
    field: str | None
    message: str
    what: str = "question"  # or "exercise"

    def __str__(self) -> str:
        parts = [self.file]
        if self.item_id is not None:
            parts.append(f"{self.what} {self.item_id}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + f": {self.message}"


@dataclass
class QuestionBank:
    questions: dict[str, Question] = field(default_factory=dict)
    exercises: dict[int, Exercise] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)
    quotes: dict[str, Quote] = field(default_factory=dict)  # question id -> verified quote

    def get(self, question_id: str) -> Question:
        return self.questions[question_id]

    def select(self, topic: str | None = None, buttons_only: bool = False) -> list[Question]:
        """Questions of a topic (all topics if None), in file order."""
        return [q for q in self.questions.values()
                if (topic is None or q.topic == topic) and (q.buttons or not buttons_only)]

    def topic_counts(self) -> dict[str, int]:
        counts = Counter(q.topic for q in self.questions.values())
        return {topic: counts[topic] for topic in TOPICS if counts[topic]}

    def exercise(self, number: int) -> Exercise:
        return self.exercises[number]

    def close_topics(self, text: str, limit: int = 3) -> list[str]:
        """Topic ids whose id or Japanese/English name is closest to what was typed
        ("gnm", "netflx", "推薦"), best first; for telling a member what they meant."""
        names = {(topic, name): name.casefold() for topic in self.topic_counts()
                 for name in (topic, TOPIC_LABELS[topic].ja, TOPIC_LABELS[topic].en)}
        found = process.extract(text.strip().casefold(), names, scorer=fuzz.WRatio,
                                limit=None, score_cutoff=TOPIC_MATCH_CUTOFF)
        topics: list[str] = []
        for _, _, (topic, _) in found:
            if topic not in topics:
                topics.append(topic)
        return topics[:limit]

    def quote(self, question_id: str) -> Quote | None:
        return self.quotes.get(question_id)


def load_bank(directory: Path, knowledge: KnowledgeBase | None = None) -> QuestionBank:
    """Every valid question and exercise under directory/*.yaml, plus the errors found."""
    bank = QuestionBank()
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        bank.errors.append(BankError(str(directory), None, None, "no question files (*.yaml)"))
    for path in files:
        _load_file(path, bank, knowledge)
    for error in bank.errors:
        log.warning("quiz bank: %s", error)
    log.info("quiz bank: %d questions, %d exercises, %d errors from %s",
             len(bank.questions), len(bank.exercises), len(bank.errors), directory)
    return bank


def _load_file(path: Path, bank: QuestionBank, knowledge: KnowledgeBase | None) -> None:
    name = path.name
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        bank.errors.append(BankError(name, None, None, f"not valid YAML{where}: {problem}"))
        return
    except (OSError, UnicodeDecodeError) as exc:
        bank.errors.append(BankError(name, None, None, f"cannot be read: {exc}"))
        return
    if not isinstance(data, dict):
        bank.errors.append(BankError(name, None, None, "must be a mapping with 'questions' "
                                                       "and/or 'exercises'"))
        return
    unknown = set(data) - {"version", "chapter", "description", "questions", "exercises"}
    for key in sorted(unknown):
        bank.errors.append(BankError(name, None, str(key), "unknown top-level key"))
    for section, parse in (("questions", _parse_question), ("exercises", _parse_exercise)):
        items = data.get(section, [])
        if not isinstance(items, list):
            bank.errors.append(BankError(name, None, section, "must be a list"))
            continue
        for position, raw in enumerate(items, start=1):
            _add_item(bank, name, position, raw, parse, knowledge)


def _add_item(bank: QuestionBank, name: str, position: int, raw: Any,
              parse: Callable[[Checker], Question | Exercise | None],
              knowledge: KnowledgeBase | None) -> None:
    item_id = raw.get("id") if isinstance(raw, dict) else None
    label = item_id if isinstance(item_id, str) and item_id else f"#{position}"
    what = "exercise" if parse is _parse_exercise else "question"
    checker = Checker(name, label, raw if isinstance(raw, dict) else {}, knowledge, what)
    if not isinstance(raw, dict):
        checker.fail(None, "must be a mapping")
        bank.errors.extend(checker.errors)
        return
    item = parse(checker)
    if isinstance(item, Question) and item.id in bank.questions:
        checker.fail("id", f"duplicate id (also in {bank.questions[item.id].source})")
    if isinstance(item, Exercise) and item.number in bank.exercises:
        checker.fail("number", f"exercise {item.number} is defined twice")
    if checker.errors or item is None:
        bank.errors.extend(checker.errors)
        return
    if isinstance(item, Question):
        bank.questions[item.id] = item
        quote = quote_for(knowledge, item.citation) if knowledge is not None else None
        if quote is not None:
            bank.quotes[item.id] = quote
    else:
        bank.exercises[item.number] = item


class Checker:
    """Reads fields of one raw entry, recording an error for every field that is wrong."""

    def __init__(self, file: str, item_id: str, raw: dict, knowledge: KnowledgeBase | None,
                 what: str = "question") -> None:
        self.file = file
        self.what = what
        self.item_id = item_id
        self.raw = raw
        self.knowledge = knowledge
        self.errors: list[BankError] = []

    def fail(self, field_name: str | None, message: str) -> None:
        self.errors.append(BankError(self.file, self.item_id, field_name, message, self.what))

    def allowed(self, allowed: set[str], where: str = "", raw: dict | None = None) -> None:
        for key in sorted(set(raw if raw is not None else self.raw) - allowed, key=str):
            self.fail(f"{where}{key}", "unknown field")

    def string(self, value: Any, name: str, required: bool = True) -> str | None:
        if value is None:
            if required:
                self.fail(name, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"must be a non-empty string, not {_type_name(value)}")
            return None
        return value

    def text(self, value: Any, name: str) -> Text | None:
        if value is None:
            self.fail(name, "missing")
            return None
        if not isinstance(value, dict):
            self.fail(name, f"must be a mapping with ja and en, not {_type_name(value)}")
            return None
        self.allowed({"ja", "en"}, f"{name}.", value)
        ja = self.string(value.get("ja"), f"{name}.ja")
        en = self.string(value.get("en"), f"{name}.en")
        return Text(ja, en) if ja is not None and en is not None else None

    def choice(self, value: Any, name: str, allowed: Iterable[str]) -> str | None:
        allowed = tuple(allowed)
        text = self.string(value, name)
        if text is not None and text not in allowed:
            self.fail(name, f"must be one of {', '.join(allowed)}, not {text!r}")
            return None
        return text

    def number(self, value: Any, name: str, required: bool = True) -> float | None:
        if value is None:
            if required:
                self.fail(name, "missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"must be a number, not {_type_name(value)}")
            return None
        return float(value)

    def string_list(self, value: Any, name: str, required: bool = True) -> list[str] | None:
        if value is None:
            if required:
                self.fail(name, "missing")
            return None if required else []
        if not isinstance(value, list):
            self.fail(name, f"must be a list of strings, not {_type_name(value)}")
            return None
        out = []
        for i, entry in enumerate(value):
            text = self.string(entry, f"{name}[{i}]")
            if text is not None:
                out.append(text)
        return out

    def citation(self, value: Any, name: str = "citation") -> Citation | None:
        if not isinstance(value, dict):
            self.fail(name, "missing" if value is None else
                      f"must be a mapping with heading_path and evidence, not {_type_name(value)}")
            return None
        self.allowed({"heading_path", "evidence"}, f"{name}.", value)
        path = self.string(value.get("heading_path"), f"{name}.heading_path")
        evidence = self.string(value.get("evidence"), f"{name}.evidence")
        if path is None or evidence is None:
            return None
        if self.knowledge is not None:
            if self.knowledge.find_section(path) is None:
                self.fail(f"{name}.heading_path", f"no section {path!r} in the chapter")
                return None
            if not self.knowledge.evidence_under(path, evidence):
                self.fail(f"{name}.evidence", f"{evidence!r} is not verbatim under {path!r}")
                return None
        return Citation(path, evidence)

    def verbatim_under(self, text: str | None, path: str | None, name: str) -> None:
        if text is None or path is None or self.knowledge is None:
            return
        if not self.knowledge.evidence_under(path, text):
            self.fail(name, f"is not verbatim in the chapter under {path!r}")


def _type_name(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _parse_question(c: Checker) -> Question | None:
    raw = c.raw
    qid = c.string(raw.get("id"), "id")
    if qid is not None and not ID_RE.match(qid):
        c.fail("id", "must be lower-case letters, digits and dashes")
    kind = c.choice(raw.get("kind"), "kind", KINDS)
    c.allowed(QUESTION_FIELDS["common"] | QUESTION_FIELDS.get(kind or "", set()))
    topic = c.choice(raw.get("topic"), "topic", TOPICS)
    difficulty = c.choice(raw.get("difficulty"), "difficulty", DIFFICULTIES)
    question = c.text(raw.get("question"), "question")
    explanation = c.text(raw.get("explanation"), "explanation")
    citation = c.citation(raw.get("citation"))
    answers = _parse_answers(c, kind) if kind else None
    if c.errors or None in (qid, kind, topic, difficulty, question, explanation, citation):
        return None
    assert answers is not None
    return Question(id=qid, topic=topic, kind=kind, difficulty=difficulty,  # type: ignore[arg-type]
                    question=question, explanation=explanation, citation=citation,
                    source=c.file, **answers)


def _parse_answers(c: Checker, kind: str) -> dict[str, Any] | None:
    raw = c.raw
    if kind == "mc":
        return _parse_mc(c, raw)
    if kind == "tf":
        if not isinstance(raw.get("answer"), bool):
            c.fail("answer", f"must be true or false, not {_type_name(raw.get('answer'))}")
            return None
        return {"answer_bool": raw["answer"]}
    return _parse_short(c, raw)


def _parse_mc(c: Checker, raw: dict) -> dict[str, Any] | None:
    options = raw.get("options")
    if not isinstance(options, list):
        c.fail("options", "missing" if options is None else "must be a list")
        return None
    if len(options) != 4:
        c.fail("options", f"must have exactly 4 options, not {len(options)}")
        return None
    parsed = [c.text(o, f"options[{i}]") for i, o in enumerate(options)]
    answer = raw.get("answer")
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 3:
        c.fail("answer", f"must be the index (0-3) of the right option, not {answer!r}")
        return None
    if None in parsed:
        return None
    if len({o.ja for o in parsed if o}) != 4 or len({o.en for o in parsed if o}) != 4:
        c.fail("options", "options must be different from each other")
        return None
    return {"options": tuple(parsed), "answer_index": answer}


def _parse_short(c: Checker, raw: dict) -> dict[str, Any] | None:
    answer = raw.get("answer")
    if isinstance(answer, str):
        answer_text = c.string(answer, "answer")
        shown = Text(answer_text, answer_text) if answer_text else None
    else:
        shown = c.text(answer, "answer")
    accepted = c.string_list(raw.get("accepted"), "accepted", required=False)
    numeric = _parse_numeric(c, raw.get("numeric"))
    fuzzy = c.number(raw.get("fuzzy"), "fuzzy", required=False)
    if fuzzy is not None and not 50 <= fuzzy <= 100:
        c.fail("fuzzy", "must be between 50 and 100 (a rapidfuzz ratio)")
    if shown is None or accepted is None:
        return None
    forms = tuple(dict.fromkeys([shown.ja, shown.en, *accepted]))
    return {"answer_text": shown, "accepted": forms, "numeric": numeric,
            "fuzzy_threshold": fuzzy}


def _parse_numeric(c: Checker, value: Any) -> Numeric | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        c.fail("numeric", f"must be a mapping with value, tolerance, unit, not "
                          f"{_type_name(value)}")
        return None
    c.allowed({"value", "tolerance", "unit", "unit_aliases"}, "numeric.", value)
    number = c.number(value.get("value"), "numeric.value")
    tolerance = c.number(value.get("tolerance", 0), "numeric.tolerance")
    unit = c.string(value.get("unit"), "numeric.unit", required=False)
    aliases = c.string_list(value.get("unit_aliases"), "numeric.unit_aliases", required=False)
    if tolerance is not None and tolerance < 0:
        c.fail("numeric.tolerance", "must not be negative")
        return None
    if number is None or tolerance is None or aliases is None:
        return None
    return Numeric(number, tolerance, unit, tuple(aliases))


def _parse_exercise(c: Checker) -> Exercise | None:
    raw = c.raw
    c.allowed(EXERCISE_FIELDS)
    eid = c.string(raw.get("id"), "id")
    number = raw.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        c.fail("number", f"must be a positive whole number, not {number!r}")
    difficulty = c.choice(raw.get("difficulty"), "difficulty", DIFFICULTIES)
    path = c.string(raw.get("heading_path"), "heading_path")
    if path is not None and c.knowledge is not None and c.knowledge.find_section(path) is None:
        c.fail("heading_path", f"no section {path!r} in the chapter")
        path = None
    prompt = c.string(raw.get("prompt"), "prompt")
    hints = c.string_list(raw.get("hints"), "hints") or []
    model = c.string(raw.get("model_answer"), "model_answer")
    title = c.text(raw["title"], "title") if "title" in raw else Text("", "")
    c.verbatim_under(prompt, path, "prompt")
    for i, hint in enumerate(hints):
        c.verbatim_under(hint, path, f"hints[{i}]")
    c.verbatim_under(model, path, "model_answer")
    points = _parse_key_points(c, raw.get("key_points"), model or "")
    english = _parse_english(c, raw.get("en"), len(hints))
    if c.errors or None in (eid, difficulty, path, prompt, model, title):
        return None
    return Exercise(id=eid, number=number, difficulty=difficulty,  # type: ignore[arg-type]
                    heading_path=path, prompt=prompt, hints=carry_lists(hints),
                    model_answer=model, key_points=tuple(points), title=title, source=c.file,
                    english=english and replace(
                        english, hints=carry_lists(english.hints, like=hints)))


def _parse_english(c: Checker, value: Any, hint_count: int) -> ExerciseEnglish | None:
    """The optional `en` text; its hints pair one to one with the Japanese hints, because
    a member's next hint is counted the same in both languages."""
    if value is None:
        return None
    if not isinstance(value, dict):
        c.fail("en", f"must be a mapping with prompt, hints, model_answer, not "
                     f"{_type_name(value)}")
        return None
    c.allowed(EXERCISE_EN_FIELDS, "en.", value)
    prompt = c.string(value.get("prompt"), "en.prompt")
    hints = c.string_list(value.get("hints"), "en.hints")
    model = c.string(value.get("model_answer"), "en.model_answer")
    if hints is not None and len(hints) != hint_count:
        c.fail("en.hints", f"must have one hint per Japanese hint ({hint_count}), not "
                           f"{len(hints)}")
        return None
    if prompt is None or hints is None or model is None:
        return None
    return ExerciseEnglish(prompt, tuple(hints), model)


def carry_lists(hints: Sequence[str], like: Sequence[str] | None = None) -> tuple[str, ...]:
    """Hints as a member reads them: a lead-in ending in a colon ("…以下の違いを考えて
    みましょう:") takes the hints after it as its list, as the chapter prints them, so it
    is never shown cut off from its items.

    `like`: the Japanese hints whose lead-ins decide the grouping. The English hints pair
    one to one with the Japanese ones, so they are grouped the same way and a member's
    n-th hint is the same hint in either language."""
    leads = like if like is not None else hints
    carried: list[str] = []
    listing = False  # the last hint is a lead-in gathering the items after it
    for hint, lead in zip(hints, leads, strict=True):
        if listing:
            carried[-1] += f"\n- {hint}"
            continue
        carried.append(hint)
        listing = lead.rstrip().endswith(LEAD_IN_ENDINGS)
    return tuple(carried)


def _parse_key_points(c: Checker, value: Any, model: str) -> list[KeyPoint]:
    if not isinstance(value, list) or not value:
        c.fail("key_points", "must be a non-empty list")
        return []
    points: list[KeyPoint] = []
    for i, raw in enumerate(value):
        name = f"key_points[{i}]"
        if not isinstance(raw, dict):
            c.fail(name, "must be a mapping")
            continue
        c.allowed(KEY_POINT_FIELDS, f"{name}.", raw)
        pid = c.string(raw.get("id"), f"{name}.id")
        label = c.text(raw.get("label"), f"{name}.label")
        source = c.string(raw.get("source"), f"{name}.source")
        if source is not None and model and source not in model:
            c.fail(f"{name}.source", "is not verbatim in the model answer")
        cues = raw.get("cues")
        if not isinstance(cues, dict):
            c.fail(f"{name}.cues", "must be a mapping with ja and en lists")
            continue
        c.allowed({"ja", "en"}, f"{name}.cues.", cues)
        ja = c.string_list(cues.get("ja"), f"{name}.cues.ja") or []
        en = c.string_list(cues.get("en"), f"{name}.cues.en") or []
        min_hits = raw.get("min_hits", 1)
        if isinstance(min_hits, bool) or not isinstance(min_hits, int) or min_hits < 1:
            c.fail(f"{name}.min_hits", f"must be a positive whole number, not {min_hits!r}")
            continue
        if pid and label and source and (ja or en):
            points.append(KeyPoint(pid, label, source, tuple(ja), tuple(en), min_hits))
    return points
