package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is what the schedule does for requests (lapsed answers,
// meetings held, reminders) and the feedback each side gives after.

// ExpireRequestAnswers passes on the requests whose expert let the answer
// window lapse, and those accepted that can no longer end in a meeting;
// it closes those left unrouted for too long. The job runs every few
// minutes; each step is idempotent.
func (s *Service) ExpireRequestAnswers(ctx context.Context) error {
	now := s.now()
	lapsed, err := s.store.FindRequests(ctx, RequestFilter{Statuses: []RequestStatus{RequestProposed}, AnswerDueBefore: now})
	if err != nil {
		return err
	}
	for _, r := range lapsed {
		if _, err := s.passOn(ctx, nil, r.ID, "", true); err != nil && ErrorCode(err) != ECONFLICT {
			return err
		}
	}
	if err := s.lapseAccepted(ctx, now); err != nil {
		return err
	}
	if err := s.expireUnrouted(ctx, now); err != nil {
		return err
	}
	return s.closeHeldMeetings(ctx, now)
}

// lapseAccepted takes back the accepted requests that can no longer end
// in a meeting (acceptedLapse): like a lapsed answer, each goes to the
// next expert or the facilitators, and the member is told why.
func (s *Service) lapseAccepted(ctx context.Context, now time.Time) error {
	accepted, err := s.store.FindRequests(ctx, RequestFilter{Statuses: []RequestStatus{RequestAccepted}})
	if err != nil {
		return err
	}
	for _, r := range accepted {
		if acceptedLapse(r, now) == "" {
			continue
		}
		if err := s.takeBack(ctx, r.ID, func(r *ExpertRequest) string { return acceptedLapse(r, now) }); err != nil {
			return err
		}
	}
	return nil
}

// unroutedLimit is how long a request may wait for an expert before it
// is closed and its author told to ask again or call the facilitators.
const unroutedLimit = 14 * 24 * time.Hour

// expireUnrouted closes the requests nobody took in unroutedLimit.
func (s *Service) expireUnrouted(ctx context.Context, now time.Time) error {
	waiting, err := s.store.FindRequests(ctx, RequestFilter{Statuses: []RequestStatus{RequestNew}})
	if err != nil {
		return err
	}
	for _, r := range waiting {
		if now.Sub(r.CreatedAt) < unroutedLimit {
			continue
		}
		_, err := s.systemChange(ctx, r.ID, func(tx RequestTx, r *ExpertRequest) error {
			if err := decideExpire(r); err != nil {
				return err
			}
			pm := s.Printer(ctx, User{ID: r.Requester})
			return tx.Enqueue(memberMessage(r, "expired", pm, Text(pm.T("request.update.expired", r.ID))))
		})
		if err != nil && ErrorCode(err) != ECONFLICT {
			return err
		}
	}
	return nil
}

// returnRequestsOf takes back the requests waiting on an expert who is
// removed: those proposed or accepted pass on as if declined; meetings
// already booked stay, and the facilitators see them in /cercle demandes.
// An accepted request being moved still holds its old meeting in both
// calendars: that one is called off, since nobody will hold it.
func (s *Service) returnRequestsOf(ctx context.Context, expert UserID) error {
	rs, err := s.store.FindRequests(ctx, RequestFilter{Expert: expert, Statuses: []RequestStatus{RequestProposed, RequestAccepted}})
	if err != nil {
		return err
	}
	waiting := func(r *ExpertRequest) string {
		if r.Expert != expert || r.Status != RequestProposed && r.Status != RequestAccepted {
			return ""
		}
		return "request.update.passed"
	}
	for _, r := range rs {
		if err := s.takeBack(ctx, r.ID, waiting); err != nil {
			return err
		}
	}
	return nil
}

// takeBack takes request id from its expert without their answer, if
// why, read in the request's transaction, gives the catalog key of what
// the member is told (empty: the request moved on meanwhile, it is left
// alone). A meeting it still holds is called off, and it is handed on.
func (s *Service) takeBack(ctx context.Context, id int64, why func(r *ExpertRequest) string) error {
	_, err := s.systemChange(ctx, id, func(tx RequestTx, r *ExpertRequest) error {
		key := why(r)
		if key == "" {
			return errRequestState(r)
		}
		if err := s.callOffBooked(ctx, tx, r); err != nil {
			return err
		}
		r.Status = RequestProposed // an accepted one is taken back the same way
		r.AnswerBy = time.Time{}
		if err := decideDecline(r, "", s.now(), true); err != nil {
			return err
		}
		pm := s.Printer(ctx, User{ID: r.Requester})
		return tx.Enqueue(memberMessage(r, "passed", pm, Text(pm.T(key, r.ID))))
	})
	if err != nil && ErrorCode(err) != ECONFLICT {
		return err
	}
	return s.handOn(ctx, id)
}

// callOffBooked takes back the time r holds, if a meeting was booked
// (even one being moved): both sides get the calendar cancellation, at a
// sequence above the invitation's, and r keeps no slot, proposed or
// picked, for the next expert to propose their own.
func (s *Service) callOffBooked(ctx context.Context, tx RequestTx, r *ExpertRequest) error {
	if r.booked() {
		r.Sequence++
		names := map[UserID]string{}
		for _, u := range []UserID{r.Requester, r.Expert} {
			names[u] = string(u)
			if m, err := s.store.FindMemberByUserID(ctx, u); err == nil {
				names[u] = m.Name
			}
		}
		if err := tx.Enqueue(
			s.meetingMessage(r, r.Requester, names[r.Expert], "cancel", s.Printer(ctx, User{ID: r.Requester})),
			s.meetingMessage(r, r.Expert, names[r.Requester], "cancel", s.Printer(ctx, User{ID: r.Expert})),
		); err != nil {
			return err
		}
	}
	r.Slot, r.Slots, r.Place = time.Time{}, nil, ""
	return nil
}

// closeHeldMeetings marks the meetings that have ended as held, and asks
// the member whether it helped and the expert whether a follow-up is
// needed.
func (s *Service) closeHeldMeetings(ctx context.Context, now time.Time) error {
	held, err := s.store.FindRequests(ctx, RequestFilter{Statuses: []RequestStatus{RequestScheduled}, SlotTo: now.Add(-meetingLength)})
	if err != nil {
		return err
	}
	for _, r := range held {
		_, err := s.systemChange(ctx, r.ID, func(tx RequestTx, r *ExpertRequest) error {
			if err := decideDone(r, now); err != nil {
				return err
			}
			return tx.Enqueue(s.feedbackMessages(ctx, r)...)
		})
		if err != nil && ErrorCode(err) != ECONFLICT {
			return err
		}
	}
	return nil
}

func (s *Service) feedbackMessages(ctx context.Context, r *ExpertRequest) []*OutboxMessage {
	id := strconv.FormatInt(r.ID, 10)
	pm, pe := s.Printer(ctx, User{ID: r.Requester}), s.Printer(ctx, User{ID: r.Expert})
	return []*OutboxMessage{
		{DedupeKey: "xreq:" + id + ":feedback", To: Recipient{User: r.Requester}, Message: Response{Sections: []Section{{
			Body:    []Span{Text(pm.T("request.ask.feedback", r.ID))},
			Buttons: []Button{{ActionID: ActionFeedbackRequest, Value: id, Label: pm.T("request.button.feedback"), Style: ButtonPrimary}}}}}},
		{DedupeKey: "xreq:" + id + ":followup", To: Recipient{User: r.Expert}, Message: Response{Sections: []Section{{
			Body: []Span{Text(pe.T("request.ask.followup", r.ID))},
			Buttons: []Button{{ActionID: ActionFollowUpRequest, Value: id + ":oui", Label: pe.T("request.followup.yes")},
				{ActionID: ActionFollowUpRequest, Value: id + ":non", Label: pe.T("request.followup.no")}}}}}},
	}
}

// meetingReminder words a meeting's reminder for one side at delivery;
// nothing if the meeting moved, was cancelled or has passed.
func (s *Service) meetingReminder(ctx context.Context, n *Notice) (*Response, error) {
	r, err := s.store.FindRequest(ctx, n.Request)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.Status != RequestScheduled || r.Sequence != n.Sequence || !s.now().Before(r.Slot) {
		return nil, nil
	}
	other := r.Expert
	if n.For == r.Expert {
		other = r.Requester
	}
	p := s.Printer(ctx, User{ID: n.For})
	return &Response{Sections: []Section{Paragraph(Text(p.T("request.reminder", p.DateTime(r.Slot), r.Place)+" "), Mention(other))}}, nil
}

// feedbackAction opens the member's form after a meeting.
func (s *Service) feedbackAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	r, err := s.visibleRequest(ctx, m, a.Value, RoleAuthor)
	if err != nil {
		return nil, err
	}
	if r.Status != RequestDone || r.Rating != 0 {
		return nil, Errorf(ECONFLICT, "request.error.feedback_given")
	}
	var opts []Option
	for i := 5; i >= 1; i-- {
		opts = append(opts, Option{Value: strconv.Itoa(i), Label: p.T(fmt.Sprintf("request.rating.%d", i))})
	}
	return &Response{Form: &Form{ID: FormRequestFeedback, Title: p.T("request.feedback.title"), Submit: p.T("request.feedback.submit"),
		State: strconv.FormatInt(r.ID, 10), Fields: []Field{
			{ID: fieldRating, Label: p.T("request.field.rating"), Kind: FieldSelect, Options: opts},
			{ID: fieldComment, Label: p.T("request.field.comment"), Kind: FieldLongText, Optional: true, MaxLength: maxComment},
		}}}, nil
}

func (s *Service) submitFeedback(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, err := requestID(sub.State)
	if err != nil {
		return nil, err
	}
	rating, err := strconv.Atoi(sub.Values[fieldRating])
	if err != nil || rating < 1 || rating > 5 {
		return nil, FieldErrors{fieldRating: p.T("request.error.rating")}
	}
	comment := cleanText(sub.Values[fieldComment])
	if utf8.RuneCountInString(comment) > maxComment {
		return nil, FieldErrors{fieldComment: p.T("event.error.too_long", maxComment)}
	}
	if _, err := s.changeRequest(ctx, m, id, []RequestRole{RoleAuthor}, func(_ RequestTx, r *ExpertRequest) error {
		return decideFeedback(r, rating, comment)
	}); err != nil {
		return nil, err
	}
	return textResponse(p.T("request.feedback.thanks")), nil
}

// followUpAction records the expert's answer: is a follow-up needed.
func (s *Service) followUpAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	idText, answer, _ := strings.Cut(a.Value, ":")
	if answer != "oui" && answer != "non" {
		return nil, Errorf(EINVALID, "error.action.unknown")
	}
	id, err := requestID(idText)
	if err != nil {
		return nil, err
	}
	if _, err := s.changeRequest(ctx, m, id, []RequestRole{RoleRouted}, func(_ RequestTx, r *ExpertRequest) error {
		return decideFollowUp(r, answer)
	}); err != nil {
		return nil, err
	}
	return textResponse(p.T("request.followup.thanks." + answer)), nil
}

// expertRequestsFeature is the request flow's command and its steps. The
// buttons and forms are open to every member: who may take each step on
// a given request is checked against that request (CanSeeRequest,
// mayAct), never by role alone.
func (s *Service) expertRequestsFeature() feature {
	return feature{
		commands: []*Command{{Name: "demandes", Aliases: []string{"requests"}, Usage: "requests.cmd.usage", Summary: "requests.cmd.summary",
			Detail: "requests.cmd.detail", Run: s.requestsCmd}},
		actions: []*ActionHandler{
			{ID: ActionRouteRequest, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.routeAction},
			{ID: ActionAcceptRequest, Run: s.acceptAction},
			{ID: ActionDeclineRequest, Run: s.declineAction},
			{ID: ActionPickSlot, Run: s.pickAction},
			{ID: ActionRescheduleRequest, Run: s.rescheduleAction},
			{ID: ActionCancelRequest, Run: s.cancelRequestAction},
			{ID: ActionFeedbackRequest, Run: s.feedbackAction},
			{ID: ActionFollowUpRequest, Run: s.followUpAction},
		},
		forms: []*FormHandler{
			{ID: FormExpertRequest, Run: s.submitRequest},
			{ID: FormRequestSlots, Run: s.submitSlots},
			{ID: FormRequestDecline, Run: s.submitDecline},
			{ID: FormRequestFeedback, Run: s.submitFeedback},
		},
	}
}
