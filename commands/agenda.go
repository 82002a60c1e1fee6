package commands

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"cercle/i18n"
)

// This file is a member's own agenda: where they stand for each event to
// come, in /cercle agenda and on the App Home tab.

// ActionAgendaPage shows a page of the member's agenda; its value is
// the page's offset.
const ActionAgendaPage = "agenda.page"

// agendaFeature is the member's agenda and calendar feed.
func (s *Service) agendaFeature() feature {
	return feature{
		commands: []*Command{{
			Name: "agenda", Aliases: []string{"mon-agenda"},
			Usage: "agenda.cmd.usage", Summary: "agenda.cmd.summary", Detail: "agenda.cmd.detail",
			Run: s.agenda,
		}},
		actions: []*ActionHandler{{ID: ActionAgendaPage, Run: s.agendaPageAction}},
	}
}

// agenda lists the member's registrations to come, or manages their
// calendar feed link.
func (s *Service) agenda(ctx context.Context, c *Call) (*Response, error) {
	switch {
	case len(c.Args) == 1 && (c.Args[0] == "lien" || c.Args[0] == "link"):
		return s.agendaLink(ctx, c, false)
	case len(c.Args) == 1 && (c.Args[0] == "nouveau-lien" || c.Args[0] == "new-link"):
		return s.agendaLink(ctx, c, true)
	case len(c.Args) > 0:
		return nil, Errorf(EINVALID, "agenda.error.usage")
	}
	return s.agendaList(ctx, c.Member, c.P, 0)
}

// agendaPageAction shows the page of the agenda a button asks for, in
// place of the message.
func (s *Service) agendaPageAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	at, err := parsePageValue(a.Value, 1)
	if err != nil {
		return nil, err
	}
	r, err := s.agendaList(ctx, m, p, at[0])
	if err != nil {
		return nil, err
	}
	r.Replace = true
	return r, nil
}

// agendaList is one page of the member's registrations to come.
func (s *Service) agendaList(ctx context.Context, m *Member, p *i18n.Printer, at int) (*Response, error) {
	regs, err := s.agendaToCome(ctx, m.UserID, false)
	if err != nil {
		return nil, err
	}
	if len(regs) == 0 {
		return textResponse(p.T("agenda.none")), nil
	}
	pg := pageAt(at, agendaPageSize, len(regs))
	// The agenda keeps what the member gave up, the Home does not: its
	// count says so, so the two never seem to disagree.
	r := &Response{Title: p.T("agenda.title"), Sections: []Section{{Note: true, Body: []Span{Text(countText(p, pg, "agenda.count"))}}}}
	now := s.now()
	for _, reg := range regs[pg.offset:pg.end()] {
		r.Sections = append(r.Sections, agendaSection(reg, p, now))
	}
	if nav := pageNav(pg, ActionAgendaPage, strconv.Itoa, p.T("list.previous"), p.T("list.next")); len(nav) > 0 {
		r.Sections = append(r.Sections, Section{Buttons: nav})
	}
	return r, nil
}

// agendaToCome returns the member's registrations for events not over,
// drafts left out; active keeps only a seat, an offer or a place in line
// on a published event.
func (s *Service) agendaToCome(ctx context.Context, user UserID, active bool) ([]*Registration, error) {
	f := RegistrationFilter{UserID: user}
	if active {
		f.Statuses = []RegistrationStatus{RegRegistered, RegWaitlisted, RegOffered}
	}
	regs, err := s.store.FindRegistrations(ctx, f)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []*Registration
	for _, r := range regs {
		ev := r.Event
		if ev.End.After(now) && ev.Status != EventDraft && (!active || ev.Status == EventPublished) {
			out = append(out, r)
		}
	}
	return out, nil
}

// agendaSection is one registration of the agenda, with the buttons that
// fit where the member stands.
func agendaSection(reg *Registration, p *i18n.Printer, now time.Time) Section {
	ev := reg.Event
	sec := Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(p.DateTime(ev.Start) + " · "), Bold(registrationState(reg, p))},
	}
	if reg.Status.active() {
		sec.Buttons = standingButtons(ev, reg, p, now)
	}
	return sec
}

// registrationState words where a member stands.
func registrationState(reg *Registration, p *i18n.Printer) string {
	switch {
	case reg.Event.Status == EventCancelled:
		return p.T("state.event_cancelled")
	case reg.Status == RegWaitlisted:
		return p.T("state.waitlisted", reg.Position)
	case reg.Status == RegOffered:
		return p.T("state.offered", p.DateTime(reg.OfferExpiresAt))
	case reg.Status == RegCancelled && reg.Late:
		return p.T("state.cancelled_late")
	}
	return p.T("state." + string(reg.Status))
}

// homeEvents is the App Home section « Mes prochains événements »: how
// many, the first few, and a button that sends the whole agenda.
func (s *Service) homeEvents(ctx context.Context, m *Member, p *i18n.Printer) ([]Section, error) {
	regs, err := s.agendaToCome(ctx, m.UserID, true)
	if err != nil {
		return nil, err
	}
	if len(regs) == 0 {
		return []Section{{Heading: p.T("home.events")}, {Body: []Span{Text(p.T("home.no_events") + " "), Code(p.T("events.command"))}}}, nil
	}
	out := []Section{{Heading: p.T("home.events"), Body: []Span{Text(p.Plural("events.count", len(regs)))}}}
	now := s.now()
	for _, r := range regs[:min(len(regs), homeListSize)] {
		out = append(out, agendaSection(r, p, now))
	}
	if len(regs) > homeListSize {
		out = append(out, Section{Buttons: []Button{{ActionID: ActionAgendaPage, Value: "0", Label: p.T("list.all")}}})
	}
	return out, nil
}
