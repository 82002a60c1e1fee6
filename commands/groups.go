package commands

import (
	"context"
	"slices"
	"strings"

	"cercle/i18n"
)

// This file is the members' side of working groups: the list, joining and
// leaving, each kept in step with the group's channel.

// Group action ids: their value is the group's slug.
const (
	ActionJoinGroup  = "group.join"
	ActionLeaveGroup = "group.leave"
)

// maxListedGroups bounds the groups one list shows, inside Slack's 50
// blocks a message.
const maxListedGroups = 15

// groupsFeature is working groups: members list, join and leave them;
// facilitators create, archive and name leads (group_admin.go); leads
// schedule their meetings.
func (s *Service) groupsFeature() feature {
	return feature{
		commands: []*Command{
			{Name: "groupes", Aliases: []string{"groups"}, Usage: "groups.cmd.usage", Summary: "groups.cmd.summary", Detail: "groups.cmd.detail", Run: s.groupsCmd},
			{Name: "rejoindre", Aliases: []string{"join"}, Usage: "join.cmd.usage", Summary: "join.cmd.summary", Detail: "join.cmd.detail", Run: s.joinCmd},
			{Name: "quitter", Aliases: []string{"leave"}, Usage: "leave.cmd.usage", Summary: "leave.cmd.summary", Detail: "leave.cmd.detail", Run: s.leaveCmd},
			{Name: "groupe", Aliases: []string{"group"}, Usage: "group.cmd.usage", Summary: "group.cmd.summary", Detail: "group.cmd.detail", Run: s.groupCmd},
		},
		actions: []*ActionHandler{
			{ID: ActionJoinGroup, Run: func(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
				return s.joinNamed(ctx, m, p, a.Value)
			}},
			{ID: ActionLeaveGroup, Run: func(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
				return s.leaveNamed(ctx, m, p, a.Value)
			}},
		},
		forms: []*FormHandler{
			{ID: FormGroup, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitGroup},
			// Leads are not a role: the form checks the group itself.
			{ID: FormGroupMeeting, Run: s.submitGroupMeeting},
		},
	}
}

func (s *Service) groupsCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) > 0 {
		return nil, Errorf(EINVALID, "groups.error.usage")
	}
	return s.groupsList(ctx, c.Member, c.P)
}

func (s *Service) joinCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) != 1 {
		return nil, Errorf(EINVALID, "join.error.usage")
	}
	return s.joinNamed(ctx, c.Member, c.P, c.Args[0])
}

func (s *Service) leaveCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) != 1 {
		return nil, Errorf(EINVALID, "leave.error.usage")
	}
	return s.leaveNamed(ctx, c.Member, c.P, c.Args[0])
}

// groupsList is /cercle groupes: each active group with what it is about,
// how many take part, its next meeting, and Rejoindre or Quitter.
func (s *Service) groupsList(ctx context.Context, m *Member, p *i18n.Printer) (*Response, error) {
	groups, err := s.store.FindGroups(ctx, GroupFilter{})
	if err != nil {
		return nil, err
	}
	r := &Response{Title: p.T("groups.title")}
	if len(groups) == 0 {
		r.Sections = []Section{Paragraph(Text(p.T("groups.none")))}
		return r, nil
	}
	next, err := s.nextMeetings(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups[:min(len(groups), maxListedGroups)] {
		r.Sections = append(r.Sections, groupCard(g, m, next[g.ID], p))
	}
	if len(groups) > maxListedGroups {
		r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T("groups.more", len(groups)-maxListedGroups) + " "), Code(p.T("group.show.command"))}})
	}
	return r, nil
}

// groupCard shows one group to m, with the button that fits.
func groupCard(g *Group, m *Member, next *Event, p *i18n.Printer) Section {
	sec := Section{Heading: g.Name + " (" + g.Slug + ")", Body: []Span{Text(g.Description)}}
	if g.Description == "" {
		sec.Body = nil
	}
	nextText := p.T("groups.no_meeting")
	if next != nil {
		nextText = p.DateTime(next.Start)
	}
	sec.Pairs = []Pair{{Label: p.T("groups.members"), Value: p.Plural("groups.members.count", g.Members)}, {Label: p.T("groups.next"), Value: nextText}}
	if g.Archived() {
		return sec
	}
	if slices.Contains(m.Groups, g.ID) {
		sec.Buttons = []Button{{ActionID: ActionLeaveGroup, Value: g.Slug, Label: p.T("groups.button.leave")}}
	} else {
		sec.Buttons = []Button{{ActionID: ActionJoinGroup, Value: g.Slug, Label: p.T("groups.button.join"), Style: ButtonPrimary}}
	}
	return sec
}

// nextMeetings returns each group's next published meeting.
func (s *Service) nextMeetings(ctx context.Context) (map[int64]*Event, error) {
	evs, err := s.store.FindEvents(ctx, EventFilter{Statuses: []EventStatus{EventPublished}, EndsAfter: s.now()})
	if err != nil {
		return nil, err
	}
	next := map[int64]*Event{}
	for _, ev := range evs {
		if ev.Group != 0 && next[ev.Group] == nil && ev.Start.After(s.now()) {
			next[ev.Group] = ev
		}
	}
	return next, nil
}

// joinNamed adds m to the group named: first to its channel, then to the
// group, so that a refusal from the chat leaves neither changed.
func (s *Service) joinNamed(ctx context.Context, m *Member, p *i18n.Printer, name string) (*Response, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return nil, err
	}
	if g.Archived() {
		return nil, Errorf(ECONFLICT, "group.error.archived", g.Name)
	}
	if slices.Contains(m.Groups, g.ID) {
		return textResponse(p.T("join.already", g.Name)), nil
	}
	if err := s.channelStep(ctx, g, m, func(ctx context.Context) error {
		return s.channels.Invite(ctx, g.Channel, m.UserID)
	}); err != nil {
		return nil, err
	}
	if _, err := s.store.JoinGroup(ctx, g.ID, m.UserID); err != nil {
		return nil, err
	}
	body := []Span{Text(p.T("join.done", g.Name) + " ")}
	if g.Channel != "" {
		body = append(body, Text(p.T("join.channel")+" "), ChannelLink(g.Channel, g.Slug), Text("."))
	}
	return &Response{Sections: []Section{{Body: body,
		Buttons: []Button{{ActionID: ActionLeaveGroup, Value: g.Slug, Label: p.T("groups.button.leave")}}}}}, nil
}

// leaveNamed takes m out of the group named and its channel. The group
// is left even when the chat refuses to remove them from the channel:
// they are told to leave it themselves, and the channel's own event
// (member_left_channel) then agrees.
func (s *Service) leaveNamed(ctx context.Context, m *Member, p *i18n.Printer, name string) (*Response, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return nil, err
	}
	// A member's groups are the active ones: in an archived group they
	// would read that they are not in it.
	if g.Archived() {
		return nil, Errorf(ECONFLICT, "group.error.archived", g.Name)
	}
	if !slices.Contains(m.Groups, g.ID) {
		return nil, Errorf(ECONFLICT, "leave.error.not_member", g.Name)
	}
	kickErr := s.channelStep(ctx, g, m, func(ctx context.Context) error {
		return s.channels.Kick(ctx, g.Channel, m.UserID)
	})
	if _, err := s.store.LeaveGroup(ctx, g.ID, m.UserID); err != nil {
		return nil, err
	}
	sections := []Section{Paragraph(Text(p.T("leave.done", g.Name)))}
	if kickErr != nil {
		sections = append(sections, Paragraph(Text(p.T("leave.channel_kept")+" "), ChannelLink(g.Channel, g.Slug), Text(p.T("leave.channel_kept.end"))))
	}
	sections[0].Buttons = []Button{{ActionID: ActionJoinGroup, Value: g.Slug, Label: p.T("groups.button.join")}}
	return &Response{Sections: sections}, nil
}

// findGroup finds the group a person named by its short name, a #channel
// form of it, or its name, ignoring case and accents; else the closest
// group is suggested.
func (s *Service) findGroup(ctx context.Context, name string) (*Group, error) {
	word := strings.TrimPrefix(strings.TrimSpace(name), "#")
	if word == "" || len(word) > 200 {
		return nil, Errorf(EINVALID, "group.error.name_required")
	}
	g, err := s.store.FindGroupBySlug(ctx, strings.ToLower(word))
	if ErrorCode(err) != ENOTFOUND {
		return g, err
	}
	groups, err := s.store.FindGroups(ctx, GroupFilter{Archived: true})
	if err != nil {
		return nil, err
	}
	want := fold(word)
	best, bestDist := (*Group)(nil), 4
	for _, g := range groups {
		if fold(g.Name) == want || fold(g.Slug) == want {
			return g, nil
		}
		if d := min(editDistance(want, fold(g.Slug)), editDistance(want, fold(g.Name))); d < bestDist && !g.Archived() {
			best, bestDist = g, d
		}
	}
	if best != nil {
		return nil, Errorf(ENOTFOUND, "group.error.not_found.suggest", truncate(word, 40), best.Slug)
	}
	return nil, Errorf(ENOTFOUND, "group.error.not_found", truncate(word, 40))
}

// fold lower-cases s and strips French accents, to compare names as
// people type them.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'à', 'â', 'ä', 'á':
			r = 'a'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'î', 'ï', 'í':
			r = 'i'
		case 'ô', 'ö', 'ó':
			r = 'o'
		case 'ù', 'û', 'ü', 'ú':
			r = 'u'
		case 'ç':
			r = 'c'
		case 'œ':
			b.WriteString("oe")
			continue
		case 'æ':
			b.WriteString("ae")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// GroupChannel returns the channel of the group a person named, for the
// console, which posts into it as if in Slack.
func (s *Service) GroupChannel(ctx context.Context, name string) (ChannelID, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return "", err
	}
	if g.Channel == "" {
		return "", Errorf(ECONFLICT, "group.error.no_channel", g.Name)
	}
	return g.Channel, nil
}
