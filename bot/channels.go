package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"cercle/commands"
)

var _ commands.Channels = (*Channels)(nil)

// channelCallTimeout bounds each conversations.* call: a group's channel
// is made or changed while someone waits for the answer.
const channelCallTimeout = 5 * time.Second

// defaultRetryAfter is how long to wait after a 429 that does not say:
// the conversations.* methods are Tier 2 or 3 (20 to 50 calls a minute),
// so a minute is always enough, as slack-go's own retry default has it.
const defaultRetryAfter = time.Minute

// maxChannelName is the longest channel name Slack accepts.
const maxChannelName = 80

// Channels creates and manages working groups' channels over the Web API
// (conversations.create, .join, .invite, .kick, .archive). Every call has
// its own deadline, and every failure is a *commands.ChannelError saying
// why, by Slack's error code, which it keeps in Detail.
type Channels struct {
	api     *slack.Client
	timeout time.Duration
}

// NewChannels returns the working groups' channels over api (from
// NewClient).
func NewChannels(api *slack.Client) *Channels {
	return &Channels{api: api, timeout: channelCallTimeout}
}

// CreateChannel creates a public or private channel, which the bot is in,
// named after name made acceptable to Slack.
func (c *Channels) CreateChannel(ctx context.Context, name string, private bool) (commands.ChannelID, error) {
	name = channelName(name)
	if name == "" {
		return "", &commands.ChannelError{Refusal: commands.RefusedOther, Detail: "invalid_name_required"}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	ch, err := c.api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: name, IsPrivate: private})
	if err != nil {
		return "", channelError("conversations.create", err)
	}
	return commands.ChannelID(ch.ID), nil
}

// JoinChannel puts the bot in a public channel; Slack lets no app join a
// private one by itself, which is refused as RefusedBotNotIn.
func (c *Channels) JoinChannel(ctx context.Context, ch commands.ChannelID) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// A bot already in the channel gets ok with a warning: nothing to do.
	if _, _, _, err := c.api.JoinConversationContext(ctx, string(ch)); err != nil {
		return channelError("conversations.join", err)
	}
	return nil
}

// Invite adds a member to a channel the bot is in.
func (c *Channels) Invite(ctx context.Context, ch commands.ChannelID, user commands.UserID) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if _, err := c.api.InviteUsersToConversationContext(ctx, string(ch), string(user)); err != nil {
		return channelError("conversations.invite", err)
	}
	return nil
}

// Kick removes a member from a channel.
func (c *Channels) Kick(ctx context.Context, ch commands.ChannelID, user commands.UserID) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := c.api.KickUserFromConversationContext(ctx, string(ch), string(user)); err != nil {
		return channelError("conversations.kick", err)
	}
	return nil
}

// ArchiveChannel archives a channel; one archived already is refused as
// RefusedArchived.
func (c *Channels) ArchiveChannel(ctx context.Context, ch commands.ChannelID) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := c.api.ArchiveConversationContext(ctx, string(ch)); err != nil {
		return channelError("conversations.archive", err)
	}
	return nil
}

// channelError says why a conversations.* call failed, as the core's
// ChannelError: by Slack's error code when Slack answered, rate limited on
// 429, RefusedOther for the rest (Slack unreachable, 5xx, a timeout).
func channelError(method string, err error) error {
	ce := &commands.ChannelError{Refusal: commands.RefusedOther, Err: err}
	var (
		rl     *slack.RateLimitedError
		status slack.StatusCodeError
		apiErr slack.SlackErrorResponse
	)
	switch {
	case errors.As(err, &rl):
		ce.Refusal, ce.RetryAfter, ce.Detail = commands.RefusedRateLimited, rl.RetryAfter, "ratelimited"
	case errors.As(err, &status):
		ce.Detail = fmt.Sprintf("http_%d", status.Code)
		if status.Code == http.StatusTooManyRequests {
			ce.Refusal, ce.RetryAfter = commands.RefusedRateLimited, defaultRetryAfter
		}
	case errors.As(err, &apiErr):
		ce.Detail, ce.Refusal = apiErr.Err, refusal(method, apiErr.Err)
		if ce.Refusal == commands.RefusedRateLimited {
			ce.RetryAfter = defaultRetryAfter
		}
	case errors.Is(err, context.DeadlineExceeded):
		ce.Detail = "timeout"
	default:
		ce.Detail = "transport"
	}
	return ce
}

// refusal reads one of Slack's error codes for a method. A few codes mean
// different things by method: not_in_channel is about the member on kick
// (they are not in it) and about the bot elsewhere; restricted_action is
// a member who may not be removed on kick, and a workspace setting that
// forbids the app elsewhere.
func refusal(method, code string) commands.ChannelRefusal {
	kick := method == "conversations.kick"
	switch code {
	case "is_archived", "channel_is_archived", "already_archived":
		return commands.RefusedArchived
	case "missing_scope", "not_allowed_token_type", "no_permission":
		return commands.RefusedMissingScope
	case "restricted_action":
		if kick {
			return commands.RefusedCantKick
		}
		return commands.RefusedMissingScope
	case "already_in_channel":
		return commands.RefusedAlreadyIn
	case "not_in_channel":
		if kick {
			return commands.RefusedNotIn
		}
		return commands.RefusedBotNotIn
	case "method_not_supported_for_channel_type":
		// Slack's answer to an app joining a private channel by itself.
		if method == "conversations.join" {
			return commands.RefusedBotNotIn
		}
	case "name_taken":
		return commands.RefusedNameTaken
	case "channel_not_found":
		return commands.RefusedNotFound
	case "cant_kick_self", "cant_kick_from_general", "not_supported":
		if kick {
			return commands.RefusedCantKick
		}
	case "ratelimited":
		return commands.RefusedRateLimited
	}
	return commands.RefusedOther
}

// channelName makes name a channel name Slack takes: lower case, letters,
// digits, hyphens and underscores only (anything else, spaces and periods
// included, becomes one hyphen), no hyphen at either end, at most 80
// characters. The core passes a group's slug, which already is one; this
// is a guard.
func channelName(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
			hyphen = false
		case b.Len() > 0 && !hyphen:
			b.WriteByte('-')
			hyphen = true
		}
	}
	out := b.String()
	if len(out) > maxChannelName {
		out = out[:maxChannelName]
	}
	return strings.TrimRight(out, "-")
}
