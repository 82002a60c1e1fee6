-- +goose Up
-- A member who leaves the waitlist is "withdrawn", no longer "cancelled":
-- the words each person reads (the answer, the attendee list, the CSV)
-- must say what they gave up. SQLite cannot change a CHECK in place, so
-- the table is rebuilt with the same rows and indexes.
CREATE TABLE registrations_next (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id),
    member_id        INTEGER NOT NULL REFERENCES members (id),
    status           TEXT    NOT NULL CHECK (status IN
                     ('registered', 'waitlisted', 'offered', 'expired', 'declined', 'cancelled', 'withdrawn', 'attended', 'no_show')),
    late             INTEGER NOT NULL DEFAULT 0,
    queue_seq        INTEGER NOT NULL,
    offer_expires_at TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    seat_at          TEXT    NOT NULL DEFAULT '',
    waited_at        TEXT    NOT NULL DEFAULT '',
    UNIQUE (event_id, member_id)
);
INSERT INTO registrations_next (id, event_id, member_id, status, late, queue_seq, offer_expires_at, created_at, updated_at, seat_at, waited_at)
    SELECT id, event_id, member_id, status, late, queue_seq, offer_expires_at, created_at, updated_at, seat_at, waited_at FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_next RENAME TO registrations;
CREATE INDEX registrations_line ON registrations (event_id, status, queue_seq);
CREATE INDEX registrations_member ON registrations (member_id, status);
CREATE INDEX registrations_offers ON registrations (status, offer_expires_at);

-- +goose Down
UPDATE registrations SET status = 'cancelled' WHERE status = 'withdrawn';
