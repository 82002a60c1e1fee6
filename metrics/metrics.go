// Package metrics holds Cercle's Prometheus series: commands by name and
// outcome, ack latency, Slack Web API calls, the Slack transport's
// admission queues and outbox depth. Transports and
// main record into it; it imports no other Cercle package, so any of them
// may use it without breaking the import rule.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry of Cercle's series. Its methods are safe for
// concurrent use; a nil *Metrics records nothing.
type Metrics struct {
	registry   *prometheus.Registry
	commands   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	ackLatency *prometheus.HistogramVec
	slackCalls *prometheus.CounterVec
	queueDepth *prometheus.GaugeVec
	queueWait  *prometheus.HistogramVec
	deferred   *prometheus.CounterVec
	modelCalls *prometheus.HistogramVec
	tokens     *prometheus.CounterVec
	toolCalls  *prometheus.CounterVec
}

// New returns a registry with Cercle's series and the Go runtime's.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cercle_commands_total",
			Help: "Commands, buttons and forms handled, by name and outcome (ok or an error code).",
		}, []string{"command", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cercle_command_duration_seconds",
			Help:    "Time the core took to handle a command, by name.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cercle_ack_latency_seconds",
			Help:    "Time from receiving a Slack request to acknowledging it (Slack allows 3 s), by kind.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5},
		}, []string{"kind"}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cercle_slack_api_calls_total",
			Help: "Slack Web API calls by method and outcome (ok, slack_error, rate_limited, http_error, transport_error).",
		}, []string{"method", "outcome"}),
	}
	m.queueDepth = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "cercle_admission_queue_depth",
		Help: "Slack requests waiting for a turn, by class (db: the core and its database; slack: Slack's Web API).",
	}, []string{"class"})
	m.queueWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cercle_admission_wait_seconds",
		Help:    "Time a Slack request waited for its turn, by class (db or slack).",
		Buckets: []float64{.0001, .001, .005, .01, .025, .05, .1, .25, .5, 1, 2, 5, 10, 30},
	}, []string{"class"})
	m.deferred = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cercle_admission_deferred_total",
		Help: "Answers not ready within the ack budget, sent after the ack (response_url or DM), by kind.",
	}, []string{"kind"})
	m.modelCalls = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cercle_model_call_duration_seconds",
		Help:    "Calls to the language model, by model and outcome (ok, rate_limited, timeout, bad_answer…).",
		Buckets: []float64{.25, .5, 1, 2.5, 5, 10, 20, 40, 60, 120},
	}, []string{"model", "outcome"})
	m.tokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cercle_model_tokens_total",
		Help: "Tokens the language model counted, by model and kind (prompt or completion).",
	}, []string{"model", "kind"})
	m.toolCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cercle_model_tool_calls_total",
		Help: "Tools the language model called while answering a member, by tool (unknown for a name it made up).",
	}, []string{"tool"})
	for _, class := range []string{"db", "slack"} {
		m.queueDepth.WithLabelValues(class) // shown at 0 before any wait
	}
	m.registry.MustRegister(m.commands, m.duration, m.ackLatency, m.slackCalls, m.queueDepth, m.queueWait, m.deferred, m.modelCalls, m.tokens, m.toolCalls,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CommandHandled counts a command and its duration; it implements
// commands.Metrics.
func (m *Metrics) CommandHandled(command, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.commands.WithLabelValues(command, outcome).Inc()
	m.duration.WithLabelValues(command).Observe(d.Seconds())
}

// Ack records how long a Slack request waited for its acknowledgement.
func (m *Metrics) Ack(kind string, d time.Duration) {
	if m == nil {
		return
	}
	m.ackLatency.WithLabelValues(kind).Observe(d.Seconds())
}

// SlackCall counts one Web API call.
func (m *Metrics) SlackCall(method, outcome string) {
	if m == nil {
		return
	}
	m.slackCalls.WithLabelValues(method, outcome).Inc()
}

// QueueDepth moves the number of Slack requests waiting for a turn in
// class by delta (+1 when one starts waiting, -1 when it stops).
func (m *Metrics) QueueDepth(class string, delta int) {
	if m == nil {
		return
	}
	m.queueDepth.WithLabelValues(class).Add(float64(delta))
}

// QueueWait records how long a Slack request waited for its turn in class.
func (m *Metrics) QueueWait(class string, d time.Duration) {
	if m == nil {
		return
	}
	m.queueWait.WithLabelValues(class).Observe(d.Seconds())
}

// Deferred counts an answer sent after the ack because it was not ready
// within the ack budget.
func (m *Metrics) Deferred(kind string) {
	if m == nil {
		return
	}
	m.deferred.WithLabelValues(kind).Inc()
}

// WatchOutboxDepth exposes the number of undelivered outbox messages,
// read from depth at each scrape.
func (m *Metrics) WatchOutboxDepth(depth func() float64) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "cercle_outbox_pending",
		Help: "Messages waiting in the outbox.",
	}, depth))
}

// WatchOutboxFailed exposes the number of outbox messages given up for
// good, read from failed at each scrape: an alert on it tells facilitators
// to run "cercle outbox".
func (m *Metrics) WatchOutboxFailed(failed func() float64) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "cercle_outbox_failed",
		Help: "Outbox messages given up after real failures (see cercle outbox).",
	}, failed))
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry returns the underlying registry, for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// ModelCall records a call to the language model: its duration and the
// tokens it used. It implements assistant.Metrics.
func (m *Metrics) ModelCall(model, outcome string, promptTokens, completionTokens int, d time.Duration) {
	if m == nil {
		return
	}
	m.modelCalls.WithLabelValues(model, outcome).Observe(d.Seconds())
	m.tokens.WithLabelValues(model, "prompt").Add(float64(promptTokens))
	m.tokens.WithLabelValues(model, "completion").Add(float64(completionTokens))
}

// ToolCall counts a tool the model called. It implements
// assistant.ToolMetrics; the assistant passes only its tools' names (or
// "unknown"), so the series stay few.
func (m *Metrics) ToolCall(name string) {
	if m == nil {
		return
	}
	m.toolCalls.WithLabelValues(name).Inc()
}
