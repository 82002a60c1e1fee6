package commands

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// DefaultOfferPolicy holds a freed seat for window (24 hours unless
// configured), less as the event nears (a quarter of the time left), and offers nothing in the last hour:
// nobody could act on it.
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
func decideRegistration(now time.Time) func(*Event, *Registration) (RegistrationStatus, error) {
	return func(ev *Event, cur *Registration) (RegistrationStatus, error) {
		if err := eventOpen(ev, now); err != nil {
			return "", err
		}
		if !ev.Deadline.IsZero() && now.After(ev.Deadline) {
			return "", Errorf(ECONFLICT, "register.error.deadline_passed")
		}
		if cur != nil {
			switch cur.Status {
			case RegRegistered, RegAttended, RegNoShow:
				return "", Errorf(ECONFLICT, "register.already")
			case RegWaitlisted:
				return "", Errorf(ECONFLICT, "register.already_waitlisted", cur.Position)
			case RegOffered:
				return "", Errorf(ECONFLICT, "register.already_offered")
			}
		}
		if ev.SeatsLeft() > 0 && ev.Waitlisted == 0 {
			return RegRegistered, nil
		}
		return RegWaitlisted, nil
	}
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

// decideCancellation is the rule for cancelling: the member must hold a
// seat, an offer or a place in line, before the start; a seat given up
// after the cut-off is a late cancellation.
func decideCancellation(now time.Time) func(*Event, *Registration) (bool, error) {
	return func(ev *Event, cur *Registration) (bool, error) {
		if err := eventOpen(ev, now); err != nil {
			return false, err
		}
		if cur == nil || !cur.Status.active() {
			return false, Errorf(ENOTFOUND, "cancel.error.not_registered")
		}
		return cur.Status == RegRegistered && now.After(ev.CancelCutoff), nil
	}
}

// register signs a member up and tells them where they stand.
func (s *Service) register(ctx context.Context, m *Member, p *i18n.Printer, eventID int64) (*Response, error) {
	r, err := s.Store.Register(ctx, eventID, m.UserID, decideRegistration(s.Now()), s.confirmationNotice(m, p))
	if err != nil {
		return nil, err
	}
	if r.Status == RegWaitlisted {
		return textResponse(p.T("register.waitlisted", r.Event.Title, r.Position)), nil
	}
	s.wake()
	return textResponse(p.T("register.done", r.Event.Title, p.DateTime(r.Event.Start))), nil
}

// cancel gives up a member's seat, offer or place in line.
func (s *Service) cancel(ctx context.Context, m *Member, p *i18n.Printer, eventID int64) (*Response, error) {
	now := s.Now()
	r, offers, err := s.Store.CancelRegistration(ctx, eventID, m.UserID, decideCancellation(now), now, s.offerPolicy())
	if err != nil {
		return nil, err
	}
	if err := s.enqueueOffers(ctx, offers); err != nil {
		return nil, err
	}
	key := "cancel.done"
	if r.Late {
		key = "cancel.done_late"
	}
	return textResponse(p.T(key, r.Event.Title)), nil
}

// answerOffer accepts or declines a seat offered to the member.
func (s *Service) answerOffer(ctx context.Context, m *Member, p *i18n.Printer, a *Action, accept bool) (*Response, error) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil || id <= 0 {
		return nil, Errorf(ENOTFOUND, "offer.error.not_found")
	}
	r, offers, err := s.Store.AnswerOffer(ctx, id, m.UserID, accept, s.Now(), s.offerPolicy(), s.confirmationNotice(m, p))
	if err != nil {
		return nil, err
	}
	if err := s.afterChange(ctx, offers); err != nil {
		return nil, err
	}
	if !accept {
		return &Response{Replace: true, Sections: []Section{Paragraph(Text(p.T("offer.declined", r.Event.Title)))}}, nil
	}
	return &Response{Replace: true, Sections: []Section{Paragraph(Text(p.T("offer.accepted", r.Event.Title, p.DateTime(r.Event.Start))))}}, nil
}

func (s *Service) offerPolicy() OfferPolicy {
	if s.OfferPolicy != nil {
		return s.OfferPolicy
	}
	return DefaultOfferPolicy(24 * time.Hour)
}

// enqueueOffers sends each offer by DM with its Accept and Decline
// buttons. The key names the offer's deadline, so re-enqueuing the same
// offer (the due scan does, to catch up after a crash) sends nothing new.
func (s *Service) enqueueOffers(ctx context.Context, offers []*Registration) error {
	var msgs []*OutboxMessage
	for _, r := range offers {
		m, err := s.Store.FindMemberByUserID(ctx, r.UserID)
		if err != nil {
			return err
		}
		p := s.printer(m)
		if r.Status == RegRegistered {
			// Promoted outright, too close to the start for an offer.
			msgs = append(msgs, s.confirmation(r, m, p))
			continue
		}
		value := strconv.FormatInt(r.ID, 10)
		msgs = append(msgs, &OutboxMessage{
			DedupeKey: fmt.Sprintf("offer:%d:%d", r.ID, r.OfferExpiresAt.Unix()),
			To:        Recipient{User: r.UserID},
			Message: Response{
				Title: p.T("offer.title"),
				Sections: []Section{
					Paragraph(Text(p.T("offer.text", r.Event.Title, p.DateTime(r.Event.Start), p.DateTime(r.OfferExpiresAt)))),
					{Buttons: []Button{
						{ActionID: ActionAcceptOffer, Value: value, Label: p.T("offer.accept"), Style: ButtonPrimary},
						{ActionID: ActionDeclineOffer, Value: value, Label: p.T("offer.decline"), Style: ButtonDanger,
							Confirm: &Confirm{Title: p.T("offer.decline.confirm_title"), Text: p.T("offer.decline.confirm_text"), Yes: p.T("offer.decline"), No: p.T("button.back")}},
					}},
				},
			},
		})
	}
	if len(msgs) == 0 {
		return nil
	}
	return s.enqueue(ctx, msgs...)
}

// confirmationNotice confirms a registration that holds a seat, inside
// the transaction that gives it.
func (s *Service) confirmationNotice(m *Member, p *i18n.Printer) func(*Registration) []*OutboxMessage {
	return func(r *Registration) []*OutboxMessage {
		if r.Status != RegRegistered {
			return nil
		}
		return []*OutboxMessage{s.confirmation(r, m, p)}
	}
}

// afterChange sends the offers a change made and wakes the delivery of the
// messages the change's transaction queued.
func (s *Service) afterChange(ctx context.Context, offers []*Registration) error {
	if err := s.enqueueOffers(ctx, offers); err != nil {
		return err
	}
	s.wake()
	return nil
}

// confirmation is the DM confirming a seat, with the .ics invitation and
// add-to-calendar links.
func (s *Service) confirmation(r *Registration, m *Member, p *i18n.Printer) *OutboxMessage {
	ev := r.Event
	msg := Response{
		Title: p.T("confirm.title"),
		Sections: []Section{
			Paragraph(Text(p.T("confirm.text", ev.Title, p.DateTime(ev.Start)))),
			{Pairs: []Pair{{Label: p.T("event.field.place"), Value: ev.Place}}},
			calendarLinks(ev, p),
		},
	}
	if f := s.invitation(ev, false); f != nil {
		msg.Files = []File{*f}
	}
	return &OutboxMessage{
		DedupeKey: fmt.Sprintf("confirm:%d:%d", r.ID, r.UpdatedAt.UnixNano()),
		To:        Recipient{User: m.UserID},
		Message:   msg,
	}
}

// calendarEntry describes ev for calendars.
func (s *Service) calendarEntry(ev *Event) CalendarEntry {
	return CalendarEntry{
		UID:       fmt.Sprintf("event-%d@cercle", ev.ID),
		Sequence:  ev.Sequence,
		Title:     ev.Title,
		Location:  ev.Place,
		Start:     ev.Start,
		End:       ev.End,
		Cancelled: ev.Status == EventCancelled,
	}
}

// invitation returns ev's .ics file, or nil without a Calendar.
func (s *Service) invitation(ev *Event, cancelled bool) *File {
	if s.Calendar == nil {
		return nil
	}
	entry := s.calendarEntry(ev)
	entry.Cancelled = entry.Cancelled || cancelled
	b, err := s.Calendar.Invitation(entry)
	if err != nil {
		s.Logger.Warn("invitation not written", "event_id", ev.ID, "err", err)
		return nil
	}
	return &File{Name: fmt.Sprintf("cercle-%d.ics", ev.ID), Title: ev.Title, Content: b}
}

// calendarLinks is a line of "add to Google / Outlook" links.
func calendarLinks(ev *Event, p *i18n.Printer) Section {
	const googleTime, outlookTime = "20060102T150405Z", "2006-01-02T15:04:05Z"
	g := url.Values{"action": {"TEMPLATE"}, "text": {ev.Title}, "location": {ev.Place},
		"dates": {ev.Start.UTC().Format(googleTime) + "/" + ev.End.UTC().Format(googleTime)}}
	o := url.Values{"path": {"/calendar/action/compose"}, "rru": {"addevent"}, "subject": {ev.Title},
		"location": {ev.Place}, "startdt": {ev.Start.UTC().Format(outlookTime)}, "enddt": {ev.End.UTC().Format(outlookTime)}}
	return Section{Note: true, Body: []Span{
		Text(p.T("calendar.add") + " "),
		Link("https://calendar.google.com/calendar/render?"+g.Encode(), "Google Agenda"),
		Text(" · "),
		Link("https://outlook.office.com/calendar/0/deeplink/compose?"+o.Encode(), "Outlook"),
	}}
}

// textResponse is a one-paragraph ephemeral answer.
func textResponse(text string) *Response {
	return &Response{Sections: []Section{Paragraph(Text(text))}}
}

// parseEventID reads an event number as typed ("12" or "#12").
func parseEventID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "event.error.bad_id", truncate(s, 20))
	}
	return id, nil
}
