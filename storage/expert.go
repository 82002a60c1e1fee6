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

var _ commands.ExpertStore = (*DB)(nil)

// expertColumns reads an expert with their member's name and company;
// expertFrom joins them.
const expertColumns = `m.user_id, m.name, COALESCE(m.company_id, 0), e.domains, e.bio, e.languages, e.formats,
	e.monthly_capacity, e.availability, e.min_notice_minutes, e.buffer_minutes, e.paused_until, e.active, e.created_at, e.updated_at`

const expertFrom = ` FROM experts e JOIN members m ON m.id = e.member_id `

// storedWindow is a commands.Window as stored: minutes after midnight.
type storedWindow struct {
	Day   time.Weekday `json:"day"`
	Start int          `json:"start"`
	End   int          `json:"end"`
}

func scanExpert(s scanner) (*commands.Expert, error) {
	var (
		e                                    commands.Expert
		user, domains, langs, formats, avail string
		notice, buffer                       int
		paused, created, updated             string
	)
	err := s.Scan(&user, &e.Name, &e.CompanyID, &domains, &e.Bio, &langs, &formats, &e.MonthlyCapacity, &avail,
		&notice, &buffer, &paused, &e.Active, &created, &updated)
	if err != nil {
		return nil, err
	}
	e.User = commands.UserID(user)
	e.MinNotice, e.Buffer = time.Duration(notice)*time.Minute, time.Duration(buffer)*time.Minute
	var windows []storedWindow
	for _, f := range []struct {
		src string
		dst any
	}{{domains, &e.Domains}, {langs, &e.Languages}, {formats, &e.Formats}, {avail, &windows}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return nil, fmt.Errorf("expert %s: %w", user, err)
		}
	}
	e.Domains, e.Languages, e.Formats = nilIfEmpty(e.Domains), nilIfEmpty(e.Languages), nilIfEmpty(e.Formats)
	for _, w := range windows {
		e.Availability = append(e.Availability, commands.Window{Weekday: w.Day,
			Start: time.Duration(w.Start) * time.Minute, End: time.Duration(w.End) * time.Minute})
	}
	for _, t := range []struct {
		dst *time.Time
		src string
	}{{&e.PausedUntil, paused}, {&e.CreatedAt, created}, {&e.UpdatedAt, updated}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, err
		}
	}
	return &e, nil
}

// nilIfEmpty reads a stored "[]" back as the nil it was written from.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// jsonList encodes a list, nil as "[]".
func jsonList[T any](s []T) (string, error) {
	if s == nil {
		s = []T{}
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// SaveExpert creates or replaces an expert's profile and, in the same
// transaction, its search entry. The member must exist. Durations are
// kept in whole minutes.
func (db *DB) SaveExpert(ctx context.Context, e *commands.Expert) error {
	windows := make([]storedWindow, len(e.Availability))
	for i, w := range e.Availability {
		windows[i] = storedWindow{Day: w.Weekday, Start: int(w.Start / time.Minute), End: int(w.End / time.Minute)}
	}
	domains, err1 := jsonList(e.Domains)
	langs, err2 := jsonList(e.Languages)
	formats, err3 := jsonList(e.Formats)
	avail, err4 := jsonList(windows)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return fmt.Errorf("save expert %s: %w", e.User, err)
	}
	// Stemming is pure work: done before taking the writer.
	domainText := strings.Join(e.Domains, "\n")
	entry := []any{domainText, e.Bio, stemText(domainText), stemText(e.Bio)}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		memberID, err := memberRowID(ctx, tx, e.User)
		if err != nil {
			return err
		}
		var created string
		err = tx.QueryRowContext(ctx, `INSERT INTO experts (member_id, domains, bio, languages, formats, monthly_capacity, availability,
			min_notice_minutes, buffer_minutes, paused_until, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (member_id) DO UPDATE SET domains = excluded.domains, bio = excluded.bio, languages = excluded.languages,
				formats = excluded.formats, monthly_capacity = excluded.monthly_capacity, availability = excluded.availability,
				min_notice_minutes = excluded.min_notice_minutes, buffer_minutes = excluded.buffer_minutes,
				paused_until = excluded.paused_until, active = excluded.active, updated_at = excluded.updated_at
			RETURNING created_at`,
			memberID, domains, e.Bio, langs, formats, e.MonthlyCapacity, avail, int(e.MinNotice/time.Minute),
			int(e.Buffer/time.Minute), formatTime(e.PausedUntil), e.Active, formatTime(tx.now), formatTime(tx.now)).Scan(&created)
		if err != nil {
			return formatError(fmt.Errorf("save expert %s: %w", e.User, err))
		}
		if err := saveSearchEntry(ctx, tx, memberID, entry); err != nil {
			return err
		}
		if e.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		e.UpdatedAt = tx.now
		err = tx.QueryRowContext(ctx, `SELECT name, COALESCE(company_id, 0) FROM members WHERE id = ?`, memberID).Scan(&e.Name, &e.CompanyID)
		if err != nil {
			return fmt.Errorf("member of expert %s: %w", e.User, err)
		}
		return audit(ctx, tx, e.User, "expert.save", string(e.User), fmt.Sprintf("active=%t", e.Active))
	})
}

// saveSearchEntry replaces an expert's row of the search index.
func saveSearchEntry(ctx context.Context, tx *Tx, memberID int64, entry []any) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM expert_search WHERE rowid = ?`, memberID); err != nil {
		return fmt.Errorf("remove search entry of expert %d: %w", memberID, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO expert_search (rowid, domains, bio, domains_stem, bio_stem) VALUES (?, ?, ?, ?, ?)`,
		append([]any{memberID}, entry...)...)
	if err != nil {
		return fmt.Errorf("index expert %d: %w", memberID, err)
	}
	return nil
}

// FindExpert returns an expert, or ENOTFOUND.
func (db *DB) FindExpert(ctx context.Context, user commands.UserID) (*commands.Expert, error) {
	e, err := scanExpert(db.read.QueryRowContext(ctx, `SELECT `+expertColumns+expertFrom+`WHERE m.user_id = ?`, string(user)))
	if err != nil {
		return nil, formatError(err)
	}
	return e, nil
}

// ListExperts returns every expert, active or not, by name.
func (db *DB) ListExperts(ctx context.Context) ([]*commands.Expert, error) {
	out, err := queryAll(ctx, db.read, scanExpert, `SELECT `+expertColumns+expertFrom+`ORDER BY m.name COLLATE NOCASE, m.id`)
	if err != nil {
		return nil, fmt.Errorf("list experts: %w", err)
	}
	return out, nil
}
