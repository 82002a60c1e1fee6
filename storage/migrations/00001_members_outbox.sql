-- +goose Up
-- Instants are TEXT in UTC, fixed width ("2026-11-22T09:30:00.000Z"), so
-- they sort as text and read well in the sqlite3 shell.

CREATE TABLE companies (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    sector       TEXT    NOT NULL DEFAULT '',
    headcount    INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
    city         TEXT    NOT NULL DEFAULT '',
    founded_year INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT    NOT NULL
);

CREATE TABLE members (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL DEFAULT 'member'
               CHECK (role IN ('member', 'facilitator', 'expert', 'admin')),
    lang       TEXT    NOT NULL DEFAULT 'fr',
    time_zone  TEXT    NOT NULL DEFAULT '',
    company_id INTEGER REFERENCES companies (id) ON DELETE SET NULL,
    synced_at  TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
CREATE INDEX members_name ON members (name COLLATE NOCASE);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);

-- Every message the bot sends on its own initiative, kept until delivered.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT    NOT NULL UNIQUE,
    recipient   TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    due_at      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    sent_at     TEXT    NOT NULL DEFAULT '',
    last_error  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (due_at, id) WHERE status = 'pending';

-- Slack event_ids already handled, so a retried delivery acts once.
CREATE TABLE processed_events (
    event_id    TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE processed_events;
DROP TABLE outbox;
DROP TABLE audit_log;
DROP TABLE members;
DROP TABLE companies;
