package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
	"cercle/storage"
)

func slackfakeReply(status int) slackfake.Reply { return slackfake.Reply{Status: status} }

// testOutbox returns an outbox over db delivering to the fake Slack, with
// short waits so the test does not sleep for minutes.
func testOutbox(db *storage.DB, fake *slackfake.Server) *commands.Outbox {
	api := bot.NewClient(bot.Config{BotToken: "xoxb-test", APIURL: fake.APIURL()}, nil, nil)
	o := commands.NewOutbox(db, bot.NewNotifier(api), slog.New(slog.NewTextHandler(io.Discard, nil)))
	o.Backoff = 10 * time.Millisecond
	o.PollInterval = 20 * time.Millisecond
	o.PerRecipientInterval = 0
	o.Rate = 0
	return o
}

func openDB(tb testing.TB, path string) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func enqueue(tb testing.TB, db *storage.DB, keys ...string) {
	tb.Helper()
	var msgs []*commands.OutboxMessage
	for _, k := range keys {
		msgs = append(msgs, &commands.OutboxMessage{
			DedupeKey: k,
			To:        commands.Recipient{User: commands.UserID("U" + k)},
			Message:   commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text("Rappel " + k))}},
		})
	}
	if _, err := db.EnqueueMessages(context.Background(), msgs); err != nil {
		tb.Fatal(err)
	}
}

func TestOutboxWaitsRetryAfterThenBacksOff(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	fake.Script("chat.postMessage",
		slackfake.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1"},
		slackfake.Reply{Status: http.StatusInternalServerError},
	)
	enqueue(t, db, "A")
	enqueue(t, db, "A") // the same dedupe key again: still one message

	ctx, cancel := context.WithCancel(context.Background())
	o := testOutbox(db, fake)
	done := make(chan struct{})
	go func() { defer close(done); _ = o.Run(ctx) }()
	fake.WaitCalls("chat.postMessage", 3, 5*time.Second)
	time.Sleep(100 * time.Millisecond) // room for a wrong fourth send
	cancel()
	<-done

	calls := fake.Calls("chat.postMessage")
	if len(calls) != 3 {
		t.Fatalf("chat.postMessage called %d times, want 3 (429, 500, ok)", len(calls))
	}
	// Due times are stored to the millisecond, truncated: a retry may
	// come up to 1 ms before the exact second.
	if wait := calls[1].At.Sub(calls[0].At); wait < time.Second-time.Millisecond {
		t.Errorf("retried %s after a 429 with Retry-After: 1, want at least 1s", wait)
	}
	if wait := calls[2].At.Sub(calls[1].At); wait < o.Backoff-time.Millisecond {
		// The first real failure: waiting on the 429 was not one.
		t.Errorf("retried %s after a 500, want at least %s", wait, o.Backoff)
	}
	if n, _ := db.CountPendingMessages(context.Background()); n != 0 {
		t.Errorf("%d messages still pending", n)
	}
	if got := calls[2].Form.Get("channel"); got != "DA" {
		t.Errorf("delivered to %q, want the DM opened for UA", got)
	}
}

func TestOutboxGivesUpOnPermanentErrors(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	fake.Script("conversations.open", slackfake.Reply{Body: `{"ok":false,"error":"user_not_found"}`})
	enqueue(t, db, "gone")
	if _, err := testOutbox(db, fake).Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Calls("conversations.open")); n != 1 {
		t.Errorf("conversations.open called %d times for an unknown user, want 1", n)
	}
	if n, _ := db.CountPendingMessages(context.Background()); n != 0 {
		t.Errorf("message still pending after a permanent error")
	}
}

func TestOutboxSurvivesRestart(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	path := filepath.Join(t.TempDir(), "cercle.db")
	db := openDB(t, path)
	hang := make(chan struct{})
	fake.Script("chat.postMessage", slackfake.Reply{}, slackfake.Reply{Block: hang})
	enqueue(t, db, "1", "2", "3")

	// First run: message 1 is delivered, Slack hangs on message 2, and
	// the process is stopped in the middle of that delivery.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = testOutbox(db, fake).Run(ctx) }()
	fake.WaitCalls("chat.postMessage", 2, 5*time.Second)
	cancel()
	<-done
	// Slack never answers the cut request: it posted nothing.
	defer close(hang)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Second run on the same file.
	db = openDB(t, path)
	defer db.Close()
	if n, err := db.CountPendingMessages(context.Background()); err != nil || n != 2 {
		t.Fatalf("after restart %d pending (%v), want 2", n, err)
	}
	if _, err := testOutbox(db, fake).Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range fake.Calls("chat.postMessage") {
		got[c.Form.Get("channel")]++
	}
	want := map[string]int{"D1": 1, "D2": 2, "D3": 1} // D2: the cut attempt, then the real one
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("posts per channel = %v, want %v", got, want)
	}
	// D2 was in flight when the process stopped: it was looked for first.
	if h := fake.Calls("conversations.history"); len(h) != 1 || h[0].Form.Get("channel") != "D2" {
		t.Errorf("conversations.history calls = %d, want 1 for D2", len(h))
	}
	if n, _ := db.CountPendingMessages(context.Background()); n != 0 {
		t.Errorf("%d still pending", n)
	}
}

func TestOutboxPacesOneRecipient(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	db := openDB(t, filepath.Join(t.TempDir(), "cercle.db"))
	defer db.Close()
	var msgs []*commands.OutboxMessage
	for i := range 3 {
		msgs = append(msgs, &commands.OutboxMessage{DedupeKey: fmt.Sprint("k", i), To: commands.Recipient{Channel: "C1"},
			Message: commands.Response{Title: "Annonce"}})
	}
	if _, err := db.EnqueueMessages(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	o := testOutbox(db, fake)
	o.PerRecipientInterval = 200 * time.Millisecond
	if _, err := o.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls("chat.postMessage")
	if len(calls) != 3 {
		t.Fatalf("%d posts, want 3", len(calls))
	}
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].At.Sub(calls[i-1].At); gap < 200*time.Millisecond {
			t.Errorf("posts %d and %d to one channel %s apart, want at least 200ms", i-1, i, gap)
		}
	}
}
