-- Study plans (issue 16): a member's weekly check-in ("what did you do this week?", one
-- line), shown back as their study log, and how often a plan sends its reminders.

CREATE TABLE plan_checkins (
    subscription_id INTEGER NOT NULL REFERENCES plan_subscriptions (id) ON DELETE CASCADE,
    week INTEGER NOT NULL,                      -- the plan's week (a month's first week when monthly)
    member_id INTEGER NOT NULL,
    text TEXT NOT NULL,                         -- one line, at most 200 characters
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (subscription_id, week, member_id)
);

CREATE INDEX plan_checkins_member ON plan_checkins (member_id, subscription_id, week);

-- weekly: one reminder a week; monthly: one every four weeks, showing those four weeks.
ALTER TABLE plan_subscriptions ADD COLUMN cadence TEXT NOT NULL DEFAULT 'weekly'
    CHECK (cadence IN ('weekly', 'monthly'));
