"""Channel quiz sessions: one per channel, every transition saved to SQLite.

`QuizEngine` is the API the Discord layer calls. It owns the sessions of all channels, in
memory and in the quiz_sessions table, and moves each one through its phases::

    start ──> ready ──next_question──> asking ──reveal/skip──> revealed ──next_question──> …
                                            └──────────── stop / close / finish ──> ended

Every transition rewrites the session's JSON state before the call returns, so after a
restart `restore()` finds the active sessions and the caller either `resume()`s each one
(the open question is asked again with a fresh timer, answers kept) or `close()`s it
(the open question is voided, revealed rounds keep their scores). Revealed rounds are
written to quiz_answers with a primary key, so a crash between the two writes of a reveal
never counts a round twice.

Multiple-choice options are shown in an order of their own in each session: a permutation
drawn from the question id and a seed saved with the session (`option_order`), so the
answer's letter tells nothing across sessions, a resumed session shows what it showed
before, and buttons, typed letters and the reveal all refer to the order shown.

The engine never sleeps on its own: time comes from the injected Clock, and the pacing of
a live quiz (ask, wait, reveal, pause, next) lives in bot/quiz/runner.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from bot.clock import Clock
from bot.quiz.bank import QuestionBank
from bot.quiz.citations import Quote
from bot.quiz.matching import check_answer
from bot.quiz.models import Question, Text
from bot.quiz.scoring import (
    ButtonAnswer,
    RoundResult,
    TypedAttempt,
    base_points,
    score_button_round,
    score_typed_round,
)
from bot.quiz.srs import SpacedRepetition
from bot.quiz.times import from_seconds, to_seconds, to_text
from bot.storage.db import Database, IntegrityError

log = logging.getLogger(__name__)

Mode = Literal["button", "typed"]
MODES: tuple[str, ...] = ("button", "typed")
DEFAULT_SECONDS = 30
MIN_SECONDS, MAX_SECONDS = 10, 300
MAX_QUESTIONS = 50
MAX_SILENT_ROUNDS = 3  # end a quiz nobody is playing, as Red's trivia does
MAX_TYPED_TRIES = 5  # per member per round, so one member cannot flood the matcher


class QuizError(Exception):
    """A request the session cannot honour; `code` lets the Discord layer localise it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# State (what is saved)

@dataclass
class MemberScore:
    member_id: int
    points: int = 0
    correct: int = 0
    answered: int = 0


@dataclass
class RoundState:
    index: int  # 0-based position in question_ids
    question_id: str
    opened_at: float  # POSIX seconds
    deadline: float
    buttons: dict[int, ButtonAnswer] = field(default_factory=dict)
    typed: list[TypedAttempt] = field(default_factory=list)
    outcome: str = "open"  # open, revealed, skipped, void


@dataclass
class QuizSession:
    session_id: int
    guild_id: int
    channel_id: int
    started_by: int
    topic: str | None
    mode: Mode
    seconds: int
    question_ids: list[str]
    created_at: float
    phase: str = "ready"  # ready, asking, revealed, ended
    status: str = "active"  # active, finished, stopped, closed
    round: RoundState | None = None
    scores: dict[int, MemberScore] = field(default_factory=dict)
    silent_rounds: int = 0
    rounds_played: int = 0  # questions asked and closed (revealed or skipped)
    shuffle_seed: int | None = None  # mc option order (option_order); None: the bank's order

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def next_index(self) -> int:
        return 0 if self.round is None else self.round.index + 1

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> QuizSession:
        data: dict[str, Any] = json.loads(text)
        raw_round = data.pop("round")
        scores = {int(k): MemberScore(**v) for k, v in data.pop("scores").items()}
        session = cls(**data, scores=scores)
        if raw_round is not None:
            buttons = {int(k): ButtonAnswer(**v) for k, v in raw_round.pop("buttons").items()}
            typed = [TypedAttempt(**a) for a in raw_round.pop("typed")]
            session.round = RoundState(**raw_round, buttons=buttons, typed=typed)
        return session


def option_order(seed: int, question_id: str, count: int) -> tuple[int, ...]:
    """The order (bank option indices) a session with `seed` shows a question's options in:
    the same for the same seed and question, so a resumed session shows the same order."""
    digest = hashlib.sha256(f"{seed}:{question_id}".encode()).digest()
    order = list(range(count))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    return tuple(order)


def shown_order(question: Question, seed: int | None) -> tuple[int, ...] | None:
    """How an order drawn with `seed` shows an mc question's options (bank option indices);
    None for other kinds, or without a seed (the bank's order)."""
    if seed is None or question.kind != "mc":
        return None
    return option_order(seed, question.id, len(question.options))


def shuffled(question: Question, seed: int | None) -> Question:
    """The question as shown with `seed` (channel sessions and /practice alike): mc options
    in `shown_order`, the answer moved with them; otherwise the bank's question."""
    order = shown_order(question, seed)
    return question if order is None else question.reordered(order)


# ---------------------------------------------------------------------------------------------
# What the engine hands to the Discord layer

@dataclass(frozen=True)
class QuestionView:
    session_id: int
    channel_id: int
    number: int  # 1-based
    total: int
    mode: Mode
    question: Question
    choices: tuple[Text, ...]  # buttons (mc: A-D as shown, tf: True/False); empty for short
    opened_at: datetime
    deadline: datetime
    points: int  # base points for a correct answer


@dataclass(frozen=True)
class ButtonAck:
    accepted: bool
    changed: bool  # the member replaced an earlier choice
    choice: int | None
    reason: str | None = None  # when not accepted: not-asking, time-up, bad-choice, wrong-mode


@dataclass(frozen=True)
class TypedAck:
    accepted: bool
    correct: bool
    first: bool  # this message won the round
    points: int
    reason: str | None = None


@dataclass(frozen=True)
class Reveal:
    session_id: int
    channel_id: int
    number: int
    total: int
    question: Question
    answer: Text
    explanation: Text
    quote: Quote | None  # verbatim chapter text with its heading path
    results: tuple[RoundResult, ...]
    choice_counts: tuple[int, ...]  # button mode: how many picked each choice
    skipped: bool
    standings: tuple[MemberScore, ...]


@dataclass(frozen=True)
class Scoreboard:
    session_id: int
    guild_id: int
    channel_id: int
    status: str  # finished, stopped, closed
    rows: tuple[MemberScore, ...]  # best first
    rounds_played: int
    total: int

    @property
    def winner(self) -> MemberScore | None:
        return self.rows[0] if self.rows and self.rows[0].points > 0 else None


# ---------------------------------------------------------------------------------------------
# Persistence

class SessionStore:
    """quiz_sessions and quiz_answers: the session state and its scored rounds."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, session: QuizSession, now: datetime) -> int:
        try:
            session_id = await self.db.insert(
                "INSERT INTO quiz_sessions (guild_id, channel_id, started_by, mode, topic, status, "
                "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)",
                (session.guild_id, session.channel_id, session.started_by, session.mode,
                 session.topic, session.to_json(), to_text(now), to_text(now)))
        except IntegrityError as exc:  # the statement's transaction is already rolled back
            raise QuizError("exists", "a quiz is already running in this channel") from exc
        session.session_id = session_id
        await self.save(session, now)
        return session_id

    async def save(self, session: QuizSession, now: datetime) -> None:
        ended = to_text(now) if not session.active else None
        await self.db.execute(
            "UPDATE quiz_sessions SET state = ?, status = ?, updated_at = ?, "
            "ended_at = COALESCE(ended_at, ?) WHERE id = ?",
            (session.to_json(), session.status, to_text(now), ended, session.session_id))

    async def load(self, session_id: int) -> QuizSession | None:
        row = await self.db.fetchone("SELECT state FROM quiz_sessions WHERE id = ?", (session_id,))
        return QuizSession.from_json(row["state"]) if row is not None else None

    async def load_active(self) -> list[QuizSession]:
        """Sessions that were running when the bot stopped, oldest first."""
        rows = await self.db.fetchall(
            "SELECT state FROM quiz_sessions WHERE status = 'active' ORDER BY id")
        return [QuizSession.from_json(r["state"]) for r in rows]

    async def record_round(self, session: QuizSession, question: Question,
                           results: list[RoundResult], now: datetime) -> None:
        assert session.round is not None
        rows = [(session.session_id, session.round.index, r.member_id, session.guild_id,
                 session.channel_id, question.id, question.topic, session.mode, r.response,
                 int(r.correct), r.points, to_text(from_seconds(r.answered_at)), to_text(now))
                for r in results]
        if rows:
            await self.db.executemany(
                "INSERT INTO quiz_answers (session_id, round, member_id, guild_id, "
                "channel_id, question_id, topic, mode, response, correct, points, answered_at, "
                "revealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING", rows)


# ---------------------------------------------------------------------------------------------
# The engine

class QuizEngine:
    """Start, answer, reveal, skip, stop, resume and close channel quizzes."""

    def __init__(self, db: Database, bank: QuestionBank, clock: Clock,
                 srs: SpacedRepetition | None = None, rng: random.Random | None = None,
                 max_silent_rounds: int = MAX_SILENT_ROUNDS) -> None:
        self.bank = bank
        self.clock = clock
        self.store = SessionStore(db)
        self.srs = srs if srs is not None else SpacedRepetition(db)
        self.rng = rng or random.Random()
        self.max_silent_rounds = max_silent_rounds
        self._sessions: dict[int, QuizSession] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._wakeups: dict[int, asyncio.Event] = {}

    # -- lookup ---------------------------------------------------------------------------

    def get(self, channel_id: int) -> QuizSession | None:
        return self._sessions.get(channel_id)

    def active_sessions(self) -> list[QuizSession]:
        return list(self._sessions.values())

    def can_control(self, channel_id: int, member_id: int, is_moderator: bool) -> bool:
        """Who may skip or stop: the member who started the quiz, or a moderator."""
        session = self.get(channel_id)
        return session is not None and (is_moderator or session.started_by == member_id)

    def _lock(self, channel_id: int) -> asyncio.Lock:
        return self._locks.setdefault(channel_id, asyncio.Lock())

    def _session(self, channel_id: int) -> QuizSession:
        session = self._sessions.get(channel_id)
        if session is None or not session.active:
            raise QuizError("no-session", "no quiz is running in this channel")
        return session

    def _now(self) -> datetime:
        return self.clock.now()

    # -- start ----------------------------------------------------------------------------

    async def start(self, guild_id: int, channel_id: int, started_by: int,
                    topic: str | None = None, count: int = 10, seconds: int = DEFAULT_SECONDS,
                    mode: Mode = "button") -> QuizSession:
        """A new session in the ready phase; call next_question() to ask the first one."""
        if mode not in MODES:
            raise QuizError("bad-mode", f"mode must be one of {', '.join(MODES)}")
        if topic is not None and topic not in self.bank.topic_counts():
            raise QuizError("no-questions", f"no questions for topic {topic!r}")
        seconds = min(max(int(seconds), MIN_SECONDS), MAX_SECONDS)
        count = min(max(int(count), 1), MAX_QUESTIONS)
        # Buttons can only answer multiple-choice and true/false questions.
        pool = self.bank.select(topic, buttons_only=(mode == "button"))
        if not pool:
            raise QuizError("no-questions", f"no {mode}-mode questions for topic {topic!r}")
        chosen = self.rng.sample(pool, min(count, len(pool)))
        now = self._now()
        async with self._lock(channel_id):
            if channel_id in self._sessions:
                raise QuizError("exists", "a quiz is already running in this channel")
            session = QuizSession(0, guild_id, channel_id, started_by, topic, mode, seconds,
                                  [q.id for q in chosen], to_seconds(now),
                                  shuffle_seed=self.rng.getrandbits(32))
            await self.store.create(session, now)
            self._sessions[channel_id] = session
        log.info("quiz %d started in channel %d: %d %s questions, topic %s", session.session_id,
                 channel_id, len(chosen), mode, topic or "all")
        return session

    # -- asking ---------------------------------------------------------------------------

    def has_next(self, channel_id: int) -> bool:
        session = self._session(channel_id)
        return session.next_index < len(session.question_ids) and not self.is_silent(channel_id)

    def is_silent(self, channel_id: int) -> bool:
        """True when nobody answered the last max_silent_rounds rounds."""
        session = self._session(channel_id)
        return session.silent_rounds >= self.max_silent_rounds

    async def next_question(self, channel_id: int) -> QuestionView:
        async with self._lock(channel_id):
            session = self._session(channel_id)
            if session.phase == "asking":
                raise QuizError("asking", "the current question is still open")
            index = session.next_index
            # A question removed from the bank since the quiz started is passed over.
            while index < len(session.question_ids) and \
                    session.question_ids[index] not in self.bank.questions:
                log.warning("quiz %d: question %s is gone; skipping it", session.session_id,
                            session.question_ids[index])
                index += 1
            if index >= len(session.question_ids):
                raise QuizError("no-more", "there are no more questions in this quiz")
            now = to_seconds(self._now())
            session.round = RoundState(index, session.question_ids[index], now,
                                       now + session.seconds)
            session.phase = "asking"
            self._wakeups[channel_id] = asyncio.Event()
            await self._save(session)
            return self._view(session)

    def current_view(self, channel_id: int) -> QuestionView | None:
        """The open question (e.g. to post it again after a resume), or None."""
        session = self._session(channel_id)
        return self._view(session) if session.phase == "asking" else None

    def _order(self, session: QuizSession, question: Question) -> tuple[int, ...] | None:
        """How this session shows an mc question's options (None: as in the bank)."""
        return shown_order(question, session.shuffle_seed)

    def _asked(self, session: QuizSession) -> Question:
        """The open round's question as this session shows it (mc options in its order);
        buttons, typed letters, scoring and the reveal all use this one."""
        assert session.round is not None
        return shuffled(self.bank.get(session.round.question_id), session.shuffle_seed)

    def _view(self, session: QuizSession) -> QuestionView:
        assert session.round is not None
        question = self._asked(session)
        return QuestionView(
            session_id=session.session_id, channel_id=session.channel_id,
            number=session.round.index + 1, total=len(session.question_ids), mode=session.mode,
            question=question, choices=question.choices,
            opened_at=from_seconds(session.round.opened_at),
            deadline=from_seconds(session.round.deadline), points=base_points(question))

    # -- answers --------------------------------------------------------------------------

    async def answer_button(self, channel_id: int, member_id: int, choice: int) -> ButtonAck:
        """Record (or change) a member's choice; scored only at the reveal."""
        async with self._lock(channel_id):
            session = self._session(channel_id)
            problem = self._open_problem(session, "button")
            question = self._asked(session) if session.round else None
            if problem is None and (question is None or not 0 <= choice < len(question.choices)):
                problem = "bad-choice"
            if problem is not None:
                return ButtonAck(False, False, None, problem)
            assert session.round is not None
            before = session.round.buttons.get(member_id)
            changes = 0 if before is None else before.changes + (before.choice != choice)
            session.round.buttons[member_id] = ButtonAnswer(member_id, choice,
                                                            to_seconds(self._now()), changes)
            await self._save(session)
            return ButtonAck(True, before is not None and before.choice != choice, choice)

    async def answer_typed(self, channel_id: int, member_id: int, text: str) -> TypedAck:
        """Check a typed answer; the first correct one wins the round and ends it."""
        async with self._lock(channel_id):
            session = self._session(channel_id)
            problem = self._open_problem(session, "typed")
            if problem is not None:
                return TypedAck(False, False, False, 0, problem)
            assert session.round is not None
            tries = sum(1 for a in session.round.typed if a.member_id == member_id)
            if tries >= MAX_TYPED_TRIES:
                return TypedAck(False, False, False, 0, "too-many-tries")
            question = self._asked(session)
            correct = check_answer(question, text).correct
            first = correct and not any(a.correct for a in session.round.typed)
            session.round.typed.append(TypedAttempt(member_id, text[:200],
                                                    to_seconds(self._now()), correct))
            await self._save(session)
            if first:
                self._wake(channel_id)
            return TypedAck(True, correct, first, base_points(question) if first else 0)

    def _open_problem(self, session: QuizSession, mode: str) -> str | None:
        if session.mode != mode:
            return "wrong-mode"
        if session.phase != "asking" or session.round is None:
            return "not-asking"
        if to_seconds(self._now()) >= session.round.deadline:
            return "time-up"
        return None

    # -- ending a round -------------------------------------------------------------------

    def round_over(self, channel_id: int) -> bool:
        """Time is up, or (typed mode) someone already answered correctly."""
        session = self._session(channel_id)
        if session.phase != "asking" or session.round is None:
            return True
        won = session.mode == "typed" and any(a.correct for a in session.round.typed)
        return won or to_seconds(self._now()) >= session.round.deadline

    async def wait_round(self, channel_id: int) -> None:
        """Sleep (on the injected clock) until the deadline, or until woken early."""
        session = self.get(channel_id)
        if session is None or session.round is None or session.phase != "asking":
            return
        remaining = session.round.deadline - to_seconds(self._now())
        wakeup = self._wakeups.setdefault(channel_id, asyncio.Event())
        if remaining <= 0 or wakeup.is_set():
            return
        sleeper = asyncio.ensure_future(self.clock.sleep(remaining))
        waiter = asyncio.ensure_future(wakeup.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waiter):
                task.cancel()

    def _wake(self, channel_id: int) -> None:
        self._wakeups.setdefault(channel_id, asyncio.Event()).set()

    async def reveal(self, channel_id: int) -> Reveal:
        """Score the open round, save it, and return what to show."""
        async with self._lock(channel_id):
            session = self._session(channel_id)
            if session.phase != "asking" or session.round is None:
                raise QuizError("not-asking", "no question is open")
            question = self._asked(session)
            results = self._score(session, question)
            now = self._now()
            await self.store.record_round(session, question,
                                          self._in_bank_order(session, question, results), now)
            for result in results:
                if not result.correct:
                    await self.srs.enqueue_missed(result.member_id, question.id, now)
                score = session.scores.setdefault(result.member_id, MemberScore(result.member_id))
                score.points += result.points
                score.correct += int(result.correct)
                score.answered += 1
            session.silent_rounds = 0 if results else session.silent_rounds + 1
            session.rounds_played += 1
            session.round.outcome = "revealed"
            session.phase = "revealed"
            await self._save(session)
            self._wake(channel_id)
            return self._reveal(session, question, tuple(results), skipped=False)

    async def skip(self, channel_id: int) -> Reveal:
        """Show the answer without scoring the round (nobody gains or loses anything)."""
        async with self._lock(channel_id):
            session = self._session(channel_id)
            if session.phase != "asking" or session.round is None:
                raise QuizError("not-asking", "no question is open")
            question = self._asked(session)
            session.round.outcome = "skipped"
            session.rounds_played += 1  # asked and closed, though not scored
            session.phase = "revealed"
            await self._save(session)
            self._wake(channel_id)
            return self._reveal(session, question, (), skipped=True)

    def _score(self, session: QuizSession, question: Question) -> list[RoundResult]:
        assert session.round is not None
        if session.mode == "button":
            return score_button_round(question, session.round.buttons, session.round.opened_at,
                                      session.round.deadline)
        return score_typed_round(question, session.round.typed)

    def _in_bank_order(self, session: QuizSession, question: Question,
                       results: list[RoundResult]) -> list[RoundResult]:
        """Button answers as the bank's option index, so a stored response names the same
        option whatever order its session showed."""
        order = self._order(session, question)
        if order is None or session.mode != "button":
            return results
        return [replace(r, response=str(order[int(r.response)])) for r in results]

    def _reveal(self, session: QuizSession, question: Question,
                results: tuple[RoundResult, ...], skipped: bool) -> Reveal:
        assert session.round is not None
        counts = [0] * len(question.choices)
        for answer in session.round.buttons.values():
            if 0 <= answer.choice < len(counts):
                counts[answer.choice] += 1
        return Reveal(
            session_id=session.session_id, channel_id=session.channel_id,
            number=session.round.index + 1, total=len(session.question_ids), question=question,
            answer=question.answer_display(), explanation=question.explanation,
            quote=self.bank.quote(question.id), results=results, choice_counts=tuple(counts),
            skipped=skipped, standings=self._standings(session))

    # -- ending a session -----------------------------------------------------------------

    async def finish(self, channel_id: int) -> Scoreboard:
        """End a quiz whose questions are done (or that went silent)."""
        return await self._end(channel_id, "finished")

    async def stop(self, channel_id: int) -> Scoreboard:
        """End a quiz early (starter or moderator); an open question is voided."""
        return await self._end(channel_id, "stopped")

    async def close(self, channel_id: int) -> Scoreboard:
        """End a quiz found active after a restart without playing on; scores are kept."""
        return await self._end(channel_id, "closed")

    async def _end(self, channel_id: int, status: str) -> Scoreboard:
        async with self._lock(channel_id):
            session = self._session(channel_id)
            if session.phase == "asking" and session.round is not None:
                session.round.outcome = "void"
            session.phase = "ended"
            session.status = status
            await self._save(session)
            del self._sessions[channel_id]
            self._wake(channel_id)
        log.info("quiz %d %s after %d rounds", session.session_id, status, session.rounds_played)
        return self.scoreboard(session)

    def scoreboard(self, session: QuizSession) -> Scoreboard:
        return Scoreboard(session.session_id, session.guild_id, session.channel_id,
                          session.status, self._standings(session), session.rounds_played,
                          len(session.question_ids))

    @staticmethod
    def _standings(session: QuizSession) -> tuple[MemberScore, ...]:
        return tuple(sorted(session.scores.values(),
                            key=lambda s: (-s.points, -s.correct, s.member_id)))

    # -- restart --------------------------------------------------------------------------

    async def restore(self, owns_guild: Callable[[int], bool] = lambda _guild: True,
                      ) -> list[QuizSession]:
        """Load the sessions that were active when the bot stopped; resume or close each.

        Only quizzes in guilds ``owns_guild`` accepts: with several bot processes on one
        database, each resumes the quizzes of its own shards and leaves the others' alone
        (another process cannot even see those channels, and would close them as gone).
        """
        restored = []
        for session in await self.store.load_active():
            if session.channel_id in self._sessions or not owns_guild(session.guild_id):
                continue
            self._sessions[session.channel_id] = session
            restored.append(session)
        if restored:
            log.info("restored %d active quiz session(s)", len(restored))
        return restored

    async def resume(self, channel_id: int) -> QuestionView | None:
        """Play on after a restart. An open question is asked again with a full timer."""
        async with self._lock(channel_id):
            session = self._session(channel_id)
            self._wakeups[channel_id] = asyncio.Event()
            if session.phase != "asking" or session.round is None:
                return None
            if session.round.question_id not in self.bank.questions:
                session.round.outcome = "void"
                session.phase = "revealed"
                await self._save(session)
                return None
            now = to_seconds(self._now())
            session.round.opened_at = now
            session.round.deadline = now + session.seconds
            await self._save(session)
            return self._view(session)

    async def _save(self, session: QuizSession) -> None:
        await self.store.save(session, self._now())

    # -- convenience for the Discord layer ------------------------------------------------

    def member_answer(self, channel_id: int, member_id: int) -> int | None:
        """The choice a member has locked in for the open round (for an ephemeral echo)."""
        session = self.get(channel_id)
        if session is None or session.round is None or session.phase != "asking":
            return None
        answer = session.round.buttons.get(member_id)
        return answer.choice if answer is not None else None
