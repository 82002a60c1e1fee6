package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
)

// probeSQL is a write every writable database accepts and that leaves no
// trace once rolled back.
const probeSQL = "CREATE TABLE cercle_write_probe (x INTEGER)"

// checkWritable makes a write in a transaction and rolls it back: SQLite
// opens a file it may not write read-only without a word, and only a
// write tells.
func checkWritable(ctx context.Context, write *sql.DB) error {
	tx, err := write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	_, err = tx.ExecContext(ctx, probeSQL)
	return err
}

// checkVersions refuses a schema that is not the newest this version
// knows: migrations still pending, or a database migrated by a newer
// Cercle, whose tables this one might misread.
func checkVersions(ctx context.Context, p *goose.Provider) error {
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	switch {
	case current > target:
		return fmt.Errorf("la base est au schéma %d, plus récent que celui de cette version de Cercle (%d) : lancez la version qui l'a mise à jour", current, target)
	case current < target:
		return fmt.Errorf("la base est au schéma %d au lieu de %d : des migrations restent à appliquer", current, target)
	}
	return nil
}

// errProbed undoes the probe's unit of work once it has written.
var errProbed = errors.New("write probe done")

// probeWrite writes through the committer, as every write does, and
// undoes it: a stuck writer or a database become read-only fails it.
func (db *DB) probeWrite(ctx context.Context) error {
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, probeSQL); err != nil {
			return err
		}
		return errProbed
	})
	if errors.Is(err, errProbed) {
		return nil
	}
	return err
}

// healthProbeEvery is how often Health writes at most: a health check
// polled every second costs one write probe every few seconds.
const healthProbeEvery = 5 * time.Second

// healthProbeTimeout bounds one probe: a writer that does not answer
// within it counts as failing.
const healthProbeTimeout = 3 * time.Second

// health caches the write probe's outcome for healthProbeEvery.
type health struct {
	probe func(ctx context.Context) error
	now   func() time.Time

	mu   sync.Mutex
	at   time.Time
	last error
}

func newHealth(probe func(ctx context.Context) error) *health {
	return &health{probe: probe, now: time.Now}
}

func (h *health) check(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && h.now().Sub(h.at) < healthProbeEvery {
		return h.last
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), healthProbeTimeout)
	defer cancel()
	h.last, h.at = h.probe(ctx), h.now()
	return h.last
}

// Health reports whether the database answers reads and takes writes, for
// /healthz. Reads are checked on every call; the write probe runs at most
// once every five seconds, its outcome cached in between.
func (db *DB) Health(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("database read: %w", err)
	}
	if err := db.health.check(ctx); err != nil {
		return fmt.Errorf("database write: %w", err)
	}
	return nil
}
