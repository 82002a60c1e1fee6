package bot

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"cercle/commands"
)

// This file sends answers to Slack after the ack, each call with a Slack
// turn (see admission.go), so a hung Web API holds only those turns.

// triggerLifetime is how long after a click or a command Slack accepts
// its trigger_id for views.open.
const triggerLifetime = 3 * time.Second

// deliver runs fn, calls to Slack's Web API, with a Slack turn. Failures
// are logged by step or by fn.
func (b *Bot) deliver(ctx context.Context, fn func(ctx context.Context)) {
	_ = b.step(ctx, classSlack, fn)
}

// formView renders a form as a modal in the member's language.
func (b *Bot) formView(ctx context.Context, f *commands.Form, u commands.User) slack.ModalViewRequest {
	p := b.service.Printer(ctx, u)
	return modal(f, p.T("bot.cancel"))
}

// openForm opens a modal on a trigger. Its wait for a turn ends with the
// trigger's life: past it, Slack would refuse the view anyway.
//
// A form that cannot open (its trigger lapsed while the request waited, or
// Slack refused it) is not left silent: the member is told, where the
// answer would have gone (the response_url, else a DM), to ask again.
func (b *Bot) openForm(ctx context.Context, arrived time.Time, trigger string, view slack.ModalViewRequest, u commands.User, responseURL string) {
	var opened bool
	err := b.stepBy(ctx, classSlack, arrived.Add(triggerLifetime), func(ctx context.Context) {
		if _, err := b.api.OpenViewContext(ctx, trigger, view); err != nil {
			b.logger.Warn("form not opened", "form", view.CallbackID, "slack_user", u.ID, "err", err)
			return
		}
		opened = true
	})
	if opened || err != nil && ctx.Err() != nil {
		return
	}
	b.formNotShown(ctx, u, responseURL)
}

// formNotShown tells the member a form could not be shown and to ask
// again: where the answer would have gone (the response_url), else by DM.
func (b *Bot) formNotShown(ctx context.Context, u commands.User, responseURL string) {
	p := b.service.Printer(ctx, u)
	resp := &commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text(p.T("bot.form_not_opened")))}}
	if responseURL != "" {
		b.respond(ctx, responseURL, resp)
		return
	}
	b.notify(ctx, u.ID, resp)
}

// replaceForm shows a form in place of the modal whose button asked for
// it, such as the next page of a roll call on the previous page's result:
// Slack changes a modal it shows with views.update, as views.open from
// inside a modal is not reliably shown. A form that cannot be shown is
// said by DM, as by openForm.
func (b *Bot) replaceForm(ctx context.Context, viewID string, view slack.ModalViewRequest, u commands.User) {
	var shown bool
	err := b.step(ctx, classSlack, func(ctx context.Context) {
		if _, err := b.api.UpdateViewContext(ctx, view, "", "", viewID); err != nil {
			b.logger.Warn("form not shown", "form", view.CallbackID, "slack_user", u.ID, "err", err)
			return
		}
		shown = true
	})
	if shown || err != nil && ctx.Err() != nil {
		return
	}
	b.formNotShown(ctx, u, "")
}

func (b *Bot) publishHome(ctx context.Context, id commands.UserID, view slack.HomeTabViewRequest) {
	_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: string(id), View: view})
	if err != nil {
		b.logger.Warn("home not published", "slack_user", id, "err", err)
	}
}

// notify sends an answer to a member's DM.
func (b *Bot) notify(ctx context.Context, id commands.UserID, resp *commands.Response) {
	b.deliver(ctx, func(ctx context.Context) {
		if _, err := b.notifier.Notify(ctx, commands.Recipient{User: id}, resp, commands.Delivery{}); err != nil {
			b.logger.Warn("reply by DM not delivered", "slack_user", id, "err", err)
		}
	})
}

// respond posts an answer to a response_url.
func (b *Bot) respond(ctx context.Context, responseURL string, resp *commands.Response) {
	if responseURL == "" {
		return
	}
	m := message(resp)
	b.deliver(ctx, func(ctx context.Context) { b.postWebhook(ctx, responseURL, m) })
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
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, b.hooks, wm); err != nil {
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
