package commands

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// deliver makes one attempt at m's parts not yet sent and records its
// outcome. It returns an error only when the outcome could not be
// recorded, or when ctx ended.
func (o *Outbox) deliver(ctx context.Context, m *OutboxMessage) (bool, error) {
	msg, err := o.message(ctx, m)
	if err == nil && msg == nil {
		// Stale news: recorded as done, never sent.
		return false, o.markSent(ctx, m, MessageRef{})
	}
	if err != nil {
		return false, o.failed(ctx, m, err)
	}
	p := progress{stored: Delivery{Key: m.DedupeKey, Done: m.PartsDone, Ref: m.Ref}, storedFlight: m.InFlightAt}
	d := p.stored
	if !m.InFlightAt.IsZero() && d.Done == 0 {
		// A send of the text began and was never recorded (a crash, a
		// timeout): look for it before sending it again.
		if held, err := o.holdIfPaused(ctx, m, -1); held || err != nil {
			return false, err
		}
		lookCtx, cancel := context.WithTimeout(ctx, o.SendTimeout)
		ref, found, err := o.Notifier.FindSent(lookCtx, m.To, m.DedupeKey, m.InFlightAt)
		cancel()
		var de *DeliveryError
		if err != nil && errors.As(err, &de) && de.Permanent {
			// History cannot be read (a missing scope): send again, at
			// the risk of one duplicate, rather than never.
			o.Logger.Warn("outbox lookup impossible, sending again", "outbox_id", m.ID, "err", err)
		} else if err != nil {
			return false, o.failed(ctx, m, err)
		}
		if found {
			d.Done, d.Ref = 1, ref
		}
		if err := p.record(ctx, o, m.ID, d, time.Time{}); err != nil {
			return false, err
		}
	}
	if d.Done >= 1+len(msg.Files) {
		return true, o.markSent(ctx, m, d.Ref)
	}
	if held, err := o.holdIfPaused(ctx, m, d.Done); held || err != nil {
		return false, err
	}
	if d.Done == 0 {
		// In flight from now until the outcome is known: a crash in
		// between leaves a mark that makes the next run look first.
		if err := p.record(ctx, o, m.ID, d, o.Now()); err != nil {
			return false, err
		}
	}
	d.Upto = o.firstPaused(d.Done+1, 1+len(msg.Files))
	sendCtx, cancel := context.WithTimeout(ctx, o.SendTimeout)
	got, err := o.Notifier.Notify(sendCtx, m.To, msg, d)
	cancel()
	o.lastSent[m.To] = o.Now()
	got.Upto = 0
	if err == nil && got.Done >= 1+len(msg.Files) {
		return true, o.markSent(ctx, m, got.Ref)
	}
	if err == nil {
		// Stopped before a paused part: what got through is kept, the rest
		// waits for the pause to end.
		if err := p.record(ctx, o, m.ID, got, time.Time{}); err != nil {
			return false, err
		}
		_, err := o.holdIfPaused(ctx, m, got.Done)
		return false, err
	}
	flight := p.storedFlight
	var de *DeliveryError
	if got.Done > 0 || errors.As(err, &de) && !de.MaybeSent && ctx.Err() == nil {
		flight = time.Time{} // the text is recorded, or surely not sent
	}
	if err := p.record(ctx, o, m.ID, got, flight); err != nil {
		return false, err
	}
	if ctx.Err() != nil {
		// Stopping: the attempt was cut short, not failed. Leave it pending.
		return false, ctx.Err()
	}
	return false, o.failed(ctx, m, err)
}

// progress is what the store holds of a message's parts and flight, so
// it is written only when it changes.
type progress struct {
	stored       Delivery
	storedFlight time.Time
}

func (p *progress) record(ctx context.Context, o *Outbox, id int64, d Delivery, flight time.Time) error {
	if d == p.stored && flight.Equal(p.storedFlight) {
		return nil
	}
	if err := o.Store.SetMessageProgress(context.WithoutCancel(ctx), id, d, flight); err != nil {
		return fmt.Errorf("record progress of message %d: %w", id, err)
	}
	p.stored, p.storedFlight = d, flight
	return nil
}

// firstPaused returns the first part from "from" on (below total) whose
// calls are paused by a rate limit, or 0 if none is.
func (o *Outbox) firstPaused(from, total int) int {
	for i := from; i < total; i++ {
		if !o.pausedUntil(i).IsZero() {
			return i
		}
	}
	return 0
}

// pausedUntil returns when the calls part i needs are all free again, and
// which one waits longest; the zero time if none is paused.
func (o *Outbox) pausedUntil(i int) (until time.Time) {
	until, _ = o.pausedMethod(i)
	return until
}

func (o *Outbox) pausedMethod(i int) (until time.Time, method string) {
	now := o.Now()
	for _, name := range o.Notifier.PartMethods(i) {
		if t := o.paused[name]; t.After(now) && t.After(until) {
			until, method = t, name
		}
	}
	return until, method
}

// holdIfPaused postpones m, without counting an attempt, when a call its
// next part needs is paused by a rate limit; it reports whether it did.
func (o *Outbox) holdIfPaused(ctx context.Context, m *OutboxMessage, part int) (bool, error) {
	until, method := o.pausedMethod(part)
	if until.IsZero() {
		return false, nil
	}
	if err := o.Store.PostponeMessage(context.WithoutCancel(ctx), m.ID, until, "waiting out the rate limit of "+method); err != nil {
		return false, fmt.Errorf("postpone message %d: %w", m.ID, err)
	}
	return true, nil
}

// failed records a failed attempt. Waiting on a rate limit is not a
// failure: the message is postponed, its method paused for everyone, and
// no attempt counted, so a long 429 storm gives nothing up.
func (o *Outbox) failed(ctx context.Context, m *OutboxMessage, err error) error {
	log := o.Logger.With("outbox_id", m.ID, "dedupe_key", m.DedupeKey, "err", err)
	var de *DeliveryError
	if errors.As(err, &de) && de.RetryAfter > 0 && !de.Permanent {
		until := o.Now().Add(de.RetryAfter)
		if de.Method != "" && until.After(o.paused[de.Method]) {
			o.paused[de.Method] = until
		}
		log.Warn("outbox delivery rate limited, will retry", "method", de.Method, "retry_at", until)
		if err := o.Store.PostponeMessage(context.WithoutCancel(ctx), m.ID, until, err.Error()); err != nil {
			return fmt.Errorf("postpone message %d: %w", m.ID, err)
		}
		return nil
	}
	retryAt := o.retryTime(m.Attempts+1, err)
	log = log.With("attempt", m.Attempts+1)
	if retryAt.IsZero() {
		log.Error("outbox message given up")
	} else {
		log.Warn("outbox delivery failed, will retry", "retry_at", retryAt)
	}
	if err := o.Store.MarkMessageFailed(context.WithoutCancel(ctx), m.ID, retryAt, err.Error()); err != nil {
		return fmt.Errorf("mark message %d failed: %w", m.ID, err)
	}
	return nil
}

// message is what m shows: its stored text, or its notice worded now. A
// panic while wording is the message's failure, not the process's: a bad
// row would otherwise take the bot down again at every restart.
func (o *Outbox) message(ctx context.Context, m *OutboxMessage) (resp *Response, err error) {
	if m.Notice == nil {
		return &m.Message, nil
	}
	if o.Render == nil {
		return nil, fmt.Errorf("notice %s: no renderer", m.Notice.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, &DeliveryError{Permanent: true, Err: fmt.Errorf("notice %s: panic: %v", m.Notice.Kind, p)}
		}
	}()
	return o.Render(ctx, m.Notice)
}

func (o *Outbox) markSent(ctx context.Context, m *OutboxMessage, ref MessageRef) error {
	if err := o.Store.MarkMessageSent(context.WithoutCancel(ctx), m.ID, o.Now(), ref); err != nil {
		return fmt.Errorf("mark message %d sent: %w", m.ID, err)
	}
	return nil
}

// retryTime returns when to try again after the attempt-th real failure,
// or the zero time to give up.
func (o *Outbox) retryTime(attempt int, err error) time.Time {
	var de *DeliveryError
	if errors.As(err, &de) && de.Permanent || attempt >= o.MaxAttempts {
		return time.Time{}
	}
	wait := o.Backoff << min(attempt-1, 20)
	if wait > o.MaxBackoff || wait <= 0 {
		wait = o.MaxBackoff
	}
	// Jitter spreads retries so a recovering Slack is not hit all at once.
	wait += time.Duration(rand.Int64N(int64(wait)/4 + 1))
	return o.Now().Add(wait)
}
