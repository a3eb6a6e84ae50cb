-- Answers shown on Discord (so buttons keep working after a restart), the bot's threads
-- and their turns (follow-up context), command-sync fingerprints and installation secrets.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    guild_id INTEGER,
    channel_id INTEGER,
    user_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    passage_ids TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE bot_threads (
    thread_id INTEGER PRIMARY KEY,
    guild_id INTEGER,
    parent_channel_id INTEGER,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE thread_turns (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES bot_threads(thread_id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX thread_turns_by_thread ON thread_turns(thread_id, id);

CREATE TABLE command_sync (
    scope TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    synced_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
