package commands

import (
	"context"

	"cercle/i18n"
)

// Home returns the content of the member's App Home tab: who they are,
// their company and what they can do. Later features add their sections.
func (s *Service) Home(ctx context.Context, u User) *Response {
	m, err := s.member(ctx, u)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	r := &Response{Title: p.T("home.title", m.Name)}
	r.Sections = append(r.Sections, Section{
		Body: []Span{Text(p.T("home.role") + " "), Bold(p.T("role.name." + string(m.Role)))},
	})
	if m.Company != nil {
		r.Sections = append(r.Sections, Section{
			Heading: p.T("home.company"),
			Pairs:   companyPairs(m.Company, p),
			Buttons: []Button{{ActionID: ActionEditProfile, Label: p.T("home.edit_profile")}},
		})
	} else {
		r.Sections = append(r.Sections, Section{
			Heading: p.T("home.company"),
			Body:    []Span{Text(p.T("home.no_company"))},
			Buttons: []Button{{ActionID: ActionEditProfile, Label: p.T("home.fill_profile"), Style: ButtonPrimary}},
		})
	}
	events, err := s.homeEvents(ctx, m, p)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	r.Sections = append(r.Sections, events...)
	groups, err := s.homeGroups(ctx, m, p)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	r.Sections = append(r.Sections, groups...)
	bureau, err := s.homeBureau(ctx, m, p)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	r.Sections = append(r.Sections, bureau...)
	r.Sections = append(r.Sections, Section{Heading: p.T("home.digest")})
	r.Sections = append(r.Sections, digestSettingsSections(m, p)...)
	drafts, err := s.homeDrafts(ctx, m, p)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	r.Sections = append(r.Sections, drafts...)
	help := s.commandNames(m, p)
	r.Sections = append(r.Sections, Section{Heading: p.T("home.commands")})
	r.Sections = append(r.Sections, help.Sections...)
	return r
}

// homeDrafts is the « Brouillons » section of a facilitator's Home tab:
// every facilitator's drafts, the first few with their Publish button,
// and a button that sends them all. Members have none.
func (s *Service) homeDrafts(ctx context.Context, m *Member, p *i18n.Printer) ([]Section, error) {
	if !m.IsFacilitator() {
		return nil, nil
	}
	_, drafts, err := s.eventsToCome(ctx, m)
	if err != nil || len(drafts) == 0 {
		return nil, err
	}
	out := []Section{{Heading: p.T("drafts.title"), Body: []Span{Text(p.Plural("drafts.count", len(drafts)))}}}
	now := s.now()
	for _, ev := range drafts[:min(len(drafts), homeListSize)] {
		out = append(out, eventCard(ev, nil, p, now, false))
	}
	if len(drafts) > homeListSize {
		out = append(out, Section{Buttons: []Button{{ActionID: ActionEventsPage, Value: "0:0", Label: p.T("list.all")}}})
	}
	return out, nil
}

// homeGroups is « Mes groupes »: the member's working groups with their
// channel and next meeting, and the way to the others.
func (s *Service) homeGroups(ctx context.Context, m *Member, p *i18n.Printer) ([]Section, error) {
	out := []Section{{Heading: p.T("home.groups")}}
	if len(m.Groups) == 0 {
		out[0].Body = []Span{Text(p.T("home.no_groups") + " "), Code(p.T("groups.command"))}
		return out, nil
	}
	groups, err := s.store.FindGroups(ctx, GroupFilter{Member: m.UserID})
	if err != nil {
		return nil, err
	}
	next, err := s.nextMeetings(ctx)
	if err != nil {
		return nil, err
	}
	var body []Span
	for _, g := range groups {
		body = append(body, Text("• "), Bold(g.Name))
		if g.Channel != "" {
			body = append(body, Text(" · "), ChannelLink(g.Channel, g.Slug))
		}
		if ev := next[g.ID]; ev != nil {
			body = append(body, Text(" · "+p.T("digest.group.next", p.DateTime(ev.Start))))
		}
		body = append(body, Text("\n"))
	}
	body[len(body)-1].Text = "" // no blank line before the note
	out[0].Body = body
	out = append(out, Section{Note: true, Body: []Span{Text(p.T("home.groups.all") + " "), Code(p.T("groups.command"))}})
	return out, nil
}
