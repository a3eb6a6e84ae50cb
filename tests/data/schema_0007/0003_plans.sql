-- Weekly study-plan subscriptions, their scheduled sends (one row per send, RoboDanny
-- style timers run by one dispatcher) and per-task progress. All times are UTC ISO-8601
-- text with microseconds ("2026-01-05T00:00:00.000000+00:00"), so text order is time order.

-- A member's own time zone; guild_settings.timezone (0001) is the server default.
CREATE TABLE plan_member_settings (
    member_id INTEGER PRIMARY KEY,
    timezone TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE plan_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER,
    member_id INTEGER NOT NULL,                 -- who started it (owner)
    plan TEXT NOT NULL CHECK (plan IN ('3m', '1y', '3y')),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('dm', 'channel')),
    target_id INTEGER NOT NULL,                 -- user id for dm, channel id for channel
    timezone TEXT NOT NULL,
    timezone_source TEXT NOT NULL
        CHECK (timezone_source IN ('explicit', 'member', 'server', 'default')),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday
    local_time TEXT NOT NULL,                   -- "HH:MM" in timezone
    start_date TEXT NOT NULL,                   -- local date the member asked to start
    anchor_week INTEGER NOT NULL,               -- week anchor_week is due on anchor_date,
    anchor_date TEXT NOT NULL,                  -- each later week 7 local days later
    next_week INTEGER NOT NULL DEFAULT 1,       -- first week not yet sent or skipped
    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'stopped', 'finished')),
    paused_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One live plan per DM or channel, so two plans never interleave in one place.
CREATE UNIQUE INDEX plan_subscriptions_live_target
    ON plan_subscriptions (target_kind, target_id) WHERE status IN ('active', 'paused');
CREATE INDEX plan_subscriptions_member ON plan_subscriptions (member_id, status);

CREATE TABLE plan_sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES plan_subscriptions (id) ON DELETE CASCADE,
    key TEXT NOT NULL UNIQUE,                   -- idempotency key: subscription + week
    kind TEXT NOT NULL CHECK (kind IN ('week', 'catchup', 'snooze')),
    week INTEGER NOT NULL,
    last_week INTEGER NOT NULL,                 -- > week for a catch-up message
    member_id INTEGER,                          -- snooze: whose DM
    target_kind TEXT NOT NULL CHECK (target_kind IN ('dm', 'channel')),
    target_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,                       -- the scheduled time
    run_at TEXT NOT NULL,                       -- when the dispatcher acts (due or backoff)
    state TEXT NOT NULL
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,        -- claims ever made; > 0 means "look first"
    retries INTEGER NOT NULL DEFAULT 0,         -- consecutive transient failures
    first_attempt_at TEXT,
    last_error TEXT,
    message_id INTEGER,
    sent_at TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX plan_sends_due ON plan_sends (state, run_at);
CREATE INDEX plan_sends_subscription ON plan_sends (subscription_id, state, week);

CREATE TABLE plan_progress (
    subscription_id INTEGER NOT NULL REFERENCES plan_subscriptions (id) ON DELETE CASCADE,
    week INTEGER NOT NULL,
    task_index INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    done_at TEXT NOT NULL,
    PRIMARY KEY (subscription_id, week, task_index, member_id)
);
