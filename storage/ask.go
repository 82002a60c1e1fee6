package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"cercle/commands"
)

var _ commands.AskStore = (*DB)(nil)

// ThreadTurns returns a member's last turns in a thread, oldest first.
func (db *DB) ThreadTurns(ctx context.Context, t commands.ThreadRef, user commands.UserID, limit int) ([]commands.Turn, error) {
	turns, err := queryAll(ctx, db.read, func(s scanner) (commands.Turn, error) {
		var turn commands.Turn
		err := s.Scan(&turn.Role, &turn.Text)
		return turn, err
	}, `SELECT role, text FROM assistant_turns WHERE channel_id = ? AND thread_ts = ? AND user_id = ? ORDER BY id DESC LIMIT ?`,
		string(t.Channel), t.TS, string(user), limit)
	if err != nil {
		return nil, fmt.Errorf("thread turns: %w", err)
	}
	slices.Reverse(turns)
	return turns, nil
}

// AddTurns appends turns to a thread.
func (db *DB) AddTurns(ctx context.Context, t commands.ThreadRef, user commands.UserID, turns ...commands.Turn) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		for _, turn := range turns {
			if _, err := tx.ExecContext(ctx, `INSERT INTO assistant_turns (channel_id, thread_ts, user_id, role, text, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, string(t.Channel), t.TS, string(user), turn.Role, turn.Text, formatTime(tx.now)); err != nil {
				return fmt.Errorf("add turn: %w", err)
			}
		}
		return nil
	})
}

// SaveThreadContext records the channel a member was looking at in a thread.
func (db *DB) SaveThreadContext(ctx context.Context, t commands.ThreadRef, user commands.UserID, channel commands.ChannelID) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO assistant_threads (channel_id, thread_ts, user_id, context_channel, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, thread_ts) DO UPDATE SET
			context_channel = excluded.context_channel, updated_at = excluded.updated_at`,
			string(t.Channel), t.TS, string(user), string(channel), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("save thread context: %w", err)
		}
		return nil
	})
}

// ThreadContext returns a thread's context channel, or "".
func (db *DB) ThreadContext(ctx context.Context, t commands.ThreadRef) (commands.ChannelID, error) {
	var ch string
	err := db.read.QueryRowContext(ctx, `SELECT context_channel FROM assistant_threads WHERE channel_id = ? AND thread_ts = ?`,
		string(t.Channel), t.TS).Scan(&ch)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return commands.ChannelID(ch), err
}

// SaveProposal stores an action proposed to a member.
func (db *DB) SaveProposal(ctx context.Context, p *commands.Proposal) error {
	args, err := json.Marshal(p.Args)
	if err != nil {
		return fmt.Errorf("save proposal: %w", err)
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if p.CreatedAt.IsZero() {
			p.CreatedAt = tx.now
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO assistant_proposals (user_id, action, args, summary, created_at) VALUES (?, ?, ?, ?, ?)`,
			string(p.User), p.Action, string(args), p.Summary, formatTime(p.CreatedAt))
		if err != nil {
			return fmt.Errorf("save proposal: %w", err)
		}
		p.ID, err = res.LastInsertId()
		return err
	})
}

// TakeProposal marks a proposal made to user used and returns it, once.
func (db *DB) TakeProposal(ctx context.Context, id int64, user commands.UserID) (*commands.Proposal, error) {
	var p commands.Proposal
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var args, created, used string
		err := tx.QueryRowContext(ctx, `SELECT action, args, summary, created_at, used_at FROM assistant_proposals WHERE id = ? AND user_id = ?`,
			id, string(user)).Scan(&p.Action, &args, &p.Summary, &created, &used)
		if err != nil {
			return formatError(err)
		}
		if used != "" {
			return commands.Errorf(commands.ECONFLICT, "ask.error.proposal_used")
		}
		p.ID, p.User = id, user
		if err := json.Unmarshal([]byte(args), &p.Args); err != nil {
			return fmt.Errorf("proposal %d: %w", id, err)
		}
		if p.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE assistant_proposals SET used_at = ? WHERE id = ?`, formatTime(tx.now), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// RecordAsk counts a question answered by the model and its tokens.
func (db *DB) RecordAsk(ctx context.Context, user commands.UserID, tokens int, at time.Time) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO assistant_asks (user_id, tokens, at) VALUES (?, ?, ?)`, string(user), tokens, formatTime(at))
		return err
	})
}

// CountAsks returns the member's questions and the network's tokens since since.
func (db *DB) CountAsks(ctx context.Context, user commands.UserID, since time.Time) (asks, tokens int, err error) {
	if err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM assistant_asks WHERE user_id = ? AND at >= ?`,
		string(user), formatTime(since)).Scan(&asks); err != nil {
		return 0, 0, fmt.Errorf("count asks: %w", err)
	}
	if err = db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(tokens), 0) FROM assistant_asks WHERE at >= ?`,
		formatTime(since)).Scan(&tokens); err != nil {
		return 0, 0, fmt.Errorf("count tokens: %w", err)
	}
	return asks, tokens, nil
}
