"""Finding a reminder an earlier attempt may already have delivered, in the target's history.

The dispatcher commits the attempt's start time (`plan_sends.attempt_at`) just before every
send, so if that attempt reached Discord its message was created shortly after that moment.
The check reads the target's history forwards from a little before it, one 100-message
page at a time, oldest first, and stops at the first message created later than the
longest a send can take. The stated bound: a delivered copy is found unless Discord created
it more than SEND_WINDOW after the attempt started, or more than MAX_MESSAGES messages were
posted in the target between FIND_SLACK before the attempt and the copy. Messages posted
before the attempt (a busy channel while the bot was down) never hide it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.plans.payload import key_from_footer, nonce_for
from bot.plans.transport import HistoryMessage, SentMessage, Target, Transport

log = logging.getLogger(__name__)

FIND_SLACK = timedelta(minutes=2)  # our clock may run ahead of Discord's
SEND_WINDOW = timedelta(minutes=10)  # a send that takes longer has timed out long before
PAGE_SIZE = 100  # Discord's largest history page
MAX_MESSAGES = 1000  # ten pages: a burst this large inside the window is not a study group


def carries_key(message: HistoryMessage, key: str) -> bool:
    """Our own message for `key`: by its nonce, or by the key at the end of its footer."""
    if not message.from_bot:
        return False
    if message.nonce is not None and str(message.nonce) == nonce_for(key):
        return True
    return any(key_from_footer(footer) == key for footer in message.footers)


async def find_sent(transport: Transport, target: Target, key: str,
                    attempt_at: datetime) -> SentMessage | None:
    """The message an attempt started at `attempt_at` delivered, if it did (see the bound)."""
    until = attempt_at + SEND_WINDOW
    after: datetime | int = attempt_at - FIND_SLACK
    read = 0
    while read < MAX_MESSAGES:
        page = await transport.history(target, after, PAGE_SIZE)
        for message in page:
            if carries_key(message, key):
                return SentMessage(message.message_id, message.channel_id)
            if message.created_at > until:
                return None  # past the window: the attempt did not deliver
        if len(page) < PAGE_SIZE:
            return None  # the end of the history
        read += len(page)
        after = page[-1].message_id
    log.warning("plan send %s: %d messages in %s within %s of the last attempt; assuming it "
                "was not delivered", key, read, target, SEND_WINDOW)
    return None
