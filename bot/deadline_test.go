package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"cercle/bot"
)

// TestAcksWhileTheDiskIsStuck holds the database's single writer and
// sends a form submission and a button press that both need it: each is
// acknowledged while the writer is still held (the ack never waits for
// the work), and the work is done once the writer is free. The writer is
// released only after both acks, so an ack that waited would hang the
// test until the safety release, which fails it.
func TestAcksWhileTheDiskIsStuck(t *testing.T) {
	h := newHarness(t, withBot(func(c *bot.Config) { c.AckBudget = 50 * time.Millisecond }))
	ctx := context.Background()
	ev := h.publishedEvent(t, 10)
	h.slash(t, "U1", "aide") // both members exist: only the writes wait
	h.slash(t, "U2", "aide")

	release := h.holdWriter(t, ev.ID)
	var safetyFired atomic.Bool
	safety := time.AfterFunc(10*time.Second, func() { safetyFired.Store(true); release() })

	code, _ := h.interact(t, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"},
		"user": map[string]any{"id": "U1", "name": "u1"}, "trigger_id": "t2",
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "profile", "private_metadata": "",
			"state": map[string]any{"values": map[string]any{
				"company_name": map[string]any{"value": map[string]any{"type": "plain_text_input", "value": "Métallerie Haddad"}}}}},
	})
	if code != http.StatusOK {
		t.Fatalf("form ack: %d", code)
	}
	if code, _ := h.interact(t, h.buttonPress("U2", "event.register", fmt.Sprint(ev.ID))); code != http.StatusOK {
		t.Fatalf("button ack: %d", code)
	}
	if !safety.Stop() || safetyFired.Load() {
		t.Fatal("an ack waited for the stuck writer")
	}
	release()

	// The work went on after the acks.
	if calls := h.slack.WaitCalls("response_url", 1, 5*time.Second); len(calls) != 1 {
		t.Errorf("button answer: %d response_url posts, want 1", len(calls))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		m, err := h.db.FindMemberByUserID(ctx, "U1")
		if err == nil && m.Company != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the form's company was never saved: %+v, %v", m, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
