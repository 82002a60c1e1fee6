// Package bot is Cercle's Slack transport, and the only package that
// imports slack-go. It receives slash commands, button presses, modal
// submissions and Events API callbacks, in Socket Mode or over HTTP, turns
// them into the core's Request, Action and Submission, and renders the
// core's Response as Block Kit. Both modes go through one dispatch (see
// dispatch.go), so a test over signed HTTP also covers Socket Mode's logic.
//
// It also implements the core's Notifier (conversations.open +
// chat.postMessage) and Directory (users.info) over the Web API.
//
// It imports commands, i18n and metrics, never another adapter.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"cercle/commands"
	"cercle/metrics"
)

// Config is what the Slack transport needs.
type Config struct {
	BotToken      string
	AppToken      string // Socket Mode only
	SigningSecret string // HTTP mode only
	// APIURL is the Web API base URL, ending in "/"; empty means Slack's.
	APIURL string
	// AckBudget is how long a slash command may run before Slack gets a
	// "working on it" ack and the answer goes through response_url
	// instead. Slack allows 3 s in all; the budget leaves room for the
	// network.
	AckBudget time.Duration
	// Workers bounds the work running after acks.
	Workers int
	// WorkTimeout bounds one piece of work after an ack.
	WorkTimeout time.Duration
}

// Bot is the Slack transport over one commands.Service.
type Bot struct {
	cfg     Config
	service *commands.Service
	api     *slack.Client
	logger  *slog.Logger
	metrics *metrics.Metrics
	work    *workers
	// One of each, so their caches (DM channels, user profiles) serve
	// every request.
	notifier  *Notifier
	directory *Directory
}

// New returns a Slack transport. It does not contact Slack: the bot starts
// and answers commands even while the Web API is unreachable.
func New(cfg Config, service *commands.Service, logger *slog.Logger, m *metrics.Metrics) *Bot {
	if cfg.AckBudget <= 0 {
		cfg.AckBudget = 2 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 30 * time.Second
	}
	api := NewClient(cfg, logger, m)
	return &Bot{
		cfg:       cfg,
		service:   service,
		api:       api,
		logger:    logger,
		metrics:   m,
		work:      newWorkers(cfg.Workers, cfg.WorkTimeout, logger),
		notifier:  NewNotifier(api),
		directory: NewDirectory(api),
	}
}

// NewClient returns a Web API client with a timeout and the call counter.
// Retries are the outbox's business, so the client makes none itself.
func NewClient(cfg Config, logger *slog.Logger, m *metrics.Metrics) *slack.Client {
	httpClient := &http.Client{
		Timeout:   20 * time.Second,
		Transport: countingTransport{next: http.DefaultTransport, metrics: m},
	}
	opts := []slack.Option{slack.OptionHTTPClient(httpClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	return slack.New(cfg.BotToken, opts...)
}

// Notifier returns the bot's commands.Notifier.
func (b *Bot) Notifier() *Notifier { return b.notifier }

// Wait blocks until the work started after acks has finished, or ctx ends.
func (b *Bot) Wait(ctx context.Context) error { return b.work.wait(ctx) }

// workers runs work after an ack: detached from the request's context,
// bounded in number and time, and with panics recovered so one bad
// request cannot take the bot down.
type workers struct {
	sem     chan struct{}
	timeout time.Duration
	logger  *slog.Logger
}

func newWorkers(n int, timeout time.Duration, logger *slog.Logger) *workers {
	return &workers{sem: make(chan struct{}, n), timeout: timeout, logger: logger}
}

// start runs fn on a worker and reports false, without running it, if
// every worker is busy.
func (w *workers) start(ctx context.Context, name string, fn func(ctx context.Context)) bool {
	if !w.acquire(name) {
		return false
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.timeout)
	go func() {
		defer w.release()
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				w.logger.Error("panic in worker", "work", name, "panic", fmt.Sprint(p))
			}
		}()
		fn(ctx)
	}()
	return true
}

// acquire takes a worker slot for work run on the caller's goroutine (a
// slash command in HTTP mode), or reports false if all are busy.
func (w *workers) acquire(name string) bool {
	select {
	case w.sem <- struct{}{}:
		return true
	default:
		w.logger.Warn("all workers busy; request refused", "work", name)
		return false
	}
}

func (w *workers) release() { <-w.sem }

// wait blocks until no worker runs.
func (w *workers) wait(ctx context.Context) error {
	for i := 0; i < cap(w.sem); i++ {
		select {
		case w.sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for i := 0; i < cap(w.sem); i++ {
		<-w.sem
	}
	return nil
}
