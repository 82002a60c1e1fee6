package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cercle/commands"
)

var _ commands.EventTx = (*eventTx)(nil)

// ChangeEvent runs change in one write transaction over the event. It
// shares the writer's group commit: change runs inside its own savepoint,
// so an error undoes only what change wrote.
func (db *DB) ChangeEvent(ctx context.Context, eventID int64, change func(commands.EventTx) error) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		ev, err := findEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		return change(&eventTx{ctx: ctx, tx: tx, ev: ev, memberIDs: map[commands.UserID]int64{},
			byUser: map[commands.UserID]*commands.Registration{}})
	})
}

// eventTx is commands.EventTx on SQLite. It keeps the event's counts in
// memory as it writes them, so the core reads them without a query.
type eventTx struct {
	ctx       context.Context
	tx        *Tx
	ev        *commands.Event
	memberIDs map[commands.UserID]int64 // member row ids read so far
	// byUser remembers what Registration and Join returned (nil for
	// none), so Join right after Registration does not read again; Move
	// replaces an entry with the registration it moved.
	byUser map[commands.UserID]*commands.Registration
}

func (t *eventTx) Event() *commands.Event { return t.ev }

// txRegistrationColumns reads what the rules need of a registration,
// without the member's name, company or no-show count. Reads in the
// transaction stay on one table each: SQLite compiles a join filtered on
// a bound value anew at every use (go-sqlite3 clears bindings, which
// expires such plans), three times the cost of two plain reads.
const txRegistrationColumns = `id, member_id, status, late, queue_seq, offer_expires_at, seat_at, waited_at, created_at, updated_at`

// scan reads a registration of the event; its UserID is filled in by the
// caller, which knows it or looks it up.
func (t *eventTx) scan(s scanner) (*commands.Registration, int64, int64, error) {
	var (
		r                         commands.Registration
		memberID, queueSeq        int64
		status, seat, waited      string
		expires, created, updated string
	)
	err := s.Scan(&r.ID, &memberID, &status, &r.Late, &queueSeq, &expires, &seat, &waited, &created, &updated)
	if err != nil {
		return nil, 0, 0, err
	}
	r.EventID, r.Status, r.Event, r.Turn = t.ev.ID, commands.RegistrationStatus(status), t.ev, queueSeq
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&r.OfferExpiresAt, expires}, {&r.SeatAt, seat}, {&r.WaitlistedAt, waited}, {&r.CreatedAt, created}, {&r.UpdatedAt, updated}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, 0, 0, err
		}
	}
	return &r, memberID, queueSeq, nil
}

// one reads at most one registration of the event, with its place in
// line if it waits.
func (t *eventTx) one(where string, arg any) (*commands.Registration, int64, error) {
	row := t.tx.QueryRowContext(t.ctx, `SELECT `+txRegistrationColumns+` FROM registrations WHERE event_id = ? AND `+where, t.ev.ID, arg)
	r, memberID, seq, err := t.scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read registration: %w", err)
	}
	if r.Status == commands.RegWaitlisted {
		err = t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' AND queue_seq <= ?`,
			t.ev.ID, seq).Scan(&r.Position)
	}
	return r, memberID, err
}

func (t *eventTx) Registration(user commands.UserID) (*commands.Registration, error) {
	if r, ok := t.byUser[user]; ok {
		return r, nil
	}
	memberID, err := t.memberID(user)
	if err != nil {
		return nil, err
	}
	r, _, err := t.one("member_id = ?", memberID)
	if err != nil {
		return nil, err
	}
	if r != nil {
		r.UserID = user
	}
	t.byUser[user] = r
	return r, nil
}

func (t *eventTx) RegistrationByID(id int64) (*commands.Registration, error) {
	r, memberID, err := t.one("id = ?", id)
	if err != nil || r == nil {
		return nil, err
	}
	var user string
	if err := t.tx.QueryRowContext(t.ctx, `SELECT user_id FROM members WHERE id = ?`, memberID).Scan(&user); err != nil {
		return nil, fmt.Errorf("member of registration %d: %w", id, err)
	}
	r.UserID = commands.UserID(user)
	return r, nil
}

// many reads the event's registrations matching where, in line order, at
// most limit of them (-1: all), with their members.
func (t *eventTx) many(where string, limit int, args ...any) ([]*commands.Registration, error) {
	scan := func(s scanner) (*commands.Registration, error) {
		var user string
		r, _, _, err := t.scan(multiScanner{s, &user})
		if err != nil {
			return nil, err
		}
		r.UserID = commands.UserID(user)
		return r, nil
	}
	regs, err := queryAll(t.ctx, t.tx, scan, `SELECT r.id, r.member_id, r.status, r.late, r.queue_seq, r.offer_expires_at, r.seat_at, r.waited_at,
		r.created_at, r.updated_at, m.user_id
		FROM registrations r JOIN members m ON m.id = r.member_id WHERE r.event_id = ? AND `+where+` ORDER BY r.queue_seq LIMIT ?`,
		append(append([]any{t.ev.ID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("read registrations of event %d: %w", t.ev.ID, err)
	}
	return regs, nil
}

// multiScanner scans a row's extra trailing columns into more.
type multiScanner struct {
	s    scanner
	more *string
}

func (m multiScanner) Scan(dest ...any) error { return m.s.Scan(append(dest, m.more)...) }

func (t *eventTx) Registrations(statuses ...commands.RegistrationStatus) ([]*commands.Registration, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := make([]any, len(statuses))
	for i, s := range statuses {
		args[i] = string(s)
	}
	return t.many("r.status IN ("+placeholders(len(statuses))+")", -1, args...)
}

func (t *eventTx) WaitlistHead(n int) ([]*commands.Registration, error) {
	regs, err := t.many("r.status = 'waitlisted'", n)
	for i, r := range regs {
		r.Position = i + 1
	}
	return regs, err
}

// memberID returns the row id of a member.
func (t *eventTx) memberID(user commands.UserID) (int64, error) {
	if id, ok := t.memberIDs[user]; ok {
		return id, nil
	}
	var id int64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT id FROM members WHERE user_id = ?`, string(user)).Scan(&id); err != nil {
		return 0, formatError(err)
	}
	t.memberIDs[user] = id
	return id, nil
}

func (t *eventTx) Join(user commands.UserID, status commands.RegistrationStatus) (*commands.Registration, error) {
	cur, err := t.Registration(user)
	if err != nil {
		return nil, err
	}
	var from commands.RegistrationStatus
	if cur != nil {
		from = cur.Status
	}
	seq, err := t.count(from, status, true)
	if err != nil {
		return nil, err
	}
	now := formatTime(t.tx.now)
	r := &commands.Registration{EventID: t.ev.ID, UserID: user, Status: status, Turn: seq, CreatedAt: t.tx.now, UpdatedAt: t.tx.now, Event: t.ev}
	// A new turn: its seat, or its place in line, dates from now.
	if status.Standing() == commands.StandingSeat {
		r.SeatAt = t.tx.now
	}
	if status.Standing() == commands.StandingLine {
		r.WaitlistedAt = t.tx.now
	}
	seat, waited := formatTime(r.SeatAt), formatTime(r.WaitlistedAt)
	if cur == nil {
		memberID, err := t.memberID(user)
		if err != nil {
			return nil, err
		}
		res, err := t.tx.ExecContext(t.ctx, `INSERT INTO registrations (event_id, member_id, status, queue_seq, seat_at, waited_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.ev.ID, memberID, string(status), seq, seat, waited, now, now)
		if err != nil {
			return nil, formatError(err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return nil, err
		}
	} else {
		r.ID, r.CreatedAt = cur.ID, cur.CreatedAt
		_, err := t.tx.ExecContext(t.ctx, `UPDATE registrations SET status = ?, late = 0, offer_expires_at = '', updated_at = ?,
			queue_seq = ?, seat_at = ?, waited_at = ? WHERE id = ?`, string(status), now, seq, seat, waited, cur.ID)
		if err != nil {
			return nil, formatError(err)
		}
	}
	if status == commands.RegWaitlisted {
		r.Position = t.ev.Waitlisted // joined the back of the line
	}
	t.byUser[user] = r
	return r, nil
}

func (t *eventTx) Move(r *commands.Registration, to commands.RegistrationStatus, late bool, offerExpiresAt time.Time) error {
	if r == nil || r.EventID != t.ev.ID {
		return fmt.Errorf("move registration: not one of event %d", t.ev.ID)
	}
	// A seat is dated when it is obtained (from the line or an offer), not
	// when a roll call moves it between the seat's statuses.
	gotSeat := to.Standing() == commands.StandingSeat && r.Status.Standing() != commands.StandingSeat
	// The status it is moved from is checked as it is written: counts move
	// with it, so a registration read before another write to it must
	// not move them twice.
	res, err := t.tx.ExecContext(t.ctx, `UPDATE registrations SET status = ?, late = ?, offer_expires_at = ?, updated_at = ?,
		seat_at = CASE WHEN ? THEN ? ELSE seat_at END WHERE id = ? AND status = ?`,
		string(to), late, formatTime(offerExpiresAt), formatTime(t.tx.now), gotSeat, formatTime(t.tx.now), r.ID, string(r.Status))
	if err != nil {
		return fmt.Errorf("move registration %d to %s: %w", r.ID, to, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("move registration %d to %s: it is no longer %s", r.ID, to, r.Status)
	}
	if _, err := t.count(r.Status, to, false); err != nil {
		return err
	}
	r.Status, r.Late, r.OfferExpiresAt, r.UpdatedAt = to, late, offerExpiresAt, t.tx.now
	if gotSeat {
		r.SeatAt = t.tx.now
	}
	if to != commands.RegWaitlisted {
		r.Position = 0
	}
	if _, ok := t.byUser[r.UserID]; ok && r.UserID != "" {
		t.byUser[r.UserID] = r
	}
	return nil
}

// count moves one registration between the event's counts, by what each
// status holds (the core's Standing), and with join takes the next place
// in line, whose number it returns. The CHECK on the events table refuses
// counts over capacity, whatever the caller did.
func (t *eventTx) count(from, to commands.RegistrationStatus, join bool) (int64, error) {
	delta := func(s commands.Standing) int {
		d := 0
		if to.Standing() == s {
			d++
		}
		if from.Standing() == s {
			d--
		}
		return d
	}
	seat, offer, line := delta(commands.StandingSeat), delta(commands.StandingOffer), delta(commands.StandingLine)
	if seat == 0 && offer == 0 && line == 0 && !join {
		return 0, nil
	}
	var seq int64
	err := t.tx.QueryRowContext(t.ctx, `UPDATE events SET seats_taken = seats_taken + ?, offered = offered + ?, waitlisted = waitlisted + ?,
		last_queue_seq = last_queue_seq + ? WHERE id = ? RETURNING last_queue_seq`, seat, offer, line, boolInt(join), t.ev.ID).Scan(&seq)
	if err != nil {
		return 0, formatError(fmt.Errorf("count registrations of event %d: %w", t.ev.ID, err))
	}
	t.ev.Registered += seat
	t.ev.Offered += offer
	t.ev.Waitlisted += line
	return seq, nil
}

func (t *eventTx) UpdateEvent(e *commands.Event) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE events SET kind = ?, title = ?, description = ?, place = ?, starts_at = ?,
		ends_at = ?, capacity = ?, deadline = ?, cancel_cutoff = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?`,
		string(e.Kind), e.Title, e.Description, e.Place, formatTime(e.Start), formatTime(e.End), e.Capacity,
		formatTime(e.Deadline), formatTime(e.CancelCutoff), formatTime(t.tx.now), t.ev.ID)
	if err != nil {
		return formatError(fmt.Errorf("update event %d: %w", t.ev.ID, err))
	}
	return t.reload()
}

func (t *eventTx) SetStatus(status commands.EventStatus, bump bool) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE events SET status = ?, sequence = sequence + ?, updated_at = ? WHERE id = ?`,
		string(status), boolInt(bump), formatTime(t.tx.now), t.ev.ID)
	if err != nil {
		return fmt.Errorf("set event %d %s: %w", t.ev.ID, status, err)
	}
	return t.reload()
}

// reload reads the event again after a write to its own fields; the
// registrations already handed out keep pointing at the same Event.
func (t *eventTx) reload() error {
	ev, err := findEvent(t.ctx, t.tx, t.ev.ID)
	if err != nil {
		return err
	}
	*t.ev = *ev
	return nil
}

func (t *eventTx) Enqueue(msgs ...*commands.OutboxMessage) error {
	_, err := enqueueMessages(t.ctx, t.tx, msgs)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
