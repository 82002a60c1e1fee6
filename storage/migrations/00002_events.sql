-- +goose Up
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('plenary', 'training', 'visit')),
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
    -- Counts of registrations by standing, kept by the triggers below so
    -- a registration reads them instead of counting a growing table.
    seats_taken   INTEGER NOT NULL DEFAULT 0, -- registered, attended, no_show
    offered       INTEGER NOT NULL DEFAULT 0,
    waitlisted    INTEGER NOT NULL DEFAULT 0,
    CHECK (ends_at > starts_at),
    -- The last guard against overbooking, whatever the code does.
    CHECK (seats_taken + offered <= capacity)
);
CREATE INDEX events_upcoming ON events (status, ends_at);

-- One row per (event, member): a member who cancels and comes back reuses
-- it, at the back of the line. queue_seq orders the waitlist.
CREATE TABLE registrations (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id),
    member_id        INTEGER NOT NULL REFERENCES members (id),
    status           TEXT    NOT NULL CHECK (status IN
                     ('registered', 'waitlisted', 'offered', 'expired', 'declined', 'cancelled', 'attended', 'no_show')),
    late             INTEGER NOT NULL DEFAULT 0,
    queue_seq        INTEGER NOT NULL,
    offer_expires_at TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    UNIQUE (event_id, member_id)
);
CREATE INDEX registrations_line ON registrations (event_id, status, queue_seq);
CREATE INDEX registrations_queue ON registrations (event_id, queue_seq);

-- +goose StatementBegin
CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations BEGIN
    UPDATE events SET
        seats_taken = seats_taken + (NEW.status IN ('registered', 'attended', 'no_show')),
        offered     = offered + (NEW.status = 'offered'),
        waitlisted  = waitlisted + (NEW.status = 'waitlisted')
    WHERE id = NEW.event_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER registrations_count_update AFTER UPDATE OF status ON registrations BEGIN
    UPDATE events SET
        seats_taken = seats_taken - (OLD.status IN ('registered', 'attended', 'no_show'))
                                  + (NEW.status IN ('registered', 'attended', 'no_show')),
        offered     = offered - (OLD.status = 'offered') + (NEW.status = 'offered'),
        waitlisted  = waitlisted - (OLD.status = 'waitlisted') + (NEW.status = 'waitlisted')
    WHERE id = NEW.event_id;
END;
-- +goose StatementEnd
CREATE INDEX registrations_member ON registrations (member_id, status);
CREATE INDEX registrations_offers ON registrations (status, offer_expires_at) WHERE status = 'offered';

-- A member's private calendar feed URL token; revoking it makes a new one.
CREATE TABLE calendar_tokens (
    member_id  INTEGER PRIMARY KEY REFERENCES members (id),
    token      TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL
);

CREATE INDEX processed_events_received ON processed_events (received_at);

-- Messages kept current after they are posted (a channel announcement's
-- seat count, a broadcast's progress): where they landed, what they show.
ALTER TABLE outbox ADD COLUMN track TEXT NOT NULL DEFAULT '';
CREATE TABLE tracked_messages (
    track      TEXT PRIMARY KEY,
    channel    TEXT NOT NULL,
    ts         TEXT NOT NULL,
    shown      TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- A language the member picked with /cercle langue wins over Slack's locale.
ALTER TABLE members ADD COLUMN lang_chosen INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE members DROP COLUMN lang_chosen;
DROP TABLE tracked_messages;
ALTER TABLE outbox DROP COLUMN track;
DROP INDEX processed_events_received;
DROP TABLE calendar_tokens;
DROP TABLE registrations;
DROP TABLE events;
