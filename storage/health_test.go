package storage_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cercle/storage"
)

// mustCreateDB creates and migrates a database file, closed.
func mustCreateDB(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "cercle.db")
	db, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

const notWritable = "n'est pas accessible en écriture"

func TestOpenRefusesReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	t.Run("QueryOnly", func(t *testing.T) {
		db, err := storage.OpenQueryOnly(ctx, mustCreateDB(t))
		if err == nil {
			db.Close()
			t.Fatal("a database that refuses writes opened")
		}
		if !strings.Contains(err.Error(), notWritable) {
			t.Errorf("err = %v, want it to say %q", err, notWritable)
		}
	})
	t.Run("FilePermissions", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores file permissions")
		}
		path := mustCreateDB(t)
		dir := filepath.Dir(path)
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		db, err := storage.Open(ctx, path, storage.Options{})
		if err == nil {
			db.Close()
			t.Fatal("a read-only file opened")
		}
		if !strings.Contains(err.Error(), notWritable) {
			t.Errorf("err = %v, want it to say %q", err, notWritable)
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := mustCreateDB(t)
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)")
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), path, storage.Options{})
	if err == nil {
		db.Close()
		t.Fatal("a database from a newer version opened")
	}
	if !strings.Contains(err.Error(), "plus récent") {
		t.Errorf("err = %v, want it to say the schema is newer", err)
	}
}

func TestHealthFailsWhenWritesFail(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storage.SetHealthClock(db, func() time.Time { return now })
	if err := db.Health(ctx); err != nil {
		t.Fatalf("healthy database: %v", err)
	}
	if err := storage.MakeReadOnly(ctx, db); err != nil {
		t.Fatal(err)
	}
	// The probe's outcome is cached: no write until it is stale.
	now = now.Add(time.Second)
	if err := db.Health(ctx); err != nil {
		t.Errorf("within the cache: %v, want the cached success", err)
	}
	now = now.Add(5 * time.Second)
	if err := db.Health(ctx); err == nil {
		t.Error("writes refused, Health = nil")
	}
}
