package assistant

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cercle/commands"

	openai "github.com/sashabaranov/go-openai"
)

const (
	// temperature is low for a faithful summary, but not zero: go-openai
	// omits a zero temperature from the request (omitempty), and the
	// server would then use its own default, usually 1.
	temperature = 0.2
	// maxAnswerTokens bounds the answer: five bullets of 400 characters
	// and their JSON come well under it.
	maxAnswerTokens = 1500
	// reasoningAnswerTokens leaves reasoning models room to think: their
	// max_completion_tokens counts the hidden reasoning too.
	reasoningAnswerTokens = 8000
	// maxBackoff caps the doubling wait between retries, and
	// maxRetryAfter the wait a server may ask for.
	maxBackoff    = 30 * time.Second
	maxRetryAfter = 2 * time.Minute
)

// request returns the Chat Completions request for a system prompt and a
// user message. It sets only fields every compatible server knows:
// Mistral answers 422 to unknown ones such as user, n, store or
// stream_options. go-openai always writes "stream": false, which all of
// them accept.
func (s *Summarizer) request(system, user string) openai.ChatCompletionRequest {
	return s.shape(openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
	})
}

// shape sets the model and the fields that depend on it: temperature and
// the answer's token bound.
func (b *backend) shape(req openai.ChatCompletionRequest) openai.ChatCompletionRequest {
	req.Model = b.model
	if reasoningModel(b.model) {
		// go-openai refuses MaxTokens for these models, and they refuse a
		// temperature other than 1.
		req.MaxCompletionTokens = reasoningAnswerTokens
	} else {
		req.Temperature = temperature
		req.MaxTokens = maxAnswerTokens
	}
	return req
}

// reasoningModel reports whether model is one of OpenAI's reasoning
// models (o1, o3, o4, gpt-5, gpt-6 …), also behind a router's prefix such
// as "openai/".
func reasoningModel(model string) bool {
	name := model[strings.LastIndexByte(model, '/')+1:]
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// call sends a request, retrying what may pass on a second try, and
// returns the bullets parsed from the answer and the model that wrote
// them. An answer without a usable bullet is not retried: the same prompt
// would most likely get the same answer.
func (s *Summarizer) call(ctx context.Context, req openai.ChatCompletionRequest) ([]commands.SummaryBullet, string, error) {
	var bullets []commands.SummaryBullet
	var model string
	err := s.retry(ctx, func(ctx context.Context) tried {
		resp, err := s.client.CreateChatCompletion(ctx, req)
		if err != nil {
			return tried{usage: resp.Usage, err: err}
		}
		if bullets, err = parseAnswer(resp); err != nil {
			return tried{usage: resp.Usage, err: err, outcome: "bad_answer", final: true}
		}
		model = or(resp.Model, s.model)
		return tried{usage: resp.Usage}
	})
	if err != nil {
		return nil, "", err
	}
	return bullets, model, nil
}

// tried is what one attempt of a call reports to retry.
type tried struct {
	usage openai.Usage // the server's count, zero when it gave none
	err   error
	// outcome, when set, names a failure classify cannot see, such as
	// "bad_answer".
	outcome string
	// final forbids another attempt whatever the error: the answer was
	// unusable, or a stream already showed text to the member.
	final bool
}

// retry runs try, bounded by the timeout, and runs it again after a wait
// while its error may pass on a second try and retries are left. It
// records each attempt in the metrics.
func (b *backend) retry(ctx context.Context, try func(ctx context.Context) tried) error {
	for attempt := 0; ; attempt++ {
		var wait retryAfter
		start := time.Now()
		actx, cancel := context.WithTimeout(context.WithValue(ctx, retryAfterKey{}, &wait), b.timeout)
		t := try(actx)
		cancel()
		outcome, again := classify(ctx, t.err)
		if t.outcome != "" {
			outcome = t.outcome
		}
		b.record(outcome, t.usage, time.Since(start))
		if t.err == nil {
			return nil
		}
		if t.final || !again || attempt >= b.retries {
			return fmt.Errorf("model call (%s, attempt %d): %w", outcome, attempt+1, t.err)
		}
		d := b.wait(attempt, wait)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return fmt.Errorf("model call (%s, attempt %d, no time left to retry): %w", outcome, attempt+1, t.err)
		}
		b.logger.Warn("model call failed, retrying", "model", b.model, "outcome", outcome, "attempt", attempt+1, "wait", d)
		if err := sleep(ctx, d); err != nil {
			return fmt.Errorf("model call (%s, attempt %d): %w", outcome, attempt+1, err)
		}
	}
}

func (b *backend) record(outcome string, u openai.Usage, d time.Duration) {
	if b.metrics != nil {
		b.metrics.ModelCall(b.model, outcome, u.PromptTokens, u.CompletionTokens, d)
	}
}

// wait returns how long to wait before retry number attempt+1: what the
// server asked, or a doubling backoff with jitter.
func (s *backend) wait(attempt int, ra retryAfter) time.Duration {
	if ra.set {
		return min(ra.d, maxRetryAfter)
	}
	ceiling := max(maxBackoff, s.backoff)
	d := s.backoff
	for range attempt {
		if d >= ceiling/2 {
			d = ceiling
			break
		}
		d *= 2
	}
	// Equal jitter: half fixed, half random, so clients that failed
	// together do not retry together.
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// classify names the outcome of a call for metrics and says whether
// another attempt may succeed: yes for rate limits, server errors,
// timeouts and network failures; never for a request the server refused
// (400, 401, 403, 404, 422), which would only be refused again.
func classify(ctx context.Context, err error) (outcome string, retry bool) {
	if err == nil {
		return "ok", false
	}
	if ctx.Err() != nil { // the caller gave up: its own deadline or cancel
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "timeout", false
		}
		return "canceled", false
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status := 0
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	}
	switch {
	case status == http.StatusTooManyRequests:
		return "rate_limited", true
	case status == http.StatusRequestTimeout:
		return "timeout", true
	case status >= 500:
		return "server_error", true
	case status != 0:
		return "client_error", false
	}
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout", true
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		return "transport_error", true
	}
	return "error", false
}

// retryAfter is the wait a server asked for in its last answer's
// Retry-After header. go-openai does not expose the headers of an error,
// so retryAfterTransport notes it where the call's context says.
type retryAfter struct {
	d   time.Duration
	set bool
}

type retryAfterKey struct{}

type retryAfterTransport struct{ base http.RoundTripper }

func (t retryAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if ra, ok := r.Context().Value(retryAfterKey{}).(*retryAfter); ok && resp != nil {
		// RoundTrip runs on the caller's goroutine, before CreateChatCompletion
		// returns: no other goroutine touches ra.
		ra.d, ra.set = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return resp, err
}

// parseRetryAfter reads a Retry-After value: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		// Clamp before multiplying, so a huge value cannot overflow.
		n = min(max(n, 0), int(maxRetryAfter/time.Second)+1)
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
