package bot

import (
	"cercle/commands"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Admission. No request is refused because the bot is busy: each one
// waits for its turn, and the only thing time changes is where its answer
// goes. A slash command or a form answered within the ack budget is
// answered in the ack; one that is not gets a "working on it" ack (an
// empty one for a form) and its answer follows through response_url or a
// DM. Buttons and events are acked at once and their work follows.
//
// Work is split by what it waits on, and each class has its own bounded
// number of turns:
//
//   - classDB: the core and its database (commands, the core part of
//     buttons, forms and the Home tab, event deduplication);
//   - classSlack: Slack's Web API (views.publish, views.open,
//     response_url posts, chat replies to mentions and DMs, the assistant
//     thread's status, prompts and streamed answers);
//   - classModel: answers to plain questions (the core's Ask), which may
//     wait seconds on a language model. Ask reads and writes the database
//     too, without a classDB turn: the few model turns (ModelConcurrency)
//     bound it, and a slow model must not hold the turns commands need.
//     Its streamed words go to Slack from a goroutine of their own, with
//     Slack turns: a model turn never waits on Slack.
//
// A request takes its turns one after the other, never one inside another
// (its core step ends and gives its turn back before its delivery starts),
// so it never needs two turns of one class at once, and a silent Slack,
// which can only hold classSlack's turns, never keeps a registration from
// being answered. The core itself makes no Web API call on a request's
// path: a newcomer's profile (users.info) is completed in the background.
//
// Every wait is bounded: a step's wait and run together by the work
// timeout, views.open's wait also by its trigger's 3 s life. Work that
// runs out of time is logged; a command that does gets the error answer.
// Waiters are served in arrival order.
//
// Acks never wait for a turn: an HTTP ack is the response body, a Socket
// Mode ack goes on the socket, neither through the Web API.

// class is a kind of work with its own bounded number of turns.
type class int

const (
	classDB class = iota
	classSlack
	classModel
	classCount
)

func (c class) String() string {
	switch c {
	case classSlack:
		return "slack"
	case classModel:
		return "model"
	}
	return "db"
}

// admission hands out turns by class and counts the requests taken in, so
// shutdown can wait for them.
type admission struct {
	turns   [classCount]chan struct{}
	metrics Metrics
	logger  *slog.Logger

	mu     sync.Mutex
	inside int           // requests taken in and not finished
	idle   chan struct{} // closed while inside == 0
}

func newAdmission(cfg Config, logger *slog.Logger, m Metrics) *admission {
	a := &admission{metrics: m, logger: logger, idle: make(chan struct{})}
	close(a.idle)
	a.turns[classDB] = make(chan struct{}, cfg.DBConcurrency)
	a.turns[classSlack] = make(chan struct{}, cfg.SlackConcurrency)
	a.turns[classModel] = make(chan struct{}, cfg.ModelConcurrency)
	return a
}

// do waits for a turn in class c, runs fn and gives the turn back. It
// returns an error, without running fn, when ctx ends first: that is the
// bound on each caller's wait. Waiters are served in arrival order (a
// channel's blocked senders form a FIFO queue). fn must not call do for
// the same class.
func (a *admission) do(ctx context.Context, c class, fn func()) error {
	start := time.Now()
	select {
	case a.turns[c] <- struct{}{}:
	default:
		a.metrics.QueueDepth(c.String(), 1)
		select {
		case a.turns[c] <- struct{}{}:
			a.metrics.QueueDepth(c.String(), -1)
		case <-ctx.Done():
			a.metrics.QueueDepth(c.String(), -1)
			a.metrics.QueueWait(c.String(), time.Since(start))
			// Said to the member as "not in time, try again", never as
			// an internal error: nothing is broken, it is a backlog.
			return commands.Errorf(commands.EUNAVAILABLE, "error.unavailable.backlog")
		}
	}
	a.metrics.QueueWait(c.String(), time.Since(start))
	defer func() { <-a.turns[c] }()
	fn()
	return nil
}

// track counts a request in; call done when it has finished, its late
// answer included.
func (a *admission) track() (done func()) {
	a.mu.Lock()
	if a.inside == 0 {
		a.idle = make(chan struct{})
	}
	a.inside++
	a.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			a.inside--
			if a.inside == 0 {
				close(a.idle)
			}
			a.mu.Unlock()
		})
	}
}

// wait blocks until no request is inside, or ctx ends.
func (a *admission) wait(ctx context.Context) error {
	for {
		a.mu.Lock()
		idle, inside := a.idle, a.inside
		a.mu.Unlock()
		if inside == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// step runs fn with a turn of class c, on a context bounded by the work
// timeout, the wait for the turn included. ctx must already be detached
// from the request (context.WithoutCancel): Slack hangs up after the ack,
// the work goes on. A panic in fn is recovered, logged and returned, so
// one bad request cannot take the bot down.
func (b *Bot) step(ctx context.Context, c class, fn func(ctx context.Context)) error {
	return b.stepBy(ctx, c, time.Time{}, fn)
}

// stepBy is step with the wait for the turn also ending at waitUntil, when
// it is not zero: for work that is pointless past a moment (a trigger_id
// expires), without cutting short a call already under way.
func (b *Bot) stepBy(ctx context.Context, c class, waitUntil time.Time, fn func(ctx context.Context)) error {
	timeout := b.cfg.WorkTimeout
	if c == classModel {
		timeout = b.cfg.ModelTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	waitCtx := ctx
	if !waitUntil.IsZero() {
		var cancelWait context.CancelFunc
		waitCtx, cancelWait = context.WithDeadline(ctx, waitUntil)
		defer cancelWait()
	}
	var perr error
	err := b.adm.do(waitCtx, c, func() {
		defer func() {
			if p := recover(); p != nil {
				b.logger.Error("panic in request work", "class", c.String(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				perr = fmt.Errorf("panic: %v", p)
			}
		}()
		fn(ctx)
	})
	if err != nil {
		b.logger.Warn("request work gave up waiting for its turn", "class", c.String(), "err", err)
		return err
	}
	return perr
}

// acker acks one request exactly once: with the answer when it is ready
// within the ack budget, or, when the budget runs out first, with what
// late returns, the answer then going after the ack.
type acker struct {
	once  sync.Once
	timer *time.Timer
	send  func(payload any)
}

func (b *Bot) newAcker(arrived time.Time, send func(payload any), late func() any) *acker {
	a := &acker{send: send}
	a.timer = time.AfterFunc(time.Until(arrived.Add(b.cfg.AckBudget)), func() {
		a.once.Do(func() {
			var payload any
			defer func() {
				if p := recover(); p != nil {
					b.logger.Error("panic wording a late ack", "panic", fmt.Sprint(p))
				}
				a.send(payload)
			}()
			payload = late()
		})
	})
	return a
}

// stop cancels the budget's timer: for a request that ends without an
// answer (a panic), whose ack its caller sends.
func (a *acker) stop() { a.timer.Stop() }

// answer acks with payload unless the budget ran out first, and reports
// whether it did.
func (a *acker) answer(payload any) bool {
	a.timer.Stop()
	sent := false
	a.once.Do(func() {
		sent = true
		a.send(payload)
	})
	return sent
}
