package commands

import (
	"slices"
	"time"
)

// This file is the expert request's state machine and who may see and
// act on a request: pure functions over the request as stored, which the
// store runs inside the request's transaction (ChangeRequest).

// Limits of the request flow.
const (
	// answerWindow is how long an expert has to answer before the
	// request passes on.
	answerWindow = 72 * time.Hour
	// maxProposedSlots is how many slots an expert proposes at most.
	maxProposedSlots = 3
	// meetingLength is how long an expert meeting lasts.
	meetingLength = time.Hour
	// slotHorizon is how far ahead slots are offered.
	slotHorizon = 21 * 24 * time.Hour
	// slotStep is the grid slots start on inside a window.
	slotStep = 30 * time.Minute
)

// RequestRole is how a person stands toward a request.
type RequestRole int

const (
	RoleNone   RequestRole = iota // anyone else: sees nothing
	RoleAuthor                    // the member who asked
	RoleRouted                    // the expert it is routed to
	RoleStaff                     // a facilitator
)

// requestRole returns how m stands toward r: one person may hold several
// roles (a facilitator who asked), and each step says which it needs.
func requestRole(m *Member, r *ExpertRequest) []RequestRole {
	var roles []RequestRole
	if m.UserID == r.Requester {
		roles = append(roles, RoleAuthor)
	}
	if r.Expert != "" && m.UserID == r.Expert && r.Status != RequestNew {
		roles = append(roles, RoleRouted)
	}
	if m.IsFacilitator() {
		roles = append(roles, RoleStaff)
	}
	return roles
}

// CanSeeRequest reports whether m may see r at all: its author, the
// expert it is routed to, and facilitators. Nobody else, whatever their
// role: an expert it was never routed to sees nothing of it.
func CanSeeRequest(m *Member, r *ExpertRequest) bool { return len(requestRole(m, r)) > 0 }

// mayAct reports whether m holds one of the roles a step needs.
func mayAct(m *Member, r *ExpertRequest, roles ...RequestRole) bool {
	for _, have := range requestRole(m, r) {
		if slices.Contains(roles, have) {
			return true
		}
	}
	return false
}

// open reports whether a request is still in the flow.
func (r *ExpertRequest) open() bool {
	switch r.Status {
	case RequestNew, RequestProposed, RequestAccepted, RequestScheduled:
		return true
	}
	return false
}

// errRequestState refuses a step the request's state does not allow.
func errRequestState(r *ExpertRequest) error {
	return Errorf(ECONFLICT, "request.error.state."+string(r.Status), r.ID)
}

// decideRoute routes r to expert at now: a new request (or one back with
// the facilitators) goes to the expert, who has answerWindow to answer.
func decideRoute(r *ExpertRequest, expert *Expert, now time.Time) error {
	switch {
	case r.Status != RequestNew:
		return errRequestState(r)
	case expert == nil || !expert.Active:
		return Errorf(ECONFLICT, "request.error.expert_inactive")
	case expert.Paused(now):
		return Errorf(ECONFLICT, "request.error.expert_paused", expert.Name)
	case expert.User == r.Requester, expert.CompanyID != 0 && expert.CompanyID == r.CompanyID:
		return Errorf(ECONFLICT, "request.error.expert_own_company")
	case slices.Contains(r.Tried, expert.User):
		return Errorf(ECONFLICT, "request.error.expert_tried", expert.Name)
	}
	r.Status, r.Expert, r.RoutedAt, r.AnswerBy = RequestProposed, expert.User, now, now.Add(answerWindow)
	return nil
}

// decideDecline records the routed expert's no (or their silence, when
// lapsed): the request goes back to be routed again, the expert never
// proposed it again.
func decideDecline(r *ExpertRequest, reason string, now time.Time, lapsed bool) error {
	if r.Status != RequestProposed || lapsed && now.Before(r.AnswerBy) {
		return errRequestState(r)
	}
	if !lapsed && r.FirstAnswerAt.IsZero() {
		r.FirstAnswerAt = now
	}
	r.Tried = append(r.Tried, r.Expert)
	r.Status, r.Expert, r.DeclineReason = RequestNew, "", reason
	r.RoutedAt, r.AnswerBy = time.Time{}, time.Time{}
	return nil
}

// decideAccept records the routed expert's yes with the slots they
// propose (or, after a reschedule, their new slots): each free, inside
// their availability and notice, none in the past.
func decideAccept(r *ExpertRequest, slots []time.Time, place string, free func(time.Time) bool, now time.Time) error {
	if r.Status != RequestProposed && (r.Status != RequestAccepted || len(r.Slots) > 0) {
		return errRequestState(r)
	}
	if err := checkSlots(slots, free); err != nil {
		return err
	}
	if r.FirstAnswerAt.IsZero() {
		r.FirstAnswerAt = now
	}
	r.Status, r.Slots, r.Place, r.Duration = RequestAccepted, slots, place, meetingLength
	return nil
}

func checkSlots(slots []time.Time, free func(time.Time) bool) error {
	if len(slots) == 0 || len(slots) > maxProposedSlots {
		return Errorf(EINVALID, "request.error.slots_count", maxProposedSlots)
	}
	for _, t := range slots {
		if !free(t) {
			return Errorf(ECONFLICT, "request.error.slot_taken")
		}
	}
	return nil
}

// decidePick books the slot the member chose among those proposed, if it
// is still free: two members cannot hold one expert at once.
func decidePick(r *ExpertRequest, slot time.Time, free func(time.Time) bool) error {
	if r.Status != RequestAccepted {
		return errRequestState(r)
	}
	if !slices.ContainsFunc(r.Slots, func(t time.Time) bool { return t.Equal(slot) }) {
		return Errorf(EINVALID, "request.error.slot_unknown")
	}
	if !free(slot) {
		return Errorf(ECONFLICT, "request.error.slot_taken")
	}
	r.Status, r.Slot = RequestScheduled, slot
	r.Sequence++
	return nil
}

// decideReschedule takes a scheduled meeting back to choosing a slot:
// the expert proposes new ones (asked by either side). Slot keeps the
// time booked until the next pick: both calendars still hold it, and a
// cancellation meanwhile must call it off.
func decideReschedule(r *ExpertRequest) error {
	if r.Status != RequestScheduled {
		return errRequestState(r)
	}
	r.Status, r.Slots = RequestAccepted, nil
	r.Sequence++
	return nil
}

// acceptedLapse says why an accepted request can no longer end in a
// meeting, as the catalog key of what its member is told: every slot
// proposed has passed unpicked, or, after a reschedule, the expert
// proposed none within answerWindow of it (nothing changes an accepted
// request without slots but its next step, so its last change is the
// reschedule). Empty while it still can.
func acceptedLapse(r *ExpertRequest, now time.Time) string {
	switch {
	case r.Status != RequestAccepted:
		return ""
	case len(r.Slots) == 0 && !now.Before(r.UpdatedAt.Add(answerWindow)):
		return "request.update.no_new_slots"
	case len(r.Slots) > 0 && !slices.ContainsFunc(r.Slots, now.Before):
		return "request.update.slots_passed"
	}
	return ""
}

// booked reports whether calendars hold a time for r: a slot was picked,
// even if a new one is being chosen.
func (r *ExpertRequest) booked() bool { return !r.Slot.IsZero() }

// decideCancel calls a request off, at any open step.
func decideCancel(r *ExpertRequest) error {
	if !r.open() {
		return errRequestState(r)
	}
	if r.booked() {
		r.Sequence++
	}
	r.Status = RequestCancelled
	return nil
}

// decideDone marks a scheduled meeting as held, once it has ended.
func decideDone(r *ExpertRequest, now time.Time) error {
	if r.Status != RequestScheduled || now.Before(r.Slot.Add(r.Duration)) {
		return errRequestState(r)
	}
	r.Status = RequestDone
	return nil
}

// decideFeedback records the member's rating (1–5) and comment of a held
// meeting, once.
func decideFeedback(r *ExpertRequest, rating int, comment string) error {
	switch {
	case r.Status != RequestDone:
		return errRequestState(r)
	case r.Rating != 0:
		return Errorf(ECONFLICT, "request.error.feedback_given")
	case rating < 1 || rating > 5:
		return Errorf(EINVALID, "request.error.rating")
	}
	r.Rating, r.Comment = rating, comment
	return nil
}

// decideFollowUp records the expert's answer on a follow-up, once.
func decideFollowUp(r *ExpertRequest, answer string) error {
	if r.Status != RequestDone || r.FollowUp != "" {
		return errRequestState(r)
	}
	r.FollowUp = answer
	return nil
}

// decideExpire closes a request nobody could take.
func decideExpire(r *ExpertRequest) error {
	if r.Status != RequestNew {
		return errRequestState(r)
	}
	r.Status = RequestExpired
	return nil
}
