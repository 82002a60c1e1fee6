package bot

import (
	"cmp"
	"context"
	"strings"

	"github.com/slack-go/slack/slackevents"

	"cercle/commands"
)

// event handles an Events API callback: acked at once, then handled once
// per event_id. The deduplication and the core's part take a database
// turn; what goes back to Slack (the Home view, a chat reply) then takes a
// Slack turn.
func (b *Bot) event(ctx context.Context, ev slackevents.EventsAPIEvent, ack func(payload any)) {
	ack(nil)
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return
	}
	// Who the bot is, when the event needs it, is asked before the
	// database turn: auth.test is a Slack call, and a turn is never taken
	// inside another.
	var me self
	if needed, url := needsSelf(ev.InnerEvent.Data); needed {
		me = b.whoAmI(ctx, cb, url)
	}
	var next func(ctx context.Context)
	err := b.step(ctx, classDB, func(ctx context.Context) {
		err := b.service.HandleEventOnce(ctx, cb.EventID, func() {
			next = b.eventWork(ctx, ev.InnerEvent.Data, me, cb.TeamID)
		})
		if err != nil {
			b.logger.Error("event not recorded", "event_id", cb.EventID, "err", err)
		}
	})
	if err == nil && next != nil {
		next(ctx)
	}
}

// eventWork runs the core's part of an event and returns what follows,
// or nil: what follows holds no turn and takes its own (a Slack turn to
// send, a model turn for a question). me is the bot's self, for the
// events that need it (see needsSelf); team is the workspace's id.
func (b *Bot) eventWork(ctx context.Context, data any, me self, team string) func(ctx context.Context) {
	switch e := data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "" && e.Tab != "home" {
			return nil
		}
		id := commands.UserID(e.User)
		view := homeView(b.service.Home(ctx, commands.User{ID: id}))
		return b.onSlack(func(ctx context.Context) { b.publishHome(ctx, id, view) })
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" {
			return nil
		}
		thread := commands.ThreadRef{Channel: commands.ChannelID(e.Channel), TS: cmp.Or(e.ThreadTimeStamp, e.TimeStamp)}
		return b.chat(ctx, &commands.Request{Kind: commands.KindMention, Text: stripMentions(e.Text),
			User: commands.User{ID: commands.UserID(e.User), TeamID: team}, ChannelID: commands.ChannelID(e.Channel)}, thread, team)
	case *slackevents.MessageEvent:
		if inChannel(e) {
			b.channelEvent(ctx, e, me)
			return nil
		}
		// Only people writing to the bot in its DM; edits, joins and
		// bots' messages (including ours) carry a subtype or bot id.
		if e.ChannelType != "im" || e.SubType != "" || e.BotID != "" || e.User == "" {
			return nil
		}
		thread := commands.ThreadRef{Channel: commands.ChannelID(e.Channel), TS: e.ThreadTimeStamp}
		return b.chat(ctx, &commands.Request{Kind: commands.KindDirectMessage, Text: stripMentions(e.Text),
			User: commands.User{ID: commands.UserID(e.User), TeamID: team}, ChannelID: commands.ChannelID(e.Channel)}, thread, team)
	case *slackevents.AssistantThreadStartedEvent:
		return b.threadStarted(ctx, e.AssistantThread)
	case *slackevents.AssistantThreadContextChangedEvent:
		b.saveThreadContext(ctx, e.AssistantThread)
	case *slackevents.MemberJoinedChannelEvent, *slackevents.MemberLeftChannelEvent,
		*slackevents.ReactionAddedEvent, *slackevents.ReactionRemovedEvent:
		b.channelEvent(ctx, e, me)
	}
	return nil
}

// chatAnswer runs a command typed in a mention or a DM and returns the
// reply, to send with a Slack turn: ephemeral in the mention's channel,
// or in the DM.
func (b *Bot) chatAnswer(ctx context.Context, req *commands.Request) func(ctx context.Context) {
	resp := b.service.Handle(ctx, req)
	if resp.Form != nil {
		// No trigger comes with a message: point to the slash command.
		p := b.service.Printer(ctx, req.User)
		resp = &commands.Response{Sections: []commands.Section{commands.Paragraph(
			commands.Text(p.T("bot.form_needs_command")+" "), commands.Code("/cercle "+strings.TrimSpace(req.Text)))}}
	}
	return b.onSlack(func(ctx context.Context) {
		var err error
		if req.Kind == commands.KindMention && !resp.Public {
			_, err = b.api.PostEphemeralContext(ctx, string(req.ChannelID), string(req.User.ID), msgOptions(resp)...)
		} else {
			_, _, err = b.api.PostMessageContext(ctx, string(req.ChannelID), msgOptions(resp)...)
		}
		if err != nil {
			b.logger.Warn("chat reply not delivered", "slack_user", req.User.ID, "err", err)
		}
	})
}

// stripMentions removes the bot's @mention (and any other) from a message,
// leaving the question.
func stripMentions(text string) string {
	var out []string
	for _, w := range strings.Fields(text) {
		if strings.HasPrefix(w, "<@") && strings.HasSuffix(w, ">") {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
