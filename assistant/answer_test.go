package assistant_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/assistant"
	"cercle/commands"
	"cercle/i18n"

	openai "github.com/sashabaranov/go-openai"
)

// answerMetrics records model calls and tool calls.
type answerMetrics struct {
	modelCalls
	toolMu sync.Mutex
	tools  []string
}

func (m *answerMetrics) ToolCall(name string) {
	m.toolMu.Lock()
	defer m.toolMu.Unlock()
	m.tools = append(m.tools, name)
}

// newAnswerer returns an Answerer on f with quick retries, changed by
// edit, and what it records.
func newAnswerer(t *testing.T, f *fakeModel, edit func(*assistant.Config)) (*assistant.Answerer, *answerMetrics) {
	t.Helper()
	m := &answerMetrics{}
	cfg := assistant.Config{APIKey: apiKey, BaseURL: f.URL + "/v1", Timeout: 5 * time.Second, Backoff: time.Millisecond, Metrics: m}
	if edit != nil {
		edit(&cfg)
	}
	a, err := assistant.NewAnswerer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a, m
}

// toolRun is one call a model made, as the core received it.
type toolRun struct{ name, args string }

// toolbox plays the core's tools: it records each call and answers with
// a fixed result per tool, or an error for any other name.
type toolbox struct {
	mu   sync.Mutex
	runs []toolRun
}

var toolResults = map[string]string{
	"list_events":  `{"events":[{"id":42,"title":"Visite de Gesnord Logistique","place":"Courrières","start":"2026-12-10T14:00:00+01:00","seats_left":6}]}`,
	"find_experts": `{"experts":[{"name":"Julie Martin","topics":["export","douane"]}]}`,
}

func (b *toolbox) call(_ context.Context, name string, args json.RawMessage) (json.RawMessage, error) {
	b.mu.Lock()
	b.runs = append(b.runs, toolRun{name, string(args)})
	b.mu.Unlock()
	if r, ok := toolResults[name]; ok {
		return json.RawMessage(r), nil
	}
	return nil, fmt.Errorf("unknown tool %q", name)
}

func (b *toolbox) calls() []toolRun {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]toolRun(nil), b.runs...)
}

// question returns a member's question with the network's tools.
func question(b *toolbox) *commands.Question {
	return &commands.Question{
		Lang: i18n.French,
		History: []commands.Turn{
			{Role: "user", Text: "Bonjour, qui organise les visites ?"},
			{Role: "assistant", Text: "Les visites sont organisées par la commission Entreprises."},
		},
		Text: "Quelle est la prochaine visite ?",
		Tools: []commands.ToolSpec{
			{Name: "list_events", Description: "Liste les prochains événements publiés.", Parameters: json.RawMessage(`{"type":"object","properties":{"kind":{"type":"string","enum":["plenary","visit","group"]}}}`)},
			{Name: "find_experts", Description: "Cherche des experts par thème.", Parameters: json.RawMessage(`{"type":"object","properties":{"topic":{"type":"string"}},"required":["topic"]}`)},
			{Name: "propose_registration", Description: "Propose au membre de s'inscrire à un événement ; il confirme d'un clic.", Parameters: json.RawMessage(`{"type":"object","properties":{"event_id":{"type":"integer"}},"required":["event_id"]}`)},
		},
		Call: b.call,
	}
}

// replies answers each call with the next reply, and the last one after.
func replies(rs ...reply) func(int, openai.ChatCompletionRequest) reply {
	return func(n int, _ openai.ChatCompletionRequest) reply {
		return rs[min(n, len(rs)-1)]
	}
}

func jsonReply(t *testing.T, name string) reply { return reply{body: readFile(t, name)} }
func sseReply(t *testing.T, name string) reply  { return reply{body: readFile(t, name), sse: true} }

// textStream returns a stream whose deltas are parts.
func textStream(parts ...string) reply {
	var b strings.Builder
	for _, p := range parts {
		chunk, _ := json.Marshal(map[string]any{"id": "s", "object": "chat.completion.chunk", "created": 1, "model": "fake-model",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": p}, "finish_reason": nil}}})
		fmt.Fprintf(&b, "data: %s\n\n", chunk)
	}
	return reply{body: b.String() + "data: [DONE]\n\n", sse: true}
}

// toolMessages returns the tool messages of a request, by tool_call_id.
func toolMessages(req openai.ChatCompletionRequest) map[string]string {
	out := map[string]string{}
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleTool {
			out[m.ToolCallID] = m.Content
		}
	}
	return out
}

func TestAnswer_OneToolCall(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, replies(jsonReply(t, "ask-tool-call.json"), jsonReply(t, "ask-answer.json")))
	a, m := newAnswerer(t, f, nil)
	b := &toolbox{}
	ans, err := a.Answer(context.Background(), question(b))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ans.Text, "La prochaine visite est celle de Gesnord") || ans.ToolCalls != 1 {
		t.Errorf("answer = %+v", ans)
	}
	if ans.PromptTokens != 812+901 || ans.CompletionTokens != 17+38 || ans.Model != "gpt-4o-mini-2024-07-18" {
		t.Errorf("cost = %d+%d tokens by %q, want the sum of both calls", ans.PromptTokens, ans.CompletionTokens, ans.Model)
	}
	if got, want := b.calls(), []toolRun{{"list_events", `{"kind":"visit"}`}}; !reflect.DeepEqual(got, want) {
		t.Errorf("tool runs = %v, want %v", got, want)
	}
	reqs := f.requests(t)
	if len(reqs) != 2 {
		t.Fatalf("%d calls, want 2", len(reqs))
	}
	msgs := reqs[1].Messages
	echo, tool := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if echo.Role != "assistant" || len(echo.ToolCalls) != 1 || echo.ToolCalls[0].ID != "call_Xk2pL9" || echo.ToolCalls[0].Type != "function" {
		t.Errorf("echoed assistant message = %+v", echo)
	}
	if tool.Role != "tool" || tool.ToolCallID != "call_Xk2pL9" || tool.Content != toolResults["list_events"] {
		t.Errorf("tool message = %+v, want the tool's JSON for call_Xk2pL9", tool)
	}
	if got := m.outcomes(); !reflect.DeepEqual(got, []string{"ok", "ok"}) {
		t.Errorf("model calls = %v", got)
	}
	if !reflect.DeepEqual(m.tools, []string{"list_events"}) {
		t.Errorf("tool calls recorded = %v", m.tools)
	}
}

func TestAnswer_TwoToolCallsInOneMessage(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, replies(jsonReply(t, "ask-two-calls.json"), jsonReply(t, "ask-answer.json")))
	a, _ := newAnswerer(t, f, nil)
	b := &toolbox{}
	ans, err := a.Answer(context.Background(), question(b))
	if err != nil {
		t.Fatal(err)
	}
	if ans.ToolCalls != 2 {
		t.Errorf("ToolCalls = %d, want 2", ans.ToolCalls)
	}
	want := []toolRun{{"list_events", "{}"}, {"find_experts", `{"topic":"cybersécurité"}`}}
	if got := b.calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("tool runs = %v, want %v", got, want)
	}
	got := toolMessages(f.requests(t)[1])
	if got["call_A1"] != toolResults["list_events"] || got["call_B2"] != toolResults["find_experts"] || len(got) != 2 {
		t.Errorf("tool messages = %v", got)
	}
}

// A tool's error is told to the model as {"error": …}, and the answer goes on.
func TestAnswer_ToolError(t *testing.T) {
	t.Parallel()
	bad := strings.Replace(readFile(t, "ask-tool-call.json"), "list_events", "get_registrations_of", 1)
	f := newFakeModel(t, replies(reply{body: bad}, jsonReply(t, "ask-answer.json")))
	a, m := newAnswerer(t, f, nil)
	if _, err := a.Answer(context.Background(), question(&toolbox{})); err != nil {
		t.Fatal(err)
	}
	if got := toolMessages(f.requests(t)[1])["call_Xk2pL9"]; got != `{"error":"unknown tool \"get_registrations_of\""}` {
		t.Errorf("tool message = %s", got)
	}
	if !reflect.DeepEqual(m.tools, []string{"unknown"}) {
		t.Errorf("tool calls recorded = %v, want a made-up name as unknown", m.tools)
	}
}

func TestAnswer_StreamedText(t *testing.T) {
	t.Parallel()
	f := newFakeModel(t, replies(sseReply(t, "ask-stream-text.sse")))
	a, m := newAnswerer(t, f, nil)
	q := question(&toolbox{})
	var deltas []string
	q.Stream = func(d string) { deltas = append(deltas, d) }
	ans, err := a.Answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"La prochaine", " plénière a lieu", " le 15 janvier à Lille."}
	if !reflect.DeepEqual(deltas, want) {
		t.Errorf("deltas = %q, want %q", deltas, want)
	}
	if ans.Text != strings.Join(want, "") {
		t.Errorf("text = %q", ans.Text)
	}
	if ans.PromptTokens == 0 || ans.CompletionTokens == 0 {
		t.Errorf("tokens = %d+%d: a stream without usage is estimated", ans.PromptTokens, ans.CompletionTokens)
	}
	if !f.requests(t)[0].Stream {
		t.Error("the request did not ask for a stream")
	}
	if got := m.calls[0]; got.prompt != 0 {
		t.Errorf("metrics got %d prompt tokens, want the server's count (none)", got.prompt)
	}
}

// Streamed tool calls are put back together whether the server gives each
// fragment its call's index, only its id, or neither.
func TestAnswer_StreamedToolCalls(t *testing.T) {
	t.Parallel()
	two := []toolRun{{"list_events", `{"kind":"visit"}`}, {"find_experts", `{"topic":"export"}`}}
	for _, tt := range []struct {
		fixture string
		want    []toolRun
		ids     []string
	}{
		{"ask-stream-calls-index.sse", two, []string{"call_A1", "call_B2"}},
		{"ask-stream-calls-id.sse", two, []string{"call_A1", "call_B2"}},
		{"ask-stream-calls-bare.sse", two[:1], []string{"call_A1"}},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			f := newFakeModel(t, replies(sseReply(t, tt.fixture), textStream("Voici ", "la visite.")))
			a, _ := newAnswerer(t, f, nil)
			b := &toolbox{}
			q := question(b)
			var streamed strings.Builder
			q.Stream = func(d string) { streamed.WriteString(d) }
			ans, err := a.Answer(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.calls(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tool runs = %v, want %v", got, tt.want)
			}
			if ans.ToolCalls != len(tt.want) || ans.Text != "Voici la visite." || streamed.String() != ans.Text {
				t.Errorf("answer = %+v, streamed %q", ans, streamed.String())
			}
			msgs := f.requests(t)[1].Messages
			var ids []string
			for _, tc := range msgs[len(msgs)-1-len(tt.want)].ToolCalls {
				ids = append(ids, tc.ID)
				if tc.Type != "function" || tc.Index != nil {
					t.Errorf("echoed call %+v: want type function and no index", tc)
				}
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("echoed call ids = %v, want %v", ids, tt.ids)
			}
		})
	}
}
