package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cercle/commands"
)

var _ commands.ApplicationTx = (*applicationTx)(nil)

// ChangeApplication runs change in one write transaction over the
// application, or returns ENOTFOUND. Like ChangeRequest, an error from
// change undoes only what it wrote, and the messages it queued go with
// it.
func (db *DB) ChangeApplication(ctx context.Context, id int64, change func(commands.ApplicationTx) error) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := findApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		return change(&applicationTx{ctx: ctx, tx: tx, a: a})
	})
}

// applicationTx is commands.ApplicationTx on SQLite.
type applicationTx struct {
	ctx context.Context
	tx  *Tx
	a   *commands.Application // as read at BEGIN
}

// Application returns a copy of the application as read at BEGIN, its
// lists cloned, so a change that edits what it got still sees the stored
// application on a second call.
func (t *applicationTx) Application() *commands.Application {
	a := *t.a
	a.Misses, a.Panel = slices.Clone(t.a.Misses), slices.Clone(t.a.Panel)
	a.Opinion.Experts, a.Opinion.AmendedBy = slices.Clone(t.a.Opinion.Experts), slices.Clone(t.a.Opinion.AmendedBy)
	return &a
}

// Save writes a if its Version is the stored one, and raises it: the
// write is refused with ECONFLICT when the application changed since a
// was read, or when its slot is another application's. The applicant,
// the filer and the creation time never change; Panel is read, never
// written.
func (t *applicationTx) Save(a *commands.Application) error {
	if a.ID != t.a.ID {
		return fmt.Errorf("save application %d in the transaction of application %d", a.ID, t.a.ID)
	}
	writes, err := applicationWrites(a)
	if err != nil {
		return err
	}
	sets, args := setClause(writes)
	res, err := t.tx.ExecContext(t.ctx, `UPDATE bureau_applications SET `+sets+`, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, append(args, formatTime(t.tx.now), a.ID, a.Version)...)
	if isSlotTaken(err) {
		return commands.Errorf(commands.ECONFLICT, "bureau.error.slot_taken")
	}
	if err != nil {
		return formatError(fmt.Errorf("save application %d: %w", a.ID, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("save application %d: %w", a.ID, err)
	}
	if n != 1 {
		return commands.Errorf(commands.ECONFLICT, "bureau.error.stale")
	}
	a.Version++
	a.UpdatedAt = t.tx.now
	if a.Status == t.a.Status {
		return nil
	}
	return audit(t.ctx, t.tx, statusActor(a), "bureau."+string(a.Status), fmt.Sprint(a.ID), "")
}

// isSlotTaken reports whether err is a breach of the unique index
// bureau_applications_slot. SQLite names a unique index's columns, not
// the index, in the message; the code says it is a uniqueness breach.
func isSlotTaken(err error) bool {
	se, ok := uniqueBreach(err)
	return ok && strings.Contains(se.Error(), "bureau_applications.day_id, bureau_applications.slot")
}

// statusActor returns who moved a to its status, for the audit log. No
// one is named for scheduled and heard: the application does not record
// who gave it its slot, and a hearing ends by the clock. The log then
// reads an empty actor, as a step no person took.
func statusActor(a *commands.Application) commands.UserID {
	switch a.Status {
	case commands.ApplicationAccepted, commands.ApplicationRefused:
		return a.DecidedBy
	case commands.ApplicationAdvised:
		return a.Opinion.SealedBy
	case commands.ApplicationScheduled, commands.ApplicationHeard:
		return ""
	default: // withdrawn, or a check of its eligibility
		return a.Applicant
	}
}

// Day returns a hearing day with its panel, as this transaction sees it,
// or ENOTFOUND.
func (t *applicationTx) Day(id int64) (*commands.HearingDay, error) {
	return findHearingDay(t.ctx, t.tx, id)
}

func (t *applicationTx) Enqueue(msgs ...*commands.OutboxMessage) error {
	_, err := enqueueMessages(t.ctx, t.tx, msgs)
	return err
}
