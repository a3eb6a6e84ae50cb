-- Answers feedback and per-guild settings.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    guild_id INTEGER,
    user_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    passage_ids TEXT NOT NULL,      -- JSON list of chunk ids shown
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1))
);

CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY,
    answer_channels TEXT NOT NULL DEFAULT '[]',   -- JSON list of channel ids answering without a mention
    use_threads INTEGER NOT NULL DEFAULT 1,
    ask_per_minute INTEGER,
    moderator_role_id INTEGER,
    quiz_master_role_id INTEGER,
    timezone TEXT,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
