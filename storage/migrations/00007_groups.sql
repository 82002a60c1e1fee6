-- +goose NO TRANSACTION
-- +goose Up
-- Run outside goose's transaction, in one of its own: rebuilding events
-- (below) needs foreign keys off, which SQLite ignores inside a
-- transaction; the single writer connection keeps the pragma for it.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
-- Working groups: members who work on one theme (achats groupés,
-- recrutement …) and the channel where they talk. A group is archived,
-- never deleted: its meetings and its members' history keep pointing at it.
-- The name is unique ignoring case, so two groups never read the same in
-- a list; channel_id is NULL while the group has no channel (UNIQUE lets
-- NULLs repeat), rather than a partial index on '' (see 00003: partial
-- indexes cost their table's queries a fresh compile).
CREATE TABLE groups (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    private         INTEGER NOT NULL DEFAULT 0,
    channel_id      TEXT    UNIQUE,
    channel_created INTEGER NOT NULL DEFAULT 0,
    archived_at     TEXT    NOT NULL DEFAULT '',
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups (name COLLATE NOCASE);

-- Who is in which group, and who leads it (animateur): the rules on a
-- group's meetings and its digest read it.
CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES groups (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    lead      INTEGER NOT NULL DEFAULT 0,
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
-- A member's groups, read with every member lookup.
CREATE INDEX group_members_member ON group_members (member_id);

-- Messages posted in a group's channel, kept for the retention period only,
-- to summarise the group's week or month from. replies and reactions say
-- which messages drew the group's attention.
CREATE TABLE group_messages (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups (id),
    channel_id TEXT    NOT NULL,
    ts         TEXT    NOT NULL,
    thread_ts  TEXT    NOT NULL DEFAULT '',
    author     TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    permalink  TEXT    NOT NULL DEFAULT '',
    posted_at  TEXT    NOT NULL,
    edited_at  TEXT    NOT NULL DEFAULT '',
    replies    INTEGER NOT NULL DEFAULT 0 CHECK (replies >= 0),
    reactions  INTEGER NOT NULL DEFAULT 0 CHECK (reactions >= 0),
    UNIQUE (channel_id, ts)
);
CREATE INDEX group_messages_period ON group_messages (group_id, posted_at);
CREATE INDEX group_messages_posted ON group_messages (posted_at);
CREATE INDEX group_messages_author ON group_messages (author);
-- A deleted thread parent takes its replies with it.
CREATE INDEX group_messages_thread ON group_messages (channel_id, thread_ts);

-- Thread parents posted off the record: their replies are not stored
-- either, though each reply arrives on its own and says only its parent.
CREATE TABLE group_off_record (
    channel_id TEXT NOT NULL,
    ts         TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (channel_id, ts)
) WITHOUT ROWID;

-- A group's summary for a week or a month, kept so the digest of each
-- member does not ask the model again; fingerprint identifies the messages
-- it was made from, so a new, edited or deleted message outdates it.
-- bullets is JSON (commands.SummaryBullet).
CREATE TABLE group_summaries (
    group_id    INTEGER NOT NULL REFERENCES groups (id),
    period      TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    generated   INTEGER NOT NULL DEFAULT 0,
    model       TEXT    NOT NULL DEFAULT '',
    bullets     TEXT    NOT NULL,
    messages    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (group_id, period)
);

-- How often a member gets the digest (weekly, monthly, off), and whether
-- they keep their messages out of summaries. No CHECK on digest: a new
-- frequency must not cost a rebuild of the members table (see 00005); the
-- core validates what it stores.
ALTER TABLE members ADD COLUMN digest TEXT NOT NULL DEFAULT 'weekly';
ALTER TABLE members ADD COLUMN summaries_opt_out INTEGER NOT NULL DEFAULT 0;

-- The working group whose meeting an event is (kind 'meeting'); NULL for
-- an event of the whole network. SQLite cannot change a CHECK in place,
-- so the table is rebuilt with the same rows and indexes, foreign keys
-- off so that dropping the old table leaves registrations untouched.
CREATE TABLE events_next (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('plenary', 'training', 'visit', 'meeting')),
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    place         TEXT    NOT NULL DEFAULT '',
    starts_at     TEXT    NOT NULL,
    ends_at       TEXT    NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    deadline      TEXT    NOT NULL DEFAULT '',
    cancel_cutoff TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'published', 'cancelled')),
    sequence      INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    seats_taken   INTEGER NOT NULL DEFAULT 0, -- registered, attended, no_show
    offered       INTEGER NOT NULL DEFAULT 0,
    waitlisted    INTEGER NOT NULL DEFAULT 0,
    last_queue_seq INTEGER NOT NULL DEFAULT 0,
    uid           TEXT    NOT NULL DEFAULT '',
    group_id      INTEGER REFERENCES groups (id),
    CHECK (ends_at > starts_at),
    -- The last guard against overbooking, whatever the code does.
    CHECK (seats_taken + offered <= capacity),
    CHECK ((kind = 'meeting') = (group_id IS NOT NULL))
);
INSERT INTO events_next (id, kind, title, description, place, starts_at, ends_at, capacity, deadline, cancel_cutoff,
        status, sequence, created_by, created_at, updated_at, seats_taken, offered, waitlisted, last_queue_seq, uid)
    SELECT id, kind, title, description, place, starts_at, ends_at, capacity, deadline, cancel_cutoff,
        status, sequence, created_by, created_at, updated_at, seats_taken, offered, waitlisted, last_queue_seq, uid FROM events;
DROP TABLE events;
ALTER TABLE events_next RENAME TO events;
CREATE INDEX events_upcoming ON events (status, ends_at);
CREATE UNIQUE INDEX events_uid ON events (uid);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
-- Group meetings cannot outlive their groups: they go, with their
-- registrations, and the table keeps its wider CHECK.
DELETE FROM registrations WHERE event_id IN (SELECT id FROM events WHERE group_id IS NOT NULL);
DELETE FROM events WHERE group_id IS NOT NULL;
UPDATE events SET group_id = NULL;
ALTER TABLE members DROP COLUMN summaries_opt_out;
ALTER TABLE members DROP COLUMN digest;
DROP TABLE group_summaries;
DROP TABLE group_off_record;
DROP TABLE group_messages;
DROP TABLE group_members;
DROP TABLE groups;
COMMIT;
PRAGMA foreign_keys = ON;
