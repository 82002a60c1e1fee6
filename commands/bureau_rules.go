package commands

import (
	"slices"
	"time"
)

// This file is the application's eligibility, its state machine, and who
// may see and act on it: pure functions over the application as stored,
// which the store runs inside its transaction (ChangeApplication).

// CheckEligibility returns the criteria of c that app misses at now, in
// the order age, revenue, headcount; none means eligible.
//
// The company gives only its founding year, so its age is judged by
// calendar years: now's year minus the founding year. A company founded
// in 2023 is three years old throughout 2026, even in January, when it
// may be two years and a few months old: the seed's « plus de trois ans »
// cannot be judged closer with a year alone, and the doubt goes to the
// company (a facilitator sees the year with the application). Revenue is
// judged on the band's floor: a band whose floor is under the minimum
// misses it, so with a minimum inside a band (500,000 € in "300k-1M")
// that band goes to a facilitator to decide.
func CheckEligibility(c BureauCriteria, app *Application, now time.Time) []Miss {
	var out []Miss
	age := int64(-1)
	if app.FoundedYear > 0 {
		age = int64(now.Year() - app.FoundedYear)
	}
	if age < int64(c.MinAgeYears) {
		out = append(out, Miss{Criterion: CriterionAge, Want: int64(c.MinAgeYears), Got: age})
	}
	floor, ok := app.Revenue.Floor()
	if !ok {
		floor = -1
	}
	if floor < c.MinRevenue {
		out = append(out, Miss{Criterion: CriterionRevenue, Want: c.MinRevenue, Got: floor})
	}
	if app.Headcount < c.MinHeadcount {
		out = append(out, Miss{Criterion: CriterionHeadcount, Want: int64(c.MinHeadcount), Got: int64(app.Headcount)})
	}
	return out
}

// ApplicationRole is how a person stands toward an application.
type ApplicationRole int

const (
	AppApplicant   ApplicationRole = iota + 1 // the company's leader
	AppFiler                                  // the facilitator who filed it for a guest
	AppFacilitator                            // a facilitator of the network
	// AppPanelist sits on the panel of the application's hearing day and
	// may hear it (isPanelist): they lose sight of it on leaving the
	// panel or the peers, or on declaring a conflict.
	AppPanelist
)

// applicationRoles returns how m stands toward a: one person may hold
// several roles (a facilitator who applies), and each step says which it
// needs.
func applicationRoles(m *Member, a *Application) []ApplicationRole {
	var roles []ApplicationRole
	if m.UserID == a.Applicant {
		roles = append(roles, AppApplicant)
	}
	if a.FiledBy != "" && m.UserID == a.FiledBy {
		roles = append(roles, AppFiler)
	}
	if m.IsFacilitator() {
		roles = append(roles, AppFacilitator)
	}
	if isPanelist(m, a) {
		roles = append(roles, AppPanelist)
	}
	return roles
}

// CanSeeApplication reports whether m may see a at all: its applicant,
// the facilitator who filed it, facilitators, and the panelists of its
// hearing day who may hear it. Nobody else: another member, or a peer of
// no panel hearing it, sees nothing of it.
func CanSeeApplication(m *Member, a *Application) bool { return len(applicationRoles(m, a)) > 0 }

// mayActOnApplication reports whether m holds one of the roles a step
// needs.
func mayActOnApplication(m *Member, a *Application, roles ...ApplicationRole) bool {
	for _, have := range applicationRoles(m, a) {
		if slices.Contains(roles, have) {
			return true
		}
	}
	return false
}

// mayDecide reports whether m may accept or refuse a: a facilitator, never
// on their own company's application.
func mayDecide(m *Member, a *Application) bool {
	return m.UserID != a.Applicant && mayActOnApplication(m, a, AppFacilitator)
}

// pending reports whether a waits for a facilitator's decision.
func (a *Application) pending() bool {
	return a.Status == ApplicationEligible || a.Status == ApplicationToDecide || a.Status == ApplicationSubmitted
}

// open reports whether the applicant may still withdraw a: until it is
// heard.
func (a *Application) open() bool {
	return a.pending() || a.Status == ApplicationAccepted || a.Status == ApplicationScheduled
}

// errApplicationState refuses a step the application's state does not
// allow.
func errApplicationState(a *Application) error {
	return Errorf(ECONFLICT, "bureau.error.state."+string(a.Status), a.ID)
}

// decideSubmit records the eligibility checked at submission: eligible,
// or to_decide with the misses for a facilitator to weigh.
func decideSubmit(a *Application, misses []Miss) {
	a.Misses = misses
	a.Status = ApplicationEligible
	if len(misses) > 0 {
		a.Status = ApplicationToDecide
	}
}

// decideApplication records a facilitator's decision on a pending
// application. A refusal always needs a reason, and so does accepting one
// that misses a criterion: the reason is what the evaluation reads.
func decideApplication(a *Application, accept bool, reason string, by UserID, now time.Time) error {
	if !a.pending() {
		return errApplicationState(a)
	}
	if reason == "" && (!accept || a.Status != ApplicationEligible) {
		return Errorf(EINVALID, "bureau.error.reason_required")
	}
	a.Status = ApplicationRefused
	if accept {
		a.Status = ApplicationAccepted
	}
	a.DecisionReason, a.DecidedBy, a.DecidedAt = reason, by, now
	return nil
}

// decideWithdraw records the applicant taking the application back, at
// any step before a hearing.
func decideWithdraw(a *Application) error {
	if !a.open() {
		return errApplicationState(a)
	}
	if a.Status == ApplicationScheduled {
		// Its reminders are dropped, its slot freed, and its day's panel
		// no longer sees it.
		a.HearingSeq++
		a.Day, a.Slot = 0, 0
	}
	a.Status = ApplicationWithdrawn
	return nil
}
