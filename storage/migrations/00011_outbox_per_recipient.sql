-- +goose Up
-- A dedupe key is unique per recipient, no longer across the outbox: one
-- message to several people (each facilitator told of a request) can
-- share a key that names what it is, without naming who gets it. The
-- recipient column says who; keys, which reach logs and Slack's message
-- metadata, need not. SQLite cannot drop a column's UNIQUE, so the table
-- is rebuilt; (dedupe_key, recipient) keeps the key first, for the prefix
-- ranges of CountMessages and FindMessageKeys.
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    dedupe_key   TEXT    NOT NULL,
    recipient    TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT    NOT NULL DEFAULT '',
    last_error   TEXT    NOT NULL DEFAULT '',
    track        TEXT    NOT NULL DEFAULT '',
    notice       TEXT    NOT NULL DEFAULT '',
    parts_done   INTEGER NOT NULL DEFAULT 0,
    ref_channel  TEXT    NOT NULL DEFAULT '',
    ref_ts       TEXT    NOT NULL DEFAULT '',
    in_flight_at TEXT    NOT NULL DEFAULT '',
    UNIQUE (dedupe_key, recipient)
);
INSERT INTO outbox_new (id, dedupe_key, recipient, message, status, attempts, due_at, created_at, sent_at, last_error,
                        track, notice, parts_done, ref_channel, ref_ts, in_flight_at)
    SELECT id, dedupe_key, recipient, message, status, attempts, due_at, created_at, sent_at, last_error,
           track, notice, parts_done, ref_channel, ref_ts, in_flight_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, due_at, id);
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';

-- +goose Down
-- Back to one row per key: of a key shared by several recipients, only
-- the first message is kept.
CREATE TABLE outbox_old (
    id           INTEGER PRIMARY KEY,
    dedupe_key   TEXT    NOT NULL UNIQUE,
    recipient    TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT    NOT NULL DEFAULT '',
    last_error   TEXT    NOT NULL DEFAULT '',
    track        TEXT    NOT NULL DEFAULT '',
    notice       TEXT    NOT NULL DEFAULT '',
    parts_done   INTEGER NOT NULL DEFAULT 0,
    ref_channel  TEXT    NOT NULL DEFAULT '',
    ref_ts       TEXT    NOT NULL DEFAULT '',
    in_flight_at TEXT    NOT NULL DEFAULT ''
);
INSERT INTO outbox_old (id, dedupe_key, recipient, message, status, attempts, due_at, created_at, sent_at, last_error,
                        track, notice, parts_done, ref_channel, ref_ts, in_flight_at)
    SELECT id, dedupe_key, recipient, message, status, attempts, due_at, created_at, sent_at, last_error,
           track, notice, parts_done, ref_channel, ref_ts, in_flight_at FROM outbox
    WHERE id IN (SELECT MIN(id) FROM outbox GROUP BY dedupe_key);
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, due_at, id);
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
