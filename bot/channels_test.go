package bot_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
)

// fakeChannels is the Slack Channels over a fake Slack of its own.
func fakeChannels(t *testing.T) (*bot.Channels, *slackfake.Server) {
	t.Helper()
	fake := slackfake.Start()
	t.Cleanup(fake.Stop)
	api := bot.NewClient(bot.Config{BotToken: "xoxb-test", APIURL: fake.APIURL()}, nil, nil)
	return bot.NewChannels(api), fake
}

// channelError returns err as a ChannelError, failing the test if it is not one.
func channelError(t *testing.T, err error) *commands.ChannelError {
	t.Helper()
	var ce *commands.ChannelError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want a *commands.ChannelError", err, err)
	}
	return ce
}

func TestChannelsLifeOnSlack(t *testing.T) {
	ctx := context.Background()
	c, fake := fakeChannels(t)

	id, err := c.CreateChannel(ctx, "Achats groupés.2026 ", true)
	if err != nil {
		t.Fatal(err)
	}
	ch, ok := fake.Channel(string(id))
	if !ok || ch.Name != "achats-group-s-2026" || !ch.Private || !slices.Equal(ch.Members, []string{slackfake.BotUser}) {
		t.Fatalf("created %+v, %v", ch, ok)
	}
	if got := fake.Calls("conversations.create")[0].Form.Get("is_private"); got != "true" {
		t.Errorf("is_private = %q", got)
	}
	if err := c.Invite(ctx, id, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Invite(ctx, id, "U1"); channelError(t, err).Refusal != commands.RefusedAlreadyIn {
		t.Errorf("second invite: %v", err)
	}
	if err := c.Kick(ctx, id, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Kick(ctx, id, "U1"); channelError(t, err).Refusal != commands.RefusedNotIn {
		t.Errorf("second kick: %v", err)
	}
	if err := c.JoinChannel(ctx, id); channelError(t, err).Refusal != commands.RefusedBotNotIn {
		t.Errorf("joining a private channel: %v", err)
	}
	if _, err := c.CreateChannel(ctx, "achats-group-s-2026", false); channelError(t, err).Refusal != commands.RefusedNameTaken {
		t.Errorf("same name: %v", err)
	}
	if err := c.ArchiveChannel(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.Invite(ctx, id, "U2"); channelError(t, err).Refusal != commands.RefusedArchived {
		t.Errorf("invite to an archived channel: %v", err)
	}
	if ch, _ := fake.Channel(string(id)); !ch.Archived {
		t.Errorf("not archived: %+v", ch)
	}

	// A public channel made elsewhere, linked: the bot joins it.
	public := fake.AddChannel("entraide", false, "U3")
	if err := c.JoinChannel(ctx, commands.ChannelID(public)); err != nil {
		t.Fatal(err)
	}
	if ch, _ := fake.Channel(public); !slices.Contains(ch.Members, slackfake.BotUser) {
		t.Errorf("bot not in the linked channel: %+v", ch)
	}
	if _, err := c.CreateChannel(ctx, " .-", false); channelError(t, err).Refusal != commands.RefusedOther {
		t.Errorf("empty name: %v", err)
	}
}

func TestChannelsRefusals(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(c *bot.Channels) error{
		"conversations.create": func(c *bot.Channels) error {
			_, err := c.CreateChannel(ctx, "achats", false)
			return err
		},
		"conversations.join":    func(c *bot.Channels) error { return c.JoinChannel(ctx, "C1") },
		"conversations.invite":  func(c *bot.Channels) error { return c.Invite(ctx, "C1", "U1") },
		"conversations.kick":    func(c *bot.Channels) error { return c.Kick(ctx, "C1", "U1") },
		"conversations.archive": func(c *bot.Channels) error { return c.ArchiveChannel(ctx, "C1") },
	}
	for _, tt := range []struct {
		method, code string
		want         commands.ChannelRefusal
	}{
		{"conversations.create", "name_taken", commands.RefusedNameTaken},
		{"conversations.create", "missing_scope", commands.RefusedMissingScope},
		{"conversations.create", "not_allowed_token_type", commands.RefusedMissingScope},
		{"conversations.create", "restricted_action", commands.RefusedMissingScope},
		{"conversations.create", "invalid_name_specials", commands.RefusedOther},
		{"conversations.join", "is_archived", commands.RefusedArchived},
		{"conversations.join", "channel_not_found", commands.RefusedNotFound},
		{"conversations.join", "method_not_supported_for_channel_type", commands.RefusedBotNotIn},
		{"conversations.join", "missing_scope", commands.RefusedMissingScope},
		{"conversations.invite", "already_in_channel", commands.RefusedAlreadyIn},
		{"conversations.invite", "not_in_channel", commands.RefusedBotNotIn},
		{"conversations.invite", "is_archived", commands.RefusedArchived},
		{"conversations.invite", "channel_is_archived", commands.RefusedArchived},
		{"conversations.invite", "channel_not_found", commands.RefusedNotFound},
		{"conversations.invite", "restricted_action", commands.RefusedMissingScope},
		{"conversations.invite", "cant_invite", commands.RefusedOther},
		{"conversations.invite", "method_not_supported_for_channel_type", commands.RefusedOther},
		{"conversations.kick", "not_in_channel", commands.RefusedNotIn},
		{"conversations.kick", "cant_kick_self", commands.RefusedCantKick},
		{"conversations.kick", "cant_kick_from_general", commands.RefusedCantKick},
		{"conversations.kick", "restricted_action", commands.RefusedCantKick},
		{"conversations.kick", "channel_not_found", commands.RefusedNotFound},
		{"conversations.archive", "already_archived", commands.RefusedArchived},
		{"conversations.archive", "not_in_channel", commands.RefusedBotNotIn},
		{"conversations.archive", "missing_scope", commands.RefusedMissingScope},
		{"conversations.archive", "cant_archive_general", commands.RefusedOther},
		{"conversations.archive", "internal_error", commands.RefusedOther},
	} {
		t.Run(tt.method+"/"+tt.code, func(t *testing.T) {
			c, fake := fakeChannels(t)
			fake.Script(tt.method, slackfake.Reply{Body: `{"ok":false,"error":"` + tt.code + `"}`})
			ce := channelError(t, calls[tt.method](c))
			if ce.Refusal != tt.want || ce.Detail != tt.code || ce.Err == nil {
				t.Errorf("got %s (%s, %v), want %s (%s)", ce.Refusal, ce.Detail, ce.Err, tt.want, tt.code)
			}
		})
	}
}

func TestChannelsSlackUnavailable(t *testing.T) {
	ctx := context.Background()
	t.Run("RateLimited", func(t *testing.T) {
		c, fake := fakeChannels(t)
		fake.Script("conversations.invite", slackfake.Reply{Status: http.StatusTooManyRequests, RetryAfter: "7"})
		ce := channelError(t, c.Invite(ctx, "C1", "U1"))
		if ce.Refusal != commands.RefusedRateLimited || ce.RetryAfter != 7*time.Second {
			t.Errorf("got %s after %s, want rate_limited after 7s", ce.Refusal, ce.RetryAfter)
		}
	})
	t.Run("RateLimitedWithoutRetryAfter", func(t *testing.T) {
		c, fake := fakeChannels(t)
		fake.Script("conversations.create", slackfake.Reply{Status: http.StatusTooManyRequests})
		_, err := c.CreateChannel(ctx, "achats", false)
		if ce := channelError(t, err); ce.Refusal != commands.RefusedRateLimited || ce.RetryAfter != time.Minute {
			t.Errorf("got %s after %s, want rate_limited after a minute", ce.Refusal, ce.RetryAfter)
		}
	})
	t.Run("ServerError", func(t *testing.T) {
		c, fake := fakeChannels(t)
		fake.Script("conversations.kick", slackfake.Reply{Status: http.StatusServiceUnavailable})
		if ce := channelError(t, c.Kick(ctx, "C1", "U1")); ce.Refusal != commands.RefusedOther || ce.Detail != "http_503" {
			t.Errorf("got %s (%s)", ce.Refusal, ce.Detail)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		c, fake := fakeChannels(t)
		block := make(chan struct{})
		defer close(block)
		fake.Script("conversations.archive", slackfake.Reply{Block: block})
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if ce := channelError(t, c.ArchiveChannel(ctx, "C1")); ce.Refusal != commands.RefusedOther || ce.Detail != "timeout" {
			t.Errorf("got %s (%s, %v)", ce.Refusal, ce.Detail, ce.Err)
		}
	})
	t.Run("Unreachable", func(t *testing.T) {
		c, fake := fakeChannels(t)
		fake.Stop()
		if ce := channelError(t, c.JoinChannel(ctx, "C1")); ce.Refusal != commands.RefusedOther || ce.Detail != "transport" {
			t.Errorf("got %s (%s, %v)", ce.Refusal, ce.Detail, ce.Err)
		}
	})
}
