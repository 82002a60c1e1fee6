package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is each step taken on a request after it is routed: the
// expert accepts with slots or declines, the member picks a slot, either
// side reschedules or cancels. Every button and form names its request
// by id, an untrusted value: each step checks, inside the request's
// transaction, that the person may take it on that request.

// Request action and form ids; the value of each is the request id
// (ActionPickSlot: "request:unix time").
const (
	ActionAcceptRequest     = "request.accept"
	ActionDeclineRequest    = "request.decline"
	ActionPickSlot          = "request.pick"
	ActionRescheduleRequest = "request.reschedule"
	ActionCancelRequest     = "request.cancel"
	ActionFeedbackRequest   = "request.feedback"
	ActionFollowUpRequest   = "request.followup"
	FormRequestSlots        = "request.slots"
	FormRequestDecline      = "request.decline"
	FormRequestFeedback     = "request.feedback"
	fieldSlots              = "request_slots"
	fieldPlace              = "request_place"
	fieldReason             = "request_reason"
	fieldRating             = "request_rating"
	fieldComment            = "request_comment"
	slotChoices             = 10 // Slack's checkboxes hold 10 options
)

// changeRequest runs step on request id for m, if m holds one of roles
// toward it, and saves what step changed. Someone who may not see the
// request is told it does not exist: a forged id reveals nothing. A nil
// m is the schedule (a lapse, a meeting held), for which no role is
// checked.
func (s *Service) changeRequest(ctx context.Context, m *Member, id int64, roles []RequestRole, step func(tx RequestTx, r *ExpertRequest) error) (*ExpertRequest, error) {
	var out *ExpertRequest
	err := s.store.ChangeRequest(ctx, id, func(tx RequestTx) error {
		r := *tx.Request()
		r.Slots, r.Tried = append([]time.Time(nil), r.Slots...), append([]UserID(nil), r.Tried...)
		switch {
		case m == nil:
		case !CanSeeRequest(m, &r):
			return Errorf(ENOTFOUND, "request.error.not_found", id)
		case !mayAct(m, &r, roles...):
			return Errorf(EFORBIDDEN, "request.error.forbidden", id)
		}
		if err := step(tx, &r); err != nil {
			return err
		}
		out = &r
		return tx.Save(&r)
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "request.error.not_found", id)
	}
	if err == nil {
		s.wake()
	}
	return out, err
}

// requestID reads a request id from a button or form state.
func requestID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "error.action.unknown")
	}
	return id, nil
}

// visibleRequest loads a request for m, or says it does not exist.
func (s *Service) visibleRequest(ctx context.Context, m *Member, value string, roles ...RequestRole) (*ExpertRequest, error) {
	id, err := requestID(value)
	if err != nil {
		return nil, err
	}
	r, err := s.store.FindRequest(ctx, id)
	if err != nil || !CanSeeRequest(m, r) {
		return nil, Errorf(ENOTFOUND, "request.error.not_found", id)
	}
	if !mayAct(m, r, roles...) {
		return nil, Errorf(EFORBIDDEN, "request.error.forbidden", id)
	}
	return r, nil
}

// acceptAction opens the routed expert's form to propose slots.
func (s *Service) acceptAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	r, err := s.visibleRequest(ctx, m, a.Value, RoleRouted)
	if err != nil {
		return nil, err
	}
	if r.Status != RequestProposed && (r.Status != RequestAccepted || len(r.Slots) > 0) {
		return nil, errRequestState(r)
	}
	e, busy, err := s.expertCalendar(ctx, m.UserID, r.ID)
	if err != nil {
		return nil, err
	}
	slots := freeSlots(e, s.now(), s.zone, busy, slotChoices)
	if len(slots) == 0 {
		return nil, Errorf(ECONFLICT, "request.error.no_free_slot")
	}
	var opts []Option
	for _, t := range slots {
		opts = append(opts, Option{Value: strconv.FormatInt(t.Unix(), 10), Label: p.DateTime(t)})
	}
	return &Response{Form: &Form{ID: FormRequestSlots, Title: p.T("request.slots.title"), Submit: p.T("request.slots.submit"),
		State: strconv.FormatInt(r.ID, 10), Fields: []Field{
			{ID: fieldSlots, Label: p.T("request.field.slots", maxProposedSlots), Kind: FieldCheckboxes, Options: opts},
			{ID: fieldPlace, Label: p.T("request.field.place"), Hint: p.T("request.field.place.hint"), MaxLength: maxEventPlace},
		}}}, nil
}

// expertCalendar returns the expert's profile and when they are taken:
// their scheduled meetings (but request skip's) and the events they
// registered for.
func (s *Service) expertCalendar(ctx context.Context, user UserID, skip int64) (*Expert, []busySpan, error) {
	e, err := s.store.FindExpert(ctx, user)
	if err != nil {
		return nil, nil, err
	}
	meetings, err := s.store.FindRequests(ctx, RequestFilter{Expert: user, Statuses: []RequestStatus{RequestScheduled}})
	if err != nil {
		return nil, nil, err
	}
	var busy []busySpan
	for _, r := range meetings {
		if r.ID != skip {
			busy = append(busy, busySpan{r.Slot, r.Slot.Add(r.Duration)})
		}
	}
	regs, err := s.agendaToCome(ctx, user, true)
	if err != nil {
		return nil, nil, err
	}
	for _, reg := range regs {
		if reg.Status == RegRegistered {
			busy = append(busy, busySpan{reg.Event.Start, reg.Event.End})
		}
	}
	return e, busy, nil
}

// submitSlots is the expert's yes with the slots proposed. Each is
// checked again in the transaction against the meetings booked since the
// form opened.
func (s *Service) submitSlots(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, err := requestID(sub.State)
	if err != nil {
		return nil, err
	}
	var slots []time.Time
	for _, v := range strings.Fields(sub.Values[fieldSlots]) {
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, FieldErrors{fieldSlots: p.T("request.error.slot_unknown")}
		}
		slots = append(slots, time.Unix(sec, 0))
	}
	if len(slots) == 0 || len(slots) > maxProposedSlots {
		return nil, FieldErrors{fieldSlots: p.T("request.error.slots_count", maxProposedSlots)}
	}
	place := cleanLine(sub.Values[fieldPlace])
	if place == "" {
		return nil, FieldErrors{fieldPlace: p.T("request.error.place_required")}
	}
	e, busy, err := s.expertCalendar(ctx, m.UserID, id)
	if err != nil {
		return nil, err
	}
	requesterPrinter := func(r *ExpertRequest) *i18n.Printer { return s.Printer(ctx, User{ID: r.Requester}) }
	now := s.now()
	r, err := s.changeRequest(ctx, m, id, []RequestRole{RoleRouted}, func(tx RequestTx, r *ExpertRequest) error {
		free, err := s.freeInTx(tx, e, r, busy, now)
		if err != nil {
			return err
		}
		if err := decideAccept(r, slots, place, free, now); err != nil {
			return err
		}
		return tx.Enqueue(slotsMessage(r, e, requesterPrinter(r)))
	})
	if err != nil {
		return nil, err
	}
	// Accepting is when the expert learns who asks: the brief gave only
	// the sector and size.
	who, company := string(r.Requester), ""
	if asker, err := s.store.FindMemberByUserID(ctx, r.Requester); err == nil {
		who = asker.Name
		if asker.Company != nil {
			company = asker.Company.Name
		}
	}
	if company == "" {
		return textResponse(p.T("request.accepted", r.ID, who)), nil
	}
	return textResponse(p.T("request.accepted.company", r.ID, who, company)), nil
}

// freeInTx returns the check a slot passes: free in the expert's
// calendar as read, and apart from the meetings booked in the store.
func (s *Service) freeInTx(tx RequestTx, e *Expert, r *ExpertRequest, busy []busySpan, now time.Time) (func(time.Time) bool, error) {
	booked, err := tx.ExpertMeetings(e.User, now.Add(-meetingLength-e.Buffer), now.Add(slotHorizon+meetingLength+e.Buffer))
	if err != nil {
		return nil, err
	}
	all := append([]busySpan(nil), busy...)
	for _, b := range booked {
		all = append(all, busySpan{b.Slot, b.Slot.Add(b.Duration)})
	}
	return func(t time.Time) bool { return slotFree(e, t, now, s.zone, all) }, nil
}
