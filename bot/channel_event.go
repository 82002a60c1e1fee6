package bot

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"cercle/commands"
)

// This file is what the bot hears in the channels it is in, handed to the
// core, which keeps what belongs to a working group: messages (posted,
// edited, deleted), people joining and leaving, reactions. Nothing goes
// back to Slack.

// identityTimeout bounds the auth.test call, its wait for a turn included.
const identityTimeout = 5 * time.Second

// identityRetry is how long a failed auth.test is not tried again: the
// events in between get no permalink.
const identityRetry = time.Minute

// self is who the bot is in its workspace, as auth.test says: the
// workspace's address, to build permalinks from (chat.getPermalink would
// cost one call per message), and the bot's user id, so its own joins
// are not taken for a member's.
type self struct {
	url  string
	user string
}

// identity is the bot's self, asked of auth.test once, when an event first
// needs it.
type identity struct {
	mu      sync.Mutex
	known   self
	ok      bool      // auth.test answered
	retryAt time.Time // after a failure
}

// whoAmI returns the bot's self, asking auth.test if it is not known yet
// (needURL: the workspace's address is needed). Until auth.test answers,
// the bot's user id is read from the event's authorizations, which Slack
// sends with every event.
func (b *Bot) whoAmI(ctx context.Context, cb *slackevents.EventsAPICallbackEvent, needURL bool) self {
	b.identity.mu.Lock()
	defer b.identity.mu.Unlock()
	s := b.identity.known
	if s.user == "" {
		for _, a := range cb.Authorizations {
			if a.IsBot {
				s.user = a.UserID
			}
		}
	}
	if b.identity.ok || !needURL && s.user != "" || time.Now().Before(b.identity.retryAt) {
		return s
	}
	ctx, cancel := context.WithTimeout(ctx, identityTimeout)
	defer cancel()
	var (
		r   *slack.AuthTestResponse
		err error
	)
	if serr := b.step(ctx, classSlack, func(ctx context.Context) { r, err = b.api.AuthTestContext(ctx) }); serr != nil {
		err = serr
	}
	if err != nil {
		b.logger.Warn("auth.test failed: no permalinks for now", "err", err)
		b.identity.retryAt = time.Now().Add(identityRetry)
		return s
	}
	b.identity.known, b.identity.ok = self{url: r.URL, user: r.UserID}, true
	return b.identity.known
}

// needsSelf reports whether an event needs to know the bot's self, and
// which part: a channel's message needs the workspace's address for its
// permalink; joins and departures, the bot's user id.
func needsSelf(data any) (needed, url bool) {
	switch e := data.(type) {
	case *slackevents.MessageEvent:
		return inChannel(e), inChannel(e)
	case *slackevents.MemberJoinedChannelEvent, *slackevents.MemberLeftChannelEvent:
		return true, false
	}
	return false, false
}

// inChannel reports whether a message was posted in a channel, public
// ("channel") or private ("group"), rather than in a DM.
func inChannel(e *slackevents.MessageEvent) bool {
	return e.ChannelType == "channel" || e.ChannelType == "group"
}

// channelEvent hands a channel's event to the core. It logs what the core
// could not record: nothing goes back to Slack, and Slack does not
// redeliver an acked event.
func (b *Bot) channelEvent(ctx context.Context, data any, me self) {
	var (
		err  error
		what string
		ch   string
	)
	switch e := data.(type) {
	case *slackevents.MessageEvent:
		cm := channelMessage(e, me.url)
		if cm == nil {
			return
		}
		what, ch, err = "message", e.Channel, b.service.ChannelMessage(ctx, cm)
	case *slackevents.MemberJoinedChannelEvent:
		if e.User == "" || e.User == me.user {
			return
		}
		what, ch = "join", e.Channel
		err = b.service.ChannelMembership(ctx, commands.ChannelID(e.Channel), commands.UserID(e.User), true)
	case *slackevents.MemberLeftChannelEvent:
		if e.User == "" || e.User == me.user {
			return
		}
		what, ch = "departure", e.Channel
		err = b.service.ChannelMembership(ctx, commands.ChannelID(e.Channel), commands.UserID(e.User), false)
	case *slackevents.ReactionAddedEvent:
		what, ch, err = "reaction", e.Item.Channel, b.reaction(ctx, e.Item, true)
	case *slackevents.ReactionRemovedEvent:
		what, ch, err = "reaction", e.Item.Channel, b.reaction(ctx, e.Item, false)
	}
	if err != nil {
		b.logger.Error("channel event not recorded", "event", what, "slack_channel", ch, "err", err)
	}
}

// reaction counts a reaction on a message; reactions on files are not
// the core's business.
func (b *Bot) reaction(ctx context.Context, item slackevents.Item, added bool) error {
	if item.Type != "message" || item.Channel == "" || item.Timestamp == "" {
		return nil
	}
	return b.service.ChannelReaction(ctx, &commands.ChannelReaction{
		Channel: commands.ChannelID(item.Channel), TS: item.Timestamp, Added: added})
}

// channelMessage is what a message event in a channel tells the core: a
// message posted (by a person or a bot, which the core tells apart), a
// new text, or a deletion. Joins, topic changes and the other subtypes
// are nil: not messages anyone wrote. base is the workspace's address,
// empty when unknown (the message then has no permalink).
func channelMessage(e *slackevents.MessageEvent, base string) *commands.ChannelMessage {
	ch := commands.ChannelID(e.Channel)
	switch e.SubType {
	case "", "thread_broadcast", "file_share", "bot_message":
		return &commands.ChannelMessage{
			Channel: ch, TS: e.TimeStamp, ThreadTS: e.ThreadTimeStamp, Author: commands.UserID(e.User),
			FromBot: e.BotID != "" || e.SubType == "bot_message", Text: unescape(e.Text),
			Permalink: permalink(base, e.Channel, e.TimeStamp, e.ThreadTimeStamp), At: tsTime(e.TimeStamp),
		}
	case "message_changed":
		m, prev := e.Message, e.PreviousMessage
		switch {
		case m == nil || m.Timestamp == "":
			return nil
		case m.SubType == "tombstone":
			// A thread's parent deleted while it has replies: Slack keeps
			// a "This message was deleted." in its place.
			return &commands.ChannelMessage{Channel: ch, TS: m.Timestamp, Deleted: true, At: tsTime(e.TimeStamp)}
		case prev != nil && prev.Text == m.Text:
			// Not an edit: a link unfurled, a reply counted.
			return nil
		}
		at := tsTime(e.TimeStamp)
		if m.Edited != nil && m.Edited.Timestamp != "" {
			at = tsTime(m.Edited.Timestamp)
		}
		return &commands.ChannelMessage{
			Channel: ch, TS: m.Timestamp, ThreadTS: m.ThreadTimestamp, Author: commands.UserID(m.User),
			FromBot: m.BotID != "" || m.SubType == "bot_message", Text: unescape(m.Text),
			Permalink: permalink(base, e.Channel, m.Timestamp, m.ThreadTimestamp), At: at, Edited: true,
		}
	case "message_deleted":
		ts := e.DeletedTimeStamp
		if ts == "" && e.PreviousMessage != nil {
			ts = e.PreviousMessage.Timestamp
		}
		if ts == "" {
			return nil
		}
		return &commands.ChannelMessage{Channel: ch, TS: ts, Deleted: true, At: tsTime(e.TimeStamp)}
	}
	return nil
}

// permalink is a message's address, built as Slack builds it (what
// chat.getPermalink returns) from the workspace's: /archives/<channel>/p
// and the ts without its dot, plus the thread for a reply. Empty when the
// workspace's address is unknown.
func permalink(base, channel, ts, thread string) string {
	if base == "" || channel == "" || ts == "" {
		return ""
	}
	link := strings.TrimSuffix(base, "/") + "/archives/" + channel + "/p" + strings.Replace(ts, ".", "", 1)
	if thread != "" && thread != ts {
		link += "?thread_ts=" + thread + "&cid=" + channel
	}
	return link
}

// tsTime is the moment a Slack ts ("1355517523.000005": seconds and
// microseconds) stands for; now when it cannot be read.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Now()
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

// unescaper undoes the only escaping Slack applies to message text, so
// the core keeps what was typed; rendering escapes it again.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescape(text string) string { return unescaper.Replace(text) }
