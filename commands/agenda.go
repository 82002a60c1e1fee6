package commands

import (
	"context"
	"fmt"
	"strconv"

	"cercle/i18n"
)

// This file is a member's own agenda: where they stand for each event to
// come, in /cercle agenda and on the App Home tab.

// agendaFeature is the member's agenda and calendar feed.
func (s *Service) agendaFeature() feature {
	return feature{commands: []*Command{{
		Name: "agenda", Aliases: []string{"mon-agenda"},
		Usage: "agenda.cmd.usage", Summary: "agenda.cmd.summary", Detail: "agenda.cmd.detail",
		Run: s.agenda,
	}}}
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
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{UserID: c.Member.UserID})
	if err != nil {
		return nil, err
	}
	p, now := c.P, s.now()
	r := &Response{Title: p.T("agenda.title")}
	for _, reg := range regs {
		if !reg.Event.End.After(now) || reg.Event.Status == EventDraft {
			continue
		}
		r.Sections = append(r.Sections, agendaSection(reg, p))
	}
	if len(r.Sections) == 0 {
		return textResponse(p.T("agenda.none")), nil
	}
	return r, nil
}

func agendaSection(reg *Registration, p *i18n.Printer) Section {
	ev := reg.Event
	sec := Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(p.DateTime(ev.Start) + " · "), Bold(registrationState(reg, p))},
	}
	id := strconv.FormatInt(ev.ID, 10)
	switch {
	case ev.Status == EventCancelled:
	case reg.Status == RegOffered:
		v := strconv.FormatInt(reg.ID, 10)
		sec.Buttons = []Button{
			{ActionID: ActionAcceptOffer, Value: v, Label: p.T("offer.accept"), Style: ButtonPrimary},
			{ActionID: ActionDeclineOffer, Value: v, Label: p.T("offer.decline")},
		}
	case reg.Status.active():
		sec.Buttons = []Button{
			{ActionID: ActionAddCalendar, Value: id, Label: p.T("event.button.calendar")},
			{ActionID: ActionCancel, Value: id, Label: p.T("event.button.cancel"), Style: ButtonDanger,
				Confirm: &Confirm{Title: p.T("cancel.confirm_title"), Text: p.T("cancel.confirm_text", ev.Title), Yes: p.T("event.button.cancel"), No: p.T("button.back")}},
		}
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

// homeEvents is the App Home section "Mes prochains événements".
func (s *Service) homeEvents(ctx context.Context, m *Member, p *i18n.Printer) ([]Section, error) {
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{UserID: m.UserID,
		Statuses: []RegistrationStatus{RegRegistered, RegWaitlisted, RegOffered}})
	if err != nil {
		return nil, err
	}
	out := []Section{{Heading: p.T("home.events")}}
	now := s.now()
	for _, r := range regs {
		if r.Event.End.After(now) && r.Event.Status == EventPublished && len(out) < 11 {
			out = append(out, agendaSection(r, p))
		}
	}
	if len(out) == 1 {
		out = append(out, Section{Body: []Span{Text(p.T("home.no_events") + " "), Code("/cercle evenements")}})
	}
	return out, nil
}
