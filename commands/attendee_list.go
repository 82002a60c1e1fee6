package commands

import (
	"context"
	"fmt"
	"strings"

	"cercle/i18n"
)

// This file is the facilitators' list of who comes, by standing, one page
// of lines at a time, each page saying how many there are and pointing
// to the CSV file that holds them all.

// attendeeGroups are the standings the list shows, in its order.
var attendeeGroups = []string{"registered", "offered", "waitlisted", "late", "attended", "no_show"}

// attendeeLine is one person of the list, in their group.
type attendeeLine struct{ group, text string }

// attendeeLines words each registration the list shows, group by group,
// and counts each group.
func attendeeLines(regs []*Registration, p *i18n.Printer) ([]attendeeLine, map[string]int) {
	groups := map[string][]string{}
	for _, r := range regs {
		name := r.MemberName
		if r.Company != "" {
			name += " (" + r.Company + ")"
		}
		if r.NoShows > 0 {
			name += " · " + p.Plural("attendees.no_shows", r.NoShows)
		}
		switch {
		case r.Status == RegWaitlisted:
			groups["waitlisted"] = append(groups["waitlisted"], fmt.Sprintf("%d. %s", r.Position, name))
		case r.Status == RegOffered:
			groups["offered"] = append(groups["offered"], name+" · "+p.T("state.offered", p.DateTime(r.OfferExpiresAt)))
		case r.Status == RegCancelled && r.Late:
			groups["late"] = append(groups["late"], name)
		case r.Status == RegRegistered || r.Status == RegAttended || r.Status == RegNoShow:
			groups[string(r.Status)] = append(groups[string(r.Status)], name)
		}
	}
	var lines []attendeeLine
	counts := map[string]int{}
	for _, g := range attendeeGroups {
		for _, t := range groups[g] {
			lines = append(lines, attendeeLine{group: g, text: t})
		}
		counts[g] = len(groups[g])
	}
	return lines, counts
}

// attendeesPageAction shows the page of an attendee list a button asks
// for, in place of the message.
func (s *Service) attendeesPageAction(ctx context.Context, _ *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, offset, err := parseEventPage(a.Value)
	if err != nil {
		return nil, err
	}
	ev, regs, err := s.eventRegistrations(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := s.attendeesPage(ctx, p, ev, regs, offset)
	if err != nil {
		return nil, err
	}
	r.Replace = true
	return r, nil
}

// attendeesPage is one page of an event's list: how many people, the
// page's lines under their group's heading (with the group's full
// count), the page buttons and the CSV command.
func (s *Service) attendeesPage(ctx context.Context, p *i18n.Printer, ev *Event, regs []*Registration, at int) (*Response, error) {
	lines, counts := attendeeLines(regs, p)
	pg := pageAt(at, attendeesPageSize, len(lines))
	// The event heads a section, not the title: a title of 150
	// characters after its number would not fit Slack's header.
	out := &Response{Title: p.T("attendees.title"), Sections: []Section{
		{Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title), Body: []Span{Text(p.DateTime(ev.Start) + " · " + seatsText(ev, p))}},
		{Note: true, Body: []Span{Text(countText(p, pg, "attendees.count"))}},
	}}
	group, text := "", []string(nil)
	flush := func() {
		if len(text) > 0 {
			out.Sections = append(out.Sections, Section{Heading: p.T("attendees.group."+group, counts[group]), Body: []Span{Text(strings.Join(text, "\n"))}})
		}
	}
	for _, l := range lines[pg.offset:pg.end()] {
		if l.group != group {
			flush()
			group, text = l.group, nil
		}
		text = append(text, l.text)
	}
	flush()
	if nav := pageNav(pg, ActionAttendeesPage, func(o int) string { return joinInts(ev.ID, int64(o)) }, p.T("list.previous"), p.T("list.next")); len(nav) > 0 {
		out.Sections = append(out.Sections, Section{Buttons: nav})
	}
	if sent, total, err := s.store.CountMessages(ctx, broadcastPrefix(ev.ID)); err == nil && total > 0 {
		out.Sections = append(out.Sections, Section{Note: true, Body: []Span{Text(p.T("announce.progress", ev.Title, sent, total))}})
	}
	out.Sections = append(out.Sections, Section{Note: true, Body: []Span{Text(p.T("attendees.csv.hint") + " "), Code(p.T("attendees.csv.command", ev.ID))}})
	return out, nil
}
