package storage

import (
	"context"
	"fmt"
	"time"

	"cercle/commands"
)

// SetMessageProgress records the parts of a pending message that got
// through, where its text landed, and whether a send of its text is in
// flight (a zero inFlightAt: none is).
func (db *DB) SetMessageProgress(ctx context.Context, id int64, d commands.Delivery, inFlightAt time.Time) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET parts_done = ?, ref_channel = ?, ref_ts = ?, in_flight_at = ?
			WHERE id = ? AND status = 'pending'`, d.Done, d.Ref.Channel, d.Ref.TS, formatTime(inFlightAt), id)
		return err
	})
}

// PostponeMessage makes a pending message due at until without counting
// an attempt: it waited on a rate limit, it did not fail.
func (db *DB) PostponeMessage(ctx context.Context, id int64, until time.Time, reason string) error {
	if len(reason) > maxErrorText {
		reason = reason[:maxErrorText]
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET due_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
			formatTime(until), reason, id)
		return err
	})
}

// OutboxCounts is how many outbox messages are in each state.
type OutboxCounts struct {
	Pending, Sent, Failed int
}

// CountOutbox counts the outbox's messages by state.
func (db *DB) CountOutbox(ctx context.Context) (OutboxCounts, error) {
	var c OutboxCounts
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE status = 'pending'),
		COUNT(*) FILTER (WHERE status = 'sent'), COUNT(*) FILTER (WHERE status = 'failed') FROM outbox`).
		Scan(&c.Pending, &c.Sent, &c.Failed)
	if err != nil {
		return c, fmt.Errorf("count outbox: %w", err)
	}
	return c, nil
}

// CountFailedMessages returns how many messages were given up.
func (db *DB) CountFailedMessages(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status = 'failed'`).Scan(&n)
	return n, err
}

// FailedMessages returns up to limit given-up messages, newest first, with
// their key, recipient, attempts and last error; never their text.
func (db *DB) FailedMessages(ctx context.Context, limit int) ([]*commands.OutboxMessage, error) {
	scan := func(s scanner) (*commands.OutboxMessage, error) {
		var (
			m       commands.OutboxMessage
			to, due string
		)
		if err := s.Scan(&m.ID, &m.DedupeKey, &to, &m.Attempts, &due, &m.LastError); err != nil {
			return nil, err
		}
		var err error
		if m.To, err = parseRecipient(to); err != nil {
			// Shown as stored: the list is for a person to read.
			m.To = commands.Recipient{Channel: commands.ChannelID(to)}
		}
		m.DueAt, _ = parseTime(due)
		return &m, nil
	}
	out, err := queryAll(ctx, db.read, scan, `SELECT id, dedupe_key, recipient, attempts, due_at, last_error
		FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("failed messages: %w", err)
	}
	return out, nil
}

// RetryFailedMessages puts given-up messages back in the queue, due now
// with a fresh count of attempts: the one with id, or every one if id is
// 0. It returns how many it put back.
func (db *DB) RetryFailedMessages(ctx context.Context, id int64) (int, error) {
	var n int64
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, due_at = ?
			WHERE status = 'failed' AND (? = 0 OR id = ?)`, formatTime(tx.now), id, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("retry failed messages: %w", err)
	}
	return int(n), nil
}
