package storage_test

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// hearingDB returns a database with the applicant U1, the facilitator F1
// and the members P1 to P4, of whom P1 to P3 are peers, its file and its
// clock.
func hearingDB(t *testing.T) (*storage.DB, string, time.Time) {
	t.Helper()
	db, path := MustOpenDB(t)
	clock := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustMembers(t, db, "U1", "F1", "P1", "P2", "P3", "P4")
	for _, p := range []commands.UserID{"P1", "P2", "P3"} {
		if err := db.SetPeer(context.Background(), p, true, "F1"); err != nil {
			t.Fatal(err)
		}
	}
	return db, path, clock
}

// mustDay stores a hearing day starting at starts with the given panel.
func mustDay(t *testing.T, db *storage.DB, starts time.Time, panel ...commands.UserID) *commands.HearingDay {
	t.Helper()
	d := &commands.HearingDay{
		StartsAt: starts, Place: "CCI Montpellier", Hearings: commands.DefaultHearings,
		HearingMinutes: commands.DefaultHearingMinutes, BufferMinutes: commands.DefaultBufferMinutes, CreatedBy: "F1",
	}
	ctx := context.Background()
	if err := db.CreateHearingDay(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPanel(ctx, d.ID, panel, "F1"); err != nil {
		t.Fatal(err)
	}
	d.Panel = slices.Sorted(slices.Values(panel)) // as the store reads it
	return d
}

// auditTrail returns the audit log as "actor action subject" lines,
// oldest first.
func auditTrail(t *testing.T, path string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT actor || ' ' || action || ' ' || subject FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// schedule gives the application a slot of day in one change.
func schedule(db *storage.DB, id, day int64, slot int) error {
	return db.ChangeApplication(context.Background(), id, func(tx commands.ApplicationTx) error {
		a := tx.Application()
		a.Status, a.Day, a.Slot, a.HearingSeq = commands.ApplicationScheduled, day, slot, a.HearingSeq+1
		return tx.Save(a)
	})
}

// TestApplicationHearingRoundTrip writes every field of the hearing, the
// opinion and the follow-up, at creation and through a change, and reads
// them back as written, the panel added.
func TestApplicationHearingRoundTrip(t *testing.T) {
	db, _, clock := hearingDB(t)
	ctx := context.Background()
	day := mustDay(t, db, clock.Add(72*time.Hour), "P2", "P1")
	if day.ID == 0 {
		t.Fatal("no day id")
	}
	a := mustApplication(t, db, &commands.Application{
		Status: commands.ApplicationScheduled, Day: day.ID, Slot: 2, HearingSeq: 1,
		Opinion: commands.Opinion{
			Strengths: "Un carnet de commandes plein.", Risks: "Un seul client.", Recommendations: "Diversifier.",
			Contacts: "La CCI.", Experts: []commands.UserID{"P4", "F1"}, Verdict: commands.VerdictRework,
			WrittenBy: "P1", AmendedBy: []commands.UserID{"P2", "P1"}, WrittenAt: clock.Add(time.Hour),
			SealedBy: "F1", SealedAt: clock.Add(2 * time.Hour),
		},
		FollowUp: commands.FollowUp{AskedAt: clock.Add(90 * 24 * time.Hour), AnsweredAt: clock.Add(91 * 24 * time.Hour), Score: 4, Comment: "Utile."},
	})
	want := *a
	want.Panel = []commands.UserID{"P1", "P2"}
	got, err := db.FindApplication(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, &want) {
		t.Fatalf("FindApplication = %+v, %v\nwant %+v", got, err, &want)
	}

	err = db.ChangeApplication(ctx, a.ID, func(tx commands.ApplicationTx) error {
		b := tx.Application()
		if !reflect.DeepEqual(b, &want) {
			t.Errorf("tx.Application() = %+v\nwant %+v", b, &want)
		}
		// The copy is deep: editing its lists leaves the stored ones.
		b.Panel[0], b.Opinion.Experts[0], b.Opinion.AmendedBy[0] = "X", "X", "X"
		if again := tx.Application(); !reflect.DeepEqual(again, &want) {
			t.Errorf("tx.Application() after editing a copy = %+v", again)
		}
		d, err := tx.Day(day.ID)
		if err != nil || !reflect.DeepEqual(d, day) {
			t.Errorf("tx.Day = %+v, %v\nwant %+v", d, err, day)
		}
		if _, err := tx.Day(day.ID + 100); commands.ErrorCode(err) != commands.ENOTFOUND {
			t.Errorf("tx.Day(unknown) = %v, want ENOTFOUND", err)
		}
		b = tx.Application()
		b.Status, b.Day, b.Slot, b.HearingSeq = commands.ApplicationAccepted, 0, 0, 2
		b.Opinion = commands.Opinion{}
		b.FollowUp = commands.FollowUp{Score: 1}
		return tx.Save(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = db.FindApplication(ctx, a.ID)
	if err != nil || got.Day != 0 || got.Slot != 0 || got.HearingSeq != 2 || got.Panel != nil ||
		!reflect.DeepEqual(got.Opinion, commands.Opinion{}) || !reflect.DeepEqual(got.FollowUp, commands.FollowUp{Score: 1}) {
		t.Errorf("after clearing the hearing and the opinion: %+v, %v", got, err)
	}
}

// TestApplicationPanel: a peer who declared a conflict with the company,
// however they typed its name, leaves the application's panel but not
// the day's; one who left the peers leaves both, and comes back with
// their seat when they return.
func TestApplicationPanel(t *testing.T) {
	db, _, clock := hearingDB(t)
	ctx := context.Background()
	day := mustDay(t, db, clock.Add(72*time.Hour), "P1", "P2", "P3")
	other := mustDay(t, db, clock.Add(96*time.Hour), "P1")
	a := mustApplication(t, db, &commands.Application{Company: "Atelier Dupont", Status: commands.ApplicationAccepted})
	b := mustApplication(t, db, &commands.Application{Company: "Filature Martin", Status: commands.ApplicationAccepted})
	unscheduled := mustApplication(t, db, &commands.Application{Status: commands.ApplicationAccepted})
	for _, s := range []struct {
		id, day int64
	}{{a.ID, day.ID}, {b.ID, day.ID}} {
		if err := schedule(db, s.id, s.day, int(s.id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeclareConflict(ctx, "P2", "  atelier   DUPONT "); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPeer(ctx, "P3", false, "F1"); err != nil {
		t.Fatal(err)
	}
	panels := func() map[int64][]commands.UserID {
		t.Helper()
		list, err := db.FindApplications(ctx, commands.ApplicationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64][]commands.UserID{}
		for _, x := range list {
			out[x.ID] = x.Panel
		}
		return out
	}
	want := map[int64][]commands.UserID{a.ID: {"P1"}, b.ID: {"P1", "P2"}, unscheduled.ID: nil}
	if got := panels(); !reflect.DeepEqual(got, want) {
		t.Errorf("panels = %v, want %v", got, want)
	}
	if got, _ := db.FindApplication(ctx, a.ID); !reflect.DeepEqual(got.Panel, want[a.ID]) {
		t.Errorf("FindApplication's panel = %v, want %v", got.Panel, want[a.ID])
	}
	if d, err := db.FindHearingDay(ctx, day.ID); err != nil || !reflect.DeepEqual(d.Panel, []commands.UserID{"P1", "P2"}) {
		t.Errorf("day's panel = %+v, %v; want P1 and P2", d, err)
	}
	if _, err := db.FindHearingDay(ctx, 999); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("FindHearingDay(unknown) = %v, want ENOTFOUND", err)
	}
	list, err := db.FindApplications(ctx, commands.ApplicationFilter{Day: day.ID})
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Errorf("applications of the day = %v, %v; want a then b", list, err)
	}
	if list, err := db.FindApplications(ctx, commands.ApplicationFilter{Day: other.ID}); err != nil || len(list) != 0 {
		t.Errorf("applications of the other day = %v, %v; want none", list, err)
	}

	if err := db.SetPeer(ctx, "P3", true, "F1"); err != nil {
		t.Fatal(err)
	}
	want = map[int64][]commands.UserID{a.ID: {"P1", "P3"}, b.ID: {"P1", "P2", "P3"}, unscheduled.ID: nil}
	if got := panels(); !reflect.DeepEqual(got, want) {
		t.Errorf("panels after P3 came back = %v, want %v", got, want)
	}
}

// TestSlotTaken: two applications cannot share a slot of a day, until the
// first is withdrawn; each status change is audited under who made it.
func TestSlotTaken(t *testing.T) {
	db, path, clock := hearingDB(t)
	ctx := context.Background()
	day := mustDay(t, db, clock.Add(72*time.Hour), "P1")
	a := mustApplication(t, db, &commands.Application{Status: commands.ApplicationAccepted})
	b := mustApplication(t, db, &commands.Application{Company: "Filature Martin", Status: commands.ApplicationAccepted})
	if err := schedule(db, a.ID, day.ID, 1); err != nil {
		t.Fatal(err)
	}
	err := schedule(db, b.ID, day.ID, 1)
	if commands.ErrorCode(err) != commands.ECONFLICT || errKey(err) != "bureau.error.slot_taken" {
		t.Fatalf("second application on slot 1: %v, want ECONFLICT bureau.error.slot_taken", err)
	}
	if got, _ := db.FindApplication(ctx, b.ID); got.Status != commands.ApplicationAccepted || got.Day != 0 || got.Version != 1 {
		t.Errorf("the refused schedule was kept: %+v", got)
	}
	if err := schedule(db, b.ID, day.ID, 2); err != nil {
		t.Fatalf("slot 2: %v", err)
	}
	err = db.ChangeApplication(ctx, a.ID, func(tx commands.ApplicationTx) error {
		x := tx.Application()
		x.Status = commands.ApplicationWithdrawn // keeps its day and slot
		return tx.Save(x)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := schedule(db, b.ID, day.ID, 1); err != nil {
		t.Errorf("slot 1 after the withdrawal: %v", err)
	}
	err = db.ChangeApplication(ctx, b.ID, func(tx commands.ApplicationTx) error {
		x := tx.Application()
		x.Status = commands.ApplicationHeard
		if err := tx.Save(x); err != nil {
			return err
		}
		x.Status, x.Opinion.WrittenBy, x.Opinion.SealedBy, x.Opinion.SealedAt = commands.ApplicationAdvised, "P1", "F1", clock
		return tx.Save(x)
	})
	if err != nil {
		t.Fatal(err)
	}
	trail := auditTrail(t, path)
	wantTail := []string{
		" bureau.scheduled 1", " bureau.scheduled 2", "U1 bureau.withdrawn 1",
		" bureau.heard 2", "F1 bureau.advised 2",
	}
	if len(trail) < len(wantTail) || !reflect.DeepEqual(trail[len(trail)-len(wantTail):], wantTail) {
		t.Errorf("audit log = %q\nwant it to end with %q", trail, wantTail)
	}
}

// TestFindPeers: the active peers by name, with their company, their
// conflicts as typed and their sittings on days from since on.
func TestFindPeers(t *testing.T) {
	db, path, clock := hearingDB(t)
	ctx := context.Background()
	if _, err := db.SaveCompany(ctx, "P1", &commands.Company{Name: "Métallerie", Revenue: commands.Revenue5MTo20M}); err != nil {
		t.Fatal(err)
	}
	mustDay(t, db, clock.Add(-24*time.Hour), "P1", "P2")
	mustDay(t, db, clock.Add(24*time.Hour), "P1")
	mustDay(t, db, clock.Add(48*time.Hour), "P1", "P3")
	for _, c := range []string{"Vignobles du Pic", "Atelier Dupont", "ATELIER dupont"} {
		if err := db.DeclareConflict(ctx, "P1", c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeclareConflict(ctx, "P1", "  "); commands.ErrorCode(err) != commands.EINVALID {
		t.Errorf("an empty company: %v, want EINVALID", err)
	}
	if err := db.DeclareConflict(ctx, "nobody", "X"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("an unknown member's conflict: %v, want ENOTFOUND", err)
	}
	if err := db.SetPeer(ctx, "P3", false, "F1"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPeer(ctx, "nobody", true, "F1"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("SetPeer(unknown member) = %v, want ENOTFOUND", err)
	}
	peers, err := db.FindPeers(ctx, clock)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		User      commands.UserID
		Company   string
		Revenue   commands.RevenueBand
		Since     time.Time
		Sittings  int
		Conflicts []string
	}
	var got []row
	for _, p := range peers {
		r := row{User: p.Member.UserID, Since: p.Since, Sittings: p.Sittings, Conflicts: p.Conflicts}
		if p.Member.Company != nil {
			r.Company, r.Revenue = p.Member.Company.Name, p.Member.Company.Revenue
		}
		got = append(got, r)
	}
	want := []row{
		{User: "P1", Company: "Métallerie", Revenue: commands.Revenue5MTo20M, Since: clock, Sittings: 2,
			Conflicts: []string{"Atelier Dupont", "Vignobles du Pic"}},
		{User: "P2", Since: clock},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindPeers = %+v\nwant %+v", got, want)
	}
	if all, _ := db.FindPeers(ctx, time.Time{}); len(all) != 2 || all[0].Sittings != 3 || all[1].Sittings != 1 {
		t.Errorf("sittings since ever: %+v", all)
	}
	trail := auditTrail(t, path)
	if n := len(trail); n < 1 || trail[n-1] != "F1 bureau.peer.off P3" {
		t.Errorf("audit log = %q, want it to end with P3 leaving", trail)
	}
}

// TestPeerRejoins: a peer who leaves and comes back is a peer since they
// came back; their conflicts come back with them.
func TestPeerRejoins(t *testing.T) {
	db, _, clock := hearingDB(t)
	ctx := context.Background()
	if err := db.DeclareConflict(ctx, "P2", "Atelier Dupont"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPeer(ctx, "P2", false, "F1"); err != nil {
		t.Fatal(err)
	}
	later := clock.Add(time.Hour)
	db.Now = func() time.Time { return later }
	if err := db.SetPeer(ctx, "P2", true, "F1"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPeer(ctx, "P2", true, "F1"); err != nil { // again: changes nothing
		t.Fatal(err)
	}
	peers, err := db.FindPeers(ctx, clock)
	if err != nil || len(peers) != 3 || peers[1].Member.UserID != "P2" {
		t.Fatalf("FindPeers = %v, %v", peers, err)
	}
	if p := peers[1]; !p.Since.Equal(later) || !reflect.DeepEqual(p.Conflicts, []string{"Atelier Dupont"}) {
		t.Errorf("P2 after rejoining = %+v, want since %v with their conflict", p, later)
	}
	if p := peers[0]; !p.Since.Equal(clock) {
		t.Errorf("P1, never gone, since %v, want %v", p.Since, clock)
	}
}

// TestSetPanel replaces a day's panel, refusing an unknown day and anyone
// who is not an active peer, and leaves the panel as it was when it
// refuses.
func TestSetPanel(t *testing.T) {
	db, path, clock := hearingDB(t)
	ctx := context.Background()
	day := mustDay(t, db, clock.Add(24*time.Hour), "P1", "P2")
	if err := db.SetPeer(ctx, "P3", false, "F1"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		day   int64
		panel []commands.UserID
		code  string
		key   string
	}{
		{"ErrNotFound", day.ID + 100, []commands.UserID{"P1"}, commands.ENOTFOUND, "error.not_found"},
		{"ErrFormerPeer", day.ID, []commands.UserID{"P1", "P3"}, commands.EINVALID, "bureau.error.not_peer"},
		{"ErrNeverPeer", day.ID, []commands.UserID{"P4"}, commands.EINVALID, "bureau.error.not_peer"},
		{"ErrNotMember", day.ID, []commands.UserID{"nobody"}, commands.EINVALID, "bureau.error.not_peer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.SetPanel(ctx, tt.day, tt.panel, "F1")
			if commands.ErrorCode(err) != tt.code || errKey(err) != tt.key {
				t.Errorf("SetPanel = %v, want %s %s", err, tt.code, tt.key)
			}
		})
	}
	if d, _ := db.FindHearingDay(ctx, day.ID); !reflect.DeepEqual(d.Panel, []commands.UserID{"P1", "P2"}) {
		t.Errorf("panel after refusals = %v, want it unchanged", d.Panel)
	}
	if err := db.SetPanel(ctx, day.ID, []commands.UserID{"P2", "P2"}, "F1"); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.FindHearingDay(ctx, day.ID); !reflect.DeepEqual(d.Panel, []commands.UserID{"P2"}) {
		t.Errorf("panel = %v, want P2 alone", d.Panel)
	}
	trail := auditTrail(t, path)
	if n := len(trail); n < 1 || trail[n-1] != "F1 bureau.panel 1" {
		t.Errorf("audit log = %q, want it to end with the panel", trail)
	}
}

// TestFindHearingDays selects days by start and by panelist, earliest
// first.
func TestFindHearingDays(t *testing.T) {
	db, _, clock := hearingDB(t)
	ctx := context.Background()
	late := mustDay(t, db, clock.Add(72*time.Hour), "P2")
	early := mustDay(t, db, clock.Add(24*time.Hour), "P1", "P2")
	past := mustDay(t, db, clock.Add(-24*time.Hour), "P3")
	if err := db.SetPeer(ctx, "P3", false, "F1"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		f    commands.HearingDayFilter
		want []int64
	}{
		{"All", commands.HearingDayFilter{}, []int64{past.ID, early.ID, late.ID}},
		{"From", commands.HearingDayFilter{From: clock}, []int64{early.ID, late.ID}},
		{"Before", commands.HearingDayFilter{Before: early.StartsAt}, []int64{past.ID}},
		{"Panelist", commands.HearingDayFilter{Panelist: "P2"}, []int64{early.ID, late.ID}},
		{"FormerPeer", commands.HearingDayFilter{Panelist: "P3"}, nil},
		{"Limit", commands.HearingDayFilter{From: clock, Limit: 1}, []int64{early.ID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			days, err := db.FindHearingDays(ctx, tt.f)
			var ids []int64
			for _, d := range days {
				ids = append(ids, d.ID)
			}
			if err != nil || !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("FindHearingDays(%+v) = %v, %v; want %v", tt.f, ids, err, tt.want)
			}
		})
	}
	days, err := db.FindHearingDays(ctx, commands.HearingDayFilter{})
	if err != nil || len(days) != 3 || !reflect.DeepEqual(days[1], early) || days[0].Panel != nil {
		t.Errorf("FindHearingDays = %+v, %v; want the early day as created, the past one without its former peer", days, err)
	}
}

// TestCancelHearingDay: a cancelled day keeps its row, read with who
// cancelled it and when, and leaves every list; cancelling it again
// changes nothing, and an unknown day is ENOTFOUND.
func TestCancelHearingDay(t *testing.T) {
	db, path, clock := hearingDB(t)
	ctx := context.Background()
	kept := mustDay(t, db, clock.Add(24*time.Hour), "P1")
	gone := mustDay(t, db, clock.Add(48*time.Hour), "P1")
	for range 2 {
		if err := db.CancelHearingDay(ctx, gone.ID, "F1"); err != nil {
			t.Fatal(err)
		}
	}
	d, err := db.FindHearingDay(ctx, gone.ID)
	if err != nil || !d.CancelledAt.Equal(clock) || d.CancelledBy != "F1" || !d.Cancelled() {
		t.Errorf("cancelled day = %+v, %v", d, err)
	}
	days, err := db.FindHearingDays(ctx, commands.HearingDayFilter{Panelist: "P1"})
	if err != nil || len(days) != 1 || days[0].ID != kept.ID || days[0].Cancelled() {
		t.Errorf("days = %+v, %v; want the one kept", days, err)
	}
	if err := db.CancelHearingDay(ctx, 999, "F1"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown day: %v", err)
	}
	if n := slices.Index(auditTrail(t, path), "F1 bureau.day.cancel 2"); n < 0 || slices.Index(auditTrail(t, path)[n+1:], "F1 bureau.day.cancel 2") >= 0 {
		t.Errorf("audit: %v; want the cancellation once", auditTrail(t, path))
	}
}
