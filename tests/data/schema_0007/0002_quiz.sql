-- Quizzes, exercises and spaced repetition (bot/quiz). Member ids are Discord user ids;
-- times are UTC ISO-8601 strings with microseconds, so they sort as text.

-- One row per channel quiz. `state` is the whole session as JSON, rewritten on every
-- transition, so a restart can resume or close it; at most one active session per channel.
CREATE TABLE quiz_sessions (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    started_by INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('button', 'typed')),
    topic TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'stopped', 'closed')),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE UNIQUE INDEX quiz_sessions_one_active ON quiz_sessions (channel_id)
    WHERE status = 'active';
CREATE INDEX quiz_sessions_status ON quiz_sessions (status);

-- Every member's scored answer to every revealed round. Stats, streaks, leaderboards and the
-- "missed most" report are computed from here; the primary key makes re-recording a round
-- after a crash a no-op instead of a double count.
CREATE TABLE quiz_answers (
    session_id INTEGER NOT NULL REFERENCES quiz_sessions (id),
    round INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    mode TEXT NOT NULL,
    response TEXT NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    revealed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, round, member_id)
);
CREATE INDEX quiz_answers_guild_time ON quiz_answers (guild_id, revealed_at);
CREATE INDEX quiz_answers_channel_time ON quiz_answers (channel_id, revealed_at);
CREATE INDEX quiz_answers_member ON quiz_answers (guild_id, member_id, revealed_at);
CREATE INDEX quiz_answers_question ON quiz_answers (guild_id, question_id);

-- SM-2 state per member per fact question.
CREATE TABLE srs_items (
    member_id INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    easiness REAL NOT NULL DEFAULT 2.5,
    repetitions INTEGER NOT NULL DEFAULT 0,
    interval_days REAL NOT NULL DEFAULT 0,
    due_at TEXT NOT NULL,
    last_reviewed_at TEXT,
    lapses INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL CHECK (origin IN ('missed', 'practice')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (member_id, question_id)
);
CREATE INDEX srs_items_due ON srs_items (member_id, due_at);
CREATE INDEX srs_items_due_all ON srs_items (due_at);

CREATE TABLE srs_reviews (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    quality INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 5),
    reviewed_at TEXT NOT NULL,
    interval_days REAL NOT NULL,
    easiness REAL NOT NULL
);
CREATE INDEX srs_reviews_member ON srs_reviews (member_id, reviewed_at);

-- Free-text answers to the chapter's exercises, with the key-point checklist they got.
CREATE TABLE exercise_answers (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL,
    exercise_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    answer TEXT NOT NULL,
    language TEXT NOT NULL,
    covered TEXT NOT NULL,   -- JSON list of key-point ids
    missed TEXT NOT NULL,    -- JSON list of key-point ids
    created_at TEXT NOT NULL
);
CREATE INDEX exercise_answers_member ON exercise_answers (member_id, number, created_at);

-- How many hints of each exercise a member has seen (hints are revealed one by one).
CREATE TABLE exercise_hints (
    member_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    revealed INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (member_id, number)
);
