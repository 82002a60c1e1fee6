package storage

import (
	"context"
	"fmt"
	"slices"

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

// Application returns a copy of the application as read at BEGIN.
func (t *applicationTx) Application() *commands.Application {
	a := *t.a
	a.Misses = slices.Clone(t.a.Misses)
	return &a
}

// Save writes a if its Version is the stored one, and raises it: the
// write is refused with ECONFLICT when the application changed since a
// was read. The applicant, the filer and the creation time never change.
func (t *applicationTx) Save(a *commands.Application) error {
	if a.ID != t.a.ID {
		return fmt.Errorf("save application %d in the transaction of application %d", a.ID, t.a.ID)
	}
	values, err := applicationValues(a)
	if err != nil {
		return err
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE bureau_applications SET `+applicationSets+`, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, append(values, formatTime(t.tx.now), a.ID, a.Version)...)
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
	actor := a.Applicant // a withdrawal
	if a.Status == commands.ApplicationAccepted || a.Status == commands.ApplicationRefused {
		actor = a.DecidedBy
	}
	return audit(t.ctx, t.tx, actor, "bureau."+string(a.Status), fmt.Sprint(a.ID), "")
}

func (t *applicationTx) Enqueue(msgs ...*commands.OutboxMessage) error {
	_, err := enqueueMessages(t.ctx, t.tx, msgs)
	return err
}
