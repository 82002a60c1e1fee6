package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"cercle/commands"
)

func TestGroupSummaries(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	MustCreateMembers(t, db, "U1", "Nadia")
	g := MustCreateGroup(t, db, "achats", "Achats", "C1", "U1")

	if _, err := db.FindSummary(ctx, g.ID, "2026-W48"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("summary not made yet: %v, want ENOTFOUND", err)
	}
	first := &commands.GroupSummary{Group: g.ID, Period: "2026-W48", Fingerprint: "f1", Messages: 3,
		Bullets: []commands.SummaryBullet{{Kind: commands.BulletQuote, Text: "« On commande ? »", Cites: []string{"100.1"}}}}
	if err := db.SaveSummary(ctx, first); err != nil {
		t.Fatal(err)
	}
	if !first.CreatedAt.Equal(now) {
		t.Errorf("created at %v, want now", first.CreatedAt)
	}
	got, err := db.FindSummary(ctx, g.ID, "2026-W48")
	if err != nil || !reflect.DeepEqual(got, first) {
		t.Errorf("FindSummary = %+v, %v\nwant %+v", got, err, first)
	}

	later := now.Add(time.Hour)
	second := &commands.GroupSummary{Group: g.ID, Period: "2026-W48", Fingerprint: "f2", Generated: true, Model: "mistral-small",
		Messages: 5, CreatedAt: later, Bullets: []commands.SummaryBullet{
			{Kind: commands.BulletDecision, Text: "Commande groupée de papier", Cites: []string{"100.1", "100.2"}},
			{Kind: commands.BulletNextStep, Text: "Nadia demande les devis", Cites: []string{"100.5"}},
		}}
	if err := db.SaveSummary(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindSummary(ctx, g.ID, "2026-W48"); err != nil || !reflect.DeepEqual(got, second) {
		t.Errorf("after replacing: %+v, %v\nwant %+v", got, err, second)
	}
	empty := &commands.GroupSummary{Group: g.ID, Period: "2026-11", Fingerprint: "f0"}
	if err := db.SaveSummary(ctx, empty); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindSummary(ctx, g.ID, "2026-11"); err != nil || len(got.Bullets) != 0 || got.Fingerprint != "f0" {
		t.Errorf("summary without bullets = %+v, %v", got, err)
	}
	if got, _ := db.FindSummary(ctx, g.ID, "2026-W48"); got.Fingerprint != "f2" {
		t.Errorf("another period replaced the week's summary: %+v", got)
	}
	if err := db.SaveSummary(ctx, &commands.GroupSummary{Group: 999, Period: "2026-W48"}); err == nil {
		t.Error("summary of an unknown group stored")
	}
}
