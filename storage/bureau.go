package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"cercle/commands"
)

// applicationColumns reads a Bureau des pairs application; references
// that may be NULL read as ” (people) or 0 (the day).
const applicationColumns = `id, applicant, COALESCE(filed_by, ''), company_name, sector, city, founded_year, revenue_band, headcount,
	kind, project, expectations, status, misses, decision_reason, COALESCE(decided_by, ''), decided_at,
	COALESCE(day_id, 0), slot, hearing_seq,
	opinion_strengths, opinion_risks, opinion_recommendations, opinion_contacts, opinion_experts, opinion_verdict,
	COALESCE(opinion_written_by, ''), opinion_amended_by, opinion_written_at, COALESCE(opinion_sealed_by, ''), opinion_sealed_at,
	followup_asked_at, followup_answered_at, followup_score, followup_comment,
	created_at, updated_at, version`

// storedMiss is a commands.Miss as the misses column holds it.
type storedMiss struct {
	Criterion string `json:"criterion"`
	Want      int64  `json:"want"`
	Got       int64  `json:"got"`
}

// storedApplication holds the columns of an application row that are
// stored as text and decoded after the scan.
type storedApplication struct {
	applicant, filedBy, band, kind, status, misses, decidedBy, decided string
	experts, verdict, writtenBy, amended, written, sealedBy, sealed    string
	asked, answered, created, updated                                  string
}

func scanApplication(s scanner) (*commands.Application, error) {
	var (
		a commands.Application
		r storedApplication
		o = &a.Opinion
	)
	err := s.Scan(&a.ID, &r.applicant, &r.filedBy, &a.Company, &a.Sector, &a.City, &a.FoundedYear, &r.band, &a.Headcount,
		&r.kind, &a.Project, &a.Expectations, &r.status, &r.misses, &a.DecisionReason, &r.decidedBy, &r.decided,
		&a.Day, &a.Slot, &a.HearingSeq,
		&o.Strengths, &o.Risks, &o.Recommendations, &o.Contacts, &r.experts, &r.verdict,
		&r.writtenBy, &r.amended, &r.written, &r.sealedBy, &r.sealed,
		&r.asked, &r.answered, &a.FollowUp.Score, &a.FollowUp.Comment,
		&r.created, &r.updated, &a.Version)
	if err != nil {
		return nil, err
	}
	if err := r.decode(&a); err != nil {
		return nil, fmt.Errorf("application %d: %w", a.ID, err)
	}
	return &a, nil
}

// decode sets the fields of a that r holds as text.
func (r *storedApplication) decode(a *commands.Application) error {
	a.Applicant, a.FiledBy, a.DecidedBy = commands.UserID(r.applicant), commands.UserID(r.filedBy), commands.UserID(r.decidedBy)
	a.Revenue, a.Kind, a.Status = commands.RevenueBand(r.band), commands.TurnKind(r.kind), commands.ApplicationStatus(r.status)
	o := &a.Opinion
	o.Verdict, o.WrittenBy, o.SealedBy = commands.Verdict(r.verdict), commands.UserID(r.writtenBy), commands.UserID(r.sealedBy)
	var misses []storedMiss
	err := errors.Join(json.Unmarshal([]byte(r.misses), &misses),
		json.Unmarshal([]byte(r.experts), &o.Experts), json.Unmarshal([]byte(r.amended), &o.AmendedBy))
	if err != nil {
		return err
	}
	// An empty list reads back as nil, as an application is built.
	o.Experts, o.AmendedBy = nilIfEmpty(o.Experts), nilIfEmpty(o.AmendedBy)
	for _, m := range misses {
		a.Misses = append(a.Misses, commands.Miss{Criterion: commands.Criterion(m.Criterion), Want: m.Want, Got: m.Got})
	}
	for _, t := range []struct {
		dst *time.Time
		src string
	}{
		{&a.DecidedAt, r.decided}, {&o.WrittenAt, r.written}, {&o.SealedAt, r.sealed},
		{&a.FollowUp.AskedAt, r.asked}, {&a.FollowUp.AnsweredAt, r.answered}, {&a.CreatedAt, r.created}, {&a.UpdatedAt, r.updated},
	} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return err
		}
	}
	return nil
}

// columnValue is one column a write sets: expr is the SQL that takes
// value, so a reference can be written NULL when it is empty.
type columnValue struct {
	column, expr string
	value        any
}

// applicationWrites returns the columns a write of a sets, with their
// stored values. company_key is derived from the company every time, so
// declared conflicts always match the name the application holds.
func applicationWrites(a *commands.Application) ([]columnValue, error) {
	stored := make([]storedMiss, len(a.Misses))
	for i, m := range a.Misses {
		stored[i] = storedMiss{Criterion: string(m.Criterion), Want: m.Want, Got: m.Got}
	}
	misses, err1 := jsonList(stored)
	experts, err2 := jsonList(a.Opinion.Experts)
	amended, err3 := jsonList(a.Opinion.AmendedBy)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("application %d: %w", a.ID, err)
	}
	val := func(column string, value any) columnValue { return columnValue{column, "?", value} }
	ref := func(column string, user commands.UserID) columnValue {
		return columnValue{column, "NULLIF(?, '')", string(user)}
	}
	at := func(column string, t time.Time) columnValue { return val(column, formatTime(t)) }
	o, fu := &a.Opinion, &a.FollowUp
	return []columnValue{
		val("company_name", a.Company), val("company_key", commands.CompanyKey(a.Company)), val("sector", a.Sector),
		val("city", a.City), val("founded_year", a.FoundedYear), val("revenue_band", string(a.Revenue)),
		val("headcount", a.Headcount), val("kind", string(a.Kind)), val("project", a.Project),
		val("expectations", a.Expectations), val("status", string(a.Status)), val("misses", misses),
		val("decision_reason", a.DecisionReason), ref("decided_by", a.DecidedBy), at("decided_at", a.DecidedAt),
		{"day_id", "NULLIF(?, 0)", a.Day}, val("slot", a.Slot), val("hearing_seq", a.HearingSeq),
		val("opinion_strengths", o.Strengths), val("opinion_risks", o.Risks),
		val("opinion_recommendations", o.Recommendations), val("opinion_contacts", o.Contacts),
		val("opinion_experts", experts), val("opinion_verdict", string(o.Verdict)),
		ref("opinion_written_by", o.WrittenBy), val("opinion_amended_by", amended), at("opinion_written_at", o.WrittenAt),
		ref("opinion_sealed_by", o.SealedBy), at("opinion_sealed_at", o.SealedAt),
		at("followup_asked_at", fu.AskedAt), at("followup_answered_at", fu.AnsweredAt),
		val("followup_score", fu.Score), val("followup_comment", fu.Comment),
	}, nil
}

// setClause returns cols as an UPDATE's SET list, and their values.
func setClause(cols []columnValue) (string, []any) {
	sets, args := make([]string, len(cols)), make([]any, len(cols))
	for i, c := range cols {
		sets[i], args[i] = c.column+" = "+c.expr, c.value
	}
	return strings.Join(sets, ", "), args
}

// insertClause returns cols as an INSERT's column and VALUES lists, and
// their values.
func insertClause(cols []columnValue) (columns, values string, args []any) {
	names, exprs := make([]string, len(cols)), make([]string, len(cols))
	args = make([]any, len(cols))
	for i, c := range cols {
		names[i], exprs[i], args[i] = c.column, c.expr, c.value
	}
	return strings.Join(names, ", "), strings.Join(exprs, ", "), args
}

// CreateApplication stores a new application (status submitted if unset)
// and sets its ID, Version and times. The applicant, and the filer if
// any, must be members.
func (db *DB) CreateApplication(ctx context.Context, a *commands.Application) error {
	if a.Status == "" {
		a.Status = commands.ApplicationSubmitted
	}
	writes, err := applicationWrites(a)
	if err != nil {
		return err
	}
	columns, values, args := insertClause(writes)
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		for _, u := range []commands.UserID{a.Applicant, a.FiledBy} {
			if u == "" {
				continue
			}
			if _, err := memberRowID(ctx, tx, u); err != nil {
				return err
			}
		}
		now := formatTime(tx.now)
		err := tx.QueryRowContext(ctx, `INSERT INTO bureau_applications (applicant, filed_by, created_at, updated_at, version, `+
			columns+`) VALUES (?, NULLIF(?, ''), ?, ?, 1, `+values+`) RETURNING id`,
			append([]any{string(a.Applicant), string(a.FiledBy), now, now}, args...)...).Scan(&a.ID)
		if isSlotTaken(err) {
			return commands.Errorf(commands.ECONFLICT, "bureau.error.slot_taken")
		}
		if err != nil {
			return formatError(fmt.Errorf("create application: %w", err))
		}
		a.Version, a.CreatedAt, a.UpdatedAt = 1, tx.now, tx.now
		actor := a.Applicant
		if a.FiledBy != "" {
			actor = a.FiledBy
		}
		return audit(ctx, tx, actor, "bureau.apply", fmt.Sprint(a.ID), "")
	})
}

// FindApplication returns an application with its panel, or ENOTFOUND.
func (db *DB) FindApplication(ctx context.Context, id int64) (*commands.Application, error) {
	return findApplication(ctx, db.read, id)
}

func findApplication(ctx context.Context, q queryer, id int64) (*commands.Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM bureau_applications WHERE id = ?`, id))
	if err != nil {
		return nil, formatError(err)
	}
	if err := fillApplicationPanels(ctx, q, []*commands.Application{a}); err != nil {
		return nil, err
	}
	return a, nil
}

// defaultApplicationLimit is how many applications FindApplications
// returns when the filter sets no limit.
const defaultApplicationLimit = 500

// FindApplications returns the applications f selects, with their
// panels, oldest first.
func (db *DB) FindApplications(ctx context.Context, f commands.ApplicationFilter) ([]*commands.Application, error) {
	var c conditions
	if f.Applicant != "" {
		c.add("applicant = ?", string(f.Applicant))
	}
	if f.FiledBy != "" {
		c.add("filed_by = ?", string(f.FiledBy))
	}
	in(&c, "status", f.Statuses)
	if f.Day != 0 {
		c.add("day_id = ?", f.Day)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultApplicationLimit
	}
	query := `SELECT ` + applicationColumns + ` FROM bureau_applications` + c.clause() + " ORDER BY created_at, id LIMIT ?"
	out, err := queryAll(ctx, db.read, scanApplication, query, append(c.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find applications: %w", err)
	}
	if err := fillApplicationPanels(ctx, db.read, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillApplicationPanels sets the Panel of each scheduled application, in
// one read: the peers on its day's panel who are still active and
// declared no conflict with its company. Leaving the peers, or declaring
// a conflict, takes the application out of sight at once.
func fillApplicationPanels(ctx context.Context, q queryer, apps []*commands.Application) error {
	byID := map[int64]*commands.Application{}
	var ids []any
	for _, a := range apps {
		if a.Day != 0 {
			byID[a.ID] = a
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	scan := func(s scanner) (panelSeat, error) {
		var p panelSeat
		err := s.Scan(&p.of, &p.user)
		return p, err
	}
	seats, err := queryAll(ctx, q, scan, `SELECT a.id, p.user_id FROM bureau_applications a
		JOIN bureau_panel p ON p.day_id = a.day_id
		JOIN bureau_peers pe ON pe.user_id = p.user_id AND pe.active = 1
		WHERE a.id IN (`+placeholders(len(ids))+`)
		AND NOT EXISTS (SELECT 1 FROM bureau_conflicts c WHERE c.user_id = p.user_id AND c.company_key = a.company_key)
		ORDER BY a.id, p.user_id`, ids...)
	if err != nil {
		return fmt.Errorf("panels of applications: %w", err)
	}
	for _, s := range seats {
		byID[s.of].Panel = append(byID[s.of].Panel, s.user)
	}
	return nil
}

// panelSeat is a panelist of a day, or of an application's day.
type panelSeat struct {
	of   int64
	user commands.UserID
}
