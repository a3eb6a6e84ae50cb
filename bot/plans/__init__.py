"""Weekly study plans from chapter 4.4: the Discord-free core (see bot/plans/README.md).

    runtime = await open_plans(db, settings.knowledge_dir, transport, SystemClock(),
                               reviews_due=quiz.reviews_due)
    await runtime.start()            # recovers, then the dispatcher runs in the background
    await runtime.service.start(member_id, "3m", weekday="mon", at="09:00")
    ...
    await runtime.stop()
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.plans.dispatcher import Dispatcher, OnPaused, RetryPolicy, ReviewsDue
from bot.plans.library import Plan, PlanFileError, PlanLibrary, PlanWeek, load_library
from bot.plans.payload import Notice, ReminderPayload, WeekView, key_from_footer, nonce_for
from bot.plans.practice import PracticePicker, PracticeSource
from bot.plans.service import (
    PlanConflict,
    PlanError,
    PlanPermissionError,
    PlanService,
    SubscriptionStatus,
    TaskProgress,
)
from bot.plans.transport import (
    DeliveryError,
    Forbidden,
    RateLimited,
    SentMessage,
    ServerError,
    Target,
    TargetGone,
    Transport,
)
from bot.storage.db import Database

log = logging.getLogger(__name__)

__all__ = [
    "DeliveryError", "Dispatcher", "Forbidden", "Notice", "Plan", "PlanConflict", "PlanError",
    "PlanFileError", "PlanLibrary", "PlanPermissionError", "PlanRuntime", "PlanService",
    "PlanWeek", "PracticePicker", "PracticeSource", "RateLimited", "ReminderPayload",
    "RetryPolicy", "SentMessage", "ServerError",
    "SubscriptionStatus", "Target", "TargetGone", "TaskProgress", "Transport", "WeekView",
    "key_from_footer", "load_library", "nonce_for", "open_plans",
]


@dataclass
class PlanRuntime:
    service: PlanService
    dispatcher: Dispatcher

    async def start(self) -> None:
        await self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()


async def open_plans(db: Database, knowledge_dir: Path, transport: Transport, clock: Clock, *,
                     default_timezone: str = "Asia/Tokyo",
                     reviews_due: ReviewsDue | None = None,
                     on_paused: OnPaused | None = None, concurrency: int = 16,
                     retry: RetryPolicy | None = None, knowledge=None,
                     practice: PracticeSource | None = None) -> PlanRuntime:
    """Load plans.yaml (checked against `knowledge` if given) and wire the service to one
    dispatcher, so every change wakes it. Call `start()` once the transport can send."""
    library = load_library(knowledge_dir / "plans.yaml", knowledge)
    service = PlanService(db, library, clock, default_timezone=default_timezone,
                          reviews_due=reviews_due, practice=practice)
    dispatcher = Dispatcher(service.store, service.scheduler, transport, clock,
                            reviews_due=reviews_due, on_paused=on_paused,
                            concurrency=concurrency, retry=retry)
    service.set_wake(dispatcher.wake)
    return PlanRuntime(service, dispatcher)
