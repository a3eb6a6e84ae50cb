"""The quiz's value types: questions, exercises and their parts, shared by every quiz module.

They are plain frozen dataclasses so the session engine, the practice mode, the CLI and the
Discord layer can pass them around (and tests can compare them) without any I/O attached.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

log = logging.getLogger(__name__)

Kind = Literal["mc", "tf", "short"]
Difficulty = Literal["easy", "medium", "hard"]
KINDS: tuple[str, ...] = ("mc", "tf", "short")
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
OPTION_LETTERS = "ABCD"


@dataclass(frozen=True)
class Text:
    """One piece of text in both languages of the study group."""

    ja: str
    en: str

    def get(self, language: str) -> str:
        return self.ja if language == "ja" else self.en


TRUE_TEXT = Text("正しい", "True")
FALSE_TEXT = Text("誤り", "False")


@dataclass(frozen=True)
class Citation:
    heading_path: str
    evidence: str  # verbatim text inside the section (or one of its sub-sections)


@dataclass(frozen=True)
class Numeric:
    """A number the learner may type in many ways: 75, 75%, 約75%, seventy-five percent."""

    value: float
    tolerance: float = 0.0
    unit: str | None = None
    unit_aliases: tuple[str, ...] = ()  # extra unit words accepted for this question only


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    kind: Kind
    difficulty: Difficulty
    question: Text
    explanation: Text
    citation: Citation
    options: tuple[Text, ...] = ()  # mc only, exactly four
    answer_index: int | None = None  # mc only
    answer_bool: bool | None = None  # tf only
    answer_text: Text | None = None  # short only: the canonical answer to show
    accepted: tuple[str, ...] = ()  # short only: other spellings that count as correct
    numeric: Numeric | None = None  # short only
    fuzzy_threshold: float | None = None  # short only: rapidfuzz ratio for long answers
    source: str = ""  # the YAML file it came from, for error messages

    @property
    def choices(self) -> tuple[Text, ...]:
        """What a button-mode player can pick: the four options, or True/False."""
        if self.kind == "mc":
            return self.options
        if self.kind == "tf":
            return (TRUE_TEXT, FALSE_TEXT)
        return ()

    @property
    def correct_choice(self) -> int | None:
        """Index into `choices` of the right one (None for short answers)."""
        if self.kind == "mc":
            return self.answer_index
        if self.kind == "tf":
            return 0 if self.answer_bool else 1
        return None

    @property
    def buttons(self) -> bool:
        """Whether the question can be asked with answer buttons."""
        return self.kind in ("mc", "tf")

    def reordered(self, order: Sequence[int]) -> Question:
        """This question with its mc options shown in `order` (a permutation of the option
        indices); the answer follows its option. Other kinds come back unchanged."""
        if self.kind != "mc" or list(order) == list(range(len(self.options))):
            return self
        assert self.answer_index is not None
        return replace(self, options=tuple(self.options[i] for i in order),
                       answer_index=list(order).index(self.answer_index))

    def answer_display(self) -> Text:
        """The correct answer as a reveal shows it."""
        if self.kind == "mc":
            assert self.answer_index is not None
            option = self.options[self.answer_index]
            letter = OPTION_LETTERS[self.answer_index]
            return Text(f"{letter}) {option.ja}", f"{letter}) {option.en}")
        if self.kind == "tf":
            return TRUE_TEXT if self.answer_bool else FALSE_TEXT
        assert self.answer_text is not None
        return self.answer_text


@dataclass(frozen=True)
class KeyPoint:
    id: str
    label: Text
    source: str  # the line of the model answer this point is drawn from, verbatim
    cues_ja: tuple[str, ...]
    cues_en: tuple[str, ...]
    min_hits: int = 1  # distinct cues an answer must contain for a lexical match

    @property
    def cues(self) -> tuple[str, ...]:
        return self.cues_ja + self.cues_en


@dataclass(frozen=True)
class ExerciseEnglish:
    """Our English text of an exercise, for members who read English. Written to say what
    the chapter's Japanese says; the Japanese stays the verified original."""

    prompt: str
    hints: tuple[str, ...]  # one per Japanese hint, same order
    model_answer: str


@dataclass(frozen=True)
class Exercise:
    id: str
    number: int
    difficulty: Difficulty
    heading_path: str
    prompt: str  # verbatim from the chapter
    hints: tuple[str, ...]  # verbatim, revealed one by one
    model_answer: str  # the chapter's 解答例, verbatim
    key_points: tuple[KeyPoint, ...] = field(default_factory=tuple)
    title: Text = Text("", "")
    source: str = ""
    english: ExerciseEnglish | None = None

    def _english(self, language: str) -> ExerciseEnglish | None:
        return self.english if language != "ja" else None

    def prompt_in(self, language: str) -> str:
        """The prompt in the member's language (the chapter's Japanese when there is no
        English text)."""
        english = self._english(language)
        return english.prompt if english else self.prompt

    def hints_in(self, language: str) -> tuple[str, ...]:
        english = self._english(language)
        return english.hints if english else self.hints

    def model_answer_in(self, language: str) -> str:
        english = self._english(language)
        return english.model_answer if english else self.model_answer
