package storage

import (
	"context"
	"net/url"
	"time"
)

// OpenQueryOnly opens the database at path with a writer SQLite refuses
// every change on, as it does on a read-only file: a read-only database
// even for root, who ignores file permissions.
func OpenQueryOnly(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, Options{}, url.Values{"_query_only": {"1"}})
}

// MakeReadOnly makes the open database refuse every write from now on.
func MakeReadOnly(ctx context.Context, db *DB) error {
	_, err := db.write.ExecContext(ctx, "PRAGMA query_only = ON")
	return err
}

// SetHealthClock sets the clock of Health's cache.
func SetHealthClock(db *DB, now func() time.Time) { db.health.now = now }
