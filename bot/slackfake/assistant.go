package slackfake

import (
	"fmt"
	"net/url"
	"time"
)

// assistantMethods are the Web API methods of Slack's assistant surface:
// the assistant thread's status, suggested prompts and title (answered
// {"ok": true}) and streamed messages. Each call is recorded; a failure is
// scripted as for any method, for example a stream Slack ended:
//
//	fake.Script("chat.appendStream", slackfake.NotStreaming)
var assistantMethods = []string{
	"assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts", "assistant.threads.setTitle",
	"chat.startStream", "chat.appendStream", "chat.stopStream",
}

// NotStreaming is Slack's answer to appending to, or stopping, a stream it
// has already ended (after its undocumented few minutes).
var NotStreaming = Reply{Body: `{"ok":false,"error":"message_not_in_streaming_state"}`}

// stream answers chat.startStream with a new message's ts, and
// chat.appendStream and chat.stopStream with the stream's own ts. A
// started stream is a posted message: conversations.history shows it.
func (s *Server) stream(method string, form url.Values) map[string]any {
	ts := form.Get("ts")
	if method == "chat.startStream" {
		ts = s.post(url.Values{"channel": {form.Get("channel")}, "text": {form.Get("markdown_text")}})
	}
	if ts == "" {
		ts = fmt.Sprintf("%d.000300", time.Now().Unix())
	}
	return map[string]any{"ok": true, "channel": form.Get("channel"), "ts": ts}
}
