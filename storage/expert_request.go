package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"cercle/commands"
)

// requestColumns reads an expert request.
const requestColumns = `id, requester, company_id, problem, domain, urgency, format, periods, status, COALESCE(expert, ''), tried,
	routed_at, answer_by, slots, slot, duration_minutes, place, sequence, decline_reason, rating, comment, follow_up,
	first_answer_at, created_at, updated_at, version`

func scanRequest(s scanner) (*commands.ExpertRequest, error) {
	var (
		r                                  commands.ExpertRequest
		requester, urgency, format, status string
		expert, tried, slots               string
		routed, answerBy, slot, first      string
		created, updated                   string
		minutes                            int
	)
	err := s.Scan(&r.ID, &requester, &r.CompanyID, &r.Problem, &r.Domain, &urgency, &format, &r.Periods, &status, &expert, &tried,
		&routed, &answerBy, &slots, &slot, &minutes, &r.Place, &r.Sequence, &r.DeclineReason, &r.Rating, &r.Comment, &r.FollowUp,
		&first, &created, &updated, &r.Version)
	if err != nil {
		return nil, err
	}
	r.Requester, r.Expert = commands.UserID(requester), commands.UserID(expert)
	r.Urgency, r.Format, r.Status = commands.Urgency(urgency), commands.MeetingFormat(format), commands.RequestStatus(status)
	r.Duration = time.Duration(minutes) * time.Minute
	var slotTexts []string
	if err := errors.Join(json.Unmarshal([]byte(tried), &r.Tried), json.Unmarshal([]byte(slots), &slotTexts)); err != nil {
		return nil, fmt.Errorf("expert request %d: %w", r.ID, err)
	}
	r.Tried = nilIfEmpty(r.Tried)
	for _, t := range slotTexts {
		at, err := parseTime(t)
		if err != nil {
			return nil, err
		}
		r.Slots = append(r.Slots, at)
	}
	for _, t := range []struct {
		dst *time.Time
		src string
	}{{&r.RoutedAt, routed}, {&r.AnswerBy, answerBy}, {&r.Slot, slot}, {&r.FirstAnswerAt, first}, {&r.CreatedAt, created}, {&r.UpdatedAt, updated}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

// requestValues returns the stored form of the fields a write sets, in
// the order of requestSets (and of CreateRequest's INSERT after its first
// five columns).
func requestValues(r *commands.ExpertRequest) ([]any, error) {
	slots := make([]string, len(r.Slots))
	for i, t := range r.Slots {
		slots[i] = formatTime(t)
	}
	tried, err1 := jsonList(r.Tried)
	slotList, err2 := jsonList(slots)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("expert request %d: %w", r.ID, err)
	}
	return []any{r.Problem, r.Domain, string(r.Urgency), string(r.Format), r.Periods, string(r.Status), string(r.Expert), tried,
		formatTime(r.RoutedAt), formatTime(r.AnswerBy), slotList, formatTime(r.Slot), int(r.Duration / time.Minute), r.Place,
		r.Sequence, r.DeclineReason, r.Rating, r.Comment, r.FollowUp, formatTime(r.FirstAnswerAt)}, nil
}

// requestSets are the columns requestValues gives, as an UPDATE sets them.
const requestSets = `problem = ?, domain = ?, urgency = ?, format = ?, periods = ?, status = ?, expert = NULLIF(?, ''), tried = ?,
	routed_at = ?, answer_by = ?, slots = ?, slot = ?, duration_minutes = ?, place = ?, sequence = ?, decline_reason = ?,
	rating = ?, comment = ?, follow_up = ?, first_answer_at = ?`

// CreateRequest stores a new request (status new if unset) and sets its
// ID, Version and times. The requester must be a member.
func (db *DB) CreateRequest(ctx context.Context, r *commands.ExpertRequest) error {
	if r.Status == "" {
		r.Status = commands.RequestNew
	}
	values, err := requestValues(r)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := memberRowID(ctx, tx, r.Requester); err != nil {
			return err
		}
		now := formatTime(tx.now)
		args := append([]any{string(r.Requester), r.CompanyID, now, now}, values...)
		err := tx.QueryRowContext(ctx, `INSERT INTO expert_requests (requester, company_id, created_at, updated_at, version,
			problem, domain, urgency, format, periods, status, expert, tried, routed_at, answer_by, slots, slot, duration_minutes, place,
			sequence, decline_reason, rating, comment, follow_up, first_answer_at)
			VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&r.ID)
		if err != nil {
			return formatError(fmt.Errorf("create expert request: %w", err))
		}
		r.Version, r.CreatedAt, r.UpdatedAt = 1, tx.now, tx.now
		return audit(ctx, tx, r.Requester, "request.create", fmt.Sprint(r.ID), "")
	})
}

// FindRequest returns a request, or ENOTFOUND.
func (db *DB) FindRequest(ctx context.Context, id int64) (*commands.ExpertRequest, error) {
	return findRequest(ctx, db.read, id)
}

func findRequest(ctx context.Context, q queryer, id int64) (*commands.ExpertRequest, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM expert_requests WHERE id = ?`, id))
	if err != nil {
		return nil, formatError(err)
	}
	return r, nil
}

// defaultRequestLimit is how many requests FindRequests returns when the
// filter sets no limit.
const defaultRequestLimit = 500

// FindRequests returns the requests f selects, newest first. A zero field
// of f selects nothing out.
func (db *DB) FindRequests(ctx context.Context, f commands.RequestFilter) ([]*commands.ExpertRequest, error) {
	var c conditions
	if f.Requester != "" {
		c.add("requester = ?", string(f.Requester))
	}
	if f.Expert != "" {
		c.add("expert = ?", string(f.Expert))
	}
	in(&c, "status", f.Statuses)
	if !f.AnswerDueBefore.IsZero() {
		c.add("status = 'proposed' AND answer_by <> '' AND answer_by < ?", formatTime(f.AnswerDueBefore))
	}
	if !f.SlotFrom.IsZero() || !f.SlotTo.IsZero() {
		c.add("status = 'scheduled' AND slot <> ''")
		if !f.SlotFrom.IsZero() {
			c.add("slot >= ?", formatTime(f.SlotFrom))
		}
		if !f.SlotTo.IsZero() {
			c.add("slot < ?", formatTime(f.SlotTo))
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultRequestLimit
	}
	query := `SELECT ` + requestColumns + ` FROM expert_requests` + c.clause() + " ORDER BY created_at DESC, id DESC LIMIT ?"
	out, err := queryAll(ctx, db.read, scanRequest, query, append(c.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find expert requests: %w", err)
	}
	return out, nil
}

// ExpertLoad returns, per expert, how many requests were routed to them
// since since and are still theirs: proposed, accepted, scheduled or
// done (declined, expired and cancelled ones do not count).
func (db *DB) ExpertLoad(ctx context.Context, since time.Time) (map[commands.UserID]int, error) {
	type load struct {
		user string
		n    int
	}
	scan := func(s scanner) (load, error) {
		var l load
		err := s.Scan(&l.user, &l.n)
		return l, err
	}
	rows, err := queryAll(ctx, db.read, scan, `SELECT expert, COUNT(*) FROM expert_requests
		WHERE expert IS NOT NULL AND routed_at >= ? AND status IN ('proposed', 'accepted', 'scheduled', 'done') GROUP BY expert`,
		formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("expert load: %w", err)
	}
	out := make(map[commands.UserID]int, len(rows))
	for _, r := range rows {
		out[commands.UserID(r.user)] = r.n
	}
	return out, nil
}
