package commands

import (
	"slices"
	"time"
)

// This file is an application's life from its slot to the follow-up:
// pure functions over the application as stored, run by the store inside
// its transaction (ChangeApplication), like bureau_rules.go.

// FollowUpAfter is when, after the opinion is sealed, the applicant is
// asked whether it helped: the seed plans an evaluation of the
// experiment.
const FollowUpAfter = 91 * 24 * time.Hour

// Limits on the opinion form.
const (
	maxOpinionField = 3000
	maxOpinionExp   = 5
	maxFollowUpText = 1000
)

// decideSchedule gives an accepted application slot n of day d, or moves
// a scheduled one there. The slot must exist and not have begun; that no
// other application holds it is the store's unique index.
func decideSchedule(a *Application, d *HearingDay, n int, now time.Time) error {
	if a.Status != ApplicationAccepted && a.Status != ApplicationScheduled {
		return errApplicationState(a)
	}
	if d.Cancelled() {
		return Errorf(EINVALID, "bureau.error.slot_cancelled")
	}
	if n < 1 || n > d.Hearings {
		return Errorf(EINVALID, "bureau.error.slot_range", d.Hearings)
	}
	if !d.SlotStart(n).After(now) {
		return Errorf(EINVALID, "bureau.error.slot_past")
	}
	if a.Day == d.ID && a.Slot == n {
		return Errorf(ECONFLICT, "bureau.error.same_slot")
	}
	a.Day, a.Slot, a.Status = d.ID, n, ApplicationScheduled
	a.HearingSeq++
	return nil
}

// decideHeard marks a scheduled application heard once its slot ended.
func decideHeard(a *Application, d *HearingDay, now time.Time) bool {
	if a.Status != ApplicationScheduled || a.Day != d.ID || d.Cancelled() || now.Before(d.SlotEnd(a.Slot)) {
		return false
	}
	a.Status = ApplicationHeard
	return true
}

// decideUnschedule takes a scheduled application off its cancelled day:
// accepted again, to be given another slot.
func decideUnschedule(a *Application, d *HearingDay) bool {
	if a.Status != ApplicationScheduled || a.Day != d.ID || !d.Cancelled() {
		return false
	}
	a.Status, a.Day, a.Slot = ApplicationAccepted, 0, 0
	a.HearingSeq++
	return true
}

// decideOpinion writes the opinion, or amends it: the first to write is
// its author, each later writer is added to AmendedBy once. Only a heard
// application's unsealed opinion may change.
func decideOpinion(a *Application, o Opinion, by UserID, now time.Time) error {
	if a.Status != ApplicationHeard || a.Opinion.Sealed() {
		return errApplicationState(a)
	}
	if !slices.Contains(Verdicts, o.Verdict) {
		return Errorf(EINVALID, "bureau.error.verdict")
	}
	prev := a.Opinion
	o.WrittenBy, o.AmendedBy = prev.WrittenBy, prev.AmendedBy
	switch {
	case !prev.Written():
		o.WrittenBy = by
	case by != prev.WrittenBy && !slices.Contains(prev.AmendedBy, by):
		o.AmendedBy = append(slices.Clone(prev.AmendedBy), by)
	}
	o.WrittenAt, o.SealedBy, o.SealedAt = now, "", time.Time{}
	a.Opinion = o
	return nil
}

// decideSeal seals a written opinion: it can no longer change, and the
// applicant receives it.
func decideSeal(a *Application, by UserID, now time.Time) error {
	if a.Status != ApplicationHeard {
		return errApplicationState(a)
	}
	if !a.Opinion.Written() {
		return Errorf(ECONFLICT, "bureau.error.no_opinion", a.ID)
	}
	a.Opinion.SealedBy, a.Opinion.SealedAt = by, now
	a.Status = ApplicationAdvised
	return nil
}

// followUpDue reports whether the applicant should now be asked whether
// the opinion helped.
func followUpDue(a *Application, now time.Time) bool {
	return a.Status == ApplicationAdvised && a.FollowUp.AskedAt.IsZero() &&
		!now.Before(a.Opinion.SealedAt.Add(FollowUpAfter))
}

// decideApplicationFollowUp records the applicant's answer, once.
func decideApplicationFollowUp(a *Application, score int, comment string, now time.Time) error {
	if a.Status != ApplicationAdvised || !a.FollowUp.AnsweredAt.IsZero() {
		return errApplicationState(a)
	}
	if score < 1 || score > 5 {
		return Errorf(EINVALID, "bureau.error.score")
	}
	a.FollowUp.Score, a.FollowUp.Comment, a.FollowUp.AnsweredAt = score, comment, now
	return nil
}

// mayWriteOpinion reports whether m may write or amend a's opinion: its
// panelists, and facilitators, who may need to correct it before sealing.
func mayWriteOpinion(m *Member, a *Application) bool {
	return mayActOnApplication(m, a, AppPanelist, AppFacilitator) && m.UserID != a.Applicant
}

// maySeal reports whether m may seal a's opinion: a facilitator, not the
// applicant.
func maySeal(m *Member, a *Application) bool { return mayDecide(m, a) }

// mayFollowUp reports whether m may answer a's follow-up: its applicant.
func mayFollowUp(m *Member, a *Application) bool { return mayActOnApplication(m, a, AppApplicant) }
