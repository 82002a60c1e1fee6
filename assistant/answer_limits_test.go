package assistant_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/assistant"
	"cercle/commands"
	"cercle/i18n"

	openai "github.com/sashabaranov/go-openai"
)

// toolCalls returns a completion that calls list_events n times.
func toolCalls(n int) reply {
	calls := make([]any, n)
	for i := range calls {
		calls[i] = map[string]any{"id": fmt.Sprintf("call_%d", i), "type": "function",
			"function": map[string]string{"name": "list_events", "arguments": "{}"}}
	}
	b, _ := json.Marshal(map[string]any{"id": "c", "object": "chat.completion", "created": 1, "model": "fake-model",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "tool_calls",
			"message": map[string]any{"role": "assistant", "content": nil, "tool_calls": calls}}},
		"usage": map[string]int{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
	return reply{body: string(b)}
}

// A model that would call tools forever is stopped at MaxToolCalls, then
// asked once, with tools off, for an answer from what it has.
func TestAnswer_ToolCallLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		perReply int // tool calls in each of the model's messages
		max      int
		calls    int // model calls expected, the last one with tools off
	}{
		{"50 in one message", 50, 0, 2},
		{"one per message", 1, 3, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeModel(t, func(_ int, req openai.ChatCompletionRequest) reply {
				if req.ToolChoice == "none" {
					return reply{body: completion("Je n'ai trouvé que la visite de Gesnord.")}
				}
				return toolCalls(tt.perReply)
			})
			a, _ := newAnswerer(t, f, nil)
			b := &toolbox{}
			q := question(b)
			q.MaxToolCalls = tt.max
			ans, err := a.Answer(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			limit := cmpOr(tt.max, assistant.DefaultMaxToolCalls)
			if ans.ToolCalls != limit || len(b.calls()) != limit {
				t.Errorf("%d tool calls counted, %d run, want %d", ans.ToolCalls, len(b.calls()), limit)
			}
			reqs := f.requests(t)
			if len(reqs) != tt.calls {
				t.Fatalf("%d model calls, want %d", len(reqs), tt.calls)
			}
			last := reqs[len(reqs)-1]
			nudge := last.Messages[len(last.Messages)-1]
			if last.ToolChoice != "none" || nudge.Role != "user" || !strings.Contains(nudge.Content, "Limite d'appels d'outils atteinte") {
				t.Errorf("last call: tool_choice %v, last message %+v", last.ToolChoice, nudge)
			}
			// Every call the model made is answered, run or not.
			n := 0
			for _, m := range last.Messages {
				if m.Role == openai.ChatMessageRoleTool {
					n++
				}
			}
			if n != tt.perReply*(tt.calls-1) {
				t.Errorf("%d tool messages, want one per call", n)
			}
			if tools := toolMessages(last); tt.perReply == 50 && !strings.Contains(tools["call_49"], "tool call limit reached") {
				t.Errorf("call past the limit answered %s", tools["call_49"])
			}
		})
	}
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// A server that refuses tools gives ErrToolsUnsupported at once, so the
// core answers without the model; other refusals do not.
func TestAnswer_ToolsUnsupported(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		message string
		stream  bool
		want    bool
	}{
		{"registry.ollama.ai/library/gemma2:2b does not support tools", false, true},
		{"registry.ollama.ai/library/gemma2:2b does not support tools", true, true},
		{`"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set`, false, true},
		{"tools is not supported for this model", false, true},
		{"messages: field required", false, false},
	} {
		t.Run(tt.message, func(t *testing.T) {
			t.Parallel()
			body, _ := json.Marshal(map[string]any{"error": map[string]any{"message": tt.message, "type": "invalid_request_error", "param": nil, "code": nil}})
			f := newFakeModel(t, replies(reply{status: http.StatusBadRequest, body: string(body)}))
			a, _ := newAnswerer(t, f, nil)
			q := question(&toolbox{})
			if tt.stream {
				q.Stream = func(string) {}
			}
			_, err := a.Answer(context.Background(), q)
			if err == nil || errors.Is(err, commands.ErrToolsUnsupported) != tt.want {
				t.Errorf("err = %v, want ErrToolsUnsupported %v", err, tt.want)
			}
			if f.calls() != 1 {
				t.Errorf("%d calls: a 400 is never retried", f.calls())
			}
		})
	}
}

// A server error is retried, plain or streamed, as the summarizer does.
func TestAnswer_RetriedAfter500(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			t.Parallel()
			ok := jsonReply(t, "ask-answer.json")
			if stream {
				ok = sseReply(t, "ask-stream-text.sse")
			}
			f := newFakeModel(t, replies(apiError(http.StatusInternalServerError, "server_error"), ok))
			a, m := newAnswerer(t, f, nil)
			q := question(&toolbox{})
			var deltas int
			if stream {
				q.Stream = func(string) { deltas++ }
			}
			ans, err := a.Answer(context.Background(), q)
			if err != nil || ans.Text == "" {
				t.Fatalf("answer %+v, err %v", ans, err)
			}
			if got := m.outcomes(); !reflect.DeepEqual(got, []string{"server_error", "ok"}) {
				t.Errorf("outcomes = %v", got)
			}
			if stream && deltas != 3 {
				t.Errorf("%d deltas, want the 3 of the one stream that came", deltas)
			}
		})
	}
}

// A stream that stalls before its first byte is retried; one that stalls
// after showing text is not, since a retry would show the text twice.
func TestAnswer_StreamStalls(t *testing.T) {
	t.Parallel()
	stalled := textStream("La prochaine ")
	stalled.body = strings.TrimSuffix(stalled.body, "data: [DONE]\n\n")
	stalled.stallAfter = true
	for _, tt := range []struct {
		name  string
		first reply
		calls int
		ok    bool
	}{
		{"before the first byte", reply{stall: true}, 2, true},
		{"after text", stalled, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeModel(t, replies(tt.first, sseReply(t, "ask-stream-text.sse")))
			a, m := newAnswerer(t, f, func(c *assistant.Config) { c.Timeout = 200 * time.Millisecond })
			q := question(&toolbox{})
			var streamed strings.Builder
			q.Stream = func(d string) { streamed.WriteString(d) }
			ans, err := a.Answer(context.Background(), q)
			if (err == nil) != tt.ok || f.calls() != tt.calls {
				t.Fatalf("err %v after %d calls (outcomes %v), want ok %v after %d", err, f.calls(), m.outcomes(), tt.ok, tt.calls)
			}
			if tt.ok && streamed.String() != ans.Text {
				t.Errorf("streamed %q, answered %q", streamed.String(), ans.Text)
			}
			if !tt.ok && streamed.String() != "La prochaine " {
				t.Errorf("streamed %q before the stall", streamed.String())
			}
		})
	}
}

// TestAnswer_Golden pins the first request's body: the system prompt in
// each language, the history, the question and the tools.
func TestAnswer_Golden(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.French, i18n.English} {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			f := newFakeModel(t, replies(jsonReply(t, "ask-answer.json")))
			a, _ := newAnswerer(t, f, nil)
			q := question(&toolbox{})
			q.Lang = lang
			if _, err := a.Answer(context.Background(), q); err != nil {
				t.Fatal(err)
			}
			golden(t, "ask."+string(lang)+".golden", indent(t, f.body(0)))
		})
	}
}

// Requests carry only the fields every compatible server knows: Mistral
// answers 422 to any other (user, n, store, stream_options …).
func TestAnswer_OnlyKnownFields(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		model  string
		stream bool
		want   []string
	}{
		{"mistral-small-latest", false, []string{"max_tokens", "messages", "model", "stream", "temperature", "tool_choice", "tools"}},
		{"mistral-small-latest", true, []string{"max_tokens", "messages", "model", "stream", "temperature", "tool_choice", "tools"}},
		{"o4-mini", false, []string{"max_completion_tokens", "messages", "model", "stream", "tool_choice", "tools"}},
	} {
		t.Run(fmt.Sprint(tt.model, " stream=", tt.stream), func(t *testing.T) {
			t.Parallel()
			next := jsonReply(t, "ask-answer.json")
			if tt.stream {
				next = textStream("Bonjour.")
			}
			first := jsonReply(t, "ask-tool-call.json")
			if tt.stream {
				first = sseReply(t, "ask-stream-calls-index.sse")
			}
			f := newFakeModel(t, replies(first, next))
			a, _ := newAnswerer(t, f, func(c *assistant.Config) { c.Model = tt.model })
			q := question(&toolbox{})
			if tt.stream {
				q.Stream = func(string) {}
			}
			if _, err := a.Answer(context.Background(), q); err != nil {
				t.Fatal(err)
			}
			for i := range f.calls() {
				assertKeys(t, f.body(i), tt.want)
			}
		})
	}
}

// assertKeys checks the keys of a request body, of its messages and of
// their tool calls.
func assertKeys(t *testing.T, body []byte, want []string) {
	t.Helper()
	var req struct {
		Messages []map[string]json.RawMessage `json:"messages"`
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || json.Unmarshal(body, &req) != nil {
		t.Fatalf("body: %v\n%s", err, body)
	}
	if got := keys(top); !reflect.DeepEqual(got, want) {
		t.Errorf("request keys = %v, want %v", got, want)
	}
	for _, m := range req.Messages {
		for _, k := range keys(m) {
			if !slices.Contains([]string{"role", "content", "tool_calls", "tool_call_id"}, k) {
				t.Errorf("message key %q in %v", k, keys(m))
			}
		}
		var calls []map[string]json.RawMessage
		_ = json.Unmarshal(m["tool_calls"], &calls)
		for _, c := range calls {
			if got := keys(c); !reflect.DeepEqual(got, []string{"function", "id", "type"}) || string(c["type"]) != `"function"` {
				t.Errorf("echoed tool call %s", c)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The text is returned as written, cut at 12,000 runes.
func TestAnswer_LongAnswerCut(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, replies(reply{body: completion(strings.Repeat("é", 13_000))}))
	a, _ := newAnswerer(t, f, nil)
	ans, err := a.Answer(context.Background(), question(&toolbox{}))
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(ans.Text)); n != 12_000 {
		t.Errorf("%d runes, want 12000", n)
	}
}

// A server that ignores tool_choice "none" (Ollama does) and calls a tool
// again gets no more runs: the answer is an error when it wrote nothing.
func TestAnswer_ToolChoiceNoneIgnored(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, replies(toolCalls(1)))
	a, _ := newAnswerer(t, f, nil)
	b := &toolbox{}
	q := question(b)
	q.MaxToolCalls = 2
	_, err := a.Answer(context.Background(), q)
	if !errors.Is(err, assistant.ErrEmptyAnswer) || f.calls() != 3 || len(b.calls()) != 2 {
		t.Errorf("err %v after %d model calls and %d tool runs, want ErrEmptyAnswer after 3 and 2", err, f.calls(), len(b.calls()))
	}
}
