package commands

import (
	"slices"
	"time"
)

// This file is the registration state machine, the one place its rules
// are written. A registration moves
//
//	registered | waitlisted → offered (until a deadline) → registered | expired | declined
//	registered → cancelled (late after the cut-off); waitlisted → withdrawn;
//	offered → declined
//	registered → attended | no_show (roll call)
//
// Each rule is a pure function over data the store loaded inside the
// write transaction (EventTx); storage only loads, counts and writes. The
// SQL CHECK on an event's counts stays as the last guard against
// overbooking, never as the rule itself.

// RegistrationStatus is where one member stands for one event.
type RegistrationStatus string

const (
	RegRegistered RegistrationStatus = "registered" // has a seat
	RegWaitlisted RegistrationStatus = "waitlisted" // in line for a seat
	RegOffered    RegistrationStatus = "offered"    // a freed seat is held for them until OfferExpiresAt
	RegExpired    RegistrationStatus = "expired"    // let an offer lapse
	RegDeclined   RegistrationStatus = "declined"   // turned an offer down
	RegCancelled  RegistrationStatus = "cancelled"  // gave up their seat
	RegWithdrawn  RegistrationStatus = "withdrawn"  // left the waitlist
	RegAttended   RegistrationStatus = "attended"   // came (roll call)
	RegNoShow     RegistrationStatus = "no_show"    // had a seat and did not come
)

// Standing is what a registration holds of its event: the store keeps one
// count per standing on the event, so a registration never counts rows.
type Standing int

const (
	StandingNone  Standing = iota // cancelled, withdrawn, declined, expired
	StandingSeat                  // registered, attended, no_show
	StandingOffer                 // a seat held for them
	StandingLine                  // waiting
)

// Standing returns what a registration in status s holds.
func (s RegistrationStatus) Standing() Standing {
	switch s {
	case RegRegistered, RegAttended, RegNoShow:
		return StandingSeat
	case RegOffered:
		return StandingOffer
	case RegWaitlisted:
		return StandingLine
	}
	return StandingNone
}

// active reports whether the member is still in: with a seat, an offer or
// a place in line.
func (s RegistrationStatus) active() bool { return s.Standing() != StandingNone }

// Registration is one member's standing for one event.
type Registration struct {
	ID         int64
	EventID    int64
	UserID     UserID
	MemberName string
	MemberRole Role
	Company    string
	Status     RegistrationStatus
	// Late marks a cancellation made after the event's cut-off.
	Late bool
	// Position is the place in the waitlist, from 1; zero when not waiting.
	Position int
	// Turn numbers the registration's last joining of the event (the
	// line's order); registering again after a cancellation takes a new
	// one, so a notice can tell which registration it was about.
	Turn           int64
	OfferExpiresAt time.Time
	// NoShows counts the member's no-shows across all events, for
	// facilitators.
	NoShows int
	// MemberEmail is the member's e-mail, empty when unknown.
	MemberEmail string
	// SeatAt is when the member got their seat (registering, or accepting
	// an offer); zero if this turn never had one. WaitlistedAt is when
	// this turn joined the line; zero if it never waited.
	SeatAt, WaitlistedAt time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// Event is the event registered for; its counts are set only inside
	// a transaction (EventTx).
	Event *Event
}

// RegistrationFilter selects registrations.
type RegistrationFilter struct {
	EventID  int64
	UserID   UserID
	Statuses []RegistrationStatus
	// StartsAfter keeps registrations for events starting after it.
	StartsAfter time.Time
}

// OfferPolicy says until when a seat offered at now is held, or the zero
// time when it is too late to offer seats for ev.
type OfferPolicy func(ev *Event, now time.Time) time.Time

// DefaultOfferPolicy holds a freed seat for window (24 hours unless
// configured), less as the event nears (a quarter of the time left), and
// offers nothing in the last hour: nobody could act on it.
func DefaultOfferPolicy(window time.Duration) OfferPolicy {
	return func(ev *Event, now time.Time) time.Time {
		left := ev.Start.Sub(now)
		if left < time.Hour {
			return time.Time{}
		}
		return now.Add(min(window, left/4))
	}
}

// decideRegistration is the rule for a registration: on a published event
// not yet started, before its deadline, a member with no active
// registration gets a seat if one is free and nobody waits, else a place
// in line.
func decideRegistration(now time.Time, ev *Event, cur *Registration) (RegistrationStatus, error) {
	if err := eventOpen(ev, now); err != nil {
		return "", err
	}
	if !ev.Deadline.IsZero() && now.After(ev.Deadline) {
		return "", Errorf(ECONFLICT, "register.error.deadline_passed")
	}
	if cur != nil {
		switch cur.Status.Standing() {
		case StandingSeat:
			return "", Errorf(ECONFLICT, "register.already")
		case StandingLine:
			return "", Errorf(ECONFLICT, "register.already_waitlisted", cur.Position)
		case StandingOffer:
			return "", Errorf(ECONFLICT, "register.already_offered")
		}
	}
	if ev.seatFree() {
		return RegRegistered, nil
	}
	return RegWaitlisted, nil
}

// seatFree reports whether the next to register gets a seat: one is free
// and nobody waits for it (else they join the line).
func (e *Event) seatFree() bool { return e.SeatsLeft() > 0 && e.Waitlisted == 0 }

// canRegister reports whether a member with no registration could
// register now: the registration rule itself, asked without a member, so
// a view never offers a button the rule would refuse.
func canRegister(now time.Time, ev *Event) bool {
	_, err := decideRegistration(now, ev, nil)
	return err == nil
}

// CanSeeEvent reports whether m may see ev at all: drafts are for
// facilitators, a group's meetings for its members (and facilitators).
func CanSeeEvent(m *Member, ev *Event) bool {
	if m.IsFacilitator() {
		return true
	}
	return ev.Status != EventDraft && (ev.Group == 0 || slices.Contains(m.Groups, ev.Group))
}

// eventOpen refuses events that take no registration or cancellation.
func eventOpen(ev *Event, now time.Time) error {
	switch {
	case ev.Status == EventDraft:
		return Errorf(ENOTFOUND, "event.error.not_found", ev.ID)
	case ev.Status == EventCancelled:
		return Errorf(ECONFLICT, "event.error.cancelled")
	case !now.Before(ev.Start):
		return Errorf(ECONFLICT, "event.error.started")
	}
	return nil
}

// decideCancellation is the rule for giving up: the member must hold a
// seat, an offer or a place in line, before the start. What they become
// says what they gave up: a seat (cancelled, late after the cut-off), an
// offer (declined) or their place in line (withdrawn).
func decideCancellation(now time.Time, ev *Event, cur *Registration) (to RegistrationStatus, late bool, err error) {
	if err := eventOpen(ev, now); err != nil {
		return "", false, err
	}
	if cur == nil || !cur.Status.active() {
		return "", false, Errorf(ENOTFOUND, "cancel.error.not_registered")
	}
	switch cur.Status.Standing() {
	case StandingLine:
		return RegWithdrawn, false, nil
	case StandingOffer:
		return RegDeclined, false, nil
	}
	return RegCancelled, now.After(ev.CancelCutoff), nil
}

// decideOfferAnswer is the rule for answering an offer: only the member it
// was made to, while it is pending and unexpired, on an event still open.
// The id comes from a button, so someone else's registration is "not
// found", never "not yours".
func decideOfferAnswer(now time.Time, ev *Event, cur *Registration, user UserID, accept bool) (RegistrationStatus, error) {
	switch {
	case cur == nil || cur.UserID != user:
		return "", Errorf(ENOTFOUND, "offer.error.not_found")
	case cur.Status != RegOffered:
		return "", Errorf(ECONFLICT, "offer.error.not_pending")
	case !cur.OfferExpiresAt.After(now):
		return "", Errorf(ECONFLICT, "offer.error.expired")
	case ev.Status == EventCancelled:
		return "", Errorf(ECONFLICT, "event.error.cancelled")
	case !now.Before(ev.Start):
		return "", Errorf(ECONFLICT, "event.error.started")
	}
	if accept {
		return RegRegistered, nil
	}
	return RegDeclined, nil
}

// offerLapsed reports whether an offer's deadline has passed at now.
func offerLapsed(r *Registration, now time.Time) bool {
	return r.Status == RegOffered && !r.OfferExpiresAt.After(now)
}

// seatsToOffer is the rule for freed seats: on a published event, every
// seat neither taken nor already offered goes to the head of the line,
// once. It returns how many, in which status (offered until the policy's
// deadline, or registered outright when it is too late for an offer:
// better a seat given than a seat left empty) and the deadline.
func seatsToOffer(now time.Time, ev *Event, policy OfferPolicy) (n int, to RegistrationStatus, expires time.Time) {
	if ev.Status != EventPublished || !now.Before(ev.Start) {
		return 0, "", time.Time{}
	}
	n = min(ev.SeatsLeft(), ev.Waitlisted)
	if n <= 0 {
		return 0, "", time.Time{}
	}
	if expires = policy(ev, now); expires.IsZero() {
		return n, RegRegistered, time.Time{}
	}
	return n, RegOffered, expires
}

// decideEdit is the rule for changing an event: not once cancelled, and
// never to fewer seats than are taken or offered.
func decideEdit(ev, changed *Event) error {
	if ev.Status == EventCancelled {
		return Errorf(ECONFLICT, "event.error.cancelled")
	}
	if taken := ev.Registered + ev.Offered; changed.Capacity < taken {
		return Errorf(ECONFLICT, "event.error.capacity_below", taken)
	}
	return nil
}

// decidePublish is the rule for publishing: a draft, still to come.
func decidePublish(now time.Time, ev *Event) error {
	switch {
	case ev.Status == EventCancelled:
		return Errorf(ECONFLICT, "event.error.cancelled")
	case ev.Status != EventDraft:
		return Errorf(ECONFLICT, "event.error.not_draft")
	case !ev.Start.After(now):
		return Errorf(ECONFLICT, "event.error.started")
	}
	return nil
}

// decideEventCancellation is the rule for cancelling an event: once.
func decideEventCancellation(ev *Event) error {
	if ev.Status == EventCancelled {
		return Errorf(ECONFLICT, "event.error.cancelled")
	}
	return nil
}

// decideRollCall is the rule for recording attendance: once the event
// has started, unless it was cancelled.
func decideRollCall(now time.Time, ev *Event) error {
	switch {
	case ev.Status == EventCancelled:
		return Errorf(ECONFLICT, "event.error.cancelled")
	case ev.Start.After(now):
		return Errorf(ECONFLICT, "rollcall.error.not_started")
	}
	return nil
}

// attendance is the roll call's rule: a confirmed registrant is attended
// when checked, a no-show otherwise.
func attendance(checked bool) RegistrationStatus {
	if checked {
		return RegAttended
	}
	return RegNoShow
}
