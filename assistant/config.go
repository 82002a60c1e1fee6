package assistant

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults of Config.
const (
	DefaultBaseURL        = "https://api.openai.com/v1"
	DefaultModel          = "gpt-4o-mini"
	DefaultTimeout        = 60 * time.Second
	DefaultMaxRetries     = 3
	DefaultBackoff        = time.Second
	DefaultMaxInputTokens = 12000
)

// Config says which model to call and how patiently. Zero fields take the
// defaults above.
type Config struct {
	// APIKey is the server's bearer token. It may be empty only with a
	// BaseURL other than OpenAI's, for a local server such as Ollama.
	APIKey string
	// BaseURL is the API's root, /v1 included, as in
	// "https://api.mistral.ai/v1" or "http://localhost:11434/v1".
	BaseURL string
	Model   string
	// Timeout bounds one call, so a stalled server costs at most that much
	// per attempt.
	Timeout time.Duration
	// MaxRetries is how many times a failed call is tried again (rate
	// limit, server error, timeout, network); a negative value means never.
	MaxRetries int
	// Backoff is the wait before the first retry; it doubles at each retry,
	// with jitter, up to 30 s. A Retry-After header from the server wins.
	Backoff time.Duration
	// MaxInputTokens is the prompt budget of one call, estimated at four
	// characters a token. A week over it is summarised in parts.
	MaxInputTokens int
	// HTTPClient, when set, carries the calls; its Transport is wrapped,
	// never changed.
	HTTPClient *http.Client
	Logger     *slog.Logger
	Metrics    Metrics
}

// Metrics records model calls. A nil Metrics records nothing.
type Metrics interface {
	// ModelCall records one HTTP call to the model: outcome is "ok",
	// "bad_answer" (the answer held no usable bullet), "rate_limited",
	// "server_error", "client_error", "timeout", "transport_error",
	// "canceled" or "error"; tokens are the server's count, zero when it
	// gave none.
	ModelCall(model, outcome string, promptTokens, completionTokens int, d time.Duration)
}

// backend is what every use of the model shares: the client, the
// model's name and the retry policy of call.go.
type backend struct {
	client  *openai.Client
	model   string
	timeout time.Duration
	retries int
	backoff time.Duration
	logger  *slog.Logger
	metrics Metrics
}

// newBackend checks cfg and returns a backend with its defaults filled
// in. It makes no call: a wrong key or model shows at the first call.
func newBackend(cfg Config) (backend, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return backend{}, fmt.Errorf("assistant: base URL %q: want http(s)://host/…/v1", cfg.BaseURL)
	}
	if cfg.APIKey == "" && base == DefaultBaseURL {
		return backend{}, errors.New("assistant: an API key is needed for " + DefaultBaseURL)
	}
	b := backend{
		model:   cfg.Model,
		timeout: cfg.Timeout,
		retries: cfg.MaxRetries,
		backoff: cfg.Backoff,
		logger:  cfg.Logger,
		metrics: cfg.Metrics,
	}
	b.setDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = base
	oc.HTTPClient = httpClient(cfg.HTTPClient)
	b.client = openai.NewClientWithConfig(oc)
	return b, nil
}

// Summarizer writes group summaries with a language model.
type Summarizer struct {
	backend
	budget int
}

// NewSummarizer returns a Summarizer for cfg. It makes no call: a wrong
// key or model shows at the first summary.
func NewSummarizer(cfg Config) (*Summarizer, error) {
	b, err := newBackend(cfg)
	if err != nil {
		return nil, err
	}
	s := &Summarizer{backend: b, budget: cfg.MaxInputTokens}
	if s.budget <= 0 {
		s.budget = DefaultMaxInputTokens
	}
	return s, nil
}

// httpClient returns a copy of c, or of a new client, whose transport
// notes Retry-After headers. The new client has no timeout of its own:
// every attempt runs under a context deadline of Config.Timeout, which
// ends a stalled call just as well and tells it from a network failure.
func httpClient(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{}
	}
	cp := *c
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = retryAfterTransport{base: base}
	return &cp
}

// setDefaults fills the fields Config left at zero.
func (s *backend) setDefaults() {
	if s.model == "" {
		s.model = DefaultModel
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	switch {
	case s.retries == 0:
		s.retries = DefaultMaxRetries
	case s.retries < 0:
		s.retries = 0
	}
	if s.backoff <= 0 {
		s.backoff = DefaultBackoff
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
}
