package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cercle/bot/slackfake"
	"cercle/commands"
)

// scriptedModel answers every question with text, written to the stream
// in pieces of chunk characters; panics when panicking is set.
type scriptedModel struct {
	text      string
	chunk     int
	panicking bool
}

func (m scriptedModel) Answer(_ context.Context, q *commands.Question) (*commands.Answer, error) {
	if m.panicking {
		panic("model blew up")
	}
	if q.Stream != nil {
		for rest := m.text; rest != ""; {
			n := min(m.chunk, len(rest))
			q.Stream(rest[:n])
			rest = rest[n:]
		}
	}
	return &commands.Answer{Text: m.text, Model: "scripted"}, nil
}

func withModel(m scriptedModel) harnessOption {
	return withService(func(c *commands.Config) { c.Answerer = m })
}

// threadMessage is a member's message in an assistant thread, as Slack
// sends it: a DM with a thread_ts.
func threadMessage(user, text, threadTS string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "user": user, "channel": "D" + user,
		"text": text, "ts": threadTS + "1", "thread_ts": threadTS}
}

func TestAssistantThreadStarted(t *testing.T) {
	h := newHarness(t)
	h.event(t, "EvAT1", map[string]any{"type": "assistant_thread_started", "assistant_thread": map[string]any{
		"user_id": "U1", "channel_id": "DU1", "thread_ts": "100.1", "context": map[string]any{"channel_id": "C7", "team_id": "T1"}}})
	calls := h.slack.WaitCalls("assistant.threads.setSuggestedPrompts", 1, 2*time.Second)
	if len(calls) != 1 {
		t.Fatalf("setSuggestedPrompts calls = %d, want 1", len(calls))
	}
	f := calls[0].Form
	if f.Get("channel_id") != "DU1" || f.Get("thread_ts") != "100.1" || strings.Count(f.Get("prompts"), `"message"`) != 4 ||
		!strings.Contains(f.Get("prompts"), "Quelles sont les prochaines plénières") {
		t.Errorf("setSuggestedPrompts = %v", f)
	}
	got, err := h.db.ThreadContext(context.Background(), commands.ThreadRef{Channel: "DU1", TS: "100.1"})
	if err != nil || got != "C7" {
		t.Errorf("thread context = %q, %v; want C7", got, err)
	}
	h.event(t, "EvAT2", map[string]any{"type": "assistant_thread_context_changed", "assistant_thread": map[string]any{
		"user_id": "U1", "channel_id": "DU1", "thread_ts": "100.1", "context": map[string]any{"channel_id": "C8"}}})
	deadline := time.Now().Add(2 * time.Second)
	for got != "C8" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		got, _ = h.db.ThreadContext(context.Background(), commands.ThreadRef{Channel: "DU1", TS: "100.1"})
	}
	if got != "C8" {
		t.Errorf("thread context after the change = %q, want C8", got)
	}
}

func TestAssistantThreadStatusThenAnswerOnce(t *testing.T) {
	h := newHarness(t)
	for range 2 { // Slack redelivers: one answer
		h.event(t, "EvQ1", threadMessage("U2", "quand est la prochaine plénière ?", "200.1"))
	}
	posts := h.slack.WaitCalls("chat.postMessage", 1, 2*time.Second)
	time.Sleep(100 * time.Millisecond) // let a wrong second answer land
	posts = h.slack.Calls("chat.postMessage")
	status := h.slack.Calls("assistant.threads.setStatus")
	if len(posts) != 1 || posts[0].Form.Get("thread_ts") != "200.1" || posts[0].Form.Get("channel") != "DU2" {
		t.Fatalf("postMessage calls = %+v, want one in the thread", posts)
	}
	if len(status) != 1 || status[0].Form.Get("status") != "réfléchit…" || strings.Contains(status[0].Form.Get("loading_messages"), ",") {
		t.Fatalf("setStatus calls = %+v, want one « réfléchit… »", status)
	}
	if !status[0].At.Before(posts[0].At) {
		t.Errorf("status set after the answer")
	}
}

func TestAssistantStatusClearedOnError(t *testing.T) {
	h := newHarness(t, withModel(scriptedModel{panicking: true}))
	h.event(t, "EvQ2", threadMessage("U3", "où en sont mes inscriptions ?", "300.1"))
	posts := h.slack.WaitCalls("chat.postMessage", 1, 3*time.Second)
	if len(posts) != 1 || posts[0].Form.Get("thread_ts") != "300.1" || !strings.Contains(posts[0].Form.Get("text"), "pas pu répondre") {
		t.Fatalf("postMessage calls = %+v, want the French error sentence in the thread (it clears the status)", posts)
	}
	// When even that post fails, the status is cleared by hand.
	h.slack.Script("chat.postMessage", slackfake.Reply{Body: `{"ok":false,"error":"channel_not_found"}`})
	h.event(t, "EvQ3", threadMessage("U3", "et maintenant ?", "301.1"))
	calls := h.slack.WaitCalls("assistant.threads.setStatus", 3, 3*time.Second)
	if len(calls) != 3 || calls[2].Form.Get("status") != "" || calls[2].Form.Get("thread_ts") != "301.1" {
		t.Fatalf("setStatus calls = %+v, want the last one clearing thread 301.1", calls)
	}
}

// longAnswer is a model's answer of n words, with no link nor markup.
func longAnswer(n int) string {
	return strings.TrimSpace(strings.Repeat("plénière ", n))
}

func TestAssistantAnswerStreamed(t *testing.T) {
	text := longAnswer(120) // about 1,080 characters
	h := newHarness(t, withModel(scriptedModel{text: text, chunk: 37}))
	h.event(t, "EvS1", threadMessage("U4", "les prochaines plénières ?", "400.1"))
	stops := h.slack.WaitCalls("chat.stopStream", 1, 3*time.Second)
	starts, appends := h.slack.Calls("chat.startStream"), h.slack.Calls("chat.appendStream")
	if len(starts) != 1 || len(stops) != 1 {
		t.Fatalf("startStream %d, stopStream %d calls; want 1 and 1", len(starts), len(stops))
	}
	s := starts[0].Form
	if s.Get("thread_ts") != "400.1" || s.Get("recipient_user_id") != "U4" || s.Get("recipient_team_id") != "T1" {
		t.Errorf("startStream = %v", s)
	}
	if s.Get("unfurl_links") != "false" || s.Get("unfurl_media") != "false" {
		t.Errorf("streamed with link previews on: unfurl_links=%q unfurl_media=%q", s.Get("unfurl_links"), s.Get("unfurl_media"))
	}
	streamed := s.Get("markdown_text")
	for _, a := range appends {
		streamed += a.Form.Get("markdown_text")
	}
	if streamed != text || len(appends) > 3 {
		t.Errorf("streamed %d characters in 1+%d calls, want %d in chunks of about 400", len(streamed), len(appends), len(text))
	}
	if !strings.Contains(stops[0].Form.Get("blocks"), "feedback_buttons") {
		t.Errorf("stopStream blocks = %s, want the feedback buttons", stops[0].Form.Get("blocks"))
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("postMessage calls = %d, want none: the stream is the answer", n)
	}
}

func TestAssistantStreamEndedBySlack(t *testing.T) {
	text := longAnswer(120)
	h := newHarness(t, withModel(scriptedModel{text: text, chunk: 37}))
	// Slack ended the stream: the next append, or the stop when the
	// whole answer went in the first call, is refused.
	h.slack.Script("chat.appendStream", slackfake.NotStreaming)
	h.slack.Script("chat.stopStream", slackfake.NotStreaming)
	h.event(t, "EvS2", threadMessage("U5", "les prochaines plénières ?", "500.1"))
	updates := h.slack.WaitCalls("chat.update", 1, 3*time.Second)
	starts := h.slack.Calls("chat.startStream")
	if len(starts) != 1 || len(updates) != 1 {
		t.Fatalf("startStream %d, chat.update %d calls; want 1 and 1", len(starts), len(updates))
	}
	if updates[0].Form.Get("ts") == "" || !strings.Contains(updates[0].Form.Get("text"), text) {
		t.Errorf("chat.update = %v, want the whole answer in the streamed message", updates[0].Form)
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("%d postMessage calls after the stream broke, want none", n)
	}
}

func TestMentionQuestionAnsweredEphemerally(t *testing.T) {
	h := newHarness(t, withModel(scriptedModel{text: "Deux plénières en juin.", chunk: 5}))
	h.event(t, "EvMQ", map[string]any{"type": "app_mention", "user": "U6", "channel": "C9", "text": "<@UBOT> quoi de prévu ?", "ts": "600.1"})
	calls := h.slack.WaitCalls("chat.postEphemeral", 1, 3*time.Second)
	if len(calls) != 1 || !strings.Contains(calls[0].Form.Get("text"), "Deux plénières en juin.") {
		t.Fatalf("ephemeral calls = %+v", calls)
	}
	if n := len(h.slack.Calls("chat.startStream")); n != 0 {
		t.Errorf("a mention's answer was streamed (%d) into the channel", n)
	}
}

func TestAssistantOverSocketMode(t *testing.T) {
	h := newHarness(t)
	conn := h.connectSocket(t)
	send := func(v any) {
		t.Helper()
		if err := conn.WriteJSON(v); err != nil {
			t.Fatal(err)
		}
	}
	send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	send(map[string]any{"envelope_id": "env-at", "type": "events_api", "accepts_response_payload": false,
		"payload": map[string]any{"type": "event_callback", "event_id": "EvSockAT", "team_id": "T1",
			"event": map[string]any{"type": "assistant_thread_started", "assistant_thread": map[string]any{
				"user_id": "U7", "channel_id": "DU7", "thread_ts": "700.1"}}}})
	send(map[string]any{"envelope_id": "env-q", "type": "events_api", "accepts_response_payload": false,
		"payload": map[string]any{"type": "event_callback", "event_id": "EvSockQ", "team_id": "T1",
			"event": threadMessage("U7", "quoi de neuf ?", "700.1")}})
	if calls := h.slack.WaitCalls("assistant.threads.setSuggestedPrompts", 1, 3*time.Second); len(calls) != 1 {
		t.Errorf("setSuggestedPrompts calls = %d, want 1", len(calls))
	}
	posts := h.slack.WaitCalls("chat.postMessage", 1, 3*time.Second)
	if len(posts) != 1 || posts[0].Form.Get("thread_ts") != "700.1" || len(h.slack.Calls("assistant.threads.setStatus")) != 1 {
		t.Errorf("postMessage = %+v, want one answer in the thread after one status", posts)
	}
}
