-- The language of a member's Discord client, remembered from their latest interaction:
-- messages (mentions) and scheduled DMs (plan reminders) carry no locale of their own.
CREATE TABLE member_languages (
    member_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- One vote per member and answer: a later 👍/👎 replaces the earlier one. Rows stored
-- before this migration have no answer id and stay as they are.
ALTER TABLE feedback ADD COLUMN answer_id INTEGER;
CREATE UNIQUE INDEX feedback_one_vote ON feedback (answer_id, user_hash)
    WHERE answer_id IS NOT NULL;
