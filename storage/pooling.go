package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cercle/commands"
)

// campaignColumns reads a pooling campaign, without its companies.
const campaignColumns = `id, name, mode, functions, deadline, status, COALESCE(created_by, ''), created_at, updated_at`

func scanCampaign(s scanner) (*commands.Campaign, error) {
	var (
		c                          commands.Campaign
		mode, functions, status    string
		deadline, by, created, upd string
	)
	err := s.Scan(&c.ID, &c.Name, &mode, &functions, &deadline, &status, &by, &created, &upd)
	if err != nil {
		return nil, err
	}
	c.Mode, c.Status, c.CreatedBy = commands.PoolingMode(mode), commands.CampaignStatus(status), commands.UserID(by)
	if err := json.Unmarshal([]byte(functions), &c.Functions); err != nil {
		return nil, fmt.Errorf("functions of campaign %d: %w", c.ID, err)
	}
	// An empty list reads back as nil, as a campaign is built.
	c.Functions = nilIfEmpty(c.Functions)
	for _, t := range []struct {
		dst *time.Time
		src string
	}{{&c.Deadline, deadline}, {&c.CreatedAt, created}, {&c.UpdatedAt, upd}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// campaignNotFound is the error for an unknown campaign.
func campaignNotFound(id int64) error {
	return commands.Errorf(commands.ENOTFOUND, "pooling.error.not_found", id)
}

// checkCampaignExists returns ENOTFOUND for an unknown campaign.
func checkCampaignExists(ctx context.Context, q queryer, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM pool_campaigns WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return campaignNotFound(id)
	}
	if err != nil {
		return fmt.Errorf("campaign %d: %w", id, err)
	}
	return nil
}

// CreateCampaign stores a new campaign (open if no status is set) and
// sets its ID and times. Its creator, if named, must be a member, and
// every company must exist. Companies is set as reads return it: sorted,
// each once.
func (db *DB) CreateCampaign(ctx context.Context, c *commands.Campaign) error {
	if c.Status == "" {
		c.Status = commands.CampaignOpen
	}
	functions, err := jsonList(c.Functions)
	if err != nil {
		return fmt.Errorf("create campaign: %w", err)
	}
	companies := sortedIDs(c.Companies)
	err = db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if c.CreatedBy != "" {
			if _, err := memberRowID(ctx, tx, c.CreatedBy); err != nil {
				return err
			}
		}
		now := formatTime(tx.now)
		err := tx.QueryRowContext(ctx, `INSERT INTO pool_campaigns (name, mode, functions, deadline, status, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?) RETURNING id`,
			c.Name, string(c.Mode), functions, formatTime(c.Deadline), string(c.Status), string(c.CreatedBy), now, now).Scan(&c.ID)
		if err != nil {
			return formatError(fmt.Errorf("create campaign: %w", err))
		}
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		if err := writeCampaignCompanies(ctx, tx, c.ID, companies); err != nil {
			return err
		}
		return audit(ctx, tx, c.CreatedBy, "pooling.campaign", fmt.Sprint(c.ID), "")
	})
	if err != nil {
		return err
	}
	c.Companies = companies
	return nil
}

// UpdateCampaign writes a campaign's name, mode, functions, companies
// (replacing the set), deadline and status, and sets its UpdatedAt.
func (db *DB) UpdateCampaign(ctx context.Context, c *commands.Campaign) error {
	functions, err := jsonList(c.Functions)
	if err != nil {
		return fmt.Errorf("update campaign %d: %w", c.ID, err)
	}
	companies := sortedIDs(c.Companies)
	err = db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE pool_campaigns SET name = ?, mode = ?, functions = ?, deadline = ?, status = ?,
			updated_at = ? WHERE id = ?`,
			c.Name, string(c.Mode), functions, formatTime(c.Deadline), string(c.Status), formatTime(tx.now), c.ID)
		if err != nil {
			return formatError(fmt.Errorf("update campaign %d: %w", c.ID, err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("update campaign %d: %w", c.ID, err)
		}
		if n == 0 {
			return campaignNotFound(c.ID)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pool_campaign_companies WHERE campaign_id = ?`, c.ID); err != nil {
			return fmt.Errorf("clear companies of campaign %d: %w", c.ID, err)
		}
		if err := writeCampaignCompanies(ctx, tx, c.ID, companies); err != nil {
			return err
		}
		c.UpdatedAt = tx.now
		return nil
	})
	if err != nil {
		return err
	}
	c.Companies = companies
	return nil
}

// sortedIDs returns ids sorted, each once, nil when there is none.
func sortedIDs(ids []int64) []int64 {
	return nilIfEmpty(slices.Compact(slices.Sorted(slices.Values(ids))))
}

// writeCampaignCompanies adds companies, sorted and distinct, to a
// campaign that has none: ENOTFOUND ("pooling.error.company") names the
// first that does not exist.
func writeCampaignCompanies(ctx context.Context, tx *Tx, campaign int64, companies []int64) error {
	if len(companies) == 0 {
		return nil
	}
	args := make([]any, len(companies))
	for i, id := range companies {
		args[i] = id
	}
	found, err := queryAll(ctx, tx, scanValue[int64],
		`SELECT id FROM companies WHERE id IN (`+placeholders(len(args))+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("companies of campaign %d: %w", campaign, err)
	}
	for i, id := range companies {
		if i >= len(found) || found[i] != id {
			return commands.Errorf(commands.ENOTFOUND, "pooling.error.company", id)
		}
	}
	rows := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(companies)), ", ")
	values := make([]any, 0, 2*len(companies))
	for _, id := range companies {
		values = append(values, campaign, id)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pool_campaign_companies (campaign_id, company_id) VALUES `+rows, values...); err != nil {
		return fmt.Errorf("companies of campaign %d: %w", campaign, err)
	}
	return nil
}

// FindCampaign returns a campaign with its companies, or ENOTFOUND.
func (db *DB) FindCampaign(ctx context.Context, id int64) (*commands.Campaign, error) {
	return findCampaign(ctx, db.read, id)
}

func findCampaign(ctx context.Context, q queryer, id int64) (*commands.Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM pool_campaigns WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, campaignNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", id, err)
	}
	if err := fillCampaignCompanies(ctx, q, []*commands.Campaign{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// defaultCampaignLimit is how many campaigns FindCampaigns returns when
// the filter sets no limit.
const defaultCampaignLimit = 500

// FindCampaigns returns the campaigns f selects, with their companies,
// newest first.
func (db *DB) FindCampaigns(ctx context.Context, f commands.CampaignFilter) ([]*commands.Campaign, error) {
	var c conditions
	if f.Company != 0 {
		c.add(`EXISTS (SELECT 1 FROM pool_campaign_companies pc
			WHERE pc.campaign_id = pool_campaigns.id AND pc.company_id = ?)`, f.Company)
	}
	if f.Open {
		c.add("status = ?", string(commands.CampaignOpen))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultCampaignLimit
	}
	query := `SELECT ` + campaignColumns + ` FROM pool_campaigns` + c.clause() + " ORDER BY created_at DESC, id DESC LIMIT ?"
	out, err := queryAll(ctx, db.read, scanCampaign, query, append(c.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find campaigns: %w", err)
	}
	if err := fillCampaignCompanies(ctx, db.read, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillCampaignCompanies sets each campaign's Companies, in one read.
func fillCampaignCompanies(ctx context.Context, q queryer, cs []*commands.Campaign) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[int64]*commands.Campaign, len(cs))
	ids := make([]any, len(cs))
	for i, c := range cs {
		byID[c.ID], ids[i] = c, c.ID
	}
	scan := func(s scanner) ([2]int64, error) {
		var pair [2]int64
		err := s.Scan(&pair[0], &pair[1])
		return pair, err
	}
	pairs, err := queryAll(ctx, q, scan, `SELECT campaign_id, company_id FROM pool_campaign_companies
		WHERE campaign_id IN (`+placeholders(len(ids))+`) ORDER BY campaign_id, company_id`, ids...)
	if err != nil {
		return fmt.Errorf("companies of campaigns: %w", err)
	}
	for _, p := range pairs {
		byID[p[0]].Companies = append(byID[p[0]].Companies, p[1])
	}
	return nil
}

// ListCompanies returns every company of the network, by name ignoring
// case, then id.
func (db *DB) ListCompanies(ctx context.Context) ([]*commands.Company, error) {
	out, err := queryAll(ctx, db.read, scanCompany, `SELECT `+companyColumns+` FROM companies ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	return out, nil
}
