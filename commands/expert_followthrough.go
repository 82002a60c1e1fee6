package commands

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the rest of a request's life: a decline and what follows,
// the member's pick, a reschedule or a cancellation by either side, and
// the feedback after the meeting.

const maxReason, maxComment = 500, 1000

// declineAction opens the routed expert's form to say why they decline.
func (s *Service) declineAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	r, err := s.visibleRequest(ctx, m, a.Value, RoleRouted)
	if err != nil {
		return nil, err
	}
	if r.Status != RequestProposed {
		return nil, errRequestState(r)
	}
	return &Response{Form: &Form{ID: FormRequestDecline, Title: p.T("request.decline.title"), Submit: p.T("request.button.decline"),
		State: strconv.FormatInt(r.ID, 10), Fields: []Field{
			{ID: fieldReason, Label: p.T("request.field.reason"), Hint: p.T("request.field.reason.hint"), Kind: FieldLongText, MaxLength: maxReason},
		}}}, nil
}

// submitDecline records the expert's no: the request goes to the next
// candidate or back to the facilitators, and the member is told.
func (s *Service) submitDecline(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, err := requestID(sub.State)
	if err != nil {
		return nil, err
	}
	reason := cleanText(sub.Values[fieldReason])
	if reason == "" || utf8.RuneCountInString(reason) > maxReason {
		return nil, FieldErrors{fieldReason: p.T("request.error.reason", maxReason)}
	}
	r, err := s.passOn(ctx, m, id, reason, false)
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("request.declined", r.ID)), nil
}

// passOn takes a request from its expert (declined, or lapsed when m is
// nil) and hands it on.
func (s *Service) passOn(ctx context.Context, m *Member, id int64, reason string, lapsed bool) (*ExpertRequest, error) {
	now := s.now()
	step := func(tx RequestTx, r *ExpertRequest) error {
		if err := decideDecline(r, reason, now, lapsed); err != nil {
			return err
		}
		pm := s.Printer(ctx, User{ID: r.Requester})
		return tx.Enqueue(memberMessage(r, "passed", pm, Text(pm.T("request.update.passed", r.ID))))
	}
	var (
		r   *ExpertRequest
		err error
	)
	if lapsed {
		r, err = s.systemChange(ctx, id, step)
	} else {
		r, err = s.changeRequest(ctx, m, id, []RequestRole{RoleRouted}, step)
	}
	if err != nil {
		return nil, err
	}
	if err := s.handOn(ctx, r.ID); err != nil {
		s.logger.ErrorContext(ctx, "expert request not handed on", "request", r.ID, "err", err)
	}
	return r, nil
}

// systemChange runs a step the schedule takes (a lapse, a meeting held):
// no person acts, so no role is checked.
func (s *Service) systemChange(ctx context.Context, id int64, step func(tx RequestTx, r *ExpertRequest) error) (*ExpertRequest, error) {
	return s.changeRequest(ctx, nil, id, nil, step)
}

// pickAction books the slot the member chose; both sides get the
// confirmation with its .ics and the reminders.
func (s *Service) pickAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	idText, unix, ok := strings.Cut(a.Value, ":")
	sec, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil {
		return nil, Errorf(EINVALID, "error.action.unknown")
	}
	r0, err := s.visibleRequest(ctx, m, idText, RoleAuthor)
	if err != nil {
		return nil, err
	}
	e, busy, err := s.expertCalendar(ctx, r0.Expert, r0.ID)
	if err != nil {
		return nil, err
	}
	expertPrinter := s.Printer(ctx, User{ID: e.User})
	now := s.now()
	r, err := s.changeRequest(ctx, m, r0.ID, []RequestRole{RoleAuthor}, func(tx RequestTx, r *ExpertRequest) error {
		if r.Expert != e.User {
			// Moved to another expert since e was read: their calendar,
			// name and language would be the wrong ones.
			return Errorf(ECONFLICT, "request.error.stale")
		}
		free, err := s.freeInTx(tx, e, r, busy, now)
		if err != nil {
			return err
		}
		if err := decidePick(r, time.Unix(sec, 0), free); err != nil {
			return err
		}
		msgs := append(reminderNotices(r),
			s.meetingMessage(r, r.Requester, e.Name, "meeting", p),
			s.meetingMessage(r, r.Expert, m.Name, "meeting", expertPrinter))
		return tx.Enqueue(msgs...)
	})
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("request.picked", r.ID, p.DateTime(r.Slot))), nil
}

// rescheduleAction takes a scheduled meeting back to slots, by either
// side: the expert is asked for new slots, the other side told.
func (s *Service) rescheduleAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := requestID(a.Value)
	if err != nil {
		return nil, err
	}
	r, err := s.changeRequest(ctx, m, id, []RequestRole{RoleAuthor, RoleRouted}, func(tx RequestTx, r *ExpertRequest) error {
		if err := decideReschedule(r); err != nil {
			return err
		}
		pe, pm := s.Printer(ctx, User{ID: r.Expert}), s.Printer(ctx, User{ID: r.Requester})
		asked := "request.update.reschedule_expert" // by the member
		if m.UserID == r.Expert && m.UserID != r.Requester {
			asked = "request.update.reschedule_expert_own"
		}
		toExpert := &OutboxMessage{DedupeKey: "xreq:" + strconv.FormatInt(r.ID, 10) + ":reslot:" + strconv.Itoa(r.Sequence), To: Recipient{User: r.Expert},
			Message: Response{Sections: []Section{{Body: []Span{Text(pe.T(asked, r.ID))},
				Buttons: []Button{{ActionID: ActionAcceptRequest, Value: strconv.FormatInt(r.ID, 10), Label: pe.T("request.button.slots"), Style: ButtonPrimary}}}}}}
		return tx.Enqueue(toExpert, memberMessage(r, "reschedule", pm, Text(pm.T("request.update.reschedule_member", r.ID))))
	})
	if err != nil {
		return nil, err
	}
	if m.UserID == r.Expert {
		return textResponse(p.T("request.rescheduled.expert", r.ID)), nil
	}
	return textResponse(p.T("request.rescheduled", r.ID)), nil
}

// cancelRequestAction calls a request off, by its author or its expert (or a
// facilitator): the other side is told, with a calendar cancellation if a
// meeting was booked, even one being moved. A request of the queue goes
// nowhere.
func (s *Service) cancelRequestAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := requestID(a.Value)
	if err != nil {
		return nil, err
	}
	r, err := s.changeRequest(ctx, m, id, []RequestRole{RoleAuthor, RoleRouted, RoleStaff}, func(tx RequestTx, r *ExpertRequest) error {
		if r.Status == RequestProposed && m.UserID == r.Expert && m.UserID != r.Requester {
			return Errorf(ECONFLICT, "request.error.decline_instead")
		}
		booked := r.booked()
		if err := decideCancel(r); err != nil {
			return err
		}
		var msgs []*OutboxMessage
		for _, to := range []UserID{r.Requester, r.Expert} {
			if to == "" || to == m.UserID {
				continue
			}
			pt := s.Printer(ctx, User{ID: to})
			if booked {
				msgs = append(msgs, s.meetingMessage(r, to, m.Name, "cancel", pt))
			} else {
				msgs = append(msgs, &OutboxMessage{DedupeKey: "xreq:" + strconv.FormatInt(r.ID, 10) + ":cancel:" + sideOf(r, to), To: Recipient{User: to},
					Message: *textResponse(pt.T("request.update.cancelled", r.ID))})
			}
		}
		return tx.Enqueue(msgs...)
	})
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("request.cancelled", r.ID)), nil
}
