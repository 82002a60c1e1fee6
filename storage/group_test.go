package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// MustCreateMembers creates members with the given user ids and names.
func MustCreateMembers(tb testing.TB, db *storage.DB, idNames ...string) {
	tb.Helper()
	for i := 0; i+1 < len(idNames); i += 2 {
		m := &commands.Member{UserID: commands.UserID(idNames[i]), Name: idNames[i+1]}
		if err := db.CreateMember(context.Background(), m); err != nil {
			tb.Fatal(err)
		}
	}
}

// MustCreateGroup creates a group named name with slug slug and leads.
func MustCreateGroup(tb testing.TB, db *storage.DB, slug, name string, channel commands.ChannelID, leads ...commands.UserID) *commands.Group {
	tb.Helper()
	g := &commands.Group{Slug: slug, Name: name, Channel: channel, CreatedBy: "UADMIN"}
	if err := db.CreateGroup(context.Background(), g, leads); err != nil {
		tb.Fatal(err)
	}
	return g
}

// errorKey returns the catalog key of an application error.
func errorKey(err error) string {
	var e *commands.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// auditActions returns the audit log's actions, oldest first.
func auditActions(t *testing.T, path string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT action FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestCreateGroup(t *testing.T) {
	db, path := MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	MustCreateMembers(t, db, "U1", "Nadia", "U2", "ana", "U3", "Bruno")

	t.Run("OK", func(t *testing.T) {
		g := &commands.Group{Slug: "achats", Name: "Achats groupés", Description: "Acheter ensemble", Private: true,
			Channel: "C1", ChannelCreated: true, CreatedBy: "U3"}
		if err := db.CreateGroup(ctx, g, []commands.UserID{"U1", "U2", "U1"}); err != nil {
			t.Fatal(err)
		}
		if g.ID == 0 || !g.CreatedAt.Equal(now) || g.Members != 2 || !reflect.DeepEqual(g.Leads, []commands.UserID{"U2", "U1"}) {
			t.Errorf("created = %+v; want an id, created now, two members, leads by name", g)
		}
		got, err := db.FindGroupBySlug(ctx, "achats")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, g) {
			t.Errorf("FindGroupBySlug = %+v\nwant %+v", got, g)
		}
		if got, err := db.FindGroupByChannel(ctx, "C1"); err != nil || got.ID != g.ID {
			t.Errorf("FindGroupByChannel = %+v, %v", got, err)
		}
	})
	t.Run("ErrSlugTaken", func(t *testing.T) {
		err := db.CreateGroup(ctx, &commands.Group{Slug: "achats", Name: "Autre", CreatedBy: "U3"}, nil)
		if commands.ErrorCode(err) != commands.ECONFLICT || errorKey(err) != "group.error.slug_taken" {
			t.Errorf("error = %v, want ECONFLICT group.error.slug_taken", err)
		}
	})
	t.Run("ErrNameTaken", func(t *testing.T) {
		for _, name := range []string{"ACHATS GROUPÉS", "achats groupés"} {
			err := db.CreateGroup(ctx, &commands.Group{Slug: "achats-2", Name: name, CreatedBy: "U3"}, nil)
			if commands.ErrorCode(err) != commands.ECONFLICT || errorKey(err) != "group.error.name_taken" {
				t.Errorf("%q: error = %v, want ECONFLICT group.error.name_taken", name, err)
			}
		}
	})
	t.Run("ErrChannelTaken", func(t *testing.T) {
		err := db.CreateGroup(ctx, &commands.Group{Slug: "autre", Name: "Autre", Channel: "C1", CreatedBy: "U3"}, nil)
		if commands.ErrorCode(err) != commands.ECONFLICT {
			t.Errorf("error = %v, want ECONFLICT", err)
		}
	})
	t.Run("ErrUnknownLead", func(t *testing.T) {
		err := db.CreateGroup(ctx, &commands.Group{Slug: "rh", Name: "Recrutement", CreatedBy: "U3"}, []commands.UserID{"U1", "UNOPE"})
		if commands.ErrorCode(err) != commands.ENOTFOUND || errorKey(err) != "member.error.not_found" {
			t.Errorf("error = %v, want ENOTFOUND member.error.not_found", err)
		}
		if _, err := db.FindGroupBySlug(ctx, "rh"); commands.ErrorCode(err) != commands.ENOTFOUND {
			t.Errorf("the refused group was stored: %v", err)
		}
	})
	t.Run("WithoutChannel", func(t *testing.T) {
		MustCreateGroup(t, db, "rh", "Recrutement", "")
		MustCreateGroup(t, db, "export", "Export", "")
		if _, err := db.FindGroupByChannel(ctx, ""); commands.ErrorCode(err) != commands.ENOTFOUND {
			t.Errorf("group of no channel: %v, want ENOTFOUND", err)
		}
	})
	if _, err := db.FindGroupBySlug(ctx, "nope"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown slug: %v, want ENOTFOUND", err)
	}
	if got := auditActions(t, path); !reflect.DeepEqual(got, []string{"group.create", "group.create", "group.create"}) {
		t.Errorf("audit = %v, want one group.create per group", got)
	}
}

// TestJoinAndLeaveGroup: joining or leaving twice changes nothing the
// second time, and a member read right after shows the change, though
// the member was cached.
func TestJoinAndLeaveGroup(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	MustCreateMembers(t, db, "U1", "Nadia", "U2", "Ana")
	g := MustCreateGroup(t, db, "achats", "Achats", "C1", "U1")
	groupsOf := func(u commands.UserID) []int64 {
		t.Helper()
		m, err := db.FindMemberByUserID(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return m.Groups
	}
	if got := groupsOf("U2"); len(got) != 0 {
		t.Fatalf("U2's groups = %v before joining", got)
	}
	for i, want := range []bool{true, false} {
		if joined, err := db.JoinGroup(ctx, g.ID, "U2"); err != nil || joined != want {
			t.Errorf("join #%d = %v, %v; want %v", i+1, joined, err, want)
		}
	}
	if got := groupsOf("U2"); !reflect.DeepEqual(got, []int64{g.ID}) {
		t.Errorf("U2's groups after joining = %v, want [%d]", got, g.ID)
	}
	if got, _ := db.FindGroupBySlug(ctx, "achats"); got.Members != 2 || !reflect.DeepEqual(got.Leads, []commands.UserID{"U1"}) {
		t.Errorf("group = %+v, want two members led by U1", got)
	}
	for i, want := range []bool{true, false} {
		if left, err := db.LeaveGroup(ctx, g.ID, "U2"); err != nil || left != want {
			t.Errorf("leave #%d = %v, %v; want %v", i+1, left, err, want)
		}
	}
	if got := groupsOf("U2"); len(got) != 0 {
		t.Errorf("U2's groups after leaving = %v", got)
	}
	if _, err := db.JoinGroup(ctx, g.ID, "UNOPE"); commands.ErrorCode(err) != commands.ENOTFOUND || errorKey(err) != "member.error.not_found" {
		t.Errorf("unknown member joins: %v, want ENOTFOUND member.error.not_found", err)
	}
	if _, err := db.LeaveGroup(ctx, g.ID, "UNOPE"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown member leaves: %v, want ENOTFOUND", err)
	}
	if _, err := db.JoinGroup(ctx, g.ID+100, "U2"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("join an unknown group: %v, want ENOTFOUND", err)
	}
}

// TestGroupLeadsAndMembers: new leads join if they were not members, the
// former ones stay as plain members, and the list puts leads first.
func TestGroupLeadsAndMembers(t *testing.T) {
	db, path := MustOpenDB(t)
	ctx := context.Background()
	MustCreateMembers(t, db, "U1", "Nadia", "U2", "ana", "U3", "Bruno", "U4", "Zoé")
	if _, err := db.SaveCompany(ctx, "U3", &commands.Company{Name: "Métallerie"}); err != nil {
		t.Fatal(err)
	}
	g := MustCreateGroup(t, db, "achats", "Achats", "C1", "U1")
	for _, u := range []commands.UserID{"U3", "U2"} {
		if _, err := db.JoinGroup(ctx, g.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FindMemberByUserID(ctx, "U4"); err != nil { // cached without groups
		t.Fatal(err)
	}
	if err := db.SetGroupLeads(ctx, g.ID, "UADMIN", []commands.UserID{"U4", "U3"}); err != nil {
		t.Fatal(err)
	}
	members, err := db.GroupMembers(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		User    commands.UserID
		Company string
		Lead    bool
	}
	var got []row
	for _, m := range members {
		got = append(got, row{m.User, m.Company, m.Lead})
		if m.JoinedAt.IsZero() || m.Name == "" {
			t.Errorf("member %s without name or date: %+v", m.User, m)
		}
	}
	want := []row{{"U3", "Métallerie", true}, {"U4", "", true}, {"U2", "", false}, {"U1", "", false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GroupMembers = %+v\nwant %+v (leads, then by name)", got, want)
	}
	if m, _ := db.FindMemberByUserID(ctx, "U4"); !reflect.DeepEqual(m.Groups, []int64{g.ID}) {
		t.Errorf("new lead's groups = %v, want [%d]", m.Groups, g.ID)
	}
	if got, _ := db.FindGroupBySlug(ctx, "achats"); got.Members != 4 || !reflect.DeepEqual(got.Leads, []commands.UserID{"U3", "U4"}) {
		t.Errorf("group = %+v, want four members led by U3 and U4", got)
	}
	if err := db.SetGroupLeads(ctx, g.ID, "UADMIN", []commands.UserID{"UNOPE"}); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown lead: %v, want ENOTFOUND", err)
	}
	if err := db.SetGroupLeads(ctx, g.ID+100, "UADMIN", nil); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("leads of an unknown group: %v, want ENOTFOUND", err)
	}
	if got := auditActions(t, path); !reflect.DeepEqual(got, []string{"company.save", "group.create", "group.leads"}) {
		t.Errorf("audit = %v", got)
	}
}

// TestArchiveGroup: an archived group leaves the default list, its
// members' groups and the digest's memberships, and stays findable by
// slug and in the list of archived groups.
func TestArchiveGroup(t *testing.T) {
	db, path := MustOpenDB(t)
	ctx := context.Background()
	MustCreateMembers(t, db, "U1", "Nadia", "U2", "Ana")
	export := MustCreateGroup(t, db, "export", "export", "C2", "U2")
	achats := MustCreateGroup(t, db, "achats", "Achats", "C1", "U1", "U2")
	empty := MustCreateGroup(t, db, "vide", "Vide", "")
	if m, _ := db.FindMemberByUserID(ctx, "U2"); !reflect.DeepEqual(m.Groups, []int64{export.ID, achats.ID}) {
		t.Fatalf("U2's groups = %v", m.Groups)
	}
	slugs := func(f commands.GroupFilter) []string {
		t.Helper()
		gs, err := db.FindGroups(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range gs {
			out = append(out, g.Slug)
		}
		return out
	}
	if got := slugs(commands.GroupFilter{}); !reflect.DeepEqual(got, []string{"achats", "export", "vide"}) {
		t.Errorf("groups = %v, want by name ignoring case", got)
	}
	if got := slugs(commands.GroupFilter{Member: "U1"}); !reflect.DeepEqual(got, []string{"achats"}) {
		t.Errorf("U1's groups = %v", got)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if err := db.ArchiveGroup(ctx, export.ID, "UADMIN", at); err != nil {
		t.Fatal(err)
	}
	if err := db.ArchiveGroup(ctx, export.ID, "UADMIN", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := slugs(commands.GroupFilter{}); !reflect.DeepEqual(got, []string{"achats", "vide"}) {
		t.Errorf("active groups = %v", got)
	}
	if got := slugs(commands.GroupFilter{Archived: true, Member: "U2"}); !reflect.DeepEqual(got, []string{"achats", "export"}) {
		t.Errorf("U2's groups, archived too = %v", got)
	}
	if g, err := db.FindGroupBySlug(ctx, "export"); err != nil || !g.ArchivedAt.Equal(at) || !g.Archived() {
		t.Errorf("archived group = %+v, %v; want archived at %v", g, err, at)
	}
	if m, _ := db.FindMemberByUserID(ctx, "U2"); !reflect.DeepEqual(m.Groups, []int64{achats.ID}) {
		t.Errorf("U2's groups after the archive = %v, want the active one", m.Groups)
	}
	if ms, _ := db.ListMembers(ctx); len(ms) != 2 || !reflect.DeepEqual(ms[0].Groups, []int64{achats.ID}) ||
		!reflect.DeepEqual(ms[1].Groups, []int64{achats.ID}) {
		t.Errorf("listed members' groups = %v", ms)
	}
	memberships, err := db.GroupMemberships(ctx)
	want := map[int64][]commands.UserID{achats.ID: {"U2", "U1"}, empty.ID: nil}
	if err != nil || !reflect.DeepEqual(memberships, want) {
		t.Errorf("memberships = %v, %v; want %v", memberships, err, want)
	}
	if err := db.ArchiveGroup(ctx, 999, "UADMIN", at); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("archive an unknown group: %v, want ENOTFOUND", err)
	}
	if got := auditActions(t, path); len(got) != 5 || got[3] != "group.archive" {
		t.Errorf("audit = %v, want three creations and two archives", got)
	}
}

// TestEventGroup: an event keeps the working group it was created for
// through every read and an update; a network event has none.
func TestEventGroup(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	MustCreateMembers(t, db, "U1", "Nadia")
	g := MustCreateGroup(t, db, "achats", "Achats", "C1", "U1")
	start := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Millisecond)
	meeting := &commands.Event{Kind: commands.KindMeeting, Title: "Réunion achats", Start: start, End: start.Add(time.Hour),
		CancelCutoff: start, Capacity: 10, Status: commands.EventPublished, CreatedBy: "U1", Group: g.ID}
	network := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière", Start: start, End: start.Add(time.Hour),
		CancelCutoff: start, Capacity: 10, Status: commands.EventPublished, CreatedBy: "U1"}
	for _, e := range []*commands.Event{meeting, network} {
		if err := db.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	err := db.ChangeEvent(ctx, meeting.ID, func(tx commands.EventTx) error {
		e := *tx.Event()
		e.Title, e.Group = "Réunion achats (salle 2)", 0
		if err := tx.UpdateEvent(&e); err != nil {
			return err
		}
		if tx.Event().Group != g.ID {
			t.Errorf("in the transaction, group = %d after the update, want %d", tx.Event().Group, g.ID)
		}
		_, err := tx.Join("U1", commands.RegRegistered)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := db.FindEventByID(ctx, meeting.ID); err != nil || e.Group != g.ID || e.Title != "Réunion achats (salle 2)" {
		t.Errorf("meeting = %+v, %v; want group %d", e, err, g.ID)
	}
	evs, err := db.FindEvents(ctx, commands.EventFilter{})
	if err != nil || len(evs) != 2 {
		t.Fatalf("events = %v, %v", evs, err)
	}
	for _, e := range evs {
		if want := map[int64]int64{meeting.ID: g.ID, network.ID: 0}[e.ID]; e.Group != want {
			t.Errorf("event %d: group %d, want %d", e.ID, e.Group, want)
		}
	}
	regs, err := db.FindRegistrations(ctx, commands.RegistrationFilter{UserID: "U1"})
	if err != nil || len(regs) != 1 || regs[0].Event.Group != g.ID {
		t.Errorf("registration's event = %+v, %v; want group %d", regs, err, g.ID)
	}
	bad := *network
	bad.ID, bad.UID, bad.Group = 0, "", 999
	if err := db.CreateEvent(ctx, &bad); err == nil {
		t.Error("an event of an unknown group was stored")
	}
}
