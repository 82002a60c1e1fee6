package bot_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cercle/bot/slackfake"
	"cercle/commands"
	"cercle/storage"
)

// clock is a pinned time the test moves by hand: Retry-After waits pass
// without sleeping.
type pinnedClock struct{ t time.Time }

func (c *pinnedClock) now() time.Time          { return c.t }
func (c *pinnedClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// flushUntilDone flushes, moving the clock a second each time, until
// nothing is pending or rounds run out; it returns the rounds used.
func flushUntilDone(t *testing.T, o *commands.Outbox, db *storage.DB, c *pinnedClock, rounds int) int {
	t.Helper()
	for i := 1; i <= rounds; i++ {
		if _, err := o.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountPendingMessages(context.Background()); n == 0 {
			return i
		}
		c.advance(time.Second)
	}
	t.Fatalf("messages still pending after %d rounds", rounds)
	return 0
}

func rateLimited(n int) []slackfake.Reply {
	out := make([]slackfake.Reply, n)
	for i := range out {
		out[i] = slackfake.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1"}
	}
	return out
}

// A 429 storm of 14 s with Retry-After: 1 used to give every queued
// message up after 8 attempts. Waiting on a rate limit is not a failure.
func TestOutboxOutlastsRateLimitStorm(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	fake.Script("chat.postMessage", rateLimited(14)...)
	enqueue(t, db, "1", "2", "3", "4", "5")
	o := testOutbox(db, fake)
	c := &pinnedClock{t: time.Now()}
	o.Now = c.now

	rounds := flushUntilDone(t, o, db, c, 40)
	counts, err := db.CountOutbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts != (storage.OutboxCounts{Sent: 5}) {
		t.Errorf("outbox = %+v, want all 5 sent, none given up", counts)
	}
	// One call per second of storm (the method is paused in between),
	// then one post per message.
	if n := len(fake.Calls("chat.postMessage")); n != 14+5 {
		t.Errorf("chat.postMessage called %d times, want %d", n, 14+5)
	}
	if rounds != 15 {
		t.Errorf("delivered in %d rounds of a second, want 15", rounds)
	}
}

// After a 429, chat.postMessage is paused for every recipient until the
// Retry-After window ends.
func TestOutboxPausesRateLimitedMethod(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	fake.Script("chat.postMessage", rateLimited(1)...)
	enqueue(t, db, "1", "2", "3", "4")
	o := testOutbox(db, fake)
	start := time.Now()
	c := &pinnedClock{t: start}
	o.Now = c.now

	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 1}, {500 * time.Millisecond, 1}, {499 * time.Millisecond, 1}, {time.Millisecond, 1 + 4}} {
		c.advance(step.advance)
		if _, err := o.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(fake.Calls("chat.postMessage")); n != step.want {
			t.Errorf("at +%s: chat.postMessage called %d times, want %d", c.t.Sub(start), n, step.want)
		}
	}
	if n := len(fake.Calls("conversations.open")); n != 4 {
		t.Errorf("conversations.open called %d times, want 4 (none while paused)", n)
	}
	if n, _ := db.CountPendingMessages(context.Background()); n != 0 {
		t.Errorf("%d still pending", n)
	}
}

// When only the upload of a confirmation is rate-limited, its text is
// not posted again: each confirmation is posted once, its file once.
func TestOutboxNeverRepeatsAPart(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	fake.Script("files.getUploadURLExternal", rateLimited(3)...)
	var msgs []*commands.OutboxMessage
	for _, k := range []string{"1", "2", "3", "4", "5"} {
		msgs = append(msgs, &commands.OutboxMessage{DedupeKey: "confirm:" + k, To: commands.Recipient{User: commands.UserID("U" + k)},
			Message: commands.Response{Title: "Inscription confirmée",
				Files: []commands.File{{Name: "event-" + k + ".ics", Title: "Agenda", Content: []byte("BEGIN:VCALENDAR " + k)}}}})
	}
	if _, err := db.EnqueueMessages(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	o := testOutbox(db, fake)
	c := &pinnedClock{t: time.Now()}
	o.Now = c.now

	flushUntilDone(t, o, db, c, 10)
	if n := len(fake.Calls("chat.postMessage")); n != 5 {
		t.Errorf("chat.postMessage called %d times for 5 confirmations, want 5", n)
	}
	if n := len(fake.Calls("files.completeUploadExternal")); n != 5 {
		t.Errorf("%d files completed, want 5", n)
	}
	if n := len(fake.Calls("files.getUploadURLExternal")); n != 3+5 {
		t.Errorf("files.getUploadURLExternal called %d times, want 3 rate-limited + 5 (none while paused)", n)
	}
	for _, call := range fake.Calls("chat.postMessage") {
		if md := call.Form.Get("metadata"); !strings.Contains(md, `"cercle_outbox"`) || !strings.Contains(md, `"confirm:`) {
			t.Errorf("posted without its dedupe key in metadata: %q", md)
		}
		if call.Form.Get("unfurl_links") != "false" || call.Form.Get("unfurl_media") != "false" {
			t.Errorf("posted with link previews on: unfurl_links=%q unfurl_media=%q", call.Form.Get("unfurl_links"), call.Form.Get("unfurl_media"))
		}
	}
}

// A message left in flight by a crash, which Slack already holds, is
// found in the conversation's history and not posted again.
func TestOutboxFindsMessageLeftInFlight(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	ctx := context.Background()
	enqueue(t, db, "K")
	due, err := db.DueMessages(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %d (%v), want 1", len(due), err)
	}
	// The process was killed after Slack accepted the post and before
	// the outbox recorded it.
	sentAt := time.Now()
	if err := db.SetMessageProgress(ctx, due[0].ID, commands.Delivery{Key: "K"}, sentAt); err != nil {
		t.Fatal(err)
	}
	fake.Post("DK", "Rappel K", `{"event_type":"cercle_outbox","event_payload":{"key":"K"}}`)
	fake.Post("DK", "Un autre", `{"event_type":"cercle_outbox","event_payload":{"key":"other"}}`)

	// The lookup itself is rate-limited first (Tier 1 for unlisted apps):
	// it waits, and is not taken for a message that was never sent.
	fake.Script("conversations.history", rateLimited(1)...)
	o := testOutbox(db, fake)
	c := &pinnedClock{t: time.Now()}
	o.Now = c.now
	flushUntilDone(t, o, db, c, 5)
	if n := len(fake.Calls("chat.postMessage")); n != 0 {
		t.Errorf("posted %d times a message Slack already held, want 0", n)
	}
	h := fake.Calls("conversations.history")
	if len(h) != 2 || h[1].Form.Get("include_all_metadata") == "" {
		t.Fatalf("conversations.history calls = %d, want a 429 then one with include_all_metadata", len(h))
	}
	counts, _ := db.CountOutbox(ctx)
	if counts.Sent != 1 || counts.Pending != 0 {
		t.Errorf("outbox = %+v, want the message sent", counts)
	}
}
