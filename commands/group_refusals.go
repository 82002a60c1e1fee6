package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// channelCallTimeout bounds one call to the chat about a channel: the
// person is waiting for the answer.
const channelCallTimeout = 5 * time.Second

// channelStep runs a channel operation for m in g's channel, if the group
// has one and the chat is connected. A refusal comes back as the sentence
// m reads (what happened, what to do); when the fix is the network's (a
// permission, an archived channel, a channel the bot lost), the group's
// leads and the facilitators are told too. A member already in the
// channel (or already out of it) is no refusal.
func (s *Service) channelStep(ctx context.Context, g *Group, m *Member, call func(ctx context.Context) error) error {
	if s.channels == nil || g.Channel == "" {
		return nil
	}
	// The call's deadline is its own: the alert below must not inherit
	// a context cancelled once the call returned.
	callCtx, cancel := context.WithTimeout(ctx, channelCallTimeout)
	err := call(callCtx)
	cancel()
	var ce *ChannelError
	if err == nil || errors.As(err, &ce) && (ce.Refusal == RefusedAlreadyIn || ce.Refusal == RefusedNotIn) {
		return nil
	}
	if ce == nil {
		ce = &ChannelError{Refusal: RefusedOther, Err: err}
	}
	s.logger.WarnContext(ctx, "channel operation refused", "group", g.Slug, "channel", g.Channel, "slack_user", m.UserID, "err", err)
	switch ce.Refusal {
	case RefusedArchived, RefusedMissingScope, RefusedNotFound, RefusedBotNotIn:
		if aerr := s.alertGroupStaff(ctx, g, m, ce.Refusal); aerr != nil {
			s.logger.ErrorContext(ctx, "channel alert not queued", "group", g.Slug, "err", aerr)
		}
		return Errorf(EUNAVAILABLE, "channel.refused."+string(ce.Refusal), g.Name)
	case RefusedRateLimited:
		return Errorf(EUNAVAILABLE, "channel.refused.rate_limited", max(1, int(ce.RetryAfter.Seconds())))
	case RefusedCantKick:
		return Errorf(EUNAVAILABLE, "channel.refused.cant_kick", g.Name)
	}
	return Errorf(EUNAVAILABLE, "channel.refused.other", g.Name)
}

// alertGroupStaff tells the group's leads and the facilitators what the
// chat refused and what to do, once a day per kind of problem and person.
func (s *Service) alertGroupStaff(ctx context.Context, g *Group, m *Member, why ChannelRefusal) error {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return err
	}
	day := s.now().In(s.zone).Format("2006-01-02")
	var msgs []*OutboxMessage
	for _, staff := range members {
		if !staff.IsFacilitator() && !slices.Contains(g.Leads, staff.UserID) {
			continue
		}
		p := s.printer(staff)
		msgs = append(msgs, &OutboxMessage{
			DedupeKey: fmt.Sprintf("channel-alert:%d:%s:%s:%s", g.ID, why, day, staff.UserID),
			To:        Recipient{User: staff.UserID},
			Message: Response{Sections: []Section{
				Paragraph(Text(p.T("channel.alert.lead")+" "), Mention(m.UserID), Text(" "+p.T("channel.alert.group", g.Name)+" "), ChannelLink(g.Channel, g.Slug), Text(".")),
				Paragraph(Text(p.T("channel.alert." + string(why)))),
			}},
		})
	}
	if len(msgs) == 0 {
		return nil
	}
	return s.enqueue(ctx, msgs...)
}
