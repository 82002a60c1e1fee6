package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"cercle/commands"
)

// eventColumns reads an event with its counts: seats taken, offers and line.
const eventColumns = `e.id, e.kind, e.title, e.description, e.place, e.starts_at, e.ends_at, e.capacity,
	e.deadline, e.cancel_cutoff, e.status, e.sequence, e.uid, e.created_by, e.created_at, e.updated_at,
	e.seats_taken, e.offered, e.waitlisted, e.group_id`

func scanEvent(s scanner) (*commands.Event, error) {
	var (
		e                                  commands.Event
		kind, status, createdBy            string
		start, end, deadline, cutoff, c, u string
		group                              sql.NullInt64
	)
	err := s.Scan(&e.ID, &kind, &e.Title, &e.Description, &e.Place, &start, &end, &e.Capacity,
		&deadline, &cutoff, &status, &e.Sequence, &e.UID, &createdBy, &c, &u,
		&e.Registered, &e.Offered, &e.Waitlisted, &group)
	if err != nil {
		return nil, err
	}
	e.Kind, e.Status, e.CreatedBy = commands.EventKind(kind), commands.EventStatus(status), commands.UserID(createdBy)
	e.Group = group.Int64
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&e.Start, start}, {&e.End, end}, {&e.Deadline, deadline}, {&e.CancelCutoff, cutoff}, {&e.CreatedAt, c}, {&e.UpdatedAt, u}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, err
		}
	}
	return &e, nil
}

// CreateEvent stores a new event. The core gives it its calendar UID; one
// created without (a seed, a load tool) gets a random one, as migration
// 00004 gave events that had none.
func (db *DB) CreateEvent(ctx context.Context, e *commands.Event) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if e.Status == "" {
			e.Status = commands.EventDraft
		}
		if e.UID == "" {
			e.UID = strings.ToLower(rand.Text()) + "@cercle"
		}
		e.CreatedAt, e.UpdatedAt = tx.now, tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO events (kind, title, description, place, starts_at, ends_at, capacity,
			deadline, cancel_cutoff, status, sequence, uid, created_by, created_at, updated_at, group_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(e.Kind), e.Title, e.Description, e.Place, formatTime(e.Start), formatTime(e.End), e.Capacity,
			formatTime(e.Deadline), formatTime(e.CancelCutoff), string(e.Status), e.Sequence, e.UID, string(e.CreatedBy),
			formatTime(e.CreatedAt), formatTime(e.UpdatedAt), sql.NullInt64{Int64: e.Group, Valid: e.Group != 0})
		if err != nil {
			return fmt.Errorf("create event: %w", err)
		}
		e.ID, err = res.LastInsertId()
		return err
	})
}

// FindEventByID returns an event with its counts and its creator.
func (db *DB) FindEventByID(ctx context.Context, id int64) (*commands.Event, error) {
	e, err := findEvent(ctx, db.read, id)
	if err != nil {
		return nil, err
	}
	return e, fillCreators(ctx, db.read, e)
}

func findEvent(ctx context.Context, q queryer, id int64) (*commands.Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events e WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, commands.Errorf(commands.ENOTFOUND, "event.error.not_found", id)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// FindEvents returns the events matching f, soonest first.
func (db *DB) FindEvents(ctx context.Context, f commands.EventFilter) ([]*commands.Event, error) {
	var (
		where []string
		args  []any
	)
	if len(f.Statuses) > 0 {
		where = append(where, "e.status IN ("+placeholders(len(f.Statuses))+")")
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if !f.EndsAfter.IsZero() {
		where, args = append(where, "e.ends_at > ?"), append(args, formatTime(f.EndsAfter))
	}
	query := `SELECT ` + eventColumns + ` FROM events e`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	query += " ORDER BY e.starts_at, e.id LIMIT ?"
	out, err := queryAll(ctx, db.read, scanEvent, query, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	return out, fillCreators(ctx, db.read, out...)
}

// fillCreators sets each event's CreatorName and CreatorEmail, reading
// each creator once. A plain read per creator, rather than a join on
// every event read: a transaction's reads, which no calendar needs, stay
// on one table (see txRegistrationColumns).
func fillCreators(ctx context.Context, q queryer, evs ...*commands.Event) error {
	type creator struct{ name, email string }
	seen := map[commands.UserID]creator{}
	for _, e := range evs {
		c, ok := seen[e.CreatedBy]
		if !ok {
			err := q.QueryRowContext(ctx, `SELECT name, email FROM members WHERE user_id = ?`, string(e.CreatedBy)).Scan(&c.name, &c.email)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("creator of event %d: %w", e.ID, err)
			}
			seen[e.CreatedBy] = c
		}
		e.CreatorName, e.CreatorEmail = c.name, c.email
	}
	return nil
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
