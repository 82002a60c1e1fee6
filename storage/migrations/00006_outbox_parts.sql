-- +goose Up
-- A message with parts (its text, then each file) records how many got
-- through and where the text landed, so a retry never sends a part again;
-- in_flight_at marks a send of the text whose outcome is not yet known,
-- so after a crash the message is looked for in Slack before a resend.
ALTER TABLE outbox ADD COLUMN parts_done   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN ref_channel  TEXT    NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN ref_ts       TEXT    NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN in_flight_at TEXT    NOT NULL DEFAULT '';
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';

-- +goose Down
DROP INDEX outbox_failed;
ALTER TABLE outbox DROP COLUMN in_flight_at;
ALTER TABLE outbox DROP COLUMN ref_ts;
ALTER TABLE outbox DROP COLUMN ref_channel;
ALTER TABLE outbox DROP COLUMN parts_done;
