package commands

import (
	"context"
	"slices"
	"strings"

	"cercle/i18n"
)

// This file is what is done to one group: archive it, name its leads,
// show it, and schedule its meetings.

// archiveGroup archives a group and, if the bot created it, its channel.
func (s *Service) archiveGroup(ctx context.Context, c *Call, name string) (*Response, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return nil, err
	}
	if g.Archived() {
		return nil, Errorf(ECONFLICT, "group.error.archived", g.Name)
	}
	if err := s.store.ArchiveGroup(ctx, g.ID, c.Member.UserID, s.now()); err != nil {
		return nil, err
	}
	sections := []Section{Paragraph(Text(c.P.T("group.archived", g.Name)))}
	if s.channels != nil && g.ChannelCreated {
		actx, cancel := context.WithTimeout(ctx, channelCallTimeout)
		err := s.channels.ArchiveChannel(actx, g.Channel)
		cancel()
		if err != nil {
			s.logger.WarnContext(ctx, "group channel not archived", "group", g.Slug, "err", err)
			sections = append(sections, Paragraph(Text(c.P.T("group.archived.channel_kept")+" "), ChannelLink(g.Channel, g.Slug), Text(".")))
		}
	}
	return &Response{Sections: sections}, nil
}

// setGroupLeads names a group's leads and brings them into its channel.
func (s *Service) setGroupLeads(ctx context.Context, c *Call, name string, refs []string) (*Response, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return nil, err
	}
	if g.Archived() {
		return nil, Errorf(ECONFLICT, "group.error.archived", g.Name)
	}
	var leads []*Member
	for _, ref := range refs {
		m, err := s.resolveMember(ctx, ref)
		if err != nil {
			return nil, err
		}
		leads = append(leads, m)
	}
	ids := make([]UserID, len(leads))
	for i, m := range leads {
		ids[i] = m.UserID
	}
	if err := s.store.SetGroupLeads(ctx, g.ID, c.Member.UserID, ids); err != nil {
		return nil, err
	}
	body := []Span{Text(c.P.T("group.leads.done", g.Name) + " ")}
	var refused []Span
	for i, m := range leads {
		if i > 0 {
			body = append(body, Text(", "))
		}
		body = append(body, Mention(m.UserID))
		if err := s.channelStep(ctx, g, m, func(ctx context.Context) error { return s.channels.Invite(ctx, g.Channel, m.UserID) }); err != nil {
			refused = append(refused, Mention(m.UserID), Text(" "))
		}
	}
	sections := []Section{Paragraph(body...)}
	if len(refused) > 0 {
		sections = append(sections, Paragraph(append(refused, Text(c.P.T("group.leads.not_invited")))...))
	}
	return &Response{Sections: sections}, nil
}

// groupDetails is /cercle groupe <groupe>: the group's card, its channel
// and leads; its members for its leads and the facilitators.
func (s *Service) groupDetails(ctx context.Context, c *Call, name string) (*Response, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return nil, err
	}
	next, err := s.nextMeetings(ctx)
	if err != nil {
		return nil, err
	}
	card := groupCard(g, c.Member, next[g.ID], c.P)
	r := &Response{Title: g.Name, Sections: []Section{card}}
	if g.Archived() {
		r.Sections = append(r.Sections, Paragraph(Text(c.P.T("group.error.archived", g.Name))))
	}
	var facts []Span
	if g.Channel != "" {
		facts = append(facts, Text(c.P.T("group.channel")+" "), ChannelLink(g.Channel, g.Slug))
	}
	if len(g.Leads) > 0 {
		facts = append(facts, Text(" · "+c.P.T("group.leads")+" "))
		for i, id := range g.Leads {
			if i > 0 {
				facts = append(facts, Text(", "))
			}
			facts = append(facts, Mention(id))
		}
	}
	if len(facts) > 0 {
		r.Sections = append(r.Sections, Section{Note: true, Body: facts})
	}
	if !c.Member.IsFacilitator() && !slices.Contains(g.Leads, c.Member.UserID) {
		return r, nil
	}
	members, err := s.store.GroupMembers(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, gm := range members[:min(len(members), maxShownGroupUsers)] {
		line := "• " + gm.Name
		if gm.Company != "" {
			line += " (" + gm.Company + ")"
		}
		lines = append(lines, line)
	}
	if len(lines) > 0 {
		r.Sections = append(r.Sections, Section{Heading: c.P.Plural("groups.members.count", len(members)), Body: []Span{Text(strings.Join(lines, "\n"))}})
	}
	return r, nil
}

// mayRunMeetings reports whether m schedules g's meetings: its leads and
// the facilitators.
func mayRunMeetings(m *Member, g *Group) bool {
	return m.IsFacilitator() || slices.Contains(g.Leads, m.UserID)
}

// groupMeetingForm opens the event form for a meeting of the group.
func (s *Service) groupMeetingForm(ctx context.Context, c *Call, name string) (*Response, error) {
	g, err := s.findGroup(ctx, name)
	if err != nil {
		return nil, err
	}
	if !mayRunMeetings(c.Member, g) {
		return nil, Errorf(EFORBIDDEN, "group.error.not_lead", g.Name)
	}
	if g.Archived() {
		return nil, Errorf(ECONFLICT, "group.error.archived", g.Name)
	}
	f := s.eventForm(nil, c.P)
	f.ID, f.State, f.Title = FormGroupMeeting, g.Slug, c.P.T("group.meeting.form.title")
	f.Fields = slices.DeleteFunc(f.Fields, func(fl Field) bool { return fl.ID == fieldEventKind })
	return &Response{Form: f}, nil
}

// submitGroupMeeting creates a group's meeting, published at once and
// announced to the group's members, who alone may see it and register.
// The group is checked again: a form's state comes back from the client.
func (s *Service) submitGroupMeeting(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	g, err := s.findGroup(ctx, sub.State)
	if err != nil {
		return nil, err
	}
	if !mayRunMeetings(m, g) {
		return nil, Errorf(EFORBIDDEN, "group.error.not_lead", g.Name)
	}
	if g.Archived() {
		return nil, Errorf(ECONFLICT, "group.error.archived", g.Name)
	}
	values := map[string]string{}
	for k, v := range sub.Values {
		values[k] = v
	}
	values[fieldEventKind] = string(KindMeeting)
	ev, fe := ParseEvent(values, s.now(), p.Location(), p)
	if fe != nil {
		return nil, fe
	}
	ev.Group, ev.Status, ev.CreatedBy, ev.UID = g.ID, EventPublished, m.UserID, newEventUID(sub.User.TeamID)
	if err := s.store.CreateEvent(ctx, ev); err != nil {
		return nil, err
	}
	told, err := s.announceToGroup(ctx, ev, g, m.UserID)
	if err != nil {
		return nil, err
	}
	// A modal's title holds 24 characters: the group is named below.
	return &Response{Title: p.T("group.meeting.created.title"), Sections: []Section{
		Paragraph(Text(p.T("group.meeting.created", g.Name))),
		eventSection(ev, p), Paragraph(Text(p.Plural("group.meeting.told", told))),
	}}, nil
}

// announceToGroup sends a meeting to the group's members (but its author)
// by DM, with its buttons.
func (s *Service) announceToGroup(ctx context.Context, ev *Event, g *Group, author UserID) (int, error) {
	members, err := s.store.GroupMembers(ctx, g.ID)
	if err != nil {
		return 0, err
	}
	var msgs []*OutboxMessage
	for _, gm := range members {
		if gm.User == author {
			continue
		}
		m, err := s.store.FindMemberByUserID(ctx, gm.User)
		if err != nil {
			return 0, err
		}
		msgs = append(msgs, &OutboxMessage{DedupeKey: broadcastPrefix(ev.ID) + string(gm.User), To: Recipient{User: gm.User},
			Message: s.announcement(ev, nil, s.printer(m))})
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	return len(msgs), s.enqueue(ctx, msgs...)
}

// groupByID finds a group, archived or not, among all of them: groups are
// few, and a lookup by id is needed only to announce a meeting.
func (s *Service) groupByID(ctx context.Context, id int64) (*Group, error) {
	groups, err := s.store.FindGroups(ctx, GroupFilter{Archived: true})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.ID == id {
			return g, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "group.error.not_found", id)
}
