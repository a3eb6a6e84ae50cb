"""The pacing of a live channel quiz, as an asyncio task the Discord layer starts.

The runner asks a question, waits on the engine's clock until the deadline (or until a
typed answer wins, or someone skips or stops), reveals, pauses, and goes on until the
questions run out or nobody has answered for a few rounds. What to post is up to the
`QuizEvents` the caller passes in; the runner itself knows nothing about Discord.

A task that dies must not die silently: `start_runner` attaches a done-callback that logs
any exception with the channel and session it belonged to.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.clock import Clock
from bot.quiz.session import QuestionView, QuizEngine, QuizError, Reveal, Scoreboard

log = logging.getLogger(__name__)

DEFAULT_GAP_SECONDS = 5.0  # between a reveal and the next question: time to read it


class QuizEvents(Protocol):
    """What the Discord layer does at each step (post a message, edit buttons...)."""

    async def on_question(self, view: QuestionView) -> None: ...

    async def on_reveal(self, reveal: Reveal) -> None: ...

    async def on_end(self, board: Scoreboard) -> None: ...


async def run_quiz(engine: QuizEngine, channel_id: int, events: QuizEvents, clock: Clock,
                   gap_seconds: float = DEFAULT_GAP_SECONDS) -> Scoreboard | None:
    """Play the channel's session to its end; returns the scoreboard if it finished here.

    A resumed session whose question is still open is announced again first. If the quiz
    is stopped from outside (engine.stop), the caller that stopped it posts the scoreboard
    and this returns None.
    """
    view = _open_view(engine, channel_id)
    if view is not None:
        await events.on_question(view)
    while _active(engine, channel_id):
        if view is None:
            if not engine.has_next(channel_id):
                board = await engine.finish(channel_id)
                await events.on_end(board)
                return board
            view = await engine.next_question(channel_id)
            await events.on_question(view)
        await engine.wait_round(channel_id)
        if not _active(engine, channel_id):
            break
        if _open_view(engine, channel_id) is not None:
            if not engine.round_over(channel_id):
                continue  # woken early but the round is still open
            try:
                reveal = await engine.reveal(channel_id)
            except QuizError as exc:  # skipped or stopped by a command in the meantime
                log.debug("channel %d: no reveal (%s)", channel_id, exc.code)
            else:
                await events.on_reveal(reveal)
        view = None
        await clock.sleep(gap_seconds)
    return None


def _active(engine: QuizEngine, channel_id: int) -> bool:
    session = engine.get(channel_id)
    return session is not None and session.active


def _open_view(engine: QuizEngine, channel_id: int) -> QuestionView | None:
    return engine.current_view(channel_id) if _active(engine, channel_id) else None


def start_runner(engine: QuizEngine, channel_id: int, events: QuizEvents, clock: Clock,
                 gap_seconds: float = DEFAULT_GAP_SECONDS) -> asyncio.Task:
    """Run the quiz as a background task whose failure is logged, never swallowed."""
    session = engine.get(channel_id)
    session_id = session.session_id if session is not None else None
    task = asyncio.create_task(run_quiz(engine, channel_id, events, clock, gap_seconds),
                               name=f"quiz-{channel_id}")
    task.add_done_callback(lambda t: _log_outcome(t, channel_id, session_id))
    return task


def _log_outcome(task: asyncio.Task, channel_id: int, session_id: int | None) -> None:
    if task.cancelled():
        log.info("quiz runner for channel %d (session %s) was cancelled", channel_id, session_id)
        return
    error = task.exception()
    if error is None:
        return
    if isinstance(error, QuizError):
        log.warning("quiz runner for channel %d (session %s) ended: %s", channel_id,
                    session_id, error)
    else:
        log.error("quiz runner for channel %d (session %s) crashed", channel_id, session_id,
                  exc_info=error)
