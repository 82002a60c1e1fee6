-- +goose Up
-- An event's counts (seats taken, offered, waiting) are now written by
-- the transaction that moves a registration, from the core's rules
-- (commands.RegistrationStatus.Standing): the triggers repeated which
-- status holds what, a rule the core must own alone. The CHECK on the
-- counts stays as the last guard against overbooking.
DROP TRIGGER registrations_count_insert;
DROP TRIGGER registrations_count_update;

-- Notices are stored as what they are about (commands.Notice, JSON) and
-- worded at delivery; message stays for messages worded when queued.
ALTER TABLE outbox ADD COLUMN notice TEXT NOT NULL DEFAULT '';

-- +goose Down
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
