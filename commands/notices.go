package commands

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"cercle/i18n"
)

// NoticeKind names a message the core words when it is delivered.
type NoticeKind string

const (
	NoticeConfirmation   NoticeKind = "confirmation"    // a seat is yours, with the .ics
	NoticeOffer          NoticeKind = "offer"           // a freed seat is held for you
	NoticeEventChanged   NoticeKind = "event_changed"   // the event moved or changed
	NoticeEventCancelled NoticeKind = "event_cancelled" // the event will not take place
	NoticeLine           NoticeKind = "line"            // you moved up the waitlist
	// NoticeMeetingReminder reminds both sides of an expert meeting.
	NoticeMeetingReminder NoticeKind = "meeting_reminder"
	// NoticeHearingReminder reminds an applicant of their hearing at the
	// Bureau des pairs.
	NoticeHearingReminder NoticeKind = "hearing_reminder"
)

// Notice is an outbox message stored as what it is about rather than as
// text. Queuing one inside a registration's transaction costs a few
// bytes; the wording, the recipient's language and the .ics file are
// made at delivery, off the request's path and from the data as it
// stands then: a notice whose news is stale (a confirmation for a seat
// since given up, an offer since answered) is not sent at all.
type Notice struct {
	Kind         NoticeKind `json:"kind"`
	Event        int64      `json:"event,omitempty"`
	Registration int64      `json:"registration,omitempty"`
	// Request is the expert request a meeting notice is about, and For
	// the side it is worded for.
	Request int64  `json:"request,omitempty"`
	For     UserID `json:"for,omitempty"`
	// Application is the Bureau des pairs application a hearing reminder
	// is about.
	Application int64 `json:"application,omitempty"`
	// Sequence is the event's version a change notice tells about (the
	// request's, the hearing's for their reminders).
	Sequence int `json:"sequence,omitempty"`
	// Turn is the registration's Turn a confirmation tells about: one
	// cancelled and taken again since has its own confirmation.
	Turn int64 `json:"turn,omitempty"`
	// Until is the deadline of the offer a notice makes.
	Until time.Time `json:"until,omitzero"`
	// HadSeat sends the calendar cancellation with a cancellation notice.
	HadSeat bool `json:"had_seat,omitempty"`
	// Freed marks a confirmation of a seat freed and given outright, too
	// close to the start for an offer.
	Freed bool `json:"freed,omitempty"`
	// Position is the place in line a line notice tells about.
	Position int `json:"position,omitempty"`
	// Before is the event as it was, for a change notice to say what
	// changed.
	Before *EventFacts `json:"before,omitempty"`
}

// EventFacts are what a member plans around: a change to one of them is
// spelled out in the change notice.
type EventFacts struct {
	Title string    `json:"title"`
	Place string    `json:"place"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

func factsOf(ev *Event) *EventFacts {
	return &EventFacts{Title: ev.Title, Place: ev.Place, Start: ev.Start, End: ev.End}
}

// renderNotice words a notice for delivery, or returns nil when its news
// no longer holds and nothing should be sent.
func (s *Service) renderNotice(ctx context.Context, n *Notice) (*Response, error) {
	switch n.Kind {
	case NoticeMeetingReminder:
		return s.meetingReminder(ctx, n)
	case NoticeHearingReminder:
		return s.hearingReminder(ctx, n)
	}
	r, err := s.store.FindRegistrationByID(ctx, n.Registration)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := s.Printer(ctx, User{ID: r.UserID})
	open := r.Event.Status == EventPublished && s.now().Before(r.Event.Start)
	switch n.Kind {
	case NoticeConfirmation:
		if !open || r.Status != RegRegistered || r.Turn != n.Turn {
			return nil, nil
		}
		return s.confirmationMessage(r.Event, n.Freed, p), nil
	case NoticeOffer:
		// Stored instants keep milliseconds.
		if !open || r.Status != RegOffered || r.OfferExpiresAt.UnixMilli() != n.Until.UnixMilli() {
			return nil, nil
		}
		return offerMessage(r, p), nil
	case NoticeEventChanged:
		ev, err := s.store.FindEventByID(ctx, n.Event)
		if err != nil || ev.Sequence != n.Sequence || ev.Status != EventPublished || !r.Status.active() {
			return nil, err
		}
		return s.changeMessage(ev, n.Before, r.Status == RegRegistered, p), nil
	case NoticeEventCancelled:
		return s.cancellationMessage(r.Event, n.HadSeat, p), nil
	case NoticeLine:
		// A later move has its own notice.
		if !open || r.Status != RegWaitlisted || r.Turn != n.Turn || r.Position != n.Position {
			return nil, nil
		}
		return lineMessage(r, p), nil
	}
	return nil, fmt.Errorf("render notice: unknown kind %q", n.Kind)
}

// confirmationMessage is the DM confirming a seat, with the .ics
// invitation and add-to-calendar links; freed says the seat was freed and
// given outright from the waitlist.
func (s *Service) confirmationMessage(ev *Event, freed bool, p *i18n.Printer) *Response {
	title, text := p.T("confirm.title"), p.T("confirm.text", ev.Title, p.DateTime(ev.Start))
	if freed {
		title, text = p.T("confirm.freed.title"), p.T("confirm.freed.text", ev.Title, p.DateTime(ev.Start))
	}
	msg := &Response{
		Title: title,
		Sections: []Section{
			Paragraph(Text(text)),
			{Pairs: []Pair{{Label: p.T("event.field.place"), Value: ev.Place}}},
			calendarLinks(ev, p),
		},
	}
	if f := s.invitation(ev, false); f != nil {
		msg.Files = []File{*f}
	}
	return msg
}

// offerMessage offers a freed seat, with Accept and Decline buttons whose
// value is the registration.
func offerMessage(r *Registration, p *i18n.Printer) *Response {
	ev, value := r.Event, strconv.FormatInt(r.ID, 10)
	return &Response{
		Title: p.T("offer.title"),
		Sections: []Section{
			Paragraph(Text(p.T("offer.text", ev.Title, p.DateTime(ev.Start), p.DateTime(r.OfferExpiresAt)))),
			{Buttons: []Button{
				{ActionID: ActionAcceptOffer, Value: value, Label: p.T("offer.accept"), Style: ButtonPrimary},
				{ActionID: ActionDeclineOffer, Value: value, Label: p.T("offer.decline"), Style: ButtonDanger,
					Confirm: &Confirm{Title: p.T("offer.decline.confirm_title"), Text: p.T("offer.decline.confirm_text"), Yes: p.T("offer.decline"), No: p.T("button.back")}},
			}},
		},
	}
}

// lineMessage tells a member they moved up the waitlist.
func lineMessage(r *Registration, p *i18n.Printer) *Response {
	text := p.T("notice.line.text", r.Event.Title, r.Position)
	if r.Position == 1 {
		text = p.T("notice.line.next", r.Event.Title)
	}
	return &Response{Title: p.T("notice.line.title"), Sections: []Section{Paragraph(Text(text))}}
}

// changeMessage tells a registrant what changed (each fact before and
// after); someone with a seat also gets the updated .ics (its SEQUENCE
// raised), someone waiting or weighing an offer has no entry to update.
func (s *Service) changeMessage(ev *Event, before *EventFacts, hasSeat bool, p *i18n.Printer) *Response {
	text := p.T("event.changed.text", ev.Title)
	if !hasSeat {
		text = p.T("event.changed.text_waiting", ev.Title)
	}
	sections := []Section{Paragraph(Text(text))}
	if changes := factChanges(before, factsOf(ev), p); len(changes) > 0 {
		sections = append(sections, Section{Pairs: changes})
	}
	sections = append(sections, eventSection(ev, p))
	msg := &Response{Title: p.T("event.changed.title"), Sections: sections}
	if !hasSeat {
		return msg
	}
	msg.Sections = append(msg.Sections, calendarLinks(ev, p))
	if f := s.invitation(ev, false); f != nil {
		msg.Files = []File{*f}
	}
	return msg
}

// cancellationMessage tells a registrant the event is cancelled; someone
// who had a seat also gets the calendar cancellation.
func (s *Service) cancellationMessage(ev *Event, hadSeat bool, p *i18n.Printer) *Response {
	msg := &Response{Title: p.T("event.cancelled.title"), Sections: []Section{Paragraph(Text(p.T("event.cancelled.text", ev.Title, p.DateTime(ev.Start))))}}
	if hadSeat {
		if f := s.invitation(ev, true); f != nil {
			msg.Files = []File{*f}
		}
	}
	return msg
}

// factChanges spells out what changed between two versions of an event,
// « avant → après », one line per fact; nil without an earlier version.
func factChanges(before, after *EventFacts, p *i18n.Printer) []Pair {
	if before == nil {
		return nil
	}
	var out []Pair
	arrow := func(label, a, b string) {
		if a != b {
			out = append(out, Pair{Label: p.T(label), Value: a + " → " + b})
		}
	}
	// A moment on the same day shows its hours only; on another day, all.
	moment := func(label string, a, b time.Time) {
		switch {
		case a.Equal(b):
		case p.Date(a) == p.Date(b):
			arrow(label, p.Time(a), p.Time(b))
		default:
			arrow(label, p.DateTime(a), p.DateTime(b))
		}
	}
	arrow("event.field.title", before.Title, after.Title)
	moment("event.field.start", before.Start, after.Start)
	moment("event.field.end", before.End, after.End)
	arrow("event.field.place", before.Place, after.Place)
	return out
}

// changed reports whether a member would plan differently: a change of
// capacity or wording alone is not news for registrants.
func (f *EventFacts) changed(g *EventFacts) bool {
	return f.Title != g.Title || f.Place != g.Place || !f.Start.Equal(g.Start) || !f.End.Equal(g.End)
}
