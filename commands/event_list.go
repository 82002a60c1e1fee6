package commands

import (
	"context"
	"fmt"
	"strconv"

	"cercle/i18n"
)

// This file shows events to members: the list, an event's details and
// its calendar file.

// Event action ids: the buttons on event messages.
const (
	ActionRegister     = "event.register"
	ActionDetails      = "event.details"
	ActionCancel       = "event.cancel"
	ActionAddCalendar  = "event.calendar"
	ActionAcceptOffer  = "offer.accept"
	ActionDeclineOffer = "offer.decline"
)

// eventsFeature is what every member does with events.
func (s *Service) eventsFeature() feature {
	return feature{
		commands: []*Command{
			{
				Name: "evenements", Aliases: []string{"plenieres", "plénières", "événements", "events"},
				Usage: "events.cmd.usage", Summary: "events.cmd.summary", Detail: "events.cmd.detail",
				Run: s.upcoming,
			},
			{
				Name: "inscrire", Aliases: []string{"register"},
				Usage: "register.cmd.usage", Summary: "register.cmd.summary", Detail: "register.cmd.detail",
				Run: s.registerCmd,
			},
			{
				Name: "annuler", Aliases: []string{"cancel"},
				Usage: "cancel.cmd.usage", Summary: "cancel.cmd.summary", Detail: "cancel.cmd.detail",
				Run: s.cancelCmd,
			},
		},
		actions: []*ActionHandler{
			{ID: ActionRegister, Run: s.registerAction},
			{ID: ActionDetails, Run: s.detailsAction},
			{ID: ActionCancel, Run: s.cancelAction},
			{ID: ActionAddCalendar, Run: s.calendarAction},
			{ID: ActionAcceptOffer, Run: s.acceptOfferAction},
			{ID: ActionDeclineOffer, Run: s.declineOfferAction},
		},
	}
}

// eventKindName names a kind in the member's language.
func eventKindName(p *i18n.Printer, k EventKind) string { return p.T("event.kind." + string(k)) }

// upcoming lists the published events still to come.
func (s *Service) upcoming(ctx context.Context, c *Call) (*Response, error) {
	evs, err := s.store.FindEvents(ctx, EventFilter{Statuses: []EventStatus{EventPublished}, EndsAfter: s.now(), Limit: 20})
	if err != nil {
		return nil, err
	}
	p := c.P
	if len(evs) == 0 {
		return textResponse(p.T("events.none")), nil
	}
	r := &Response{Title: p.T("events.title")}
	for _, ev := range evs {
		r.Sections = append(r.Sections, eventSection(ev, p, true))
	}
	return r, nil
}

// eventSection shows one event with its buttons.
func eventSection(ev *Event, p *i18n.Printer, buttons bool) Section {
	sec := Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(eventKindName(p, ev.Kind) + " · " + p.DateTime(ev.Start))},
		Pairs:   []Pair{{Label: p.T("event.field.place"), Value: ev.Place}, {Label: p.T("event.seats"), Value: seatsText(ev, p)}},
	}
	if buttons {
		id := strconv.FormatInt(ev.ID, 10)
		label := p.T("event.button.register")
		if !ev.seatFree() {
			label = p.T("event.button.waitlist")
		}
		sec.Buttons = []Button{
			{ActionID: ActionRegister, Value: id, Label: label, Style: ButtonPrimary},
			{ActionID: ActionDetails, Value: id, Label: p.T("event.button.details")},
			{ActionID: ActionAddCalendar, Value: id, Label: p.T("event.button.calendar")},
		}
	}
	return sec
}

func seatsText(ev *Event, p *i18n.Printer) string {
	if left := ev.SeatsLeft(); left > 0 {
		return p.Plural("event.seats_left", left, ev.Capacity)
	}
	if ev.Waitlisted == 0 {
		return p.T("event.full_no_line")
	}
	return p.Plural("event.full", ev.Waitlisted)
}

func (s *Service) detailsAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.Status == EventDraft && !m.IsFacilitator() {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	sec := eventSection(ev, p, ev.Status == EventPublished)
	return &Response{Title: ev.Title, Sections: append(withDescription(ev, sec), calendarLinks(ev, p))}, nil
}

// calendarAction sends the event's .ics file by DM.
func (s *Service) calendarAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil || ev.Status == EventDraft {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	msg := Response{Sections: []Section{Paragraph(Text(p.T("calendar.file", ev.Title))), calendarLinks(ev, p)}}
	if f := s.invitation(ev, false); f != nil {
		msg.Files = []File{*f}
	}
	if err := s.enqueue(ctx, &OutboxMessage{DedupeKey: fmt.Sprintf("ics:%d:%s:%d", id, m.UserID, ev.Sequence),
		To: Recipient{User: m.UserID}, Message: msg}); err != nil {
		return nil, err
	}
	return textResponse(p.T("calendar.sent")), nil
}

// withDescription follows an event's section with its description, if any.
func withDescription(ev *Event, sec Section) []Section {
	if ev.Description == "" {
		return []Section{sec}
	}
	return []Section{sec, Paragraph(Text(ev.Description))}
}

// findEvent returns an event, wording "not found" with its number.
func (s *Service) findEvent(ctx context.Context, id int64) (*Event, error) {
	ev, err := s.store.FindEventByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	return ev, err
}

// eventArg returns the event whose number the command takes.
func (s *Service) eventArg(ctx context.Context, c *Call) (*Event, error) {
	id, err := eventID(c)
	if err != nil {
		return nil, err
	}
	return s.findEvent(ctx, id)
}
