package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// socketSession is the bot's Socket Mode connection, seen from the fake
// Slack's side: the test sends envelopes and records every ack.
type socketSession struct {
	conn *websocket.Conn
	mu   sync.Mutex
	acks map[string][]string // envelope id → ack payloads, in order
}

// openSocket runs the bot in Socket Mode until the test ends, and reads
// its acks in the background.
func (h *harness) openSocket(t *testing.T) *socketSession {
	t.Helper()
	s := &socketSession{conn: h.connectSocket(t), acks: map[string][]string{}}
	s.send(t, map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	go s.read()
	return s
}

// connectSocket runs the bot in Socket Mode until the test ends and
// returns the fake Slack's side of its connection.
func (h *harness) connectSocket(t *testing.T) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.bot.RunSocketMode(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("RunSocketMode did not stop")
		}
	})
	conn, err := h.slack.NextSocket(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func (s *socketSession) send(t *testing.T, v any) {
	t.Helper()
	if err := s.conn.WriteJSON(v); err != nil {
		t.Fatal(err)
	}
}

// read records acks until the connection closes.
func (s *socketSession) read() {
	for {
		kind, data, err := s.conn.ReadMessage()
		if err != nil {
			return
		}
		var a socketAck
		if kind != websocket.TextMessage || json.Unmarshal(data, &a) != nil || a.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		s.acks[a.EnvelopeID] = append(s.acks[a.EnvelopeID], unescapeJSON(string(a.Payload)))
		s.mu.Unlock()
	}
}

// waitAcks waits until n envelopes, or the one named last, are acked,
// and returns the acks so far.
func (s *socketSession) waitAcks(t *testing.T, n int, last string, timeout time.Duration) map[string][]string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		_, ok := s.acks[last]
		out := make(map[string][]string, len(s.acks))
		for k, v := range s.acks {
			out[k] = v
		}
		s.mu.Unlock()
		if ok || len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d envelopes acked within %v, want %d", len(out), timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSocketModeBurst sends hundreds of slash commands, register-button
// clicks and Home-tab opens at once through Socket Mode. Nothing is
// dropped: every envelope is acked exactly once, every command answered
// (in its ack or at its response_url), every click registers its member
// and answers at its response_url, every Home open publishes a view.
func TestSocketModeBurst(t *testing.T) {
	t.Parallel()
	const slashes, clicks, homes, seats = 300, 300, 200, 200
	h := newHarness(t)
	ev := h.createEvent(t, seats)
	id := fmt.Sprint(ev.ID)
	sock := h.openSocket(t)

	for i := range max(slashes, clicks, homes) {
		if i < slashes {
			user := fmt.Sprintf("US%04d", i)
			sock.send(t, map[string]any{"envelope_id": "slash-" + user, "type": "slash_commands", "accepts_response_payload": true,
				"payload": map[string]any{"team_id": "T1", "channel_id": "C1", "user_id": user, "user_name": strings.ToLower(user),
					"command": "/cercle", "text": "inscrire " + id, "response_url": h.slack.ResponseURL(user), "trigger_id": "trig-" + user}})
		}
		if i < clicks {
			user := fmt.Sprintf("UC%04d", i)
			sock.send(t, map[string]any{"envelope_id": "click-" + user, "type": "interactive", "accepts_response_payload": false,
				"payload": h.buttonPress(user, "event.register", id)})
		}
		if i < homes {
			user := fmt.Sprintf("UH%04d", i)
			sock.send(t, map[string]any{"envelope_id": "home-" + user, "type": "events_api", "accepts_response_payload": false,
				"payload": map[string]any{"type": "event_callback", "event_id": "Ev" + user, "team_id": "T1",
					"event": map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}}})
		}
	}
	// Once every envelope is acked and the bot has finished everything,
	// one last envelope: its ack comes after every ack sent before it
	// (one queue, one writer), so a second ack of anything would be in.
	total := slashes + clicks + homes
	sock.waitAcks(t, total, "", time.Minute)
	h.drain(t)
	sock.send(t, map[string]any{"envelope_id": "sentinel", "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{"type": "view_closed", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "U1"},
			"view": map[string]any{"id": "V1", "callback_id": "profile"}}})
	acks := sock.waitAcks(t, total+2, "sentinel", time.Minute)

	if len(acks) != total+1 {
		t.Errorf("%d envelopes acked, want %d", len(acks), total+1)
	}
	for env, a := range acks {
		if len(a) != 1 {
			t.Errorf("%s acked %d times", env, len(a))
		}
	}
	answers := map[string]string{}
	for i := range slashes {
		user := fmt.Sprintf("US%04d", i)
		if a := acks["slash-"+user]; len(a) > 0 {
			answers[user], _ = h.registrationAnswer(t, user, a[0])
		}
	}
	for i := range clicks {
		user := fmt.Sprintf("UC%04d", i)
		if late := h.responsesTo(user + "-event.register"); len(late) == 1 {
			answers[user] = late[0]
		} else {
			t.Errorf("%s clicked: %d answers at the response_url, want 1", user, len(late))
		}
	}
	registered, waitlisted := countAnswers(t, answers)
	if registered != seats || waitlisted != slashes+clicks-seats {
		t.Errorf("answers: %d registered, %d waitlisted; want %d and %d", registered, waitlisted, seats, slashes+clicks-seats)
	}
	h.checkSeats(t, ev.ID, seats, slashes+clicks-seats)
	published := map[string]int{}
	for _, c := range h.slack.Calls("views.publish") {
		published[c.Form.Get("user_id")]++
	}
	for i := range homes {
		if user := fmt.Sprintf("UH%04d", i); published[user] != 1 {
			t.Errorf("%s opened Home: %d views published, want 1", user, published[user])
		}
	}
}
