-- +goose Up
-- The assistant's conversations: each thread's turns, so a thread keeps
-- its conversation across questions without reading Slack's history back
-- (conversations.replies is 1 request a minute for most apps). Kept as
-- long as group messages are; purged with them.
CREATE TABLE assistant_turns (
    id         INTEGER PRIMARY KEY,
    channel_id TEXT    NOT NULL,
    thread_ts  TEXT    NOT NULL, -- '' for a DM outside any thread
    user_id    TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
    text       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX assistant_turns_thread ON assistant_turns (channel_id, thread_ts, id);
CREATE INDEX assistant_turns_age ON assistant_turns (created_at);

-- The channel a member was looking at when they opened an assistant
-- thread (Slack's thread context): message events in the thread do not
-- carry it, and keeping it here avoids message metadata and history calls.
CREATE TABLE assistant_threads (
    channel_id      TEXT NOT NULL,
    thread_ts       TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    context_channel TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (channel_id, thread_ts)
);

-- Actions the assistant proposed: each runs only when the member it was
-- proposed to clicks, once.
CREATE TABLE assistant_proposals (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    args       TEXT    NOT NULL, -- JSON array of the command's arguments
    summary    TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    used_at    TEXT    NOT NULL DEFAULT ''
);

-- One row per question answered by the model, with the tokens it cost:
-- the per-member rate limit and the network's daily token budget.
CREATE TABLE assistant_asks (
    id      INTEGER PRIMARY KEY,
    user_id TEXT    NOT NULL,
    tokens  INTEGER NOT NULL,
    at      TEXT    NOT NULL
);
CREATE INDEX assistant_asks_user ON assistant_asks (user_id, at);
CREATE INDEX assistant_asks_at ON assistant_asks (at);

-- +goose Down
DROP TABLE assistant_asks;
DROP TABLE assistant_proposals;
DROP TABLE assistant_threads;
DROP TABLE assistant_turns;
