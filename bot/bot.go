// Package bot is Cercle's Slack transport, and the only package that
// imports slack-go. It receives slash commands, button presses, modal
// submissions and Events API callbacks, in Socket Mode or over HTTP, turns
// them into the core's Request, Action and Submission, and renders the
// core's Response as Block Kit. Both modes go through one dispatch (see
// dispatch.go), so a test over signed HTTP also covers Socket Mode's logic.
// Work is admitted by class and queued, never refused (see admission.go).
//
// It also implements the core's Notifier (conversations.open +
// chat.postMessage), Directory (users.info) and Channels (the working
// groups' channels: conversations.create, .invite …) over the Web API, and
// hands the core what happens in those channels (channel_event.go).
//
// It imports commands, never another adapter: what it records, it records
// through its own Metrics interface.
package bot

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"cercle/commands"
)

// Config is what the Slack transport needs. Zero values take the defaults
// documented on each field.
type Config struct {
	BotToken      string
	AppToken      string // Socket Mode only
	SigningSecret string // HTTP mode only
	// APIURL is the Web API base URL, ending in "/"; empty means Slack's.
	APIURL string
	// AckBudget is how long a request may wait and run before Slack gets
	// its ack: a slash command not answered by then is acked with a
	// "working on it" note and answered through response_url instead.
	// Slack allows 3 s in all; the default, 2 s, leaves room for the
	// network.
	AckBudget time.Duration
	// DBConcurrency bounds the work that needs only the core and its
	// database (commands, the core part of buttons, forms and the Home
	// tab) running at once; more waits its turn. Default 128: the single
	// SQLite writer serialises writes anyway, and the more requests wait
	// on it, the more share each commit and its fsync (measured on one
	// CPU: 32 turns, 4,600 registrations/s; 64, 5,200; 128, 5,400).
	DBConcurrency int
	// SlackConcurrency bounds the calls to Slack's Web API made to answer
	// a request (views.publish, views.open, response_url, chat replies)
	// in flight at once; more waits its turn. Default 32.
	SlackConcurrency int
	// ModelConcurrency bounds the answers to plain questions (the core's
	// Ask, which may call a language model) running at once; more wait
	// their turn. Default 8.
	ModelConcurrency int
	// ModelTimeout bounds one such answer, its wait for a turn included.
	// Default 60 s: longer than the core's own bound on a model's answer
	// (45 s), so the core answers without the model rather than be cut.
	ModelTimeout time.Duration
	// WorkTimeout bounds each step of one request, its wait for a turn
	// included: the core's step, then the delivery to Slack. Default 30 s.
	WorkTimeout time.Duration
	// BodyBudget bounds the bytes of HTTP-mode request bodies read and
	// held at once, across all requests. Default 8 MB: thousands of
	// Slack's few-kilobyte payloads, or eight bodies of the largest size
	// accepted (1 MB). Never less than that largest size.
	BodyBudget int64
	// BodyWait is how long a request waits for room in the body budget
	// before it is refused with 503. Default 500 ms, well within Slack's
	// 3 s. A body being read holds its room at most until the HTTP
	// server's ReadTimeout.
	BodyWait time.Duration
}

// withDefaults fills in the zero fields.
func (c Config) withDefaults() Config {
	if c.AckBudget <= 0 {
		c.AckBudget = 2 * time.Second
	}
	if c.DBConcurrency <= 0 {
		c.DBConcurrency = 128
	}
	if c.SlackConcurrency <= 0 {
		c.SlackConcurrency = 32
	}
	if c.ModelConcurrency <= 0 {
		c.ModelConcurrency = 8
	}
	if c.ModelTimeout <= 0 {
		c.ModelTimeout = time.Minute
	}
	if c.WorkTimeout <= 0 {
		c.WorkTimeout = 30 * time.Second
	}
	if c.BodyBudget <= 0 {
		c.BodyBudget = 8 << 20
	}
	c.BodyBudget = max(c.BodyBudget, maxBodyBytes)
	if c.BodyWait <= 0 {
		c.BodyWait = 500 * time.Millisecond
	}
	return c
}

// Metrics is what the transport records. *metrics.Metrics implements it;
// nil records nothing.
type Metrics interface {
	// Ack records how long a Slack request waited for its ack, by kind
	// (slash, interaction, event, other).
	Ack(kind string, d time.Duration)
	// SlackCall counts one Web API call by method and outcome.
	SlackCall(method, outcome string)
	// QueueDepth moves the number of requests waiting for a turn in a
	// class ("db" or "slack") by delta: +1 when one starts waiting, -1
	// when it stops.
	QueueDepth(class string, delta int)
	// QueueWait records how long a request waited for its turn in a class.
	QueueWait(class string, d time.Duration)
	// Deferred counts an answer that missed the ack and went after it
	// (response_url or DM), by kind.
	Deferred(kind string)
}

type nopMetrics struct{}

func (nopMetrics) Ack(string, time.Duration)       {}
func (nopMetrics) SlackCall(string, string)        {}
func (nopMetrics) QueueDepth(string, int)          {}
func (nopMetrics) QueueWait(string, time.Duration) {}
func (nopMetrics) Deferred(string)                 {}

func orNop(m Metrics) Metrics {
	if m == nil {
		return nopMetrics{}
	}
	return m
}

// Bot is the Slack transport over one commands.Service.
type Bot struct {
	cfg      Config
	service  *commands.Service
	api      *slack.Client
	logger   *slog.Logger
	metrics  Metrics
	adm      *admission
	body     *bodyBudget
	notifier *Notifier
	identity identity // who the bot is, from auth.test
	// hooks is the client for response_url posts, which are not Web API
	// calls: no token, a shorter timeout.
	hooks *http.Client
}

// New returns a Slack transport over api (from NewClient) and service. The
// notifier is the one the service uses too, so its cache of DM channels
// serves both. New does not contact Slack: the bot starts and answers
// commands even while the Web API is unreachable.
func New(cfg Config, api *slack.Client, service *commands.Service, notifier *Notifier, logger *slog.Logger, m Metrics) *Bot {
	cfg = cfg.withDefaults()
	m = orNop(m)
	logger = RedactLogger(logger)
	return &Bot{
		cfg:      cfg,
		service:  service,
		api:      api,
		logger:   logger,
		metrics:  m,
		adm:      newAdmission(cfg, logger, m),
		body:     newBodyBudget(cfg.BodyBudget),
		notifier: notifier,
		hooks:    &http.Client{Timeout: 10 * time.Second, Transport: countingTransport{next: http.DefaultTransport, metrics: m}},
	}
}

// NewClient returns a Web API client with a timeout and the call counter.
// Retries are the outbox's business, so the client makes none itself.
// logger may be nil; m may be nil.
func NewClient(cfg Config, logger *slog.Logger, m Metrics) *slack.Client {
	httpClient := &http.Client{
		Timeout:   20 * time.Second,
		Transport: countingTransport{next: http.DefaultTransport, metrics: orNop(m)},
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

// Wait blocks until every request taken in, queued or running, has
// finished, or ctx ends. Stop intake first (the HTTP server, the socket),
// then Wait, then close the database.
func (b *Bot) Wait(ctx context.Context) error { return b.adm.wait(ctx) }
