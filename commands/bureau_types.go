package commands

import (
	"context"
	"time"
)

// This file is the contract of the Bureau des pairs (issue 12): a company
// facing a strategic turn applies to be heard by a panel of peers.
// Applications and their eligibility are here; hearing days, peers and
// opinions in bureau_hearing_types.go.

// TurnKind is the kind of strategic turn an application is about.
type TurnKind string

const (
	TurnDigital        TurnKind = "numerique"
	TurnEnergy         TurnKind = "energetique"
	TurnResponsible    TurnKind = "responsable"
	TurnOrganisational TurnKind = "organisationnelle"
	TurnOther          TurnKind = "autre"
)

// TurnKinds lists the kinds in the order the form offers them.
var TurnKinds = []TurnKind{TurnDigital, TurnEnergy, TurnResponsible, TurnOrganisational, TurnOther}

// RevenueBand is a company's yearly revenue, as a band: applicants give a
// band, not a figure. Each band's floor is exact (Floor), so the
// 300,000 € criterion falls on a band's edge: 299,999 € is "<300k",
// 300,000 € is "300k-1M" (RevenueBandOf).
type RevenueBand string

const (
	RevenueUnder300k RevenueBand = "<300k"
	Revenue300kTo1M  RevenueBand = "300k-1M"
	Revenue1MTo5M    RevenueBand = "1M-5M"
	Revenue5MTo20M   RevenueBand = "5M-20M"
	RevenueOver20M   RevenueBand = ">20M"
)

// RevenueBands lists the bands from the lowest.
var RevenueBands = []RevenueBand{RevenueUnder300k, Revenue300kTo1M, Revenue1MTo5M, Revenue5MTo20M, RevenueOver20M}

// bandFloors are the lowest revenue, in euros, of each band: a band holds
// [its floor, the next band's floor).
var bandFloors = map[RevenueBand]int64{
	RevenueUnder300k: 0, Revenue300kTo1M: 300_000, Revenue1MTo5M: 1_000_000,
	Revenue5MTo20M: 5_000_000, RevenueOver20M: 20_000_000,
}

// Floor returns the lowest revenue of the band in euros, and false for an
// unknown band.
func (b RevenueBand) Floor() (int64, bool) {
	f, ok := bandFloors[b]
	return f, ok
}

// RevenueBandOf returns the band a revenue in euros falls in.
func RevenueBandOf(euros int64) RevenueBand {
	band := RevenueUnder300k
	for _, b := range RevenueBands {
		if euros >= bandFloors[b] {
			band = b
		}
	}
	return band
}

// ApplicationStatus is where an application is in its life.
type ApplicationStatus string

const (
	// ApplicationSubmitted is an application stored before its
	// eligibility was checked; the form stores it checked, so it is
	// eligible or to_decide at once.
	ApplicationSubmitted ApplicationStatus = "submitted"
	ApplicationEligible  ApplicationStatus = "eligible"  // meets every criterion
	ApplicationToDecide  ApplicationStatus = "to_decide" // misses one: a facilitator decides, with a reason
	ApplicationAccepted  ApplicationStatus = "accepted"  // to be heard by a panel
	ApplicationRefused   ApplicationStatus = "refused"
	ApplicationWithdrawn ApplicationStatus = "withdrawn" // the applicant took it back
	ApplicationScheduled ApplicationStatus = "scheduled" // given a slot of a hearing day
	ApplicationHeard     ApplicationStatus = "heard"     // its hearing ended: the panel writes its opinion
	ApplicationAdvised   ApplicationStatus = "advised"   // the opinion is sealed and sent to the applicant
)

// Criterion is one of the network's eligibility criteria.
type Criterion string

const (
	CriterionAge       Criterion = "age"
	CriterionRevenue   Criterion = "revenue"
	CriterionHeadcount Criterion = "headcount"
)

// Miss is a criterion an application does not meet: Want is the
// criterion's threshold (years, euros, employees), Got what the company
// gave (years of age, its band's floor in euros, employees; -1 when it
// gave nothing).
type Miss struct {
	Criterion Criterion
	Want, Got int64
}

// BureauCriteria are a network's eligibility criteria. The seed's are the
// defaults: a company of at least three years, with a revenue of at least
// 300,000 € and at least three employees.
type BureauCriteria struct {
	MinAgeYears  int
	MinRevenue   int64 // euros
	MinHeadcount int
}

// DefaultBureauCriteria returns the seed's criteria.
func DefaultBureauCriteria() BureauCriteria {
	return BureauCriteria{MinAgeYears: 3, MinRevenue: 300_000, MinHeadcount: 3}
}

// withDefaults fills each zero criterion with the seed's.
func (c BureauCriteria) withDefaults() BureauCriteria {
	d := DefaultBureauCriteria()
	if c.MinAgeYears <= 0 {
		c.MinAgeYears = d.MinAgeYears
	}
	if c.MinRevenue <= 0 {
		c.MinRevenue = d.MinRevenue
	}
	if c.MinHeadcount <= 0 {
		c.MinHeadcount = d.MinHeadcount
	}
	return c
}

// Application is a company's confidential application to the Bureau des
// pairs. Only its applicant, the facilitator who filed it and the
// facilitators may see it (CanSeeApplication).
type Application struct {
	ID int64
	// Applicant is the company's leader: a member, or a guest with an
	// account in the workspace (a member row all the same).
	Applicant UserID
	// FiledBy is the facilitator who filed it for a guest; empty when the
	// applicant filed it.
	FiledBy UserID
	// The company as the applicant gave it, kept as it was then: the
	// member's profile may change, the application does not.
	Company     string
	Sector      string
	City        string
	FoundedYear int
	Revenue     RevenueBand
	Headcount   int
	Kind        TurnKind
	// Project is the strategic project in the leader's words;
	// Expectations what they expect from the panel.
	Project      string
	Expectations string
	Status       ApplicationStatus
	// Misses are the criteria it did not meet when submitted.
	Misses []Miss
	// DecisionReason is the facilitator's reason for accepting or
	// refusing it; DecidedBy and DecidedAt who and when.
	DecisionReason string
	DecidedBy      UserID
	DecidedAt      time.Time
	// Day and Slot are the hearing day and its slot (from 1) once
	// scheduled; zero before. HearingSeq rises each time the hearing is
	// given or moved, so reminders of an earlier slot are dropped.
	Day        int64
	Slot       int
	HearingSeq int
	// Panel are the panelists of its day who may hear it: peers on the
	// day's panel, still peers, who declared no conflict with its
	// company. Filled by the store's reads; the rules (panelistOf) also
	// set aside the applicant's own company and sector.
	Panel     []UserID
	Opinion   Opinion
	FollowUp  FollowUp
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version rises on every write: a change decided on a stale copy is
	// refused by the store.
	Version int
}

// ApplicationFilter selects applications; a zero field selects nothing
// out.
type ApplicationFilter struct {
	Applicant UserID
	FiledBy   UserID
	Statuses  []ApplicationStatus
	// Day keeps the applications scheduled on a hearing day.
	Day   int64
	Limit int
}

// BureauStore keeps the Bureau des pairs' applications.
type BureauStore interface {
	// CreateApplication stores a new application (the applicant, and the
	// filer if any, must be members) and sets its ID, Version and times.
	CreateApplication(ctx context.Context, a *Application) error
	// FindApplication returns an application, or ENOTFOUND.
	FindApplication(ctx context.Context, id int64) (*Application, error)
	// FindApplications returns applications, oldest first: the queue's
	// order.
	FindApplications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
	// ChangeApplication runs change in one write transaction over the
	// application (ENOTFOUND if none): change decides, the transaction
	// writes.
	ChangeApplication(ctx context.Context, id int64, change func(ApplicationTx) error) error
}

// ApplicationTx is a write transaction over one application.
type ApplicationTx interface {
	// Application returns the application as stored when the transaction
	// began.
	Application() *Application
	// Save writes the application's fields, raising its Version. Two
	// applications given the same slot of a day is ECONFLICT
	// ("bureau.error.slot_taken").
	Save(a *Application) error
	// Day returns a hearing day as stored, or ENOTFOUND: the slot an
	// application is given is checked against it in the transaction.
	Day(id int64) (*HearingDay, error)
	// Enqueue queues messages with the change.
	Enqueue(msgs ...*OutboxMessage) error
}
