package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cercle/commands"
)

// maxErrorText bounds the failure reason kept per message.
const maxErrorText = 500

// EnqueueMessages stores messages to send; a dedupe key already stored
// for the same recipient is skipped.
func (db *DB) EnqueueMessages(ctx context.Context, msgs []*commands.OutboxMessage) (int, error) {
	added := 0
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		added, err = enqueueMessages(ctx, tx, msgs)
		return err
	})
	return added, err
}

// enqueueMessages adds messages inside the caller's transaction, so a
// state change and the message announcing it commit together.
func enqueueMessages(ctx context.Context, tx *Tx, msgs []*commands.OutboxMessage) (int, error) {
	added := 0
	for _, m := range msgs {
		if m.DedupeKey == "" {
			return 0, fmt.Errorf("enqueue message to %s: empty dedupe key", m.To)
		}
		body, notice, err := encodeMessage(m)
		if err != nil {
			return 0, fmt.Errorf("encode message %s: %w", m.DedupeKey, err)
		}
		due := m.DueAt
		if due.IsZero() {
			due = tx.now
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox (dedupe_key, recipient, message, notice, due_at, created_at, track)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key, recipient) DO NOTHING`,
			m.DedupeKey, m.To.String(), body, notice, formatTime(due), formatTime(tx.now), m.Track)
		if err != nil {
			return 0, fmt.Errorf("enqueue %s: %w", m.DedupeKey, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added++
		}
	}
	return added, nil
}

// encodeMessage returns the stored forms of a message: its notice, or its
// worded text. A notice is a few fields; the text of a message worded
// later is not stored at all.
func encodeMessage(m *commands.OutboxMessage) (message, notice string, err error) {
	if m.Notice != nil {
		b, err := json.Marshal(m.Notice)
		return "{}", string(b), err
	}
	b, err := json.Marshal(m.Message)
	return string(b), "", err
}

// DueMessages returns pending messages due at or before now, oldest first.
func (db *DB) DueMessages(ctx context.Context, now time.Time, limit int) ([]*commands.OutboxMessage, error) {
	rows, err := db.read.QueryContext(ctx,
		`SELECT id, dedupe_key, recipient, message, notice, attempts, due_at, created_at, track,
		        parts_done, ref_channel, ref_ts, in_flight_at FROM outbox
		 WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due messages: %w", err)
	}
	defer rows.Close()
	var (
		out []*commands.OutboxMessage
		bad = map[int64]error{}
	)
	for rows.Next() {
		var (
			m                                      commands.OutboxMessage
			to, body, notice, due, created, flight string
		)
		if err := rows.Scan(&m.ID, &m.DedupeKey, &to, &body, &notice, &m.Attempts, &due, &created, &m.Track,
			&m.PartsDone, &m.Ref.Channel, &m.Ref.TS, &flight); err != nil {
			return nil, err
		}
		m.To, err = parseRecipient(to)
		if err == nil && notice != "" {
			m.Notice = new(commands.Notice)
			err = json.Unmarshal([]byte(notice), m.Notice)
		} else if err == nil {
			err = json.Unmarshal([]byte(body), &m.Message)
		}
		if err == nil {
			m.DueAt, err = parseTime(due)
		}
		if err == nil {
			m.CreatedAt, err = parseTime(created)
		}
		if err == nil {
			m.InFlightAt, err = parseTime(flight)
		}
		if err != nil {
			bad[m.ID] = err
			continue
		}
		out = append(out, &m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// A row that cannot be read can never be sent: give it up, with the
	// reason, rather than stop every message behind it.
	for id, reason := range bad {
		if err := db.MarkMessageFailed(ctx, id, time.Time{}, "unreadable: "+reason.Error()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseRecipient(s string) (commands.Recipient, error) {
	kind, id, ok := strings.Cut(s, ":")
	switch {
	case ok && kind == "user":
		return commands.Recipient{User: commands.UserID(id)}, nil
	case ok && kind == "channel":
		return commands.Recipient{Channel: commands.ChannelID(id)}, nil
	}
	return commands.Recipient{}, fmt.Errorf("stored recipient %q: unknown form", s)
}

// NextDueTime returns when the earliest pending message is due.
func (db *DB) NextDueTime(ctx context.Context) (time.Time, error) {
	var due sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT MIN(due_at) FROM outbox WHERE status = 'pending'`).Scan(&due)
	if err != nil {
		return time.Time{}, fmt.Errorf("next due time: %w", err)
	}
	return parseTime(due.String)
}

// MarkMessageSent records a delivery; only a pending message changes. A
// tracked message's landing place is recorded in the same transaction.
func (db *DB) MarkMessageSent(ctx context.Context, id int64, at time.Time, ref commands.MessageRef) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx,
			`UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = '', in_flight_at = ''
			 WHERE id = ? AND status = 'pending'`,
			formatTime(at), id)
		if err != nil || ref.TS == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tracked_messages (track, channel, ts, updated_at)
			SELECT track, ?, ?, ? FROM outbox WHERE id = ? AND track <> ''
			ON CONFLICT (track) DO UPDATE SET channel = excluded.channel, ts = excluded.ts, shown = ''`,
			ref.Channel, ref.TS, formatTime(at), id)
		return err
	})
}

// FindTrackedMessages returns the tracked messages whose key starts with prefix.
func (db *DB) FindTrackedMessages(ctx context.Context, prefix string) ([]*commands.TrackedMessage, error) {
	scan := func(s scanner) (*commands.TrackedMessage, error) {
		var t commands.TrackedMessage
		return &t, s.Scan(&t.Key, &t.Ref.Channel, &t.Ref.TS, &t.Shown)
	}
	out, err := queryAll(ctx, db.read, scan, `SELECT track, channel, ts, shown FROM tracked_messages
		WHERE track >= ? AND track < ? ORDER BY track`, prefix, prefix+"\U0010FFFF")
	if err != nil {
		return nil, fmt.Errorf("find tracked messages: %w", err)
	}
	return out, nil
}

// SetTrackedShown records what a tracked message now shows.
func (db *DB) SetTrackedShown(ctx context.Context, key, shown string) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tracked_messages SET shown = ?, updated_at = ? WHERE track = ?`,
			shown, formatTime(tx.now), key)
		return err
	})
}

// MarkMessageFailed records a failed attempt and when to retry (never, if
// retryAt is zero).
func (db *DB) MarkMessageFailed(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	if len(reason) > maxErrorText {
		reason = reason[:maxErrorText]
	}
	status, due := "pending", formatTime(retryAt)
	if retryAt.IsZero() {
		status, due = "failed", formatTime(db.Now())
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx,
			`UPDATE outbox SET status = ?, due_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'`,
			status, due, reason, id)
		return err
	})
}

// CountPendingMessages returns how many messages wait to be sent.
func (db *DB) CountPendingMessages(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n)
	return n, err
}

// MarkEventProcessed records a Slack event_id and reports whether it is new.
// Ids older than a day are forgotten: Slack retries within minutes.
func (db *DB) MarkEventProcessed(ctx context.Context, eventID string) (bool, error) {
	first := false
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO processed_events (event_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			eventID, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("mark event processed: %w", err)
		}
		n, _ := res.RowsAffected()
		first = n == 1
		_, err = tx.ExecContext(ctx, `DELETE FROM processed_events WHERE received_at < ?`,
			formatTime(tx.now.Add(-24*time.Hour)))
		return err
	})
	return first, err
}

// CountMessages counts the messages whose dedupe key starts with prefix.
func (db *DB) CountMessages(ctx context.Context, prefix string) (sent, total int, err error) {
	// The prefix is matched with a range, not LIKE: a key may hold % or _.
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE status = 'sent'), COUNT(*) FROM outbox
		WHERE dedupe_key >= ? AND dedupe_key < ?`, prefix, prefix+"\U0010FFFF").Scan(&sent, &total)
	return sent, total, err
}

// FindMessageKeys returns the dedupe keys, sent or not, that start with
// prefix.
func (db *DB) FindMessageKeys(ctx context.Context, prefix string) ([]string, error) {
	scan := func(s scanner) (string, error) {
		var k string
		err := s.Scan(&k)
		return k, err
	}
	// A range, not LIKE, as in CountMessages: a key may hold % or _.
	keys, err := queryAll(ctx, db.read, scan, `SELECT dedupe_key FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?`,
		prefix, prefix+"\U0010FFFF")
	if err != nil {
		return nil, fmt.Errorf("find message keys: %w", err)
	}
	return keys, nil
}
