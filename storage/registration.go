package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"cercle/commands"
)

// registrationColumns reads a registration with its member, company,
// waitlist position, the member's no-show count and the event without
// its counts (fillCreators adds the creator's name and e-mail).
const registrationColumns = `r.id, r.event_id, m.user_id, m.name, m.role, m.email, COALESCE(c.name, ''), r.status, r.late,
	CASE WHEN r.status = 'waitlisted' THEN
		(SELECT COUNT(*) FROM registrations w WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.queue_seq <= r.queue_seq)
	ELSE 0 END,
	r.offer_expires_at, r.queue_seq,
	(SELECT COUNT(*) FROM registrations n WHERE n.member_id = r.member_id AND n.status = 'no_show'),
	r.seat_at, r.waited_at, r.created_at, r.updated_at,
	e.kind, e.title, e.description, e.place, e.starts_at, e.ends_at, e.status, e.sequence, e.cancel_cutoff, e.uid, e.created_by, e.group_id`

const registrationFrom = ` FROM registrations r
	JOIN members m ON m.id = r.member_id
	LEFT JOIN companies c ON c.id = m.company_id
	JOIN events e ON e.id = r.event_id `

func scanRegistration(s scanner) (*commands.Registration, error) {
	var (
		r                                       commands.Registration
		e                                       commands.Event
		status, expires, created, updated, role string
		seat, waited, createdBy                 string
		kind, start, end, evStatus, cutoff      string
		group                                   sql.NullInt64
	)
	err := s.Scan(&r.ID, &r.EventID, &r.UserID, &r.MemberName, &role, &r.MemberEmail, &r.Company, &status, &r.Late, &r.Position,
		&expires, &r.Turn, &r.NoShows, &seat, &waited, &created, &updated,
		&kind, &e.Title, &e.Description, &e.Place, &start, &end, &evStatus, &e.Sequence, &cutoff, &e.UID, &createdBy, &group)
	if err != nil {
		return nil, err
	}
	e.Group = group.Int64
	r.Status, r.MemberRole = commands.RegistrationStatus(status), commands.Role(role)
	e.ID, e.Kind, e.Status, e.CreatedBy = r.EventID, commands.EventKind(kind), commands.EventStatus(evStatus), commands.UserID(createdBy)
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&r.OfferExpiresAt, expires}, {&r.SeatAt, seat}, {&r.WaitlistedAt, waited}, {&r.CreatedAt, created}, {&r.UpdatedAt, updated},
		{&e.Start, start}, {&e.End, end}, {&e.CancelCutoff, cutoff}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, err
		}
	}
	r.Event = &e
	return &r, nil
}

func findRegistration(ctx context.Context, q queryer, where string, args ...any) (*commands.Registration, error) {
	r, err := scanRegistration(q.QueryRowContext(ctx, `SELECT `+registrationColumns+registrationFrom+`WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r, fillCreators(ctx, q, r.Event)
}

// FindRegistrations returns the registrations matching f: an event's in
// line order, or a member's by event date.
func (db *DB) FindRegistrations(ctx context.Context, f commands.RegistrationFilter) ([]*commands.Registration, error) {
	var (
		where []string
		args  []any
	)
	if f.EventID != 0 {
		where, args = append(where, "r.event_id = ?"), append(args, f.EventID)
	}
	if f.UserID != "" {
		where, args = append(where, "m.user_id = ?"), append(args, string(f.UserID))
	}
	if !f.StartsAfter.IsZero() {
		where, args = append(where, "e.starts_at > ?"), append(args, formatTime(f.StartsAfter))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "r.status IN ("+placeholders(len(f.Statuses))+")")
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	query := `SELECT ` + registrationColumns + registrationFrom
	if len(where) > 0 {
		query += "WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY e.starts_at, r.event_id, r.queue_seq"
	out, err := queryAll(ctx, db.read, scanRegistration, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find registrations: %w", err)
	}
	evs := make([]*commands.Event, len(out))
	for i, r := range out {
		evs[i] = r.Event
	}
	return out, fillCreators(ctx, db.read, evs...)
}

// FindRegistrationByID returns one registration with its member and event.
func (db *DB) FindRegistrationByID(ctx context.Context, id int64) (*commands.Registration, error) {
	r, err := findRegistration(ctx, db.read, "r.id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("find registration %d: %w", id, err)
	}
	if r == nil {
		return nil, commands.Errorf(commands.ENOTFOUND, "error.not_found")
	}
	return r, nil
}

// EventsWithOffersDue returns the events holding an offer due by now.
func (db *DB) EventsWithOffersDue(ctx context.Context, now time.Time) ([]int64, error) {
	scan := func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}
	ids, err := queryAll(ctx, db.read, scan, `SELECT DISTINCT event_id FROM registrations
		WHERE status = 'offered' AND offer_expires_at <= ? ORDER BY event_id`, formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("events with offers due: %w", err)
	}
	return ids, nil
}
