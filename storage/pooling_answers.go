package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"cercle/commands"
)

// SaveAnswers writes a company's answers to a campaign, replacing those
// it gave before for the same functions and keeping the others, and its
// standing: Shared, who answered, and when (set in a.UpdatedAt).
// ENOTFOUND ("pooling.error.not_found") when the campaign does not exist
// or the company does not take part in it.
func (db *DB) SaveAnswers(ctx context.Context, a *commands.CompanyAnswers) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var takesPart bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pool_campaign_companies
			WHERE campaign_id = ? AND company_id = ?)`, a.Campaign, a.Company).Scan(&takesPart)
		if err != nil {
			return fmt.Errorf("campaign %d: %w", a.Campaign, err)
		}
		if !takesPart {
			return campaignNotFound(a.Campaign)
		}
		if a.AnsweredBy != "" {
			if _, err := memberRowID(ctx, tx, a.AnsweredBy); err != nil {
				return err
			}
		}
		for key, x := range a.Answers {
			_, err := tx.ExecContext(ctx, `INSERT INTO pool_answers (campaign_id, company_id, function_key, efficiency,
				importance, intention, chosen, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (campaign_id, company_id, function_key) DO UPDATE SET efficiency = excluded.efficiency,
				importance = excluded.importance, intention = excluded.intention, chosen = excluded.chosen,
				comment = excluded.comment`,
				a.Campaign, a.Company, key, string(x.Efficiency), string(x.Importance), string(x.Intention),
				boolInt(x.Chosen), x.Comment)
			if err != nil {
				return fmt.Errorf("answer %q of company %d: %w", key, a.Company, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO pool_responses (campaign_id, company_id, shared, answered_by, updated_at)
			VALUES (?, ?, ?, NULLIF(?, ''), ?)
			ON CONFLICT (campaign_id, company_id) DO UPDATE SET shared = excluded.shared,
			answered_by = excluded.answered_by, updated_at = excluded.updated_at`,
			a.Campaign, a.Company, boolInt(a.Shared), string(a.AnsweredBy), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("response of company %d: %w", a.Company, err)
		}
		a.UpdatedAt = tx.now
		return nil
	})
}

// scanResponse reads a company's standing, with its name and how many
// answers it gave, into a CompanyAnswers whose Answers are made to hold
// them.
func scanResponse(s scanner) (*commands.CompanyAnswers, error) {
	var (
		a           commands.CompanyAnswers
		by, updated string
		answers     int
	)
	err := s.Scan(&a.Company, &a.CompanyName, &a.Shared, &by, &updated, &answers)
	if err != nil {
		return nil, err
	}
	a.AnsweredBy = commands.UserID(by)
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if answers > 0 {
		a.Answers = make(map[string]commands.PoolAnswer, answers)
	}
	return &a, nil
}

// FindAnswers returns the answers to a campaign, one CompanyAnswers per
// company that saved any or its standing, by company name ignoring case,
// then id; company 0 means every company. It reads in two queries
// whatever the number of companies: their standings with their names,
// then every answer.
func (db *DB) FindAnswers(ctx context.Context, campaign, company int64) ([]*commands.CompanyAnswers, error) {
	only, args := "", []any{campaign, campaign, campaign}
	if company != 0 {
		only, args = " AND company_id = ?", []any{campaign, company, campaign, company, campaign}
	}
	// k counts each company's answers, so their maps are made once.
	out, err := queryAll(ctx, db.read, scanResponse, `SELECT k.company_id, c.name, COALESCE(r.shared, 0),
		COALESCE(r.answered_by, ''), COALESCE(r.updated_at, ''), k.answers
		FROM (SELECT company_id, MAX(answers) AS answers FROM (
				SELECT company_id, 0 AS answers FROM pool_responses WHERE campaign_id = ?`+only+`
				UNION ALL SELECT company_id, COUNT(*) FROM pool_answers WHERE campaign_id = ?`+only+` GROUP BY company_id)
			GROUP BY company_id) k
		JOIN companies c ON c.id = k.company_id
		LEFT JOIN pool_responses r ON r.campaign_id = ? AND r.company_id = k.company_id
		ORDER BY c.name COLLATE NOCASE, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("responses to campaign %d: %w", campaign, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	byCompany := make(map[int64]*commands.CompanyAnswers, len(out))
	for _, a := range out {
		a.Campaign = campaign
		byCompany[a.Company] = a
	}
	args = []any{campaign}
	if company != 0 {
		args = append(args, company)
	}
	if err := fillAnswers(ctx, db.read, byCompany, `SELECT company_id, function_key, efficiency, importance, intention,
		chosen, comment FROM pool_answers WHERE campaign_id = ?`+only+` ORDER BY company_id`, args...); err != nil {
		return nil, fmt.Errorf("answers to campaign %d: %w", campaign, err)
	}
	return out, nil
}

// fillAnswers reads answers into the Answers of their companies, row by
// row: the scan targets are shared by every row, which halves what a
// large synthesis allocates. A row of a company not in byCompany, saved
// between the two reads of FindAnswers, is left out.
func fillAnswers(ctx context.Context, q queryer, byCompany map[int64]*commands.CompanyAnswers, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		company                     int64
		key, efficiency, importance string
		intention, comment          string
		chosen                      bool
		cur                         *commands.CompanyAnswers
	)
	for rows.Next() {
		if err := rows.Scan(&company, &key, &efficiency, &importance, &intention, &chosen, &comment); err != nil {
			return err
		}
		if cur == nil || cur.Company != company {
			if cur = byCompany[company]; cur == nil {
				continue
			}
		}
		if cur.Answers == nil {
			cur.Answers = map[string]commands.PoolAnswer{}
		}
		cur.Answers[key] = commands.PoolAnswer{Function: key, Efficiency: commands.Level(efficiency),
			Importance: commands.Level(importance), Intention: commands.Intention(intention), Chosen: chosen, Comment: comment}
	}
	return rows.Err()
}

// SaveDecision records the group's decision for a function of a
// campaign, replacing any before, and sets d.DecidedAt. ENOTFOUND for an
// unknown campaign, decider or group.
func (db *DB) SaveDecision(ctx context.Context, d *commands.PoolDecision) error {
	companies, err := jsonList(d.Companies)
	if err != nil {
		return fmt.Errorf("decision %q of campaign %d: %w", d.Function, d.Campaign, err)
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkCampaignExists(ctx, tx, d.Campaign); err != nil {
			return err
		}
		if d.DecidedBy != "" {
			if _, err := memberRowID(ctx, tx, d.DecidedBy); err != nil {
				return err
			}
		}
		if d.Group != 0 {
			if err := checkGroupExists(ctx, tx, d.Group); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pool_decisions (campaign_id, function_key, way, companies, note, group_id,
			decided_by, decided_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, ''), ?)
			ON CONFLICT (campaign_id, function_key) DO UPDATE SET way = excluded.way, companies = excluded.companies,
			note = excluded.note, group_id = excluded.group_id, decided_by = excluded.decided_by,
			decided_at = excluded.decided_at`,
			d.Campaign, d.Function, string(d.Way), companies, d.Note, d.Group, string(d.DecidedBy), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("decision %q of campaign %d: %w", d.Function, d.Campaign, err)
		}
		d.DecidedAt = tx.now
		return audit(ctx, tx, d.DecidedBy, "pooling.decision", fmt.Sprint(d.Campaign), d.Function+" "+string(d.Way))
	})
}

func scanDecision(s scanner) (*commands.PoolDecision, error) {
	var (
		d                      commands.PoolDecision
		way, companies, by, at string
	)
	err := s.Scan(&d.Campaign, &d.Function, &way, &companies, &d.Note, &d.Group, &by, &at)
	if err != nil {
		return nil, err
	}
	d.Way, d.DecidedBy = commands.Way(way), commands.UserID(by)
	if err := json.Unmarshal([]byte(companies), &d.Companies); err != nil {
		return nil, fmt.Errorf("companies of decision %q: %w", d.Function, err)
	}
	d.Companies = nilIfEmpty(d.Companies)
	if d.DecidedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &d, nil
}

// FindDecisions returns a campaign's decisions by function key.
func (db *DB) FindDecisions(ctx context.Context, campaign int64) ([]*commands.PoolDecision, error) {
	out, err := queryAll(ctx, db.read, scanDecision, `SELECT campaign_id, function_key, way, companies, note,
		COALESCE(group_id, 0), COALESCE(decided_by, ''), decided_at FROM pool_decisions WHERE campaign_id = ?
		ORDER BY function_key`, campaign)
	if err != nil {
		return nil, fmt.Errorf("decisions of campaign %d: %w", campaign, err)
	}
	return out, nil
}
