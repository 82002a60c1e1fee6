package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"cercle/commands"
)

var _ commands.RequestTx = (*requestTx)(nil)

// ChangeRequest runs change in one write transaction over the request, or
// returns ENOTFOUND. Like ChangeEvent it shares the writer's group
// commit: change runs in its own savepoint, so an error undoes only what
// it wrote, and the messages it queued go with it.
func (db *DB) ChangeRequest(ctx context.Context, id int64, change func(commands.RequestTx) error) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		r, err := findRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		return change(&requestTx{ctx: ctx, tx: tx, r: r})
	})
}

// requestTx is commands.RequestTx on SQLite.
type requestTx struct {
	ctx context.Context
	tx  *Tx
	r   *commands.ExpertRequest // as read at BEGIN
}

// Request returns a copy of the request as read at BEGIN, so a change
// that edits what it got still sees the stored request on a second call.
func (t *requestTx) Request() *commands.ExpertRequest {
	r := *t.r
	r.Tried, r.Slots = slices.Clone(t.r.Tried), slices.Clone(t.r.Slots)
	return &r
}

// Save writes r if its Version is the stored one, and raises it: the
// write is refused with ECONFLICT when the request changed since r was
// read. The requester, their company and the creation time never change.
func (t *requestTx) Save(r *commands.ExpertRequest) error {
	if r.ID != t.r.ID {
		return fmt.Errorf("save expert request %d in the transaction of request %d", r.ID, t.r.ID)
	}
	values, err := requestValues(r)
	if err != nil {
		return err
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE expert_requests SET `+requestSets+`, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, append(values, formatTime(t.tx.now), r.ID, r.Version)...)
	if err != nil {
		return formatError(fmt.Errorf("save expert request %d: %w", r.ID, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("save expert request %d: %w", r.ID, err)
	}
	if n != 1 {
		return commands.Errorf(commands.ECONFLICT, "request.error.stale")
	}
	r.Version++
	r.UpdatedAt = t.tx.now
	return nil
}

// ExpertMeetings returns the expert's scheduled requests, other than this
// one, whose slot falls in [from, to), by slot.
func (t *requestTx) ExpertMeetings(expert commands.UserID, from, to time.Time) ([]*commands.ExpertRequest, error) {
	out, err := queryAll(t.ctx, t.tx, scanRequest, `SELECT `+requestColumns+` FROM expert_requests
		WHERE expert = ? AND status = 'scheduled' AND slot >= ? AND slot < ? AND slot <> '' AND id <> ? ORDER BY slot, id`,
		string(expert), formatTime(from), formatTime(to), t.r.ID)
	if err != nil {
		return nil, fmt.Errorf("meetings of expert %s: %w", expert, err)
	}
	return out, nil
}

func (t *requestTx) Enqueue(msgs ...*commands.OutboxMessage) error {
	_, err := enqueueMessages(t.ctx, t.tx, msgs)
	return err
}
