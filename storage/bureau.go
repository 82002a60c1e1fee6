package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"cercle/commands"
)

// applicationColumns reads a Bureau des pairs application.
const applicationColumns = `id, applicant, COALESCE(filed_by, ''), company_name, sector, city, founded_year, revenue_band, headcount,
	kind, project, expectations, status, misses, decision_reason, COALESCE(decided_by, ''), decided_at, created_at, updated_at, version`

// storedMiss is a commands.Miss as the misses column holds it.
type storedMiss struct {
	Criterion string `json:"criterion"`
	Want      int64  `json:"want"`
	Got       int64  `json:"got"`
}

func scanApplication(s scanner) (*commands.Application, error) {
	var (
		a                                  commands.Application
		applicant, filedBy, band, kind     string
		status, misses, decidedBy, decided string
		created, updated                   string
	)
	err := s.Scan(&a.ID, &applicant, &filedBy, &a.Company, &a.Sector, &a.City, &a.FoundedYear, &band, &a.Headcount,
		&kind, &a.Project, &a.Expectations, &status, &misses, &a.DecisionReason, &decidedBy, &decided, &created, &updated, &a.Version)
	if err != nil {
		return nil, err
	}
	a.Applicant, a.FiledBy, a.DecidedBy = commands.UserID(applicant), commands.UserID(filedBy), commands.UserID(decidedBy)
	a.Revenue, a.Kind, a.Status = commands.RevenueBand(band), commands.TurnKind(kind), commands.ApplicationStatus(status)
	var stored []storedMiss
	if err := json.Unmarshal([]byte(misses), &stored); err != nil {
		return nil, fmt.Errorf("application %d: %w", a.ID, err)
	}
	for _, m := range stored {
		a.Misses = append(a.Misses, commands.Miss{Criterion: commands.Criterion(m.Criterion), Want: m.Want, Got: m.Got})
	}
	if a.DecidedAt, err = parseTime(decided); err != nil {
		return nil, err
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &a, nil
}

// applicationValues returns the stored form of the fields a write sets,
// in the order of applicationSets.
func applicationValues(a *commands.Application) ([]any, error) {
	stored := make([]storedMiss, len(a.Misses))
	for i, m := range a.Misses {
		stored[i] = storedMiss{Criterion: string(m.Criterion), Want: m.Want, Got: m.Got}
	}
	misses, err := json.Marshal(stored)
	if err != nil {
		return nil, fmt.Errorf("application %d: %w", a.ID, err)
	}
	return []any{a.Company, a.Sector, a.City, a.FoundedYear, string(a.Revenue), a.Headcount, string(a.Kind), a.Project,
		a.Expectations, string(a.Status), string(misses), a.DecisionReason, string(a.DecidedBy), formatTime(a.DecidedAt)}, nil
}

// applicationSets are the columns applicationValues gives, as an UPDATE
// sets them.
const applicationSets = `company_name = ?, sector = ?, city = ?, founded_year = ?, revenue_band = ?, headcount = ?, kind = ?,
	project = ?, expectations = ?, status = ?, misses = ?, decision_reason = ?, decided_by = NULLIF(?, ''), decided_at = ?`

// CreateApplication stores a new application (status submitted if unset)
// and sets its ID, Version and times. The applicant, and the filer if
// any, must be members.
func (db *DB) CreateApplication(ctx context.Context, a *commands.Application) error {
	if a.Status == "" {
		a.Status = commands.ApplicationSubmitted
	}
	values, err := applicationValues(a)
	if err != nil {
		return err
	}
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
		args := append([]any{string(a.Applicant), string(a.FiledBy), now, now}, values...)
		err := tx.QueryRowContext(ctx, `INSERT INTO bureau_applications (applicant, filed_by, created_at, updated_at, version,
			company_name, sector, city, founded_year, revenue_band, headcount, kind, project, expectations, status, misses,
			decision_reason, decided_by, decided_at)
			VALUES (?, NULLIF(?, ''), ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?) RETURNING id`, args...).Scan(&a.ID)
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

// FindApplication returns an application, or ENOTFOUND.
func (db *DB) FindApplication(ctx context.Context, id int64) (*commands.Application, error) {
	return findApplication(ctx, db.read, id)
}

func findApplication(ctx context.Context, q queryer, id int64) (*commands.Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM bureau_applications WHERE id = ?`, id))
	if err != nil {
		return nil, formatError(err)
	}
	return a, nil
}

// defaultApplicationLimit is how many applications FindApplications
// returns when the filter sets no limit.
const defaultApplicationLimit = 500

// FindApplications returns the applications f selects, oldest first.
func (db *DB) FindApplications(ctx context.Context, f commands.ApplicationFilter) ([]*commands.Application, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if f.Applicant != "" {
		add("applicant = ?", string(f.Applicant))
	}
	if f.FiledBy != "" {
		add("filed_by = ?", string(f.FiledBy))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]any, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		add("status IN ("+placeholders(len(statuses))+")", statuses...)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultApplicationLimit
	}
	query := `SELECT ` + applicationColumns + ` FROM bureau_applications`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	out, err := queryAll(ctx, db.read, scanApplication, query+" ORDER BY created_at, id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find applications: %w", err)
	}
	return out, nil
}
