package storage_test

import (
	"context"
	"testing"
	"time"

	"cercle/commands"
)

func TestOutboxProgressAndPostpone(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	msg := &commands.OutboxMessage{DedupeKey: "k", To: commands.Recipient{User: "U1"}, Message: commands.Response{Title: "t"}}
	if _, err := db.EnqueueMessages(ctx, []*commands.OutboxMessage{msg}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	due, _ := db.DueMessages(ctx, now.Add(time.Second), 10)
	id := due[0].ID
	d := commands.Delivery{Key: "k", Done: 1, Ref: commands.MessageRef{Channel: "D1", TS: "1.2"}}
	if err := db.SetMessageProgress(ctx, id, d, now); err != nil {
		t.Fatal(err)
	}
	if err := db.PostponeMessage(ctx, id, now.Add(time.Minute), "ratelimited"); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueMessages(ctx, now.Add(59*time.Second), 10); len(due) != 0 {
		t.Errorf("postponed message due before its time")
	}
	due, err := db.DueMessages(ctx, now.Add(time.Minute), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %d (%v), want 1", len(due), err)
	}
	got := due[0]
	if got.Attempts != 0 || got.PartsDone != 1 || got.Ref != d.Ref || !got.InFlightAt.Equal(now) {
		t.Errorf("got attempts %d, parts %d, ref %v, in flight %v; want 0, 1, %v, %v",
			got.Attempts, got.PartsDone, got.Ref, got.InFlightAt, d.Ref, now)
	}
	if err := db.MarkMessageSent(ctx, id, now, d.Ref); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.CountOutbox(ctx); c.Sent != 1 || c.Pending != 0 || c.Failed != 0 {
		t.Errorf("counts = %+v", c)
	}
}
