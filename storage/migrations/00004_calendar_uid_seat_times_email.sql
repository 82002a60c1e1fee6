-- +goose Up
-- An event's calendar UID, made by the core when the event is created
-- (the workspace's id and a random part), so that two networks, or one
-- network after a database reset, never hand calendars the same UID for
-- different events. It is kept for the event's life: calendars match
-- updates and cancellations to what they hold by UID.
ALTER TABLE events ADD COLUMN uid TEXT NOT NULL DEFAULT '';
-- Events already published or cancelled have been sent to calendars as
-- "event-<id>@cercle": they keep it, or the next update would land as a
-- second entry and a cancellation would miss the first. Drafts were
-- never sent: they get a random UID.
UPDATE events SET uid = 'event-' || id || '@cercle' WHERE status <> 'draft';
UPDATE events SET uid = lower(hex(randomblob(16))) || '@cercle' WHERE status = 'draft';
CREATE UNIQUE INDEX events_uid ON events (uid);

-- When a registration got its seat (moving into registered from nothing,
-- the line or an offer), and when it last joined the line. A place in line
-- held before this migration is dated by its last write, which for a
-- waiting registration is when it joined (nothing moves a registration
-- into the line).
ALTER TABLE registrations ADD COLUMN seat_at TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN waited_at TEXT NOT NULL DEFAULT '';
-- A registered row's last write is when it got its seat (registering,
-- accepting an offer, promotion); a roll call rewrote the others', whose
-- creation is the best date left.
UPDATE registrations SET seat_at = updated_at WHERE status = 'registered';
UPDATE registrations SET seat_at = created_at WHERE status IN ('attended', 'no_show');
UPDATE registrations SET waited_at = updated_at WHERE status = 'waitlisted';

-- A member's e-mail, when Slack gives it (the optional users:read.email
-- scope); empty when unknown.
ALTER TABLE members ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE members DROP COLUMN email;
ALTER TABLE registrations DROP COLUMN waited_at;
ALTER TABLE registrations DROP COLUMN seat_at;
DROP INDEX events_uid;
ALTER TABLE events DROP COLUMN uid;
