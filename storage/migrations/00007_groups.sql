-- +goose Up
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

-- The working group whose meeting an event is; NULL for an event of the
-- whole network.
ALTER TABLE events ADD COLUMN group_id INTEGER REFERENCES groups (id);

-- +goose Down
ALTER TABLE events DROP COLUMN group_id;
ALTER TABLE members DROP COLUMN summaries_opt_out;
ALTER TABLE members DROP COLUMN digest;
DROP TABLE group_summaries;
DROP TABLE group_off_record;
DROP TABLE group_messages;
DROP TABLE group_members;
DROP TABLE groups;
