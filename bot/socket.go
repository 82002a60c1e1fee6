package bot

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"cercle/commands"
)

// RunSocketMode connects to Slack over a WebSocket and handles envelopes
// until ctx ends. slack-go reconnects by itself; RunSocketMode returns only
// on a fatal error (a revoked token) or when ctx ends.
func (b *Bot) RunSocketMode(ctx context.Context) error {
	sm := socketmode.New(b.api)
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case evt := <-sm.Events:
			b.dispatchSocket(ctx, sm, evt)
		}
	}
}

// dispatchSocket hands an envelope to a worker. The events channel must be
// drained fast: a slow consumer stops the reads, acks come late and Slack
// retries. What needs no work is acked right here.
func (b *Bot) dispatchSocket(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeErrorBadMessage:
		// slack-go never acks an envelope it cannot parse, and Slack then
		// redelivers it forever: ack it by its raw envelope id.
		bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
		if !ok {
			return
		}
		var env struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
			b.ack(ctx, sm, env.EnvelopeID, nil, "")
		}
		b.logger.Warn("unparsable socket mode envelope acked", "err", bad.Cause)
		return
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeHello:
		b.logger.Debug("socket mode", "state", string(evt.Type))
		return
	case socketmode.EventTypeInvalidAuth:
		b.logger.Error("socket mode: invalid app token")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.logger.Warn("socket mode trouble; slack-go reconnects", "state", string(evt.Type))
		return
	}
	if evt.Request == nil {
		return
	}
	if b.work.start(ctx, "socket", func(ctx context.Context) { b.socketEvent(ctx, sm, evt) }) {
		return
	}
	var payload any
	if cmd, ok := evt.Data.(slack.SlashCommand); ok {
		payload = message(b.busy(ctx, commands.User{ID: commands.UserID(cmd.UserID)}))
	}
	b.ack(ctx, sm, evt.Request.EnvelopeID, payload, "")
}

// socketEvent handles one envelope and acks it exactly once: whatever
// happens, including a panic, an envelope leaves acked.
func (b *Bot) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	start := time.Now()
	var once sync.Once
	ack := func(kind string, payload any, responseURL string) {
		once.Do(func() {
			b.ack(ctx, sm, evt.Request.EnvelopeID, payload, responseURL)
			b.metrics.Ack(kind, time.Since(start))
		})
	}
	defer func() {
		p := recover()
		ack("other", nil, "")
		if p != nil {
			panic(p) // the worker logs it
		}
	}()
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		b.slashCommand(ctx, data, func(payload any) { ack("slash", payload, data.ResponseURL) })
	case slack.InteractionCallback:
		ack("interaction", b.interaction(ctx, &data), "")
	case slackevents.EventsAPIEvent:
		ack("event", nil, "")
		b.event(ctx, data)
	}
}

// ack sends one ack. Slack drops a Socket Mode ack of 20 KB or more, so a
// payload that large is acked empty and sent through response_url.
func (b *Bot) ack(ctx context.Context, sm *socketmode.Client, envelopeID string, payload any, responseURL string) {
	err := sm.AckCtx(ctx, envelopeID, payload)
	if err == nil || payload == nil {
		if err != nil {
			b.logger.Warn("socket mode ack failed", "err", err)
		}
		return
	}
	b.logger.Warn("socket mode ack refused; sending it through response_url", "err", err)
	if err := sm.AckCtx(ctx, envelopeID, nil); err != nil {
		b.logger.Warn("socket mode ack failed", "err", err)
	}
	if msg, ok := payload.(*slack.Msg); ok && responseURL != "" {
		b.postWebhook(ctx, responseURL, msg)
	}
}
