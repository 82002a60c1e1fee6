package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"cercle/bot/slackfake"
	"cercle/commands"
	"cercle/storage"
)

// childEnv, when set, makes the test binary run Cercle itself: the crash
// test starts it as a separate process so it can kill it with SIGKILL.
const childEnv = "CERCLE_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBroadcastSurvivesSIGKILL delivers a broadcast of 300 DMs through a
// Cercle process, kills it with SIGKILL in the middle, starts it again,
// and counts what the fake Slack received: every message exactly once.
// The kill falls while a message is in flight (Slack has it, its answer
// never came): after the restart it is found in its conversation by its
// metadata key, not posted again.
func TestBroadcastSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Cercle as a process")
	}
	const members = 300
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cercle.db")
	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*commands.OutboxMessage
	for i := range members {
		id := commands.UserID(fmt.Sprintf("U%04d", i))
		msgs = append(msgs, &commands.OutboxMessage{DedupeKey: "announce:1:" + string(id), To: commands.Recipient{User: id},
			Message: commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text("Plénière de printemps"))}}})
	}
	if _, err := db.EnqueueMessages(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	db.Close()

	fake := slackfake.Start()
	defer fake.Stop()
	// The 100th post reaches Slack but its answer is lost: the process is
	// killed while that message is in flight, the worst moment.
	const lostAt = members / 3
	script := make([]slackfake.Reply, lostAt)
	script[lostAt-1].Lost = true
	fake.Script("chat.postMessage", script...)
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=1", "SLACK_BOT_TOKEN=xoxb-crash", "SLACK_SIGNING_SECRET=crash-secret",
			"SLACK_API_URL="+fake.APIURL(), "CERCLE_DB="+path, "CERCLE_HTTP_ADDR=127.0.0.1:0",
			"CERCLE_OUTBOX_RATE=200", "LOG_LEVEL=error")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	fake.WaitCalls("chat.postMessage", lostAt, 30*time.Second)
	if err := first.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = first.Wait()
	killedAt := len(fake.Calls("chat.postMessage"))
	if killedAt >= members {
		t.Fatalf("the broadcast ended before the kill (%d posts): nothing was tested", killedAt)
	}

	second := start()
	defer func() {
		_ = second.Process.Kill()
		_ = second.Wait()
	}()
	fake.WaitCalls("chat.postMessage", members, 60*time.Second)
	time.Sleep(300 * time.Millisecond) // room for a wrong extra post to show
	posts := perKey(t, fake.Calls("chat.postMessage"))
	if len(posts) != members {
		t.Fatalf("%d messages delivered after the restart, want %d (killed after %d posts)", len(posts), members, killedAt)
	}
	for key, n := range posts {
		if n != 1 {
			t.Errorf("%s posted %d times", key, n)
		}
	}
	t.Logf("killed after %d of %d posts; after the restart every message was posted once", killedAt, members)
}

// perKey counts the posts of each outbox message, by the dedupe key its
// Slack metadata carries.
func perKey(t *testing.T, calls []slackfake.Call) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, c := range calls {
		var md struct {
			Payload struct {
				Key string `json:"key"`
			} `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(c.Form.Get("metadata")), &md); err != nil || md.Payload.Key == "" {
			t.Fatalf("a post without its key in metadata: %q", c.Form.Get("metadata"))
		}
		out[md.Payload.Key]++
	}
	return out
}
