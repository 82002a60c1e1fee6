package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// socketAck is what the bot writes back on the socket for an envelope.
type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func TestSocketMode(t *testing.T) {
	h := newHarness(t)
	conn := h.connectSocket(t)
	send := func(v any) {
		t.Helper()
		if err := conn.WriteJSON(v); err != nil {
			t.Fatal(err)
		}
	}
	readAck := func() socketAck {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			kind, data, err := conn.ReadMessage()
			if err != nil {
				t.Fatalf("reading ack: %v", err)
			}
			if kind != websocket.TextMessage {
				continue
			}
			var a socketAck
			if err := json.Unmarshal(data, &a); err != nil {
				t.Fatalf("ack %s: %v", data, err)
			}
			return a
		}
	}
	send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})

	t.Run("SlashCommandAnsweredInAck", func(t *testing.T) {
		send(map[string]any{
			"envelope_id": "env-slash", "type": "slash_commands", "accepts_response_payload": true,
			"payload": map[string]any{
				"team_id": "T1", "channel_id": "C1", "user_id": "U1", "user_name": "u1", "command": "/cercle",
				"text": "aide", "response_url": h.slack.ResponseURL("U1"), "trigger_id": "trig",
			},
		})
		ack := readAck()
		if ack.EnvelopeID != "env-slash" {
			t.Fatalf("ack for %q, want env-slash", ack.EnvelopeID)
		}
		if !strings.Contains(string(ack.Payload), "Commandes Cercle") || !strings.Contains(string(ack.Payload), `"response_type":"ephemeral"`) {
			t.Errorf("ack payload = %s", ack.Payload)
		}
	})
	t.Run("UnparsableEnvelopeAcked", func(t *testing.T) {
		send(map[string]any{
			"envelope_id": "env-bad", "type": "events_api", "accepts_response_payload": false,
			"payload": map[string]any{"type": "event_callback", "event_id": "EvX", "event": map[string]any{"type": "totally_unknown_event"}},
		})
		if ack := readAck(); ack.EnvelopeID != "env-bad" {
			t.Errorf("ack for %q, want env-bad", ack.EnvelopeID)
		}
	})
	t.Run("EventAckedThenHandled", func(t *testing.T) {
		send(map[string]any{
			"envelope_id": "env-home", "type": "events_api", "accepts_response_payload": false,
			"payload": map[string]any{"type": "event_callback", "event_id": "EvHome", "team_id": "T1",
				"event": map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}},
		})
		if ack := readAck(); ack.EnvelopeID != "env-home" || len(ack.Payload) > 0 && string(ack.Payload) != "null" {
			t.Errorf("ack = %+v, want an empty ack for env-home", ack)
		}
		if pubs := h.slack.WaitCalls("views.publish", 1, 2*time.Second); len(pubs) != 1 {
			t.Errorf("views.publish calls = %d, want 1", len(pubs))
		}
	})
	t.Run("SubmissionErrorsInAck", func(t *testing.T) {
		send(map[string]any{
			"envelope_id": "env-view", "type": "interactive", "accepts_response_payload": true,
			"payload": map[string]any{"type": "view_submission", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "U1"},
				"view": map[string]any{"id": "V1", "callback_id": "profile", "state": map[string]any{"values": map[string]any{
					"company_name": map[string]any{"value": map[string]any{"type": "plain_text_input", "value": ""}}}}}},
		})
		ack := readAck()
		if ack.EnvelopeID != "env-view" || !strings.Contains(string(ack.Payload), `"response_action":"errors"`) {
			t.Errorf("ack = %s %s", ack.EnvelopeID, ack.Payload)
		}
	})
}
