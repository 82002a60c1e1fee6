package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"cercle/commands"
	"cercle/storage"
)

func MustOpenDB(tb testing.TB) (*storage.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "cercle.db")
	db, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

func TestOpenSetsPragmasAndMigrates(t *testing.T) {
	db, path := MustOpenDB(t)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Open again: migrations already applied is not an error.
	again, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()

	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	if err := raw.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal (persisted in the file)", mode, err)
	}
	var version int
	if err := raw.QueryRow("SELECT MAX(version_id) FROM goose_db_version").Scan(&version); err != nil || version < 1 {
		t.Errorf("goose version = %d, %v", version, err)
	}
}

func TestUnknownMemberIsNotFound(t *testing.T) {
	db, _ := MustOpenDB(t)
	_, err := db.FindMemberByUserID(context.Background(), "UNOPE")
	if commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("error = %v, want ENOTFOUND", err)
	}
}

func TestDuplicateMemberIsConflict(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	if err := db.CreateMember(ctx, &commands.Member{UserID: "U1", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	err := db.CreateMember(ctx, &commands.Member{UserID: "U1", Name: "B"})
	if commands.ErrorCode(err) != commands.ECONFLICT {
		t.Errorf("error = %v, want ECONFLICT", err)
	}
}

func TestCompanyForUnknownMember(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	// Saving a company for a member that does not exist fails, leaving no
	// orphan company row behind.
	_, err := db.SaveCompany(ctx, "UNOPE", &commands.Company{Name: "X"})
	if commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("error = %v, want ENOTFOUND", err)
	}
}

func TestSetRoleAndAdmins(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	if err := db.EnsureAdmins(ctx, []commands.UserID{"UA", "UB"}); err != nil {
		t.Fatal(err)
	}
	if err := db.EnsureAdmins(ctx, []commands.UserID{"UA"}); err != nil {
		t.Fatal(err)
	}
	m, err := db.FindMemberByUserID(ctx, "UB")
	if err != nil || m.Role != commands.RoleAdmin {
		t.Fatalf("UB = %+v, %v", m, err)
	}
	if err := db.SetRole(ctx, "UA", "UB", commands.RoleExpert); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRole(ctx, "UA", "UNOPE", commands.RoleExpert); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("role for an unknown member: %v", err)
	}
}

func TestOutboxStore(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	msg := func(key string) *commands.OutboxMessage {
		return &commands.OutboxMessage{DedupeKey: key, To: commands.Recipient{Channel: "C1"},
			Message: commands.Response{Title: "Plénière <!channel>"}}
	}
	n, err := db.EnqueueMessages(ctx, []*commands.OutboxMessage{msg("a"), msg("b"), msg("a")})
	if err != nil || n != 2 {
		t.Fatalf("enqueued %d, %v; want 2 (one duplicate key)", n, err)
	}
	due, err := db.DueMessages(ctx, now, 10)
	if err != nil || len(due) != 2 || due[0].Message.Title != "Plénière <!channel>" || due[0].To.Channel != "C1" {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if err := db.MarkMessageSent(ctx, due[0].ID, now, commands.MessageRef{}); err != nil {
		t.Fatal(err)
	}
	retry := now.Add(time.Minute)
	if err := db.MarkMessageFailed(ctx, due[1].ID, retry, "ratelimited"); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueMessages(ctx, now, 10); len(due) != 0 {
		t.Errorf("due now = %d, want 0 (one sent, one waiting)", len(due))
	}
	if next, _ := db.NextDueTime(ctx); !next.Equal(retry) {
		t.Errorf("next due = %s, want %s", next, retry)
	}
	due, _ = db.DueMessages(ctx, retry, 10)
	if len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("due at retry = %+v", due)
	}
	// A sent message stays sent, even if someone marks it failed later.
	if err := db.MarkMessageFailed(ctx, due[0].ID-1, time.Time{}, "late"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkMessageFailed(ctx, due[0].ID, time.Time{}, strings.Repeat("x", 5000)); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountPendingMessages(ctx); n != 0 {
		t.Errorf("pending = %d after give-up, want 0", n)
	}
}

func TestMarkEventProcessed(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	first, err := db.MarkEventProcessed(ctx, "Ev1")
	if err != nil || !first {
		t.Fatalf("first delivery: %v, %v", first, err)
	}
	if again, _ := db.MarkEventProcessed(ctx, "Ev1"); again {
		t.Error("second delivery of Ev1 reported as first")
	}
}

func TestBackupWhileWriting(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := db.CreateMember(ctx, &commands.Member{UserID: commands.UserID(fmt.Sprintf("U%d", i)), Name: "n"}); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(20 * time.Millisecond)
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	copyDB, err := storage.Open(ctx, dest, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if n, err := copyDB.CountMembers(ctx); err != nil || n == 0 {
		t.Errorf("backup holds %d members, %v", n, err)
	}
	if err := db.Backup(ctx, dest); err == nil {
		t.Error("backup over an existing file succeeded")
	}
}

func TestMemberCacheSeesWrites(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	if err := db.CreateMember(ctx, &commands.Member{UserID: "U1", Name: "Nadia"}); err != nil {
		t.Fatal(err)
	}
	check := func(want func(*commands.Member) bool, what string) {
		t.Helper()
		m, err := db.FindMemberByUserID(ctx, "U1")
		if err != nil || !want(m) {
			t.Fatalf("%s: got %+v, %v", what, m, err)
		}
		m.Name = "mutated by a caller" // must not leak into the cache
	}
	check(func(m *commands.Member) bool { return m.Role == commands.RoleMember }, "created")
	check(func(m *commands.Member) bool { return m.Name == "Nadia" }, "cached copy")
	if err := db.SetRole(ctx, "UA", "U1", commands.RoleExpert); err != nil {
		t.Fatal(err)
	}
	check(func(m *commands.Member) bool { return m.Role == commands.RoleExpert }, "after SetRole")
	if _, err := db.SaveCompany(ctx, "U1", &commands.Company{Name: "Métallerie Haddad"}); err != nil {
		t.Fatal(err)
	}
	check(func(m *commands.Member) bool { return m.Company != nil && m.Company.Name == "Métallerie Haddad" }, "after SaveCompany")
	name := "Nadia Haddad"
	if _, err := db.UpdateMember(ctx, "U1", commands.MemberUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	check(func(m *commands.Member) bool { return m.Name == "Nadia Haddad" }, "after UpdateMember")
	if err := db.EnsureAdmins(ctx, []commands.UserID{"U1"}); err != nil {
		t.Fatal(err)
	}
	check(func(m *commands.Member) bool { return m.Role == commands.RoleAdmin }, "after EnsureAdmins")
}

func TestConcurrentWritesShareCommitsSafely(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	const n = 200
	errs := make(chan error, n)
	for i := range n {
		go func() {
			// Every fourth writer reuses an id: its unit fails alone,
			// without undoing the others it shares a commit with.
			id := fmt.Sprintf("U%d", i)
			if i%4 == 3 {
				id = fmt.Sprintf("U%d", i-1)
			}
			errs <- db.CreateMember(ctx, &commands.Member{UserID: commands.UserID(id), Name: id})
		}()
	}
	conflicts := 0
	for range n {
		switch err := <-errs; commands.ErrorCode(err) {
		case "":
		case commands.ECONFLICT:
			conflicts++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	count, err := db.CountMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if conflicts != n/4 || count != n-n/4 {
		t.Errorf("conflicts = %d, members = %d; want %d and %d", conflicts, count, n/4, n-n/4)
	}
}

func TestWriteAfterCloseFails(t *testing.T) {
	db, _ := MustOpenDB(t)
	db.Close()
	if err := db.CreateMember(context.Background(), &commands.Member{UserID: "U1", Name: "x"}); err == nil {
		t.Error("write after Close succeeded")
	}
}

func TestBackupFileLeavesSourceAlone(t *testing.T) {
	db, path := MustOpenDB(t)
	ctx := context.Background()
	if err := db.CreateMember(ctx, &commands.Member{UserID: "U1", Name: "x"}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := storage.BackupFile(ctx, path, dest); err != nil {
		t.Fatal(err)
	}
	copyDB, err := storage.Open(ctx, dest, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if n, _ := copyDB.CountMembers(ctx); n != 1 {
		t.Errorf("copy holds %d members, want 1", n)
	}
	if err := storage.BackupFile(ctx, filepath.Join(t.TempDir(), "missing.db"), dest+"2"); err == nil {
		t.Error("backup of a missing file succeeded")
	}
}

func TestUnreadableOutboxRowIsGivenUp(t *testing.T) {
	db, path := MustOpenDB(t)
	ctx := context.Background()
	msgs := []*commands.OutboxMessage{
		{DedupeKey: "bad", To: commands.Recipient{User: "U1"}, Message: commands.Response{Title: "x"}},
		{DedupeKey: "good", To: commands.Recipient{User: "U2"}, Message: commands.Response{Title: "y"}},
	}
	if _, err := db.EnqueueMessages(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE outbox SET message = '{not json' WHERE dedupe_key = 'bad'`); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueMessages(ctx, time.Now().Add(time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].DedupeKey != "good" {
		t.Fatalf("due = %v, %v; want only the good message", due, err)
	}
	if n, _ := db.CountPendingMessages(ctx); n != 1 {
		t.Errorf("pending = %d, want 1 (the unreadable one given up)", n)
	}
}

// A dedupe key is unique per recipient: one key serves a message to each
// of several people, and is still enqueued once for each.
func TestOutboxDedupePerRecipient(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	to := func(user commands.UserID) *commands.OutboxMessage {
		return &commands.OutboxMessage{DedupeKey: "xreq:1:staff:1", To: commands.Recipient{User: user}, Message: commands.Response{Title: "À confier"}}
	}
	n, err := db.EnqueueMessages(ctx, []*commands.OutboxMessage{to("U1"), to("U2"), to("U1")})
	if err != nil || n != 2 {
		t.Fatalf("enqueued %d, %v; want 2 (one per recipient)", n, err)
	}
	if n, err := db.EnqueueMessages(ctx, []*commands.OutboxMessage{to("U2")}); err != nil || n != 0 {
		t.Errorf("enqueued again %d, %v; want 0", n, err)
	}
	if keys, err := db.FindMessageKeys(ctx, "xreq:1:"); err != nil || len(keys) != 2 {
		t.Errorf("keys = %v, %v; want the key twice", keys, err)
	}
}
