"""The Discord-free question-answering service used by the bot, the CLI and the console.

It serves lexical answers as soon as the index is loaded and upgrades to hybrid answers
once the embedding model has finished loading in the background.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bot.config import Settings
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lang import detect_language
from bot.retrieval import lexicon, specificity
from bot.retrieval.answer import (
    Answer,
    AnswerBuilder,
    NameForms,
    clean_question,
    validate_question,
)
from bot.retrieval.calibration import calibration_for
from bot.retrieval.embedder import Embedder
from bot.retrieval.index import (
    IndexError_,
    LoadedIndex,
    MissingIndexError,
    ReadOnlyIndexError,
    build_index,
    describe,
    load_index,
    seed_from_prebuilt,
)
from bot.retrieval.search import Retriever
from bot.retrieval.topicality import load_topicality

log = logging.getLogger(__name__)

# How long close() waits for a model still loading (it takes seconds; never forever).
DENSE_LOAD_WAIT_SECONDS = 60

# Terminal escape sequences (ECMA-48: CSI "ESC [ … m" colours and cursor moves, OSC titles,
# two-character escapes, the 8-bit CSI). A pasted coloured question must search for its
# words, not for the "31m" left once the ESC itself is dropped as a control character.
ESCAPE_SEQUENCE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, to BEL or ST
    r"|\x1b[@-Z\\-_]"  # two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)


def strip_escape_sequences(text: str) -> str:
    """The question without terminal escape sequences (other control characters are
    left to clean_question, which turns them into spaces)."""
    return ESCAPE_SEQUENCE_RE.sub(" ", text)


class Tutor:
    def __init__(self, settings: Settings, knowledge: KnowledgeBase, embedder: Embedder,
                 retriever: Retriever) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.embedder = embedder
        self.retriever = retriever
        # Read from the glossary once: an answer builder is made per question (8 ms each).
        self.name_forms = NameForms.of(retriever.glossary.terms)
        # Encoding and search hold the GIL only briefly; two workers keep one slow query
        # from queueing every other one behind it.
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tutor")
        self._dense_thread: threading.Thread | None = None
        self.dense_error: str | None = None

    @classmethod
    def open(cls, settings: Settings, *, build_if_needed: bool = True, progress: bool = False,
             notify: Callable[[str], None] = log.warning) -> Tutor:
        """Load knowledge and the index; rebuild it (saying why) if missing, stale or corrupt."""
        knowledge = KnowledgeBase.load(settings.knowledge_dir)
        embedder = Embedder(settings)
        try:
            seed_from_prebuilt(settings)
            index = load_index(settings, knowledge.chapters)
        except IndexError_ as problem:
            if not build_if_needed:
                raise
            try:
                index = cls._replace_index(settings, knowledge, embedder, problem, progress,
                                           notify)
            except ReadOnlyIndexError as read_only:
                index = cls._serve_prebuilt(settings, knowledge, problem, read_only, notify)
        retriever = Retriever(index, knowledge.glossary, settings, embedder, knowledge.intents,
                              knowledge.references)
        tutor = cls(settings, knowledge, embedder, retriever)
        tutor.warm_up_lexical()
        return tutor

    @staticmethod
    def _replace_index(settings: Settings, knowledge: KnowledgeBase, embedder: Embedder,
                       problem: IndexError_, progress: bool,
                       notify: Callable[[str], None]) -> LoadedIndex:
        """A current prebuilt index if the image has one, else a fresh build; either way
        the reason is said first."""
        if isinstance(problem, MissingIndexError):
            notify("no index yet; building it (first run only)")
        elif seed_from_prebuilt(settings, replace=True, chapters=knowledge.chapters):
            notify(f"{problem}; replaced it with the image's prebuilt index")
            return load_index(settings, knowledge.chapters)
        else:
            notify(f"{problem}; rebuilding the index")
        build_index(settings, embedder, progress=progress)
        return load_index(settings, knowledge.chapters)

    @staticmethod
    def _serve_prebuilt(settings: Settings, knowledge: KnowledgeBase, problem: IndexError_,
                        read_only: ReadOnlyIndexError,
                        notify: Callable[[str], None]) -> LoadedIndex:
        """index_dir cannot be written, so nothing can be rebuilt or copied there: serve
        the image's prebuilt index in place if it is current, else say both problems."""
        what = describe(problem, settings)
        prebuilt = dataclasses.replace(settings, index_dir=settings.prebuilt_index_dir)
        try:
            index = load_index(prebuilt, knowledge.chapters)
        except IndexError_:
            raise ReadOnlyIndexError(
                f"{what}, and {read_only}: make it writable, or set index_dir to a writable "
                "folder (the index is rebuilt there)") from None
        notify(f"{what}, and {read_only}; serving the prebuilt index in "
               f"{settings.prebuilt_index_dir}")
        return index

    def warm_up_lexical(self) -> None:
        """Load the tokenizer dictionary, word frequencies, the English-Japanese word
        table and the topicality models now, not on the first question."""
        specificity.warm_up()
        lexicon.warm_up()
        load_topicality()
        self.retriever.search("warm-up ウォームアップ", k=1, use_dense=False)

    @property
    def dense_ready(self) -> bool:
        return self.embedder.loaded

    @property
    def dense_loading(self) -> bool:
        return self._dense_thread is not None and self._dense_thread.is_alive()

    def load_dense_in_background(self) -> threading.Thread:
        """Start loading the embedding model; answers stay lexical until it is ready."""
        if self._dense_thread is None:
            self._dense_thread = threading.Thread(
                target=self._load_dense, name="embedder-load", daemon=True
            )
            self._dense_thread.start()
        return self._dense_thread

    def _load_dense(self) -> None:
        started = time.perf_counter()
        try:
            self.embedder.load()
            self.embedder.encode_queries(["warm-up"])
        except Exception as exc:  # keep serving lexical answers whatever went wrong
            self.dense_error = str(exc)
            log.error("dense retrieval unavailable, answering lexically: %s", exc)
            return
        log.info("dense retrieval ready after %.1f s", time.perf_counter() - started)

    def ask(self, question: str, k: int | None = None, context: str = "",
            language: str | None = None) -> Answer:
        question = strip_escape_sequences(question or "")
        language = language or detect_language(question)
        invalid = validate_question(question, language)
        if invalid is not None:
            return invalid
        question = clean_question(question)
        k = k or self.settings.top_k
        use_dense = self.dense_ready
        result = self.retriever.search(question, k=max(k, 5), context=context,
                                       use_dense=use_dense)
        started = time.perf_counter()
        builder = AnswerBuilder(self.knowledge, self.retriever,
                                calibration_for(result.mode, self.settings), self.name_forms,
                                self.settings.abstain_strictness)
        answer = builder.build(question, result, k)
        answer.timings["assemble"] = time.perf_counter() - started
        return answer

    async def ask_async(self, question: str, k: int | None = None, context: str = "",
                        language: str | None = None) -> Answer:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: self.ask(question, k, context, language)
        )

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        # A process that exits while the model is still loading in the background thread
        # aborts in torch's teardown ("terminate called without an active exception",
        # status 134): `tutorbot chat` quit at once, or refused for a broken database.
        if self._dense_thread is not None:
            self._dense_thread.join(timeout=DENSE_LOAD_WAIT_SECONDS)
