-- +goose Up
-- An event's counts (seats taken, offered, waiting) are now written by
-- the transaction that moves a registration, from the core's rules
-- (commands.RegistrationStatus.Standing): the triggers repeated which
-- status holds what, a rule the core must own alone. The CHECK on the
-- counts stays as the last guard against overbooking.
DROP TRIGGER registrations_count_insert;
DROP TRIGGER registrations_count_update;

-- The line's order: each new place takes the event's next number, kept
-- on the event row, instead of a MAX over the event's registrations.
ALTER TABLE events ADD COLUMN last_queue_seq INTEGER NOT NULL DEFAULT 0;
UPDATE events SET last_queue_seq = (SELECT COALESCE(MAX(queue_seq), 0) FROM registrations r WHERE r.event_id = events.id);
DROP INDEX registrations_queue;

-- Notices are stored as what they are about (commands.Notice, JSON) and
-- worded at delivery; message stays for messages worded when queued.
ALTER TABLE outbox ADD COLUMN notice TEXT NOT NULL DEFAULT '';

-- Partial indexes cost every query of their table a fresh compile: to
-- decide whether one applies, SQLite's planner looks at the values bound
-- to "col = ?" terms, and go-sqlite3 clears bindings after each use, which
-- then marks the prepared statement stale (measured: a member's
-- registration read 25 µs instead of 4). Full indexes serve the same
-- queries without looking at bound values.
DROP INDEX registrations_offers;
CREATE INDEX registrations_offers ON registrations (status, offer_expires_at);
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (status, due_at, id);

-- +goose Down
CREATE INDEX registrations_queue ON registrations (event_id, queue_seq);
ALTER TABLE events DROP COLUMN last_queue_seq;
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (due_at, id) WHERE status = 'pending';
DROP INDEX registrations_offers;
CREATE INDEX registrations_offers ON registrations (status, offer_expires_at) WHERE status = 'offered';
ALTER TABLE outbox DROP COLUMN notice;
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
