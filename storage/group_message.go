package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cercle/commands"
)

const groupMessageColumns = `group_id, channel_id, ts, thread_ts, author, text, permalink, posted_at, edited_at, replies, reactions`

func scanGroupMessage(s scanner) (*commands.GroupMessage, error) {
	var (
		m               commands.GroupMessage
		channel, author string
		posted, edited  string
	)
	err := s.Scan(&m.Group, &channel, &m.TS, &m.ThreadTS, &author, &m.Text, &m.Permalink, &posted, &edited, &m.Replies, &m.Reactions)
	if err != nil {
		return nil, err
	}
	m.Channel, m.Author = commands.ChannelID(channel), commands.UserID(author)
	if m.PostedAt, err = parseTime(posted); err != nil {
		return nil, err
	}
	m.EditedAt, err = parseTime(edited)
	return &m, err
}

// isReply reports whether a message answers in a thread; Slack gives a
// thread's parent its own ts as thread_ts.
func isReply(ts, threadTS string) bool { return threadTS != "" && threadTS != ts }

// SaveGroupMessage stores a new message, counting it in its thread's
// parent, or replaces the text of the one already stored with its TS (a
// delivery retried), counting nothing.
func (db *DB) SaveGroupMessage(ctx context.Context, m *commands.GroupMessage) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		posted := m.PostedAt
		if posted.IsZero() {
			posted = tx.now
		}
		// A parent's replies are counted from those already stored too:
		// deliveries may come out of order.
		res, err := tx.ExecContext(ctx, `INSERT INTO group_messages (`+groupMessageColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COUNT(*) FROM group_messages WHERE channel_id = ? AND thread_ts = ? AND ts <> ?), ?)
			ON CONFLICT (channel_id, ts) DO NOTHING`,
			m.Group, string(m.Channel), m.TS, m.ThreadTS, string(m.Author), m.Text, m.Permalink, formatTime(posted), formatTime(m.EditedAt),
			string(m.Channel), m.TS, m.TS, max(m.Reactions, 0))
		if err != nil {
			return fmt.Errorf("save group message %s: %w", m.TS, err)
		}
		inserted, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if inserted == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE group_messages SET text = ? WHERE channel_id = ? AND ts = ?`,
				m.Text, string(m.Channel), m.TS)
			if err != nil {
				return fmt.Errorf("replace group message %s: %w", m.TS, err)
			}
			return nil
		}
		if isReply(m.TS, m.ThreadTS) {
			return countReply(ctx, tx, m.Channel, m.ThreadTS, 1)
		}
		return nil
	})
}

// countReply adds delta to a stored parent's replies.
func countReply(ctx context.Context, tx *Tx, ch commands.ChannelID, parent string, delta int) error {
	_, err := tx.ExecContext(ctx, `UPDATE group_messages SET replies = MAX(replies + ?, 0) WHERE channel_id = ? AND ts = ?`,
		delta, string(ch), parent)
	if err != nil {
		return fmt.Errorf("count replies to %s: %w", parent, err)
	}
	return nil
}

// EditGroupMessage replaces a stored message's text and dates the edit
// (now, if at is zero).
func (db *DB) EditGroupMessage(ctx context.Context, ch commands.ChannelID, ts, text string, at time.Time) (bool, error) {
	var found bool
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if at.IsZero() {
			at = tx.now
		}
		res, err := tx.ExecContext(ctx, `UPDATE group_messages SET text = ?, edited_at = ? WHERE channel_id = ? AND ts = ?`,
			text, formatTime(at), string(ch), ts)
		if err != nil {
			return fmt.Errorf("edit group message %s: %w", ts, err)
		}
		n, err := res.RowsAffected()
		found = n > 0
		return err
	})
	return found && err == nil, err
}

// DeleteGroupMessage removes a message and the replies of its thread,
// stored or not: a parent whose author opted out was never stored, and
// its replies go with it all the same. A reply leaves its parent's count.
func (db *DB) DeleteGroupMessage(ctx context.Context, ch commands.ChannelID, ts string) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var thread string
		err := tx.QueryRowContext(ctx, `SELECT thread_ts FROM group_messages WHERE channel_id = ? AND ts = ?`, string(ch), ts).Scan(&thread)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read group message %s: %w", ts, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_messages WHERE channel_id = ? AND thread_ts = ? AND ts <> ?`,
			string(ch), ts, ts); err != nil {
			return fmt.Errorf("delete replies to %s: %w", ts, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_messages WHERE channel_id = ? AND ts = ?`, string(ch), ts); err != nil {
			return fmt.Errorf("delete group message %s: %w", ts, err)
		}
		if isReply(ts, thread) {
			return countReply(ctx, tx, ch, thread, -1)
		}
		return nil
	})
}

// MarkOffRecord records a thread parent posted off the record (at: now if
// zero); marking it again changes nothing.
func (db *DB) MarkOffRecord(ctx context.Context, ch commands.ChannelID, ts string, at time.Time) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if at.IsZero() {
			at = tx.now
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO group_off_record (channel_id, ts, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			string(ch), ts, formatTime(at))
		if err != nil {
			return fmt.Errorf("mark %s off the record: %w", ts, err)
		}
		return nil
	})
}

// IsOffRecord reports whether a thread parent was posted off the record.
func (db *DB) IsOffRecord(ctx context.Context, ch commands.ChannelID, ts string) (bool, error) {
	var off bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM group_off_record WHERE channel_id = ? AND ts = ?)`,
		string(ch), ts).Scan(&off)
	if err != nil {
		return false, fmt.Errorf("is %s off the record: %w", ts, err)
	}
	return off, nil
}

// CountReaction adds delta to a stored message's reactions, never going
// below zero (a reaction removed that was added before the message was
// stored); a message not stored is no error.
func (db *DB) CountReaction(ctx context.Context, ch commands.ChannelID, ts string, delta int) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE group_messages SET reactions = MAX(reactions + ?, 0) WHERE channel_id = ? AND ts = ?`,
			delta, string(ch), ts)
		if err != nil {
			return fmt.Errorf("count reaction on %s: %w", ts, err)
		}
		return nil
	})
}

// DeleteMessagesBy removes every message a member wrote, taking their
// replies out of their threads' counts. Other members' replies to their
// messages stay: those members did not opt out.
func (db *DB) DeleteMessagesBy(ctx context.Context, user commands.UserID) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE group_messages AS p SET replies = MAX(p.replies - r.n, 0)
			FROM (SELECT channel_id, thread_ts, COUNT(*) AS n FROM group_messages
				WHERE author = ? AND thread_ts <> '' AND thread_ts <> ts GROUP BY channel_id, thread_ts) AS r
			WHERE p.channel_id = r.channel_id AND p.ts = r.thread_ts`, string(user))
		if err != nil {
			return fmt.Errorf("uncount replies by %s: %w", user, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_messages WHERE author = ?`, string(user)); err != nil {
			return fmt.Errorf("delete messages by %s: %w", user, err)
		}
		return nil
	})
}

// GroupMessages returns a group's messages posted in [from, to), in time
// order, with their authors' names.
func (db *DB) GroupMessages(ctx context.Context, group int64, from, to time.Time) ([]*commands.GroupMessage, error) {
	out, err := queryAll(ctx, db.read, scanGroupMessage, `SELECT `+groupMessageColumns+` FROM group_messages
		WHERE group_id = ? AND posted_at >= ? AND posted_at < ? ORDER BY posted_at, id`, group, formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("messages of group %d: %w", group, err)
	}
	return out, fillAuthorNames(ctx, db.read, out)
}

// fillAuthorNames sets each message's AuthorName, reading each author
// once: a week of a group has a few dozen authors for hundreds of
// messages.
func fillAuthorNames(ctx context.Context, q queryer, msgs []*commands.GroupMessage) error {
	names := map[commands.UserID]string{}
	for _, m := range msgs {
		name, ok := names[m.Author]
		if !ok {
			err := q.QueryRowContext(ctx, `SELECT name FROM members WHERE user_id = ?`, string(m.Author)).Scan(&name)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("author of message %s: %w", m.TS, err)
			}
			names[m.Author] = name
		}
		m.AuthorName = name
	}
	return nil
}

// PurgeGroupMessages removes the messages posted before before, and the
// off-the-record marks as old, and returns how many messages went.
func (db *DB) PurgeGroupMessages(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM group_messages WHERE posted_at < ?`, formatTime(before))
		if err != nil {
			return fmt.Errorf("purge group messages: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_off_record WHERE at < ?`, formatTime(before)); err != nil {
			return fmt.Errorf("purge off-the-record marks: %w", err)
		}
		// The assistant's conversations are kept no longer than the
		// channels' messages they may quote.
		if _, err := tx.ExecContext(ctx, `DELETE FROM assistant_turns WHERE created_at < ?`, formatTime(before)); err != nil {
			return fmt.Errorf("purge assistant turns: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
