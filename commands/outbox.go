package commands

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Recipient is where an outgoing message goes: a member's direct messages
// or a channel. Exactly one field is set.
type Recipient struct {
	User    UserID
	Channel ChannelID
}

// String returns the recipient as "user:ID" or "channel:ID", the form the
// outbox stores and rate-limits on.
func (r Recipient) String() string {
	if r.User != "" {
		return "user:" + string(r.User)
	}
	return "channel:" + string(r.Channel)
}

// OutboxMessage is a message the bot sends on its own initiative. It is
// stored before it is sent, so a crash loses nothing, and its DedupeKey
// (such as "reminder:42:U123:24h:…") makes a second enqueue to the same
// recipient a no-op. Keys are unique per recipient: one message to several
// people may share a key that names what it is, not who gets it.
type OutboxMessage struct {
	ID        int64
	DedupeKey string
	To        Recipient
	Message   Response
	Attempts  int
	CreatedAt time.Time
	DueAt     time.Time
	SentAt    time.Time
	LastError string
	// Track, when set, names the message for later updates: where it
	// lands is recorded under this key.
	Track string
	// Notice, when set, is worded at delivery and Message is unused.
	Notice *Notice
	// PartsDone and Ref are how far earlier attempts got (see Delivery).
	PartsDone int
	Ref       MessageRef
	// InFlightAt, when set, is when a send of the text began that may
	// have reached Slack unrecorded: it is looked for before a resend.
	InFlightAt time.Time
}

// DeliveryError is a Notifier's failure, saying whether a retry may help.
type DeliveryError struct {
	// RetryAfter is the wait the server asked for (Slack's Retry-After).
	RetryAfter time.Duration
	// Permanent means retrying cannot help (unknown user, archived channel).
	Permanent bool
	// Method is the call that failed (Slack: the Web API method). A rate
	// limit holds per method and workspace, so the outbox pauses it for
	// every message until RetryAfter has passed.
	Method string
	// MaybeSent means the request may have reached the server (a timeout,
	// a cut connection): the part may have been delivered after all.
	MaybeSent bool
	Err       error
}

func (e *DeliveryError) Error() string { return e.Err.Error() }
func (e *DeliveryError) Unwrap() error { return e.Err }

// Outbox delivers stored messages through a Notifier, paced to stay inside
// Slack's limits: about one message per second per channel and a
// workspace-wide rate.
type Outbox struct {
	Store    OutboxStore
	Notifier Notifier
	Logger   *slog.Logger
	Now      func() time.Time
	// Render words a Notice at delivery; nil nil means it is stale and
	// nothing is sent.
	Render func(ctx context.Context, n *Notice) (*Response, error)

	// PerRecipientInterval is the least time between two messages to one
	// recipient.
	PerRecipientInterval time.Duration
	// Rate is the most messages per second across the workspace.
	Rate float64
	// MaxAttempts is how many real failures a message gets before it is
	// given up; waiting out a rate limit is not one.
	MaxAttempts int
	// Backoff is the first wait after a transient failure; it doubles on
	// each try, up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// PollInterval bounds how long the worker sleeps when it has no news.
	PollInterval time.Duration
	// SendTimeout bounds one delivery attempt.
	SendTimeout time.Duration

	wakeOnce sync.Once
	wake     chan struct{}
	// flushing serialises passes: the worker, the console and a final
	// flush at shutdown may ask at once, and two passes would both send
	// the rows they read before either marked them sent.
	flushing sync.Mutex
	lastSent map[Recipient]time.Time
	nextSlot time.Time
	// paused holds, per rate-limited call (Slack: Web API method), until
	// when it must not be made: Slack's limits are per method and
	// workspace, so a 429 holds every message whose next part needs it.
	paused map[string]time.Time
}

// NewOutbox returns an outbox of messages worded when queued (no
// notices), with Slack's published limits as defaults. A Service has its
// own, which also words notices.
func NewOutbox(store OutboxStore, n Notifier, logger *slog.Logger) *Outbox {
	return newOutbox(store, n, nil, logger, time.Now)
}

// newOutbox returns an outbox with Slack's published limits as defaults.
func newOutbox(store OutboxStore, n Notifier, render func(context.Context, *Notice) (*Response, error), logger *slog.Logger, now func() time.Time) *Outbox {
	return &Outbox{
		Store:                store,
		Notifier:             n,
		Render:               render,
		Logger:               logger,
		Now:                  now,
		PerRecipientInterval: time.Second,
		Rate:                 10,
		MaxAttempts:          8,
		Backoff:              2 * time.Second,
		MaxBackoff:           10 * time.Minute,
		PollInterval:         30 * time.Second,
		SendTimeout:          15 * time.Second,
	}
}

func (o *Outbox) wakeChan() chan struct{} {
	o.wakeOnce.Do(func() { o.wake = make(chan struct{}, 1) })
	return o.wake
}

// Wake tells a running worker that new messages are due.
func (o *Outbox) Wake() {
	select {
	case o.wakeChan() <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx is done. A message whose delivery was
// cut by the end of ctx stays pending and is sent by the next run.
func (o *Outbox) Run(ctx context.Context) error {
	if o.Notifier == nil {
		<-ctx.Done()
		return nil
	}
	wake := o.wakeChan()
	for {
		if _, err := o.Flush(ctx); err != nil && ctx.Err() == nil {
			o.Logger.Error("outbox pass", "err", err)
		}
		wait := o.PollInterval
		if next, err := o.Store.NextDueTime(ctx); err == nil && !next.IsZero() {
			if d := next.Sub(o.Now()); d < wait {
				wait = max(d, 10*time.Millisecond)
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Flush delivers every message due now, pacing them, and returns how many
// were sent. It is what Run does on each pass, and what the console and
// one-shot jobs call to deliver before they exit.
func (o *Outbox) Flush(ctx context.Context) (int, error) {
	if o.Notifier == nil {
		return 0, nil
	}
	o.flushing.Lock()
	defer o.flushing.Unlock()
	if o.lastSent == nil {
		o.lastSent = map[Recipient]time.Time{}
		o.paused = map[string]time.Time{}
	}
	sent := 0
	for {
		due, err := o.Store.DueMessages(ctx, o.Now(), 100)
		if err != nil {
			return sent, fmt.Errorf("find due messages: %w", err)
		}
		if len(due) == 0 {
			return sent, nil
		}
		progressed := false
		for _, m := range due {
			if err := ctx.Err(); err != nil {
				return sent, err
			}
			if o.recentlySent(m.To) {
				// Same recipient again within the interval: try it on the
				// next pass instead of holding up everyone else.
				continue
			}
			if held, err := o.holdIfPaused(ctx, m, m.PartsDone); held || err != nil {
				if err != nil {
					return sent, err
				}
				progressed = true
				continue
			}
			if err := o.pace(ctx); err != nil {
				return sent, err
			}
			ok, err := o.deliver(ctx, m)
			if err != nil {
				return sent, err
			}
			progressed = true
			if ok {
				sent++
			}
		}
		if !progressed {
			// Only paced recipients remain: wait for the earliest to clear.
			if err := sleep(ctx, o.PerRecipientInterval/4); err != nil {
				return sent, err
			}
		}
	}
}

func (o *Outbox) recentlySent(to Recipient) bool {
	last, ok := o.lastSent[to]
	return ok && o.Now().Sub(last) < o.PerRecipientInterval
}

// pace waits for the next slot of the workspace-wide rate.
func (o *Outbox) pace(ctx context.Context) error {
	if o.Rate <= 0 {
		return nil
	}
	now := o.Now()
	if o.nextSlot.After(now) {
		if err := sleep(ctx, o.nextSlot.Sub(now)); err != nil {
			return err
		}
		now = o.nextSlot
	}
	o.nextSlot = now.Add(time.Duration(float64(time.Second) / o.Rate))
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
