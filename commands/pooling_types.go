package commands

import (
	"context"
	"time"
)

// This file is the contract of the pooling campaigns (issue 13): local
// companies map their support functions on an efficiency × importance
// matrix, say what they intend for each, and the group decides, function
// by function, how to pool. A company's answers are seen by that company
// and the facilitators; the group sees counts, and names only of the
// companies that agreed to share.

// Level is a score on one axis of the matrix.
type Level string

const (
	LevelLow    Level = "low"
	LevelMedium Level = "medium"
	LevelHigh   Level = "high"
)

// Levels lists the levels along an axis, from the origin.
var Levels = []Level{LevelLow, LevelMedium, LevelHigh}

// Index returns the level's place on its axis (0 low, 2 high), or -1.
func (l Level) Index() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Intention is what a company means to do with one of its functions.
type Intention string

const (
	IntentKeep      Intention = "keep"      // garder et renforcer
	IntentPool      Intention = "pool"      // mutualiser
	IntentOutsource Intention = "outsource" // externaliser
	IntentAbandon   Intention = "abandon"   // abandonner
)

// Intentions lists the intentions in the order forms and charts show
// them.
var Intentions = []Intention{IntentKeep, IntentPool, IntentOutsource, IntentAbandon}

// PoolingMode is how the group is run: a network of allies (co-opted,
// run by its members) or a cluster steered by a third party.
type PoolingMode string

const (
	ModeAllies  PoolingMode = "allies"
	ModeCluster PoolingMode = "cluster"
)

// Way is the group's decision for one function.
type Way string

const (
	WaySharedTeam     Way = "shared_team"     // mise en commun: shared team or employer group
	WayGroupBuying    Way = "group_buying"    // achats groupés
	WaySharedProvider Way = "shared_provider" // prestataire partagé
	WayJointRD        Way = "joint_rd"        // R&D commune
	WayInHouse        Way = "in_house"        // rester en interne
)

// Ways lists the decisions in the order the form offers them.
var Ways = []Way{WaySharedTeam, WayGroupBuying, WaySharedProvider, WayJointRD, WayInHouse}

// Pools reports whether the decision puts the function in common, and so
// gets a working group.
func (w Way) Pools() bool { return w != WayInHouse && w != "" }

// PoolFunction is one support function of a campaign's list. A
// sub-function names its parent's key.
type PoolFunction struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
}

// CampaignStatus is whether companies may still answer.
type CampaignStatus string

const (
	CampaignOpen   CampaignStatus = "open"
	CampaignClosed CampaignStatus = "closed"
)

// Campaign is one mapping of support functions among a set of
// companies.
type Campaign struct {
	ID        int64
	Name      string
	Mode      PoolingMode
	Functions []PoolFunction
	// Companies are the participating companies' ids.
	Companies []int64
	Deadline  time.Time
	Status    CampaignStatus
	CreatedBy UserID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Function returns the campaign's function with key, and false if none.
func (c *Campaign) Function(key string) (PoolFunction, bool) {
	for _, f := range c.Functions {
		if f.Key == key {
			return f, true
		}
	}
	return PoolFunction{}, false
}

// Participates reports whether company takes part in c.
func (c *Campaign) Participates(company int64) bool {
	for _, id := range c.Companies {
		if id == company {
			return true
		}
	}
	return false
}

// PoolAnswer is a company's answer for one function.
type PoolAnswer struct {
	Function   string
	Efficiency Level
	Importance Level
	Intention  Intention
	// Chosen is set when the company chose its intention rather than
	// taking the matrix's suggestion.
	Chosen  bool
	Comment string
}

// CompanyAnswers are one company's answers to a campaign.
type CompanyAnswers struct {
	Campaign    int64
	Company     int64
	CompanyName string // filled by reads
	// Answers are by function key.
	Answers map[string]PoolAnswer
	// Shared is the company's agreement to show its answers, with its
	// name, in the group's synthesis.
	Shared     bool
	AnsweredBy UserID
	UpdatedAt  time.Time
}

// PoolDecision is the group's decision for one function of a campaign.
type PoolDecision struct {
	Campaign int64
	Function string
	Way      Way
	// Companies are the companies committed to it.
	Companies []int64
	Note      string
	// Group is the working group created for it, 0 if none.
	Group     int64
	DecidedBy UserID
	DecidedAt time.Time
}

// CampaignFilter selects campaigns; a zero field selects nothing out.
type CampaignFilter struct {
	// Company keeps the campaigns it takes part in.
	Company int64
	// Open keeps the open ones.
	Open  bool
	Limit int
}

// PoolingStore keeps the pooling campaigns, their answers and decisions.
type PoolingStore interface {
	// CreateCampaign stores a new campaign and sets its ID and times;
	// every company must exist (ENOTFOUND otherwise).
	CreateCampaign(ctx context.Context, c *Campaign) error
	// UpdateCampaign writes a campaign's name, mode, functions, companies,
	// deadline and status; ENOTFOUND for an unknown one.
	UpdateCampaign(ctx context.Context, c *Campaign) error
	// FindCampaign returns a campaign, or ENOTFOUND.
	FindCampaign(ctx context.Context, id int64) (*Campaign, error)
	// FindCampaigns returns campaigns, newest first.
	FindCampaigns(ctx context.Context, f CampaignFilter) ([]*Campaign, error)
	// SaveAnswers writes the given answers of a company (others it gave
	// before are kept), its Shared agreement, who answered and when.
	SaveAnswers(ctx context.Context, a *CompanyAnswers) error
	// FindAnswers returns the answers to a campaign, one CompanyAnswers
	// per company that gave any, by company name; company 0 means all.
	FindAnswers(ctx context.Context, campaign, company int64) ([]*CompanyAnswers, error)
	// SaveDecision records (or replaces) the decision for a function.
	SaveDecision(ctx context.Context, d *PoolDecision) error
	// FindDecisions returns a campaign's decisions, in the order of its
	// functions' keys.
	FindDecisions(ctx context.Context, campaign int64) ([]*PoolDecision, error)
	// ListCompanies returns every company of the network, by name.
	ListCompanies(ctx context.Context) ([]*Company, error)
}

// Charts draws the pooling pictures as PNG. The charts package
// implements it; nil means no pictures.
type Charts interface {
	// Matrix draws a 3 × 3 efficiency × importance matrix with each point
	// placed in its cell and coloured by its series.
	Matrix(m MatrixChart) ([]byte, error)
	// HeatMap draws a grid of counts, each cell shaded by its count.
	HeatMap(h HeatMapChart) ([]byte, error)
}

// MatrixChart is what a matrix picture shows; every text is given in
// the reader's language.
type MatrixChart struct {
	Title string
	// XLabel names the horizontal axis (efficiency), YLabel the vertical
	// one (importance); Ticks name the three levels, from the origin.
	XLabel, YLabel string
	Ticks          [3]string
	// Series name the colours, in order (the intentions).
	Series []string
	Points []MatrixPoint
}

// MatrixPoint is one function placed on the matrix.
type MatrixPoint struct {
	Label string
	// X and Y are the cell, 0 to 2 from the origin.
	X, Y int
	// Series indexes MatrixChart.Series.
	Series int
}

// HeatMapChart is a grid of counts: rows (the functions) by columns.
type HeatMapChart struct {
	Title   string
	Rows    []string
	Columns []string
	// Cells[r][c] is the count of row r, column c.
	Cells [][]int
	// Note is a line under the grid (what the counts are).
	Note string
}
