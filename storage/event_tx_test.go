package storage_test

import (
	"context"
	"testing"
	"time"

	"cercle/commands"
)

// TestEventTxCountsAndGuard drives the store's half of the registration
// state machine: counts follow each move by its standing, a move the
// rules would never make beyond capacity is refused by the CHECK guard
// and undoes only its own unit, and the line keeps arrival order.
func TestEventTxCountsAndGuard(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	start := time.Now().Add(30 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière", Start: start, End: start.Add(time.Hour),
		CancelCutoff: start, Capacity: 1, Status: commands.EventPublished, CreatedBy: "U0"}
	if err := db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	for _, u := range []commands.UserID{"U1", "U2", "U3"} {
		if err := db.CreateMember(ctx, &commands.Member{UserID: u, Name: string(u)}); err != nil {
			t.Fatal(err)
		}
	}
	join := func(u commands.UserID, st commands.RegistrationStatus) error {
		return db.ChangeEvent(ctx, ev.ID, func(tx commands.EventTx) error {
			_, err := tx.Join(u, st)
			return err
		})
	}
	if err := join("U1", commands.RegRegistered); err != nil {
		t.Fatal(err)
	}
	if err := join("U2", commands.RegRegistered); err == nil {
		t.Fatal("a second seat on a one-seat event was accepted")
	}
	for _, u := range []commands.UserID{"U2", "U3"} {
		if err := join(u, commands.RegWaitlisted); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := db.FindEventByID(ctx, ev.ID)
	if got.Registered != 1 || got.Waitlisted != 2 || got.Offered != 0 {
		t.Fatalf("counts = %d/%d/%d, want 1 registered, 2 waiting", got.Registered, got.Offered, got.Waitlisted)
	}
	err := db.ChangeEvent(ctx, ev.ID, func(tx commands.EventTx) error {
		cur, err := tx.Registration("U1")
		if err != nil {
			return err
		}
		if err := tx.Move(cur, commands.RegCancelled, false, time.Time{}); err != nil {
			return err
		}
		head, err := tx.WaitlistHead(5)
		if err != nil {
			return err
		}
		if len(head) != 2 || head[0].UserID != "U2" || head[1].Position != 2 {
			t.Errorf("line = %+v, want U2 then U3", head)
		}
		if err := tx.Move(head[0], commands.RegOffered, false, start.Add(-time.Hour)); err != nil {
			return err
		}
		if e := tx.Event(); e.Registered != 0 || e.Offered != 1 || e.Waitlisted != 1 {
			t.Errorf("counts inside the transaction = %+v", e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindEventByID(ctx, ev.ID)
	if got.Registered != 0 || got.Offered != 1 || got.Waitlisted != 1 {
		t.Errorf("counts after = %d/%d/%d, want 0 registered, 1 offered, 1 waiting", got.Registered, got.Offered, got.Waitlisted)
	}
	if err := db.ChangeEvent(ctx, 999, func(commands.EventTx) error { return nil }); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown event: %v, want ENOTFOUND", err)
	}
}
