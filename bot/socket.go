package bot

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
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
			// The events channel must be drained fast: a slow consumer stops
			// the reads, acks come late and Slack retries.
			if !b.work.start(ctx, "socket", func(ctx context.Context) { b.socketEvent(ctx, sm, evt) }) && evt.Request != nil {
				b.ack(ctx, sm, evt.Request.EnvelopeID, nil, "")
			}
		}
	}
}

// socketEvent acks one envelope, exactly once, through the shared dispatch.
func (b *Bot) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	start := time.Now()
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		b.slashCommand(ctx, cmd, func(payload any) {
			b.ack(ctx, sm, evt.Request.EnvelopeID, payload, cmd.ResponseURL)
			b.metrics.Ack("slash", time.Since(start))
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		payload := b.interaction(ctx, &cb)
		b.ack(ctx, sm, evt.Request.EnvelopeID, payload, "")
		b.metrics.Ack("interaction", time.Since(start))
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		b.ack(ctx, sm, evt.Request.EnvelopeID, nil, "")
		b.metrics.Ack("event", time.Since(start))
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			b.event(ctx, ev)
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go never acks an envelope it cannot parse, and Slack then
		// redelivers it forever: ack it here by its raw envelope id.
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
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeHello:
		b.logger.Debug("socket mode", "state", string(evt.Type))
	case socketmode.EventTypeInvalidAuth:
		b.logger.Error("socket mode: invalid app token")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.logger.Warn("socket mode trouble; slack-go reconnects", "state", string(evt.Type))
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
