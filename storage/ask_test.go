package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"cercle/commands"
)

func TestAssistantConversationsAndProposals(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	thread := commands.ThreadRef{Channel: "D1", TS: "1.1"}
	for i, text := range []string{"q1", "a1", "q2", "a2", "q3"} {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		if err := db.AddTurns(ctx, thread, "U1", commands.Turn{Role: role, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	turns, err := db.ThreadTurns(ctx, thread, "U1", 3)
	if want := []commands.Turn{{Role: "user", Text: "q2"}, {Role: "assistant", Text: "a2"}, {Role: "user", Text: "q3"}}; err != nil || !reflect.DeepEqual(turns, want) {
		t.Errorf("last 3 turns = %v, %v; want %v", turns, err, want)
	}
	if others, _ := db.ThreadTurns(ctx, thread, "U2", 10); len(others) != 0 {
		t.Errorf("another member of the thread sees %d of U1's turns", len(others))
	}
	if other, _ := db.ThreadTurns(ctx, commands.ThreadRef{Channel: "D1", TS: "2.2"}, "U1", 10); len(other) != 0 {
		t.Errorf("another thread sees %d turns", len(other))
	}

	if ch, err := db.ThreadContext(ctx, thread); err != nil || ch != "" {
		t.Errorf("no context yet: %q, %v", ch, err)
	}
	for _, ch := range []commands.ChannelID{"C1", "C2"} {
		if err := db.SaveThreadContext(ctx, thread, "U1", ch); err != nil {
			t.Fatal(err)
		}
	}
	if ch, err := db.ThreadContext(ctx, thread); err != nil || ch != "C2" {
		t.Errorf("context = %q, %v; want the latest, C2", ch, err)
	}

	p := &commands.Proposal{User: "U1", Action: "inscrire", Args: []string{"4"}, Summary: "Vous inscrire ?"}
	if err := db.SaveProposal(ctx, p); err != nil || p.ID == 0 {
		t.Fatalf("save proposal: %v (id %d)", err, p.ID)
	}
	if _, err := db.TakeProposal(ctx, p.ID, "U2"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("another member takes it: %v, want ENOTFOUND", err)
	}
	got, err := db.TakeProposal(ctx, p.ID, "U1")
	if err != nil || got.Action != "inscrire" || !reflect.DeepEqual(got.Args, []string{"4"}) {
		t.Errorf("take = %+v, %v", got, err)
	}
	if _, err := db.TakeProposal(ctx, p.ID, "U1"); commands.ErrorCode(err) != commands.ECONFLICT {
		t.Errorf("taken twice: %v, want ECONFLICT", err)
	}

	for _, a := range []struct {
		user   commands.UserID
		tokens int
		at     time.Time
	}{{"U1", 100, now.Add(-2 * time.Hour)}, {"U1", 50, now.Add(-time.Minute)}, {"U2", 30, now}} {
		if err := db.RecordAsk(ctx, a.user, a.tokens, a.at); err != nil {
			t.Fatal(err)
		}
	}
	if asks, tokens, err := db.CountAsks(ctx, "U1", now.Add(-time.Hour)); err != nil || asks != 1 || tokens != 80 {
		t.Errorf("last hour: %d asks of U1, %d tokens in all, %v; want 1 and 80", asks, tokens, err)
	}

	if _, err := db.PurgeGroupMessages(ctx, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if turns, _ := db.ThreadTurns(ctx, thread, "U1", 10); len(turns) != 0 {
		t.Errorf("%d turns left after the purge", len(turns))
	}
}
