package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// applicationDB returns a database with the members U1 (applicant), G1
// (a guest) and F1 (a facilitator), and its clock.
func applicationDB(t *testing.T) (*storage.DB, time.Time) {
	t.Helper()
	db, _ := MustOpenDB(t)
	clock := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustMembers(t, db, "U1", "G1", "F1")
	return db, clock
}

func mustApplication(t *testing.T, db *storage.DB, a *commands.Application) *commands.Application {
	t.Helper()
	if a.Applicant == "" {
		a.Applicant = "U1"
	}
	if a.Kind == "" {
		a.Kind = commands.TurnDigital
	}
	if a.Company == "" {
		a.Company = "Atelier Dupont"
	}
	if err := db.CreateApplication(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestApplicationRoundTrip(t *testing.T) {
	db, clock := applicationDB(t)
	ctx := context.Background()
	a := mustApplication(t, db, &commands.Application{
		Applicant: "G1", FiledBy: "F1", Company: "Vignobles du Pic", Sector: "Viticulture", City: "Saint-Mathieu-de-Tréviers",
		FoundedYear: 2012, Revenue: commands.Revenue1MTo5M, Headcount: 14, Kind: commands.TurnEnergy,
		Project: "Passer nos chais au solaire.", Expectations: "Un regard d'industriels.", Status: commands.ApplicationToDecide,
		Misses: []commands.Miss{{Criterion: commands.CriterionHeadcount, Want: 3, Got: 2}},
	})
	if a.ID == 0 || a.Version != 1 || !a.CreatedAt.Equal(clock) {
		t.Errorf("created: id %d, version %d, at %v", a.ID, a.Version, a.CreatedAt)
	}
	got, err := db.FindApplication(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Errorf("FindApplication = %+v, %v\nwant %+v", got, err, a)
	}
	if _, err := db.FindApplication(ctx, a.ID+100); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("FindApplication(unknown) = %v, want ENOTFOUND", err)
	}
	bare := mustApplication(t, db, &commands.Application{})
	if bare.Status != commands.ApplicationSubmitted {
		t.Errorf("default status %q", bare.Status)
	}
	if err := db.CreateApplication(ctx, &commands.Application{Applicant: "nobody", Company: "X", Kind: commands.TurnOther}); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown applicant: %v", err)
	}
	for _, tt := range []struct {
		f    commands.ApplicationFilter
		want []int64
	}{
		{commands.ApplicationFilter{}, []int64{a.ID, bare.ID}},
		{commands.ApplicationFilter{Applicant: "U1"}, []int64{bare.ID}},
		{commands.ApplicationFilter{FiledBy: "F1"}, []int64{a.ID}},
		{commands.ApplicationFilter{Statuses: []commands.ApplicationStatus{commands.ApplicationToDecide, commands.ApplicationEligible}}, []int64{a.ID}},
		{commands.ApplicationFilter{Limit: 1}, []int64{a.ID}},
	} {
		list, err := db.FindApplications(ctx, tt.f)
		var ids []int64
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		if err != nil || !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("FindApplications(%+v) = %v, %v, want %v", tt.f, ids, err, tt.want)
		}
	}
}

func TestChangeApplication(t *testing.T) {
	db, clock := applicationDB(t)
	ctx := context.Background()
	a := mustApplication(t, db, &commands.Application{Status: commands.ApplicationToDecide})
	err := db.ChangeApplication(ctx, a.ID, func(tx commands.ApplicationTx) error {
		got := tx.Application()
		got.Status, got.DecisionReason, got.DecidedBy, got.DecidedAt = commands.ApplicationAccepted, "Projet solide", "F1", clock
		return tx.Save(got)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindApplication(ctx, a.ID)
	if got.Status != commands.ApplicationAccepted || got.Version != 2 || got.DecisionReason != "Projet solide" || got.DecidedBy != "F1" || !got.DecidedAt.Equal(clock) {
		t.Errorf("after change: %+v", got)
	}
	t.Run("ErrStale", func(t *testing.T) {
		err := db.ChangeApplication(ctx, a.ID, func(tx commands.ApplicationTx) error {
			stale := *a // version 1
			stale.Status = commands.ApplicationRefused
			return tx.Save(&stale)
		})
		if commands.ErrorCode(err) != commands.ECONFLICT {
			t.Errorf("stale save: %v", err)
		}
	})
	t.Run("ErrUndone", func(t *testing.T) {
		err := db.ChangeApplication(ctx, a.ID, func(tx commands.ApplicationTx) error {
			b := tx.Application()
			b.Status = commands.ApplicationWithdrawn
			if err := tx.Save(b); err != nil {
				return err
			}
			return commands.Errorf(commands.ECONFLICT, "bureau.error.stale")
		})
		if err == nil {
			t.Fatal("want the change's error")
		}
		if got, _ := db.FindApplication(ctx, a.ID); got.Status != commands.ApplicationAccepted {
			t.Errorf("an undone change was kept: %s", got.Status)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		err := db.ChangeApplication(ctx, 999, func(commands.ApplicationTx) error { return nil })
		if commands.ErrorCode(err) != commands.ENOTFOUND {
			t.Errorf("got %v", err)
		}
	})
}
