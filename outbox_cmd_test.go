package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

func TestOutboxSubcommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*commands.OutboxMessage
	for _, k := range []string{"confirm:1:U1", "confirm:1:U2", "reminder:1:U3"} {
		msgs = append(msgs, &commands.OutboxMessage{DedupeKey: k, To: commands.Recipient{User: commands.UserID(k[strings.LastIndexByte(k, ':')+1:])},
			Message: commands.Response{Title: "Texte secret " + k}})
	}
	if _, err := db.EnqueueMessages(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueMessages(ctx, time.Now(), 10)
	if err != nil || len(due) != 3 {
		t.Fatalf("due = %d (%v)", len(due), err)
	}
	if err := db.MarkMessageSent(ctx, due[0].ID, time.Now(), commands.MessageRef{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range due[1:] {
		if err := db.MarkMessageFailed(ctx, m.ID, time.Time{}, "channel_not_found"); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		m := NewMain()
		m.Stdout = &out
		err := m.Run(ctx, args, env(map[string]string{"CERCLE_DB": path}))
		return out.String(), err
	}
	out, err := run("outbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"en attente : 0", "envoyés : 1", "abandonnés : 2", "confirm:1:U2", "user:U2", "reminder:1:U3", "channel_not_found"} {
		if !strings.Contains(out, want) {
			t.Errorf("cercle outbox lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret") {
		t.Errorf("cercle outbox shows a message's text:\n%s", out)
	}

	if out, err := run("outbox", "retry", "999"); err == nil {
		t.Errorf("retry of an unknown id: no error, printed %q", out)
	}
	if out, err := run("outbox", "retry", "x"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("retry x: %v, printed %q", err, out)
	}
	if out, err := run("outbox", "retry", strconv.FormatInt(due[1].ID, 10)); err != nil || !strings.Contains(out, "1 message(s) remis") {
		t.Errorf("retry one: %v, printed %q", err, out)
	}
	if out, err := run("outbox", "retry", "all"); err != nil || !strings.Contains(out, "1 message(s) remis") {
		t.Errorf("retry all: %v, printed %q", err, out)
	}
	if out, _ := run("outbox"); !strings.Contains(out, "en attente : 2") || !strings.Contains(out, "abandonnés : 0") {
		t.Errorf("after retry:\n%s", out)
	}
}
