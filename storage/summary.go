package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"cercle/commands"
)

var _ commands.GroupStore = (*DB)(nil)

// FindSummary returns a group's summary for a period.
func (db *DB) FindSummary(ctx context.Context, group int64, period string) (*commands.GroupSummary, error) {
	var (
		s                commands.GroupSummary
		bullets, created string
	)
	err := db.read.QueryRowContext(ctx, `SELECT group_id, period, fingerprint, generated, model, bullets, messages, created_at
		FROM group_summaries WHERE group_id = ? AND period = ?`, group, period).
		Scan(&s.Group, &s.Period, &s.Fingerprint, &s.Generated, &s.Model, &bullets, &s.Messages, &created)
	if err != nil {
		return nil, formatError(err)
	}
	if err := json.Unmarshal([]byte(bullets), &s.Bullets); err != nil {
		return nil, fmt.Errorf("summary of group %d for %s: %w", group, period, err)
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &s, nil
}

// SaveSummary stores a summary in place of the period's earlier one,
// dated now if it has no date.
func (db *DB) SaveSummary(ctx context.Context, s *commands.GroupSummary) error {
	bullets := s.Bullets
	if bullets == nil {
		bullets = []commands.SummaryBullet{} // "[]", which reads back as no bullets
	}
	data, err := json.Marshal(bullets)
	if err != nil {
		return fmt.Errorf("save summary: %w", err)
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if s.CreatedAt.IsZero() {
			s.CreatedAt = tx.now
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO group_summaries (group_id, period, fingerprint, generated, model, bullets, messages, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (group_id, period) DO UPDATE SET fingerprint = excluded.fingerprint, generated = excluded.generated,
				model = excluded.model, bullets = excluded.bullets, messages = excluded.messages, created_at = excluded.created_at`,
			s.Group, s.Period, s.Fingerprint, s.Generated, s.Model, string(data), s.Messages, formatTime(s.CreatedAt))
		if err != nil {
			return fmt.Errorf("save summary of group %d for %s: %w", s.Group, s.Period, err)
		}
		return nil
	})
}
