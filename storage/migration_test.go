package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"cercle/commands"
	"cercle/storage"
)

// migratedTo returns a new database file with the migrations up to
// version applied, open without Cercle's own checks, and the migrations'
// provider to go on.
func migratedTo(t *testing.T, version int64) (string, *sql.DB, *goose.Provider) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cercle.db")
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, os.DirFS("migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return path, raw, p
}

// TestMigration00004 upgrades a database written before calendar UIDs,
// seat times and e-mails: events already sent to calendars keep the UID
// they were sent with, drafts get a random one; seats held before are
// dated by when they were taken (the row's last write), places in line by
// when they were joined.
func TestMigration00004(t *testing.T) {
	ctx := context.Background()
	path, raw, _ := migratedTo(t, 3)
	const (
		created = "2027-01-10T09:00:00.000Z"
		joined  = "2027-01-12T10:30:00.000Z"
	)
	for _, q := range []string{
		`INSERT INTO members (id, user_id, name, created_at) VALUES (1, 'U1', 'Ana', '` + created + `'), (2, 'U2', 'Bo', '` + created + `')`,
		`INSERT INTO events (id, kind, title, starts_at, ends_at, capacity, cancel_cutoff, status, created_by, created_at, updated_at, seats_taken, waitlisted)
			VALUES (1, 'plenary', 'Publiée', '2027-03-01T17:00:00.000Z', '2027-03-01T19:00:00.000Z', 1, '2027-02-27T17:00:00.000Z', 'published', 'U1', '` + created + `', '` + created + `', 1, 1),
			       (2, 'plenary', 'Brouillon', '2027-03-01T17:00:00.000Z', '2027-03-01T19:00:00.000Z', 1, '2027-02-27T17:00:00.000Z', 'draft', 'U1', '` + created + `', '` + created + `', 0, 0),
			       (3, 'visit', 'Autre brouillon', '2027-03-01T17:00:00.000Z', '2027-03-01T19:00:00.000Z', 1, '2027-02-27T17:00:00.000Z', 'draft', 'U1', '` + created + `', '` + created + `', 0, 0)`,
		`INSERT INTO registrations (event_id, member_id, status, queue_seq, created_at, updated_at)
			VALUES (1, 1, 'registered', 1, '` + created + `', '` + joined + `'), (1, 2, 'waitlisted', 2, '` + created + `', '` + joined + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	uids := map[string]bool{}
	for id := int64(1); id <= 3; id++ {
		ev, err := db.FindEventByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		uids[ev.UID] = true
		switch {
		case id == 1 && ev.UID != "event-1@cercle":
			t.Errorf("published event's UID = %q, want the one calendars hold, event-1@cercle", ev.UID)
		case id > 1 && (strings.HasPrefix(ev.UID, "event-") || len(ev.UID) < 32):
			t.Errorf("draft's UID = %q, want a random one", ev.UID)
		}
		if ev.CreatorName != "Ana" || ev.CreatorEmail != "" {
			t.Errorf("creator = %q <%s>, want Ana without e-mail", ev.CreatorName, ev.CreatorEmail)
		}
	}
	if len(uids) != 3 {
		t.Errorf("UIDs = %v, want three different", uids)
	}
	regs, err := db.FindRegistrations(ctx, commands.RegistrationFilter{EventID: 1})
	if err != nil || len(regs) != 2 {
		t.Fatalf("registrations = %v, %v", regs, err)
	}
	want := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	if r := regs[0]; !r.SeatAt.Equal(want(joined)) || !r.WaitlistedAt.IsZero() {
		t.Errorf("seat held before: seat %v, waited %v; want seat at its last write %s", r.SeatAt, r.WaitlistedAt, joined)
	}
	if r := regs[1]; !r.SeatAt.IsZero() || !r.WaitlistedAt.Equal(want(joined)) {
		t.Errorf("place in line: seat %v, waited %v; want waiting since %s", r.SeatAt, r.WaitlistedAt, joined)
	}
}

// TestSeatAndWaitTimes: a turn's place in line is dated when it joins, its
// seat when it gets one (from the line, through an offer), and neither
// moves with a roll call; registering again starts a new turn.
func TestSeatAndWaitTimes(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	clock := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	start := clock.Add(30 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière", Start: start, End: start.Add(time.Hour),
		CancelCutoff: start, Capacity: 1, Status: commands.EventPublished, CreatedBy: "U0"}
	if err := db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMember(ctx, &commands.Member{UserID: "U1", Name: "Ana"}); err != nil {
		t.Fatal(err)
	}
	step := func(at time.Time, f func(tx commands.EventTx, r *commands.Registration) error) *commands.Registration {
		t.Helper()
		clock = at
		err := db.ChangeEvent(ctx, ev.ID, func(tx commands.EventTx) error {
			r, err := tx.Registration("U1")
			if err != nil {
				return err
			}
			return f(tx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		regs, err := db.FindRegistrations(ctx, commands.RegistrationFilter{EventID: ev.ID})
		if err != nil || len(regs) != 1 {
			t.Fatalf("registrations = %v, %v", regs, err)
		}
		return regs[0]
	}
	move := func(to commands.RegistrationStatus) func(commands.EventTx, *commands.Registration) error {
		return func(tx commands.EventTx, r *commands.Registration) error { return tx.Move(r, to, false, time.Time{}) }
	}
	join := func(st commands.RegistrationStatus) func(commands.EventTx, *commands.Registration) error {
		return func(tx commands.EventTx, _ *commands.Registration) error { _, err := tx.Join("U1", st); return err }
	}
	t1, t2, t3, t4 := clock.Add(time.Hour), clock.Add(2*time.Hour), clock.Add(3*time.Hour), clock.Add(4*time.Hour)
	step(t1, join(commands.RegWaitlisted))
	step(t2, move(commands.RegOffered))
	r := step(t3, move(commands.RegRegistered))
	if !r.WaitlistedAt.Equal(t1) || !r.SeatAt.Equal(t3) {
		t.Errorf("after the offer: waited %v, seat %v; want %v and %v", r.WaitlistedAt, r.SeatAt, t1, t3)
	}
	clock = start.Add(time.Hour)
	if r := step(clock, move(commands.RegAttended)); !r.SeatAt.Equal(t3) {
		t.Errorf("roll call moved the seat's time to %v", r.SeatAt)
	}
	step(clock, move(commands.RegCancelled)) // not a rule: a store test
	if r := step(t4, join(commands.RegRegistered)); !r.SeatAt.Equal(t4) || !r.WaitlistedAt.IsZero() {
		t.Errorf("new turn: seat %v, waited %v; want %v and never", r.SeatAt, r.WaitlistedAt, t4)
	}
}

// TestMigration00005 upgrades a database written with every registration
// status by the schema before "withdrawn": the table is rebuilt with the
// same rows, ids, times and indexes, and takes the new status.
func TestMigration00005(t *testing.T) {
	ctx := context.Background()
	_, raw, p := migratedTo(t, 4)
	statuses := []string{"registered", "waitlisted", "offered", "expired", "declined", "cancelled", "attended", "no_show"}
	stmts := []string{`INSERT INTO events (id, kind, title, starts_at, ends_at, capacity, cancel_cutoff, status, created_by, created_at, updated_at, seats_taken, offered, waitlisted, uid)
		VALUES (1, 'plenary', 'P', '2027-03-01T17:00:00.000Z', '2027-03-01T19:00:00.000Z', 10, '2027-02-27T17:00:00.000Z', 'published', 'U0', 'x', 'x', 3, 1, 1, 'u1')`}
	for i, st := range statuses {
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO members (id, user_id, name, created_at) VALUES (%d, 'U%d', 'M%d', 'x')`, i+1, i+1, i+1),
			fmt.Sprintf(`INSERT INTO registrations (id, event_id, member_id, status, late, queue_seq, offer_expires_at, created_at, updated_at, seat_at, waited_at)
				VALUES (%d, 1, %d, '%s', %d, %d, 'e%d', 'c%d', 'u%d', 's%d', 'w%d')`, 100+i, i+1, st, i%2, i+1, i, i, i, i, i))
	}
	for _, q := range stmts {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for i, st := range statuses {
		var (
			got                                     string
			late, seq                               int
			expires, created, updated, seat, waited string
		)
		err := raw.QueryRowContext(ctx, `SELECT status, late, queue_seq, offer_expires_at, created_at, updated_at, seat_at, waited_at
			FROM registrations WHERE id = ?`, 100+i).Scan(&got, &late, &seq, &expires, &created, &updated, &seat, &waited)
		if err != nil || got != st || late != i%2 || seq != i+1 || expires != fmt.Sprintf("e%d", i) || created != fmt.Sprintf("c%d", i) ||
			updated != fmt.Sprintf("u%d", i) || seat != fmt.Sprintf("s%d", i) || waited != fmt.Sprintf("w%d", i) {
			t.Errorf("registration %d after the rebuild: %s %d %d %s %s %s %s %s, %v", 100+i, got, late, seq, expires, created, updated, seat, waited, err)
		}
	}
	var indexes int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'registrations'
		AND name IN ('registrations_line', 'registrations_member', 'registrations_offers')`).Scan(&indexes); err != nil || indexes != 3 {
		t.Errorf("indexes on registrations: %d, %v; want the three", indexes, err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE registrations SET status = 'withdrawn' WHERE id = 101`); err != nil {
		t.Errorf("the new status is refused: %v", err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE registrations SET status = 'lost' WHERE id = 101`); err == nil {
		t.Error("an unknown status is accepted: the CHECK is gone")
	}
	raw.Close()
}

// TestMigration00007 upgrades a database with members, an event and a
// registration to working groups: members get the weekly digest, keep
// their messages in summaries and belong to no group; the event belongs
// to the whole network. Going down to 00006 and up again keeps the rows.
func TestMigration00007(t *testing.T) {
	ctx := context.Background()
	path, raw, p := migratedTo(t, 6)
	const created = "2027-01-10T09:00:00.000Z"
	for _, q := range []string{
		`INSERT INTO companies (id, name, updated_at) VALUES (1, 'Métallerie', '` + created + `')`,
		`INSERT INTO members (id, user_id, name, email, company_id, created_at) VALUES (1, 'U1', 'Ana', 'ana@example.fr', 1, '` + created + `'),
			(2, 'U2', 'Bo', '', NULL, '` + created + `')`,
		`INSERT INTO events (id, kind, title, starts_at, ends_at, capacity, cancel_cutoff, status, created_by, created_at, updated_at, seats_taken, uid, last_queue_seq)
			VALUES (1, 'plenary', 'Plénière', '2027-03-01T17:00:00.000Z', '2027-03-01T19:00:00.000Z', 10, '2027-02-27T17:00:00.000Z', 'published', 'U1', '` + created + `', '` + created + `', 1, 'event-1@cercle', 1)`,
		`INSERT INTO registrations (event_id, member_id, status, queue_seq, created_at, updated_at, seat_at) VALUES (1, 1, 'registered', 1, '` + created + `', '` + created + `', '` + created + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	upDownUp(t, raw, p)

	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, u := range []commands.UserID{"U1", "U2"} {
		m, err := db.FindMemberByUserID(ctx, u)
		if err != nil || m.Digest != commands.DigestWeekly || m.SummariesOptOut || len(m.Groups) != 0 {
			t.Errorf("member %s = %+v, %v; want the weekly digest, summaries kept, no group", u, m, err)
		}
	}
	if m, _ := db.FindMemberByUserID(ctx, "U1"); m.Company == nil || m.Company.Name != "Métallerie" || m.Email != "ana@example.fr" {
		t.Errorf("U1 lost their company or e-mail: %+v", m)
	}
	ev, err := db.FindEventByID(ctx, 1)
	if err != nil || ev.Group != 0 || ev.Registered != 1 || ev.UID != "event-1@cercle" {
		t.Errorf("event = %+v, %v; want a network event with its seat taken", ev, err)
	}
	g := &commands.Group{Slug: "achats", Name: "Achats", CreatedBy: "U1"}
	if err := db.CreateGroup(ctx, g, []commands.UserID{"U2"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.FindMemberByUserID(ctx, "U2"); len(m.Groups) != 1 || m.Groups[0] != g.ID {
		t.Errorf("U2's groups = %v, want [%d]", m.Groups, g.ID)
	}
}

// TestMigration00008 upgrades a database with members, a company, an
// event and a group to experts and their requests: nothing is lost, a
// member becomes an expert whose company is their member's, and going
// down to 00007 and up again leaves a working schema.
func TestMigration00008(t *testing.T) {
	ctx := context.Background()
	path, raw, p := migratedTo(t, 7)
	const created = "2027-01-10T09:00:00.000Z"
	for _, q := range []string{
		`INSERT INTO companies (id, name, updated_at) VALUES (1, 'Métallerie', '` + created + `')`,
		`INSERT INTO members (id, user_id, name, company_id, created_at) VALUES (1, 'U1', 'Ana', 1, '` + created + `'),
			(2, 'U2', 'Bo', NULL, '` + created + `')`,
		`INSERT INTO events (id, kind, title, starts_at, ends_at, capacity, cancel_cutoff, status, created_by, created_at, updated_at, seats_taken, uid, last_queue_seq)
			VALUES (1, 'plenary', 'Plénière', '2027-03-01T17:00:00.000Z', '2027-03-01T19:00:00.000Z', 10, '2027-02-27T17:00:00.000Z', 'published', 'U1', '` + created + `', '` + created + `', 1, 'event-1@cercle', 1)`,
		`INSERT INTO registrations (event_id, member_id, status, queue_seq, created_at, updated_at, seat_at) VALUES (1, 2, 'registered', 1, '` + created + `', '` + created + `', '` + created + `')`,
		`INSERT INTO groups (id, slug, name, created_by, created_at) VALUES (1, 'achats', 'Achats', 'U1', '` + created + `')`,
		`INSERT INTO group_members (group_id, member_id, lead, joined_at) VALUES (1, 1, 1, '` + created + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	upDownUp(t, raw, p)

	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if m, err := db.FindMemberByUserID(ctx, "U1"); err != nil || m.Company == nil || m.Company.Name != "Métallerie" || len(m.Groups) != 1 {
		t.Errorf("U1 = %+v, %v; want their company and group kept", m, err)
	}
	if ev, err := db.FindEventByID(ctx, 1); err != nil || ev.Registered != 1 {
		t.Errorf("event = %+v, %v; want its seat taken", ev, err)
	}
	if experts, err := db.ListExperts(ctx); err != nil || len(experts) != 0 {
		t.Errorf("experts after the upgrade = %v, %v; want none", experts, err)
	}
	e := &commands.Expert{User: "U1", Domains: []string{"achats"}, Bio: "Acheteuse dans la métallurgie.", Active: true}
	if err := db.SaveExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindExpert(ctx, "U1"); err != nil || got.CompanyID != 1 || got.Name != "Ana" {
		t.Errorf("expert = %+v, %v; want Ana of company 1", got, err)
	}
	if ms, err := db.SearchExperts(ctx, "achat groupé", 5); err != nil || len(ms) != 1 || ms[0].Expert.User != "U1" {
		t.Errorf("search = %v, %v; want Ana", ms, err)
	}
	r := &commands.ExpertRequest{Requester: "U2", Problem: "Acheter l'acier moins cher", Status: commands.RequestProposed, Expert: "U1"}
	if err := db.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindRequests(ctx, commands.RequestFilter{Expert: "U1"}); err != nil || len(got) != 1 || got[0].ID != r.ID {
		t.Errorf("requests of U1 = %v, %v", got, err)
	}
}

// upDownUp applies the next migration, takes it back and applies it
// again, so its Down script is exercised on the rows seeded before, then
// closes the raw connection for storage.Open.
func upDownUp(t *testing.T, raw *sql.DB, p *goose.Provider) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Down(ctx); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	raw.Close()
}

// downUpOpen takes the newest migration back and applies it again, on
// the rows seeded before, then opens the database for storage's reads.
func downUpOpen(t *testing.T, path string, raw *sql.DB, p *goose.Provider) *storage.DB {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Down(ctx); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	raw.Close()
	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestMigration00010 takes the Bureau des pairs back down with its rows
// in place (a company's revenue band, a peer, a conflict, a day with its
// panel and a scheduled application) and up again: the company and its
// member are kept, the Bureau starts empty and works.
func TestMigration00010(t *testing.T) {
	ctx := context.Background()
	path, raw, p := migratedTo(t, 10)
	const at = "2027-01-10T09:00:00.000Z"
	for _, q := range []string{
		`INSERT INTO companies (id, name, revenue_band, updated_at) VALUES (1, 'Métallerie', '1M-5M', '` + at + `')`,
		`INSERT INTO members (id, user_id, name, company_id, created_at) VALUES (1, 'U1', 'Ana', 1, '` + at + `'),
			(2, 'P1', 'Bo', NULL, '` + at + `')`,
		`INSERT INTO bureau_peers (user_id, since) VALUES ('P1', '` + at + `')`,
		`INSERT INTO bureau_conflicts (user_id, company_key, company, declared_at) VALUES ('P1', 'metallerie', 'Métallerie', '` + at + `')`,
		`INSERT INTO bureau_days (id, starts_at, hearings, hearing_minutes, buffer_minutes, created_at) VALUES (1, '` + at + `', 6, 45, 15, '` + at + `')`,
		`INSERT INTO bureau_panel (day_id, user_id) VALUES (1, 'P1')`,
		`INSERT INTO bureau_applications (applicant, company_name, company_key, kind, project, status, day_id, slot, created_at, updated_at)
			VALUES ('U1', 'Métallerie', 'metallerie', 'autre', 'Grandir', 'scheduled', 1, 1, '` + at + `', '` + at + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db := downUpOpen(t, path, raw, p)
	if m, err := db.FindMemberByUserID(ctx, "U1"); err != nil || m.Company == nil || m.Company.Name != "Métallerie" || m.Company.Revenue != "" {
		t.Errorf("U1 = %+v, %v; want their company kept, its band forgotten", m, err)
	}
	if peers, err := db.FindPeers(ctx, time.Time{}); err != nil || len(peers) != 0 {
		t.Errorf("peers after down and up = %v, %v; want none", peers, err)
	}
	if err := db.SetPeer(ctx, "P1", true, "U1"); err != nil {
		t.Fatal(err)
	}
	if apps, err := db.FindApplications(ctx, commands.ApplicationFilter{}); err != nil || len(apps) != 0 {
		t.Errorf("applications after down and up = %v, %v; want none", apps, err)
	}
}

// TestMigration00011 makes dedupe keys unique per recipient: every row of
// the outbox is kept, with its progress, and a key stored for one person
// no longer stops the same key to another.
func TestMigration00011(t *testing.T) {
	ctx := context.Background()
	path, raw, p := migratedTo(t, 10)
	const at = "2027-01-10T09:00:00.000Z"
	if _, err := raw.ExecContext(ctx, `INSERT INTO outbox (id, dedupe_key, recipient, message, status, attempts, due_at, created_at, sent_at, parts_done, ref_ts)
		VALUES (1, 'xreq:1:staff:1:U1', 'user:U1', '{"Title":"À confier"}', 'sent', 1, '`+at+`', '`+at+`', '`+at+`', 1, '1.2'),
		       (2, 'digest:2027-W01:U2', 'user:U2', '{"Title":"Votre semaine"}', 'pending', 0, '`+at+`', '`+at+`', '', 0, '')`); err != nil {
		t.Fatal(err)
	}
	upDownUp(t, raw, p)

	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if sent, total, err := db.CountMessages(ctx, ""); err != nil || sent != 1 || total != 2 {
		t.Errorf("outbox = %d sent of %d, %v; want 1 of 2", sent, total, err)
	}
	due, err := db.DueMessages(ctx, time.Date(2027, 1, 10, 10, 0, 0, 0, time.UTC), 10)
	if err != nil || len(due) != 1 || due[0].DedupeKey != "digest:2027-W01:U2" || due[0].Message.Title != "Votre semaine" {
		t.Errorf("due = %+v, %v; want the digest", due, err)
	}
	n, err := db.EnqueueMessages(ctx, []*commands.OutboxMessage{
		{DedupeKey: "digest:2027-W01:U2", To: commands.Recipient{User: "U3"}, Message: commands.Response{Title: "x"}},
		{DedupeKey: "digest:2027-W01:U2", To: commands.Recipient{User: "U2"}, Message: commands.Response{Title: "x"}},
	})
	if err != nil || n != 1 {
		t.Errorf("enqueued %d, %v; want 1: the key is new for U3 only", n, err)
	}
}

// TestMigration00012 takes the pooling campaigns back down with their
// rows in place (a campaign with its companies, an answer, a standing and
// a decision with its working group) and up again: the companies, their
// members and the group are kept, the campaigns start empty and work.
func TestMigration00012(t *testing.T) {
	ctx := context.Background()
	path, raw, p := migratedTo(t, 11)
	const at = "2027-01-10T09:00:00.000Z"
	exec := func(qs ...string) {
		t.Helper()
		for _, q := range qs {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	exec(`INSERT INTO companies (id, name, updated_at) VALUES (1, 'Scierie', '`+at+`'), (2, 'Atelier', '`+at+`')`,
		`INSERT INTO members (id, user_id, name, company_id, created_at) VALUES (1, 'U1', 'Ana', 1, '`+at+`'),
			(2, 'U2', 'Bo', 2, '`+at+`')`,
		`INSERT INTO groups (id, slug, name, created_by, created_at) VALUES (1, 'paie', 'Paie', 'U1', '`+at+`')`)
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO pool_campaigns (id, name, mode, functions, status, created_by, created_at, updated_at)
			VALUES (1, 'Support', 'allies', '[{"key":"paie","name":"Paie"}]', 'open', 'U1', '`+at+`', '`+at+`')`,
		`INSERT INTO pool_campaign_companies (campaign_id, company_id) VALUES (1, 1), (1, 2)`,
		`INSERT INTO pool_answers (campaign_id, company_id, function_key, efficiency, importance, intention)
			VALUES (1, 1, 'paie', 'low', 'high', 'pool')`,
		`INSERT INTO pool_responses (campaign_id, company_id, shared, answered_by, updated_at) VALUES (1, 1, 1, 'U1', '`+at+`')`,
		`INSERT INTO pool_decisions (campaign_id, function_key, way, companies, group_id, decided_by, decided_at)
			VALUES (1, 'paie', 'shared_team', '[1,2]', 1, 'U2', '`+at+`')`)
	db := downUpOpen(t, path, raw, p)
	if cs, err := db.ListCompanies(ctx); err != nil || len(cs) != 2 || cs[0].Name != "Atelier" {
		t.Errorf("companies after down and up = %v, %v; want both kept", cs, err)
	}
	if m, err := db.FindMemberByUserID(ctx, "U1"); err != nil || m.CompanyID != 1 {
		t.Errorf("U1 = %+v, %v; want their company kept", m, err)
	}
	if cs, err := db.FindCampaigns(ctx, commands.CampaignFilter{}); err != nil || len(cs) != 0 {
		t.Errorf("campaigns after down and up = %v, %v; want none", cs, err)
	}
	c := &commands.Campaign{Name: "Support", Mode: commands.ModeAllies, Companies: []int64{1, 2}, CreatedBy: "U1"}
	if err := db.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDecision(ctx, &commands.PoolDecision{Campaign: c.ID, Function: "paie", Way: commands.WaySharedTeam, Group: 1}); err != nil {
		t.Errorf("decision with the kept group: %v", err)
	}
}
