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
// waitlist position, the member's no-show count and the event.
const registrationColumns = `r.id, r.event_id, m.user_id, m.name, m.role, COALESCE(c.name, ''), r.status, r.late,
	CASE WHEN r.status = 'waitlisted' THEN
		(SELECT COUNT(*) FROM registrations w WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.queue_seq <= r.queue_seq)
	ELSE 0 END,
	r.offer_expires_at,
	(SELECT COUNT(*) FROM registrations n WHERE n.member_id = r.member_id AND n.status = 'no_show'),
	r.created_at, r.updated_at,
	e.kind, e.title, e.place, e.starts_at, e.ends_at, e.status, e.sequence, e.cancel_cutoff`

const registrationFrom = ` FROM registrations r
	JOIN members m ON m.id = r.member_id
	LEFT JOIN companies c ON c.id = m.company_id
	JOIN events e ON e.id = r.event_id `

func scanRegistration(s scanner) (*commands.Registration, error) {
	var (
		r                                       commands.Registration
		e                                       commands.Event
		status, expires, created, updated, role string
		kind, start, end, evStatus, cutoff      string
	)
	err := s.Scan(&r.ID, &r.EventID, &r.UserID, &r.MemberName, &role, &r.Company, &status, &r.Late, &r.Position,
		&expires, &r.NoShows, &created, &updated,
		&kind, &e.Title, &e.Place, &start, &end, &evStatus, &e.Sequence, &cutoff)
	if err != nil {
		return nil, err
	}
	r.Status, r.MemberRole = commands.RegistrationStatus(status), commands.Role(role)
	e.ID, e.Kind, e.Status = r.EventID, commands.EventKind(kind), commands.EventStatus(evStatus)
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&r.OfferExpiresAt, expires}, {&r.CreatedAt, created}, {&r.UpdatedAt, updated},
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
	return r, err
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
	return out, nil
}

// Register records a member's registration with the status decide picks.
func (db *DB) Register(ctx context.Context, eventID int64, user commands.UserID, decide func(*commands.Event, *commands.Registration) (commands.RegistrationStatus, error), notify func(*commands.Registration) []*commands.OutboxMessage) (*commands.Registration, error) {
	var out *commands.Registration
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		ev, err := findEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var memberID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE user_id = ?`, string(user)).Scan(&memberID); err != nil {
			return formatError(err)
		}
		cur, err := currentRegistration(ctx, tx, eventID, memberID)
		if err != nil {
			return err
		}
		status, err := decide(ev, cur)
		if err != nil {
			return err
		}
		out = &commands.Registration{EventID: eventID, UserID: user, Status: status,
			CreatedAt: tx.now, UpdatedAt: tx.now, Event: ev}
		if status == commands.RegWaitlisted {
			out.Position = ev.Waitlisted + 1 // joins the back of the line
		}
		if cur == nil {
			res, err := tx.ExecContext(ctx, `INSERT INTO registrations (event_id, member_id, status, queue_seq, created_at, updated_at)
				VALUES (?, ?, ?, (SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM registrations WHERE event_id = ?), ?, ?)`,
				eventID, memberID, string(status), eventID, formatTime(tx.now), formatTime(tx.now))
			if err != nil {
				return formatError(err)
			}
			if out.ID, err = res.LastInsertId(); err != nil {
				return err
			}
		} else {
			// Coming back after a cancellation: to the back of the line.
			out.ID, out.CreatedAt = cur.ID, cur.CreatedAt
			_, err = tx.ExecContext(ctx, `UPDATE registrations SET status = ?, late = 0, offer_expires_at = '', updated_at = ?,
				queue_seq = (SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM registrations WHERE event_id = ?) WHERE id = ?`,
				string(status), formatTime(tx.now), eventID, cur.ID)
			if err != nil {
				return formatError(err)
			}
		}
		if notify != nil {
			_, err = enqueueMessages(ctx, tx, notify(out))
		}
		return err
	})
	return out, err
}

// currentRegistration reads a member's registration for an event, without
// the joins of findRegistration: registering reads it on the hot path.
// The waitlist position is counted only for someone waiting.
func currentRegistration(ctx context.Context, tx *Tx, eventID, memberID int64) (*commands.Registration, error) {
	var (
		r       commands.Registration
		status  string
		seq     int64
		created string
	)
	err := tx.QueryRowContext(ctx, `SELECT id, status, queue_seq, created_at FROM registrations WHERE event_id = ? AND member_id = ?`,
		eventID, memberID).Scan(&r.ID, &status, &seq, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.EventID, r.Status = eventID, commands.RegistrationStatus(status)
	if r.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if r.Status == commands.RegWaitlisted {
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' AND queue_seq <= ?`,
			eventID, seq).Scan(&r.Position)
	}
	return &r, err
}

// CancelRegistration cancels a registration and passes a freed seat on.
func (db *DB) CancelRegistration(ctx context.Context, eventID int64, user commands.UserID, decide func(*commands.Event, *commands.Registration) (bool, error), now time.Time, offer commands.OfferPolicy) (*commands.Registration, []*commands.Registration, error) {
	var (
		out    *commands.Registration
		offers []*commands.Registration
	)
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		ev, err := findEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		cur, err := findRegistration(ctx, tx, "r.event_id = ? AND m.user_id = ?", eventID, string(user))
		if err != nil {
			return err
		}
		late, err := decide(ev, cur)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = 'cancelled', late = ?, offer_expires_at = '', updated_at = ? WHERE id = ?`,
			late, formatTime(tx.now), cur.ID); err != nil {
			return fmt.Errorf("cancel registration %d: %w", cur.ID, err)
		}
		if out, err = findRegistration(ctx, tx, "r.id = ?", cur.ID); err != nil {
			return err
		}
		offers, err = promote(ctx, tx, ev, now, offer)
		return err
	})
	return out, offers, err
}

// AnswerOffer accepts or declines a pending offer.
func (db *DB) AnswerOffer(ctx context.Context, registrationID int64, user commands.UserID, accept bool, now time.Time, offer commands.OfferPolicy, notify func(*commands.Registration) []*commands.OutboxMessage) (*commands.Registration, []*commands.Registration, error) {
	var (
		out    *commands.Registration
		offers []*commands.Registration
	)
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		// The id comes from a button value: it must be this member's own.
		cur, err := findRegistration(ctx, tx, "r.id = ? AND m.user_id = ?", registrationID, string(user))
		if err != nil {
			return err
		}
		if cur == nil {
			return commands.Errorf(commands.ENOTFOUND, "offer.error.not_found")
		}
		if cur.Status != commands.RegOffered {
			return commands.Errorf(commands.ECONFLICT, "offer.error.not_pending")
		}
		if !cur.OfferExpiresAt.After(now) {
			return commands.Errorf(commands.ECONFLICT, "offer.error.expired")
		}
		switch {
		case cur.Event.Status == commands.EventCancelled:
			return commands.Errorf(commands.ECONFLICT, "event.error.cancelled")
		case !now.Before(cur.Event.Start):
			return commands.Errorf(commands.ECONFLICT, "event.error.started")
		}
		status := commands.RegRegistered
		if !accept {
			status = commands.RegDeclined
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = ?, offer_expires_at = '', updated_at = ? WHERE id = ?`,
			string(status), formatTime(tx.now), cur.ID); err != nil {
			return fmt.Errorf("answer offer %d: %w", cur.ID, err)
		}
		if out, err = findRegistration(ctx, tx, "r.id = ?", cur.ID); err != nil {
			return err
		}
		if notify != nil {
			if _, err := enqueueMessages(ctx, tx, notify(out)); err != nil {
				return err
			}
		}
		if !accept {
			ev, err := findEvent(ctx, tx, cur.EventID)
			if err != nil {
				return err
			}
			offers, err = promote(ctx, tx, ev, now, offer)
			return err
		}
		return nil
	})
	return out, offers, err
}

// ExpireOffers lapses the offers due by now and passes their seats on.
func (db *DB) ExpireOffers(ctx context.Context, now time.Time, offer commands.OfferPolicy) (expired, offers []*commands.Registration, err error) {
	err = db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		expired, err = queryAll(ctx, tx, scanRegistration, `SELECT `+registrationColumns+registrationFrom+
			`WHERE r.status = 'offered' AND r.offer_expires_at <= ? ORDER BY r.event_id, r.queue_seq`, formatTime(now))
		if err != nil {
			return fmt.Errorf("find due offers: %w", err)
		}
		events := map[int64]bool{}
		for _, r := range expired {
			if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = 'expired', updated_at = ? WHERE id = ?`,
				formatTime(tx.now), r.ID); err != nil {
				return fmt.Errorf("expire offer %d: %w", r.ID, err)
			}
			r.Status = commands.RegExpired
			events[r.EventID] = true
		}
		offers = nil
		for id := range events {
			ev, err := findEvent(ctx, tx, id)
			if err != nil {
				return err
			}
			made, err := promote(ctx, tx, ev, now, offer)
			if err != nil {
				return err
			}
			offers = append(offers, made...)
		}
		return nil
	})
	return expired, offers, err
}

// promote offers every free seat of ev to the head of its waitlist, once:
// a seat is free when neither taken nor already offered, so an offer is
// never made twice for one seat. It returns the registrations it changed:
// offered, or registered outright when the offer policy says it is too late
// to offer.
func promote(ctx context.Context, tx *Tx, ev *commands.Event, now time.Time, offer commands.OfferPolicy) ([]*commands.Registration, error) {
	if ev.Status != commands.EventPublished || offer == nil {
		return nil, nil
	}
	ev, err := findEvent(ctx, tx, ev.ID) // fresh counts, inside this transaction
	if err != nil {
		return nil, err
	}
	free := ev.SeatsLeft()
	if free <= 0 {
		return nil, nil
	}
	// Too close to the start for anyone to act on an offer: the head of
	// the line gets the seat outright rather than leave it empty.
	expires := offer(ev, now)
	status, expiresText := "offered", formatTime(expires)
	if expires.IsZero() {
		status, expiresText = "registered", ""
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM registrations WHERE event_id = ? AND status = 'waitlisted'
		ORDER BY queue_seq LIMIT ?`, ev.ID, free)
	if err != nil {
		return nil, fmt.Errorf("waitlist head of event %d: %w", ev.ID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	var offers []*commands.Registration
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = ?, offer_expires_at = ?, updated_at = ? WHERE id = ?`,
			status, expiresText, formatTime(tx.now), id); err != nil {
			return nil, fmt.Errorf("offer seat to %d: %w", id, err)
		}
		r, err := findRegistration(ctx, tx, "r.id = ?", id)
		if err != nil {
			return nil, err
		}
		offers = append(offers, r)
	}
	return offers, nil
}

// RecordAttendance marks each confirmed registrant as attended or no-show.
func (db *DB) RecordAttendance(ctx context.Context, eventID int64, attended map[commands.UserID]bool) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT r.id, m.user_id FROM registrations r JOIN members m ON m.id = r.member_id
			WHERE r.event_id = ? AND r.status IN ('registered', 'attended', 'no_show')`, eventID)
		if err != nil {
			return fmt.Errorf("roll call of event %d: %w", eventID, err)
		}
		type entry struct {
			id   int64
			user string
		}
		var entries []entry
		for rows.Next() {
			var e entry
			if err := rows.Scan(&e.id, &e.user); err != nil {
				rows.Close()
				return err
			}
			entries = append(entries, e)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, e := range entries {
			status := commands.RegNoShow
			if attended[commands.UserID(e.user)] {
				status = commands.RegAttended
			}
			if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?`,
				string(status), formatTime(tx.now), e.id); err != nil {
				return fmt.Errorf("record attendance %d: %w", e.id, err)
			}
		}
		return nil
	})
}
