package commands

import (
	"context"
	"fmt"
	"time"

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
	// ActionPublish publishes a draft (facilitators); its value is the
	// event number.
	ActionPublish = "event.publish"
	// ActionEventsPage shows a page of the list; its value is
	// "<events offset>:<drafts offset>".
	ActionEventsPage = "events.page"
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
			{ID: ActionPublish, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.publishAction},
			{ID: ActionEventsPage, Run: s.eventsPageAction},
		},
	}
}

// eventKindName names a kind in the member's language.
func eventKindName(p *i18n.Printer, k EventKind) string { return p.T("event.kind." + string(k)) }

// upcoming lists the published events still to come, and a
// facilitator's drafts.
func (s *Service) upcoming(ctx context.Context, c *Call) (*Response, error) {
	return s.eventsList(ctx, c.Member, c.P, 0, 0)
}

// eventsPageAction shows the page of the list a Précédent or Suivant
// button asks for, in place of the message.
func (s *Service) eventsPageAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	at, err := parsePageValue(a.Value, 2)
	if err != nil {
		return nil, err
	}
	r, err := s.eventsList(ctx, m, p, at[0], at[1])
	if err != nil {
		return nil, err
	}
	r.Replace = true
	return r, nil
}

// eventsList is one page of the events to come, each with where the
// member stands, then, for a facilitator, one page of the drafts.
func (s *Service) eventsList(ctx context.Context, m *Member, p *i18n.Printer, at, draftsAt int) (*Response, error) {
	published, drafts, err := s.eventsToCome(ctx, m)
	if err != nil {
		return nil, err
	}
	regs, err := s.viewerRegistrations(ctx, m.UserID)
	if err != nil {
		return nil, err
	}
	if len(published) == 0 && len(drafts) == 0 {
		return textResponse(p.T("events.none")), nil
	}
	now := s.now()
	r := &Response{Title: p.T("events.title")}
	pg := pageAt(at, eventsPageSize, len(published))
	if len(published) == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(p.T("events.none"))))
	} else {
		r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(countText(p, pg, "events.count"))}})
	}
	for _, ev := range published[pg.offset:pg.end()] {
		r.Sections = append(r.Sections, eventCard(ev, regs[ev.ID], p, now, false))
	}
	dpg := pageAt(draftsAt, draftsPageSize, len(drafts))
	value := func(events, drafts int) string { return joinInts(int64(events), int64(drafts)) }
	if nav := pageNav(pg, ActionEventsPage, func(o int) string { return value(o, dpg.offset) }, p.T("list.previous"), p.T("list.next")); len(nav) > 0 {
		r.Sections = append(r.Sections, Section{Buttons: nav})
	}
	if len(drafts) > 0 {
		r.Sections = append(r.Sections, draftsSections(drafts, dpg, p, now, func(o int) string { return value(pg.offset, o) })...)
	}
	return r, nil
}

// eventsToCome returns the published events still to come and, for a
// facilitator, the drafts not yet started (members never see drafts).
func (s *Service) eventsToCome(ctx context.Context, m *Member) (published, drafts []*Event, err error) {
	statuses := []EventStatus{EventPublished}
	if m.IsFacilitator() {
		statuses = append(statuses, EventDraft)
	}
	now := s.now()
	evs, err := s.store.FindEvents(ctx, EventFilter{Statuses: statuses, EndsAfter: now})
	if err != nil {
		return nil, nil, err
	}
	for _, ev := range evs {
		switch {
		case ev.Status == EventPublished && CanSeeEvent(m, ev):
			published = append(published, ev)
		case ev.Status == EventDraft && ev.Start.After(now) && CanSeeEvent(m, ev):
			drafts = append(drafts, ev)
		}
	}
	return published, drafts, nil
}

// draftsSections is the « Brouillons » part of a facilitator's list: a
// page of drafts, each with its Publish button.
func draftsSections(drafts []*Event, pg page, p *i18n.Printer, now time.Time, value func(offset int) string) []Section {
	out := []Section{{Heading: p.T("drafts.title"), Body: []Span{Text(countText(p, pg, "drafts.count"))}}}
	for _, ev := range drafts[pg.offset:pg.end()] {
		out = append(out, eventCard(ev, nil, p, now, false))
	}
	// Named apart from the events' own Précédent and Suivant, in the
	// same message.
	if nav := pageNav(pg, ActionEventsPage, value, p.T("drafts.previous"), p.T("drafts.next")); len(nav) > 0 {
		out = append(out, Section{Buttons: nav})
	}
	return out
}

// publishAction publishes a draft from its button, by the same rule as
// /cercle evenement publier.
func (s *Service) publishAction(ctx context.Context, _ *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	if _, err := s.findEvent(ctx, id); err != nil {
		return nil, err
	}
	return s.publishEvent(ctx, p, id)
}

// eventSection shows one event's facts, without buttons: a view for one
// member is eventCard, which adds the buttons that fit them.
func eventSection(ev *Event, p *i18n.Printer) Section {
	return Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(eventKindName(p, ev.Kind) + " · " + p.DateTime(ev.Start))},
		Pairs:   []Pair{{Label: p.T("event.field.place"), Value: ev.Place}, {Label: p.T("event.seats"), Value: seatsText(ev, p)}},
	}
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
	if !CanSeeEvent(m, ev) {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{EventID: id, UserID: m.UserID})
	if err != nil {
		return nil, err
	}
	var reg *Registration
	if len(regs) > 0 {
		reg = regs[0]
	}
	sec := eventCard(ev, reg, p, s.now(), true)
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
