package assistant_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"cercle/assistant"

	openai "github.com/sashabaranov/go-openai"
)

// script answers the calls in order with replies, then with the fixture
// answer.
func script(t *testing.T, replies ...reply) func(int, openai.ChatCompletionRequest) reply {
	return func(n int, _ openai.ChatCompletionRequest) reply {
		if n < len(replies) {
			return replies[n]
		}
		return reply{body: readFile(t, "answer.fr.json")}
	}
}

func TestSummarize_Retried(t *testing.T) {
	t.Parallel()
	htmlBadGateway := reply{status: http.StatusBadGateway, body: "<html><body>502 Bad Gateway</body></html>"}
	tests := []struct {
		name    string
		replies []reply
		want    []string
	}{
		{"RateLimited", []reply{apiError(http.StatusTooManyRequests, "rate_limit_exceeded")}, []string{"rate_limited", "ok"}},
		{"ServerErrors", []reply{apiError(http.StatusInternalServerError, "server_error"), apiError(http.StatusServiceUnavailable, "overloaded")}, []string{"server_error", "server_error", "ok"}},
		{"ProxyPage", []reply{htmlBadGateway}, []string{"server_error", "ok"}},
		{"HangUp", []reply{{hangup: true}}, []string{"transport_error", "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeModel(t, script(t, tt.replies...))
			s, m := newSummarizer(t, f, nil)
			res, err := s.Summarize(context.Background(), week(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Bullets) != 4 {
				t.Errorf("got %d bullets, want the fixture's 4", len(res.Bullets))
			}
			if got := m.outcomes(); !slices.Equal(got, tt.want) {
				t.Errorf("outcomes = %v, want %v", got, tt.want)
			}
			if f.calls() != len(tt.want) {
				t.Errorf("calls = %d, want %d", f.calls(), len(tt.want))
			}
		})
	}
}

func TestSummarize_RetriesExhausted(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, func(int, openai.ChatCompletionRequest) reply {
		return apiError(http.StatusInternalServerError, "server_error")
	})
	s, m := newSummarizer(t, f, func(c *assistant.Config) { c.MaxRetries = 2 })
	_, err := s.Summarize(context.Background(), week(t))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v, want the server's 500", err)
	}
	if got, want := m.outcomes(), []string{"server_error", "server_error", "server_error"}; !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v (a call and 2 retries)", got, want)
	}
}

func TestSummarize_NoRetry(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 422} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			f := newFakeModel(t, script(t, apiError(status, "refused")))
			s, m := newSummarizer(t, f, nil)
			_, err := s.Summarize(context.Background(), week(t))
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != status {
				t.Fatalf("err = %v, want the server's %d", err, status)
			}
			if f.calls() != 1 || !slices.Equal(m.outcomes(), []string{"client_error"}) {
				t.Errorf("calls = %d, outcomes %v; want one client_error", f.calls(), m.outcomes())
			}
		})
	}
	t.Run("NoRetries", func(t *testing.T) {
		t.Parallel()
		f := newFakeModel(t, script(t, apiError(http.StatusTooManyRequests, "rate_limit_exceeded")))
		s, _ := newSummarizer(t, f, func(c *assistant.Config) { c.MaxRetries = -1 })
		if _, err := s.Summarize(context.Background(), week(t)); err == nil || f.calls() != 1 {
			t.Errorf("err = %v after %d calls, want an error after one call", err, f.calls())
		}
	})
}

// TestSummarize_RetryAfter checks that the server's Retry-After wins over
// the backoff: with an hour of backoff, only "Retry-After: 0" lets the
// test end.
func TestSummarize_RetryAfter(t *testing.T) {
	t.Parallel()
	limited := apiError(http.StatusTooManyRequests, "rate_limit_exceeded")
	limited.retryAfter = "0"
	f := newFakeModel(t, script(t, limited))
	s, m := newSummarizer(t, f, func(c *assistant.Config) { c.Backoff = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Summarize(ctx, week(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := m.outcomes(), []string{"rate_limited", "ok"}; !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
}

// TestSummarize_NoTimeToRetry checks that a retry the caller's deadline
// cannot wait for is not attempted: the call fails at once.
func TestSummarize_NoTimeToRetry(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, script(t, apiError(http.StatusServiceUnavailable, "overloaded")))
	s, _ := newSummarizer(t, f, func(c *assistant.Config) { c.Backoff = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.Summarize(ctx, week(t))
	if err == nil || ctx.Err() != nil {
		t.Fatalf("err = %v, ctx err %v; want a failure before the deadline", err, ctx.Err())
	}
	if f.calls() != 1 {
		t.Errorf("calls = %d, want 1", f.calls())
	}
}

// TestSummarize_Stall checks that a server that never answers costs one
// Timeout per attempt: the stalled handler waits until the client gives
// up, so the call returning at all proves the timeout.
func TestSummarize_Stall(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, func(int, openai.ChatCompletionRequest) reply { return reply{stall: true} })
	s, m := newSummarizer(t, f, func(c *assistant.Config) {
		c.Timeout = 50 * time.Millisecond
		c.MaxRetries = 1
	})
	done := make(chan error, 1)
	go func() {
		_, err := s.Summarize(context.Background(), week(t))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want a deadline exceeded", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a stalled server held the call past its timeout")
	}
	if got, want := m.outcomes(), []string{"timeout", "timeout"}; !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
}

// TestSummarize_Canceled checks that a caller giving up ends the call
// without a retry.
func TestSummarize_Canceled(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, func(int, openai.ChatCompletionRequest) reply { return reply{stall: true} })
	f.arrived = make(chan int, 4)
	s, m := newSummarizer(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-f.arrived
		cancel()
	}()
	_, err := s.Summarize(ctx, week(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want canceled", err)
	}
	if got, want := m.outcomes(), []string{"canceled"}; !slices.Equal(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
}
