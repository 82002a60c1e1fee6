package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode connects to Slack over a WebSocket and handles envelopes
// until ctx ends. slack-go reconnects by itself; RunSocketMode returns only
// on a fatal error (a revoked token) or when ctx ends. Work taken in keeps
// running after it returns: call Wait.
//
// The read loop never waits for work: slack-go stops reading the socket
// while its events channel (50) is full, acks then come late and Slack
// retries or, for interactions, gives up. So each envelope gets its own
// goroutine at once, which acks it and waits for its turns (admission.go).
// A goroutine is a few kilobytes, and the number of them is bounded by
// Slack's delivery rate times the longest life of a request (twice the
// work timeout: the core's step, then the delivery to Slack); a
// bounded queue in front of dispatchers would instead have to block the
// loop or drop envelopes once full, and an envelope acked is never to be
// lost.
//
// When ctx ends, no envelope is taken in any more, but the connection
// stays open until those taken in are acked (an ack leaves within the ack
// budget), so a request already handled is not redelivered to the next
// process; envelopes left unacked are redelivered, as they should be.
func (b *Bot) RunSocketMode(ctx context.Context) error {
	conn, closeConn := context.WithCancel(context.WithoutCancel(ctx))
	defer closeConn()
	sm := socketmode.New(b.api)
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(conn) }()
	for {
		select {
		case <-ctx.Done():
			drain, cancel := context.WithTimeout(conn, b.cfg.AckBudget+time.Second)
			_ = b.adm.wait(drain) // done early when all work has ended
			cancel()
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case evt := <-sm.Events:
			b.dispatchSocket(conn, sm, evt)
		}
	}
}

// dispatchSocket hands an envelope to its own goroutine, counted by Wait,
// and deals with the connection's own events.
func (b *Bot) dispatchSocket(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	arrived := time.Now()
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
			done := b.adm.track()
			go func() {
				defer done()
				b.ack(ctx, sm, env.EnvelopeID, nil, "")
			}()
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
	done := b.adm.track()
	go func() {
		defer done()
		b.socketEvent(ctx, sm, evt, arrived)
	}()
}

// socketEvent handles one envelope and acks it exactly once: whatever
// happens, including a panic, an envelope leaves acked. Acks use ctx, the
// connection's, so they stop with it; the work is detached from it and
// goes on.
func (b *Bot) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, arrived time.Time) {
	var once sync.Once
	ackAs := func(kind, responseURL string) func(payload any) {
		return func(payload any) {
			once.Do(func() {
				b.ack(ctx, sm, evt.Request.EnvelopeID, payload, responseURL)
				b.metrics.Ack(kind, time.Since(arrived))
			})
		}
	}
	defer func() {
		p := recover()
		if p != nil {
			b.logger.Error("panic handling a socket mode envelope", "panic", fmt.Sprint(p))
		}
		ackAs("other", "")(nil)
	}()
	work := context.WithoutCancel(ctx)
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		b.slashCommand(work, data, arrived, ackAs("slash", data.ResponseURL))
	case slack.InteractionCallback:
		b.interaction(work, &data, arrived, ackAs("interaction", ""))
	case slackevents.EventsAPIEvent:
		b.event(work, data, ackAs("event", ""))
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
		b.deliver(context.WithoutCancel(ctx), func(ctx context.Context) { b.postWebhook(ctx, responseURL, msg) })
	}
}
