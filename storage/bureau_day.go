package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cercle/commands"
)

// hearingDayColumns reads a hearing day, without its panel.
const hearingDayColumns = `id, starts_at, place, video_url, hearings, hearing_minutes, buffer_minutes,
	COALESCE(created_by, ''), created_at, cancelled_at, COALESCE(cancelled_by, '')`

func scanHearingDay(s scanner) (*commands.HearingDay, error) {
	var (
		d                    commands.HearingDay
		starts, by, created  string
		cancelled, canceller string
	)
	err := s.Scan(&d.ID, &starts, &d.Place, &d.VideoURL, &d.Hearings, &d.HearingMinutes, &d.BufferMinutes, &by, &created,
		&cancelled, &canceller)
	if err != nil {
		return nil, err
	}
	d.CreatedBy, d.CancelledBy = commands.UserID(by), commands.UserID(canceller)
	if d.CancelledAt, err = parseTime(cancelled); err != nil {
		return nil, err
	}
	if d.StartsAt, err = parseTime(starts); err != nil {
		return nil, err
	}
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateHearingDay stores a new day and sets its ID and CreatedAt. Its
// creator, if named, must be a member. A Panel given with it is set as
// SetPanel would, so it is not silently dropped.
func (db *DB) CreateHearingDay(ctx context.Context, d *commands.HearingDay) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if d.CreatedBy != "" {
			if _, err := memberRowID(ctx, tx, d.CreatedBy); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO bureau_days (starts_at, place, video_url, hearings, hearing_minutes,
			buffer_minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?) RETURNING id`,
			formatTime(d.StartsAt), d.Place, d.VideoURL, d.Hearings, d.HearingMinutes, d.BufferMinutes,
			string(d.CreatedBy), formatTime(tx.now)).Scan(&d.ID)
		if err != nil {
			return formatError(fmt.Errorf("create hearing day: %w", err))
		}
		d.CreatedAt = tx.now
		if err := audit(ctx, tx, d.CreatedBy, "bureau.day", fmt.Sprint(d.ID), ""); err != nil {
			return err
		}
		if len(d.Panel) == 0 {
			return nil
		}
		return writePanel(ctx, tx, d.ID, d.Panel, d.CreatedBy)
	})
}

// CancelHearingDay marks a day cancelled, once: cancelling it again
// changes nothing. ENOTFOUND for an unknown day.
func (db *DB) CancelHearingDay(ctx context.Context, id int64, by commands.UserID) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		d, err := findHearingDay(ctx, tx, id)
		if err != nil || !d.CancelledAt.IsZero() {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bureau_days SET cancelled_at = ?, cancelled_by = NULLIF(?, '') WHERE id = ?`,
			formatTime(tx.now), string(by), id); err != nil {
			return formatError(fmt.Errorf("cancel hearing day %d: %w", id, err))
		}
		return audit(ctx, tx, by, "bureau.day.cancel", fmt.Sprint(id), "")
	})
}

// FindHearingDay returns a day with its panel, cancelled or not, or
// ENOTFOUND.
func (db *DB) FindHearingDay(ctx context.Context, id int64) (*commands.HearingDay, error) {
	return findHearingDay(ctx, db.read, id)
}

func findHearingDay(ctx context.Context, q queryer, id int64) (*commands.HearingDay, error) {
	d, err := scanHearingDay(q.QueryRowContext(ctx, `SELECT `+hearingDayColumns+` FROM bureau_days WHERE id = ?`, id))
	if err != nil {
		return nil, formatError(err)
	}
	if err := fillDayPanels(ctx, q, []*commands.HearingDay{d}); err != nil {
		return nil, err
	}
	return d, nil
}

// defaultHearingDayLimit is how many days FindHearingDays returns when
// the filter sets no limit.
const defaultHearingDayLimit = 500

// FindHearingDays returns the days f selects, with their panels, by
// start; never a cancelled day. Panelist keeps the days whose panel
// shows them: an active peer on it, as Panel reads.
func (db *DB) FindHearingDays(ctx context.Context, f commands.HearingDayFilter) ([]*commands.HearingDay, error) {
	var c conditions
	c.add("cancelled_at = ''")
	if !f.From.IsZero() {
		c.add("starts_at >= ?", formatTime(f.From))
	}
	if !f.Before.IsZero() {
		c.add("starts_at < ?", formatTime(f.Before))
	}
	if f.Panelist != "" {
		c.add(`EXISTS (SELECT 1 FROM bureau_panel p JOIN bureau_peers pe ON pe.user_id = p.user_id AND pe.active = 1
			WHERE p.day_id = bureau_days.id AND p.user_id = ?)`, string(f.Panelist))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultHearingDayLimit
	}
	query := `SELECT ` + hearingDayColumns + ` FROM bureau_days` + c.clause() + " ORDER BY starts_at, id LIMIT ?"
	out, err := queryAll(ctx, db.read, scanHearingDay, query, append(c.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find hearing days: %w", err)
	}
	if err := fillDayPanels(ctx, db.read, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillDayPanels sets each day's Panel, in one read: the panelists who
// are still active peers, by user id. One who left the peers stays in
// bureau_panel, so coming back restores their seats.
func fillDayPanels(ctx context.Context, q queryer, days []*commands.HearingDay) error {
	if len(days) == 0 {
		return nil
	}
	byID := make(map[int64]*commands.HearingDay, len(days))
	ids := make([]any, len(days))
	for i, d := range days {
		byID[d.ID], ids[i] = d, d.ID
	}
	scan := func(s scanner) (panelSeat, error) {
		var p panelSeat
		err := s.Scan(&p.of, &p.user)
		return p, err
	}
	seats, err := queryAll(ctx, q, scan, `SELECT p.day_id, p.user_id FROM bureau_panel p
		JOIN bureau_peers pe ON pe.user_id = p.user_id AND pe.active = 1
		WHERE p.day_id IN (`+placeholders(len(ids))+`) ORDER BY p.day_id, p.user_id`, ids...)
	if err != nil {
		return fmt.Errorf("panels of hearing days: %w", err)
	}
	for _, s := range seats {
		byID[s.of].Panel = append(byID[s.of].Panel, s.user)
	}
	return nil
}

// SetPanel replaces a day's panel: ENOTFOUND for an unknown day, EINVALID
// ("bureau.error.not_peer") when one of panel is not an active peer.
func (db *DB) SetPanel(ctx context.Context, day int64, panel []commands.UserID, by commands.UserID) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM bureau_days WHERE id = ?`, day).Scan(&one); err != nil {
			return formatError(fmt.Errorf("hearing day %d: %w", day, err))
		}
		return writePanel(ctx, tx, day, panel, by)
	})
}

// writePanel replaces the panel of an existing day and records it in the
// audit log, the panel in the detail.
func writePanel(ctx context.Context, tx *Tx, day int64, panel []commands.UserID, by commands.UserID) error {
	panel = slices.Compact(slices.Sorted(slices.Values(panel)))
	for _, u := range panel {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM bureau_peers WHERE user_id = ? AND active = 1)`,
			string(u)).Scan(&active)
		if err != nil {
			return fmt.Errorf("peer %s: %w", u, err)
		}
		if !active {
			return commands.Errorf(commands.EINVALID, "bureau.error.not_peer")
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM bureau_panel WHERE day_id = ?`, day); err != nil {
		return fmt.Errorf("clear panel of day %d: %w", day, err)
	}
	names := make([]string, len(panel))
	for i, u := range panel {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bureau_panel (day_id, user_id) VALUES (?, ?)`, day, string(u)); err != nil {
			return fmt.Errorf("panel of day %d: %w", day, err)
		}
		names[i] = string(u)
	}
	return audit(ctx, tx, by, "bureau.panel", fmt.Sprint(day), strings.Join(names, ","))
}
