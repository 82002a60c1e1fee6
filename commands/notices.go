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
	// Sequence is the event's version a change notice tells about.
	Sequence int `json:"sequence,omitempty"`
	// Turn is the registration's Turn a confirmation tells about: one
	// cancelled and taken again since has its own confirmation.
	Turn int64 `json:"turn,omitempty"`
	// Until is the deadline of the offer a notice makes.
	Until time.Time `json:"until,omitzero"`
	// HadSeat sends the calendar cancellation with a cancellation notice.
	HadSeat bool `json:"had_seat,omitempty"`
}

// renderNotice words a notice for delivery, or returns nil when its news
// no longer holds and nothing should be sent.
func (s *Service) renderNotice(ctx context.Context, n *Notice) (*Response, error) {
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
		return s.confirmationMessage(r.Event, p), nil
	case NoticeOffer:
		// Stored instants keep milliseconds.
		if !open || r.Status != RegOffered || r.OfferExpiresAt.UnixMilli() != n.Until.UnixMilli() {
			return nil, nil
		}
		return offerMessage(r, p), nil
	case NoticeEventChanged:
		ev, err := s.store.FindEventByID(ctx, n.Event)
		if err != nil || ev.Sequence != n.Sequence || ev.Status != EventPublished || r.Status != RegRegistered {
			return nil, err
		}
		return s.changeMessage(ev, p), nil
	case NoticeEventCancelled:
		return s.cancellationMessage(r.Event, n.HadSeat, p), nil
	}
	return nil, fmt.Errorf("render notice: unknown kind %q", n.Kind)
}

// confirmationMessage is the DM confirming a seat, with the .ics
// invitation and add-to-calendar links.
func (s *Service) confirmationMessage(ev *Event, p *i18n.Printer) *Response {
	msg := &Response{
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

// changeMessage tells a registrant what changed, with an updated .ics
// (its SEQUENCE raised).
func (s *Service) changeMessage(ev *Event, p *i18n.Printer) *Response {
	msg := &Response{Title: p.T("event.changed.title"), Sections: []Section{
		Paragraph(Text(p.T("event.changed.text", ev.Title))), eventSection(ev, p, false), calendarLinks(ev, p)}}
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
