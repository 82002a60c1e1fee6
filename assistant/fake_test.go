package assistant_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/assistant"
	"cercle/commands"

	openai "github.com/sashabaranov/go-openai"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the requests sent")

const apiKey = "test-key"

// reply is what the fake model answers to one call.
type reply struct {
	status     int    // 200 when zero
	body       string // a chat completion, or an error
	retryAfter string // Retry-After header
	stall      bool   // answer nothing until the client gives up
	hangup     bool   // close the connection without answering
	// sse sends body as a server-sent event stream; with stallAfter,
	// the stream then stalls until the client gives up.
	sse, stallAfter bool
}

// fakeModel is an httptest server speaking the Chat Completions wire
// format. It keeps every request body and answers with respond, called
// with the call's number (from 0) and its decoded request.
type fakeModel struct {
	*httptest.Server
	respond func(n int, req openai.ChatCompletionRequest) reply
	arrived chan int // gets each call's number, if not nil

	mu     sync.Mutex
	bodies [][]byte
}

func newFakeModel(t *testing.T, respond func(n int, req openai.ChatCompletionRequest) reply) *fakeModel {
	t.Helper()
	f := &fakeModel{respond: respond}
	stop := make(chan struct{})
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.serve(w, r, stop)
	}))
	t.Cleanup(f.Close)
	t.Cleanup(func() { close(stop) }) // runs first: frees stalled handlers
	return f
}

func (f *fakeModel) serve(w http.ResponseWriter, r *http.Request, stop <-chan struct{}) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+apiKey {
		http.Error(w, `{"error":{"message":"bad key","type":"auth","param":null,"code":"invalid_api_key"}}`, http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req openai.ChatCompletionRequest
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	n := len(f.bodies)
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	if f.arrived != nil {
		f.arrived <- n
	}
	rep := f.respond(n, req)
	switch {
	case rep.stall:
		select {
		case <-r.Context().Done():
		case <-stop:
		}
		return
	case rep.hangup:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.sse {
		w.Header().Set("Content-Type", "text/event-stream")
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
	if rep.stallAfter {
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}
}

// requests returns the bodies received so far, decoded.
func (f *fakeModel) requests(t *testing.T) []openai.ChatCompletionRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	reqs := make([]openai.ChatCompletionRequest, len(f.bodies))
	for i, b := range f.bodies {
		if err := json.Unmarshal(b, &reqs[i]); err != nil {
			t.Fatalf("request %d: %v\n%s", i, err, b)
		}
	}
	return reqs
}

func (f *fakeModel) body(i int) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[i]
}

func (f *fakeModel) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

// completion returns a chat completion whose answer is content.
func completion(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": "fake-model",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content},
		}},
		"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
	})
	return string(b)
}

// apiError returns an OpenAI error body.
func apiError(status int, code string) reply {
	return reply{status: status, body: `{"error":{"message":"` + code + `","type":"test","param":null,"code":"` + code + `"}}`}
}

// modelCalls records what the Summarizer reports through Metrics.
type modelCalls struct {
	mu    sync.Mutex
	calls []modelCall
}

type modelCall struct {
	model, outcome           string
	prompt, completionTokens int
}

func (m *modelCalls) ModelCall(model, outcome string, prompt, completionTokens int, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, modelCall{model, outcome, prompt, completionTokens})
}

func (m *modelCalls) outcomes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, c := range m.calls {
		out = append(out, c.outcome)
	}
	return out
}

// newSummarizer returns a Summarizer on f with quick retries, changed by
// edit, and what it records.
func newSummarizer(t *testing.T, f *fakeModel, edit func(*assistant.Config)) (*assistant.Summarizer, *modelCalls) {
	t.Helper()
	m := &modelCalls{}
	cfg := assistant.Config{
		APIKey:  apiKey,
		BaseURL: f.URL + "/v1",
		Timeout: 5 * time.Second,
		Backoff: time.Millisecond,
		Metrics: m,
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := assistant.NewSummarizer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

// week returns the fixture: a week of the "Achats groupés" group.
func week(t *testing.T) *commands.SummaryRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "week.json"))
	if err != nil {
		t.Fatal(err)
	}
	var req commands.SummaryRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update if the change is meant):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// between returns what s holds between open and close, and whether both
// were found once each.
func between(s, open, close string) (string, bool) {
	if strings.Count(s, open) != 1 || strings.Count(s, close) != 1 {
		return "", false
	}
	_, rest, _ := strings.Cut(s, open)
	in, _, ok := strings.Cut(rest, close)
	return in, ok
}
