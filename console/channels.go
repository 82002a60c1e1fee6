package console

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"cercle/commands"
)

// Channels gives working groups channels that live in the console only:
// with no chat workspace behind it, a group's channel is the name Cercle
// records, members are "in" it by being in the group, and :canal posts
// into it. Nothing can refuse, so every call succeeds.
type Channels struct{}

var _ commands.Channels = Channels{}

func (Channels) CreateChannel(_ context.Context, name string, _ bool) (commands.ChannelID, error) {
	return commands.ChannelID(name), nil
}
func (Channels) JoinChannel(context.Context, commands.ChannelID) error             { return nil }
func (Channels) Invite(context.Context, commands.ChannelID, commands.UserID) error { return nil }
func (Channels) Kick(context.Context, commands.ChannelID, commands.UserID) error   { return nil }
func (Channels) ArchiveChannel(context.Context, commands.ChannelID) error          { return nil }

// postSeq makes each console message's id unique within a second, as
// Slack's ts is.
var postSeq atomic.Int64

// postInChannel runs ":canal <groupe> <texte>": the current member posts
// text in the group's channel, which the core keeps for the digest's
// summary as it would a Slack message.
func (c *Console) postInChannel(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage : :canal <groupe> <texte>")
	}
	ch, err := c.service.GroupChannel(ctx, args[0])
	if err != nil {
		c.show(ctx, c.service.ErrorResponse(ctx, c.user, err))
		return nil
	}
	now := time.Now()
	ts := fmt.Sprintf("%d.%06d", now.Unix(), postSeq.Add(1)%1_000_000)
	msg := &commands.ChannelMessage{Channel: ch, TS: ts, Author: c.user.ID, Text: strings.Join(args[1:], " "), At: now}
	if err := c.service.ChannelMessage(ctx, msg); err != nil {
		return err
	}
	c.printf("#%s · %s : %s\n", strings.TrimPrefix(string(ch), "#"), c.user.ID, msg.Text)
	return nil
}
