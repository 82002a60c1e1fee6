package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"cercle/i18n"
)

// This file turns a decision to pool a function into a working group:
// the groups feature's own group and channel, with the members of the
// companies committed invited to both.

// poolingGroup returns the function's working group: the one an earlier
// decision made, or a new one, named after the function, with its
// channel and the deciding facilitator as its lead.
func (s *Service) poolingGroup(ctx context.Context, m *Member, p *i18n.Printer, c *Campaign, f PoolFunction, d *PoolDecision) (*Group, error) {
	groups, err := s.store.FindGroups(ctx, GroupFilter{Archived: true})
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(groups, func(g *Group) bool { return d.Group != 0 && g.ID == d.Group }); i >= 0 && !groups[i].Archived() {
		return groups[i], nil
	}
	g := &Group{Slug: poolingSlug(f, c, groups), Name: poolingGroupName(p, c, f, groups),
		Description: p.T("pooling.group.description", c.Name, p.T("pooling.way."+string(d.Way))), Private: true}
	if err := s.groupChannel(ctx, g, p); err != nil {
		var fe FieldErrors
		if errors.As(err, &fe) {
			for _, msg := range fe {
				return nil, FieldErrors{fieldDecisionWay: msg}
			}
		}
		return nil, err
	}
	g.CreatedBy, g.CreatedAt = m.UserID, s.now()
	if err := s.store.CreateGroup(ctx, g, []UserID{m.UserID}); err != nil {
		return nil, err
	}
	if g.ChannelCreated {
		_ = s.channelStep(ctx, g, m, func(ctx context.Context) error { return s.channels.Invite(ctx, g.Channel, m.UserID) })
	}
	return g, nil
}

// poolingSlug is "mutualisation-<function>", cut to a channel name's
// length, with the campaign's number when taken.
func poolingSlug(f PoolFunction, c *Campaign, groups []*Group) string {
	cut := func(s string) string {
		if len(s) > maxPoolingGroupSlug {
			s = strings.TrimRight(s[:maxPoolingGroupSlug], "-")
		}
		return s
	}
	slug := cut(poolingGroupPrefixFr + f.Key)
	taken := func(s string) bool { return slices.ContainsFunc(groups, func(g *Group) bool { return g.Slug == s }) }
	for n := 0; taken(slug); n++ {
		suffix := fmt.Sprintf("-%d", c.ID)
		if n > 0 {
			suffix = fmt.Sprintf("-%d-%d", c.ID, n)
		}
		slug = cut(poolingGroupPrefixFr+f.Key[:min(len(f.Key), maxPoolingGroupSlug-len(poolingGroupPrefixFr)-len(suffix))]) + suffix
	}
	return slug
}

// poolingGroupName is « Mutualisation · <fonction> », with the campaign's
// name when another group has it.
func poolingGroupName(p *i18n.Printer, c *Campaign, f PoolFunction, groups []*Group) string {
	name := p.T("pooling.group.name", functionLabel(c, f))
	if slices.ContainsFunc(groups, func(g *Group) bool { return strings.EqualFold(g.Name, name) }) {
		name = p.T("pooling.group.name_campaign", functionLabel(c, f), c.Name)
	}
	return truncate(name, maxGroupName)
}

// invitePoolers invites the members of the committed companies to the
// group and its channel, and tells each by DM; it returns how many
// joined. A member the channel refuses is left out, as joining refuses
// them (the group's leads are alerted).
func (s *Service) invitePoolers(ctx context.Context, g *Group, d *PoolDecision, c *Campaign, f PoolFunction) (int, error) {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return 0, err
	}
	joined := 0
	var msgs []*OutboxMessage
	for _, mem := range members {
		if !slices.Contains(d.Companies, mem.CompanyID) || slices.Contains(mem.Groups, g.ID) {
			continue
		}
		if err := s.channelStep(ctx, g, mem, func(ctx context.Context) error { return s.channels.Invite(ctx, g.Channel, mem.UserID) }); err != nil {
			continue
		}
		if _, err := s.store.JoinGroup(ctx, g.ID, mem.UserID); err != nil {
			return joined, err
		}
		joined++
		pm := s.Printer(ctx, User{ID: mem.UserID})
		body := []Span{Text(pm.T("pooling.group.invited", functionLabel(c, f), c.Name, g.Name) + " ")}
		if g.Channel != "" {
			body = append(body, ChannelLink(g.Channel, g.Slug))
		}
		msgs = append(msgs, &OutboxMessage{DedupeKey: fmt.Sprintf("pooling:%d:group:%d", c.ID, g.ID), To: Recipient{User: mem.UserID},
			Message: Response{Sections: []Section{{Body: body}}}})
	}
	return joined, s.enqueue(ctx, msgs...)
}
