package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"cercle/commands"
)

// This file is the one dispatch both Socket Mode and HTTP mode share: each
// function takes what Slack sent and returns the ack payload (nil for an
// empty ack). HTTP writes the payload as the response body; Socket Mode
// passes it to Ack. Anything slow happens on a worker after the ack.

// slashCommand runs a /cercle command and acks it exactly once through
// ack: with the answer when it is ready within the ack budget, otherwise
// with a "working on it" note, the answer then going to response_url. The
// command runs on the caller's goroutine, so the common fast case costs no
// hand-off; a timer covers the slow case.
func (b *Bot) slashCommand(ctx context.Context, cmd slack.SlashCommand, ack func(payload any)) {
	req := &commands.Request{
		Kind:      commands.KindSlash,
		Text:      cmd.Text,
		User:      commands.User{ID: commands.UserID(cmd.UserID), TeamID: cmd.TeamID, Name: cmd.UserName},
		ChannelID: commands.ChannelID(cmd.ChannelID),
	}
	var (
		once sync.Once
		late bool
	)
	timer := time.AfterFunc(b.cfg.AckBudget, func() {
		once.Do(func() {
			late = true
			p := b.service.Printer(ctx, req.User)
			ack(message(&commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text(p.T("bot.working")))}}))
		})
	})
	defer timer.Stop()
	// Slack may hang up after 3 s; the command goes on regardless.
	workCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.WorkTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			b.logger.Error("panic in slash command", "panic", fmt.Sprint(p))
			resp := b.service.ErrorResponse(workCtx, req.User, fmt.Errorf("panic: %v", p))
			acked := true
			once.Do(func() { acked = false; ack(message(resp)) })
			if acked {
				// The "working on it" ack is gone: the error goes where
				// the answer would have.
				b.respond(workCtx, cmd.ResponseURL, resp)
			}
		}
	}()

	resp := b.service.Handle(workCtx, req)
	if resp.Form != nil {
		b.openForm(workCtx, cmd.TriggerID, resp.Form, req.User)
		resp = nil
	}
	timer.Stop()
	once.Do(func() {
		if resp == nil {
			ack(nil)
		} else {
			ack(message(resp))
		}
	})
	if late && resp != nil {
		b.respond(workCtx, cmd.ResponseURL, resp)
	}
}

func (b *Bot) busy(ctx context.Context, u commands.User) *commands.Response {
	p := b.service.Printer(ctx, u)
	return &commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text(p.T("bot.busy")))}}
}

// interaction handles button presses and modal submissions.
func (b *Bot) interaction(ctx context.Context, cb *slack.InteractionCallback) any {
	user := commands.User{ID: commands.UserID(cb.User.ID), TeamID: cb.Team.ID, Name: cb.User.Name}
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		sub := &commands.Submission{
			FormID: cb.View.CallbackID,
			State:  cb.View.PrivateMetadata,
			Values: formValues(cb.View.State),
			User:   user,
		}
		resp := b.service.Submit(ctx, sub)
		if len(resp.FieldErrors) > 0 {
			return slack.NewErrorsViewSubmissionResponse(resp.FieldErrors)
		}
		if resp.Title == "" && len(resp.Sections) == 0 {
			return slack.NewClearViewSubmissionResponse()
		}
		p := b.service.Printer(ctx, user)
		return slack.NewUpdateViewSubmissionResponse(resultView(resp, p.T("bot.close")))
	case slack.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			act := &commands.Action{
				ID:        a.ActionID,
				Value:     a.Value,
				User:      user,
				ChannelID: commands.ChannelID(cb.Channel.ID),
			}
			if act.Value == "" {
				act.Value = a.SelectedOption.Value
			}
			trigger, responseURL := cb.TriggerID, cb.ResponseURL
			if !b.work.start(ctx, "action", func(ctx context.Context) {
				resp := b.service.Act(ctx, act)
				b.deliverActionResult(ctx, resp, trigger, responseURL, user)
			}) {
				b.respond(ctx, responseURL, b.busy(ctx, user))
			}
		}
	}
	// view_closed, shortcuts and the rest need nothing but the ack.
	return nil
}

// deliverActionResult shows the response to a button press: a form opens
// on the trigger, a message goes to the response_url, or, for buttons on
// the Home tab (which have no response_url), to the member's DM.
func (b *Bot) deliverActionResult(ctx context.Context, resp *commands.Response, trigger, responseURL string, u commands.User) {
	switch {
	case resp.Form != nil:
		b.openForm(ctx, trigger, resp.Form, u)
	case responseURL != "":
		b.respond(ctx, responseURL, resp)
	default:
		if _, err := b.Notifier().Notify(ctx, commands.Recipient{User: u.ID}, resp); err != nil {
			b.logger.Warn("reply to home action not delivered", "slack_user", u.ID, "err", err)
		}
	}
}

// event handles an Events API callback, once per event_id. It reports
// false when the work was refused (every worker busy): the event is then
// not recorded as handled, so Slack's next delivery is.
func (b *Bot) event(ctx context.Context, ev slackevents.EventsAPIEvent) bool {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return true
	}
	err := b.service.HandleEventOnce(ctx, cb.EventID, func() bool {
		switch e := ev.InnerEvent.Data.(type) {
		case *slackevents.AppHomeOpenedEvent:
			if e.Tab != "" && e.Tab != "home" {
				return true
			}
			return b.work.start(ctx, "home", func(ctx context.Context) { b.publishHome(ctx, commands.UserID(e.User)) })
		case *slackevents.AppMentionEvent:
			if e.BotID != "" || e.User == "" {
				return true
			}
			req := &commands.Request{Kind: commands.KindMention, Text: stripMentions(e.Text),
				User: commands.User{ID: commands.UserID(e.User)}, ChannelID: commands.ChannelID(e.Channel)}
			return b.work.start(ctx, "mention", func(ctx context.Context) { b.replyToChat(ctx, req) })
		case *slackevents.MessageEvent:
			// Only people writing to the bot in its DM; edits, joins and
			// bots' messages (including ours) carry a subtype or bot id.
			if e.ChannelType != "im" || e.SubType != "" || e.BotID != "" || e.User == "" {
				return true
			}
			req := &commands.Request{Kind: commands.KindDirectMessage, Text: stripMentions(e.Text),
				User: commands.User{ID: commands.UserID(e.User)}, ChannelID: commands.ChannelID(e.Channel)}
			return b.work.start(ctx, "dm", func(ctx context.Context) { b.replyToChat(ctx, req) })
		}
		return true
	})
	if err != nil {
		b.logger.Error("event not recorded", "event_id", cb.EventID, "err", err)
	}
	return !errors.Is(err, commands.ErrEventRefused)
}

// replyToChat answers a mention (ephemerally, in its channel) or a DM.
func (b *Bot) replyToChat(ctx context.Context, req *commands.Request) {
	resp := b.service.Handle(ctx, req)
	if resp.Form != nil {
		// No trigger comes with a message: point to the slash command.
		p := b.service.Printer(ctx, req.User)
		resp = &commands.Response{Sections: []commands.Section{commands.Paragraph(
			commands.Text(p.T("bot.form_needs_command")+" "), commands.Code("/cercle "+strings.TrimSpace(req.Text)))}}
	}
	var err error
	if req.Kind == commands.KindMention && !resp.Public {
		_, err = b.api.PostEphemeralContext(ctx, string(req.ChannelID), string(req.User.ID), msgOptions(resp)...)
	} else {
		_, _, err = b.api.PostMessageContext(ctx, string(req.ChannelID), msgOptions(resp)...)
	}
	if err != nil {
		b.logger.Warn("chat reply not delivered", "slack_user", req.User.ID, "err", err)
	}
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

func (b *Bot) openForm(ctx context.Context, trigger string, f *commands.Form, u commands.User) {
	p := b.service.Printer(ctx, u)
	if _, err := b.api.OpenViewContext(ctx, trigger, modal(f, p.T("bot.cancel"))); err != nil {
		b.logger.Warn("form not opened", "form", f.ID, "slack_user", u.ID, "err", err)
	}
}

func (b *Bot) publishHome(ctx context.Context, id commands.UserID) {
	resp := b.service.Home(ctx, commands.User{ID: id})
	_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: string(id), View: homeView(resp)})
	if err != nil {
		b.logger.Warn("home not published", "slack_user", id, "err", err)
	}
}

// respond posts a late answer to a response_url.
func (b *Bot) respond(ctx context.Context, responseURL string, resp *commands.Response) {
	if responseURL == "" {
		return
	}
	b.postWebhook(ctx, responseURL, message(resp))
}

func (b *Bot) postWebhook(ctx context.Context, responseURL string, m *slack.Msg) {
	if !b.trustedResponseURL(responseURL) {
		b.logger.Warn("response_url refused: not a Slack address")
		return
	}
	wm := &slack.WebhookMessage{
		Text:            m.Text,
		Blocks:          &m.Blocks,
		ResponseType:    m.ResponseType,
		ReplaceOriginal: m.ReplaceOriginal,
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, b.httpClient(), wm); err != nil {
		// The URL is a capability: log the cause, never the address.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		b.logger.Warn("response_url post failed", "err", err)
	}
}

// trustedResponseURL accepts Slack's hooks host, or the host of the
// configured Web API (a fake Slack in tests and load runs).
func (b *Bot) trustedResponseURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" && u.Host == "hooks.slack.com" {
		return true
	}
	api, err := url.Parse(b.cfg.APIURL)
	return b.cfg.APIURL != "" && err == nil && u.Host == api.Host
}

// ackJSON encodes an ack payload as the HTTP response body.
func ackJSON(payload any) ([]byte, error) {
	if payload == nil {
		return nil, nil
	}
	return json.Marshal(payload)
}
