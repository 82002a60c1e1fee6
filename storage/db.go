// Package storage keeps Cercle's data in SQLite (mattn/go-sqlite3) and
// implements commands.Store.
//
// One writer connection takes every write, in BEGIN IMMEDIATE transactions
// so concurrent writers queue on the busy timeout instead of failing; a
// separate read-only pool serves reads. Every per-connection pragma is in
// the DSN, because database/sql opens connections on its own. Instants are
// stored as fixed-width UTC text (see timeLayout) and converted to a
// person's zone only when shown. Schema changes are numbered SQL files in
// migrations/, embedded and applied at Open by goose.
//
// It imports commands (whose Store it implements) and no other Cercle package.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"cercle/commands"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ commands.Store = (*DB)(nil)

// driverName is mattn/go-sqlite3 with the pragmas the DSN cannot set.
const driverName = "sqlite3_cercle"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// Savepoints (one per unit of a group commit) and triggers need a
		// statement journal; kept in a temporary file by default, it cost
		// a file per statement. In memory it is a few kilobytes.
		_, err := c.Exec("PRAGMA temp_store = MEMORY", nil)
		return err
	}})
}

// timeLayout is how instants are stored: UTC, fixed width, so text order is
// time order.
const timeLayout = "2006-01-02T15:04:05.000Z"

// DB is Cercle's database.
type DB struct {
	write *sql.DB
	read  *sql.DB
	path  string

	// members caches member lookups: every command starts with one.
	members *memberCache

	writes   chan *writeRequest // to commitLoop, the only writer
	closed   chan struct{}
	loopDone chan struct{}
	closeOne sync.Once

	// health caches the write probe behind Health.
	health *health

	// Now is the clock; tests set it.
	Now func() time.Time
}

// Options tune how the database is opened.
type Options struct {
	// Synchronous is SQLite's synchronous setting: FULL (the default)
	// makes a committed transaction survive a power cut; NORMAL may lose
	// the last transactions on power loss but never corrupts.
	Synchronous string
	// ReadConns is the size of the read pool (default: number of CPUs, at least 2).
	ReadConns int
}

// Open opens (creating if needed) the database at path and applies pending
// migrations.
//
// It refuses, with a French message main prints as is, a database it
// cannot write (a read-only file or folder: the bot would look ready and
// fail every registration) and one whose schema is not the one this
// version knows.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	return open(ctx, path, opts, nil)
}

// open is Open with extra parameters for the writer's DSN, for tests.
func open(ctx context.Context, path string, opts Options, extra url.Values) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open database: invalid path %q", path)
	}
	sync := strings.ToUpper(opts.Synchronous)
	switch sync {
	case "":
		sync = "FULL"
	case "OFF", "NORMAL", "FULL", "EXTRA":
	default:
		return nil, fmt.Errorf("open database: unknown synchronous mode %q", opts.Synchronous)
	}
	common := url.Values{}
	common.Set("_busy_timeout", "5000")
	common.Set("_foreign_keys", "on")
	// Re-preparing the same few queries on every call was a third of a
	// member lookup; each connection keeps its recent statements.
	common.Set("_stmt_cache_size", "32")

	w := url.Values{"_journal_mode": {"WAL"}, "_txlock": {"immediate"}, "_synchronous": {sync}}
	for k, v := range common {
		w[k] = v
	}
	for k, v := range extra {
		w[k] = v
	}
	write, err := sql.Open(driverName, "file:"+path+"?"+w.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// SQLite allows one writer at a time; one connection makes Go queue
	// writers instead of SQLite refusing them.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db := &DB{
		write: write, path: path, Now: time.Now,
		members:  newMemberCache(memberCacheSize, memberCacheTTL),
		writes:   make(chan *writeRequest),
		closed:   make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	if err := checkWritable(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("la base %s n'est pas accessible en écriture : vérifiez les droits du fichier et de son dossier (SQLite y crée ses fichiers -wal et -shm) et l'espace disque ; Cercle ne démarre pas sans pouvoir enregistrer les inscriptions (%w)", path, err)
	}
	if err := db.Migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("la base %s n'a pas pu être mise à jour : %w", path, err)
	}
	db.health = newHealth(db.probeWrite)

	r := url.Values{"mode": {"ro"}, "_txlock": {"deferred"}}
	for k, v := range common {
		r[k] = v
	}
	read, err := sql.Open(driverName, "file:"+path+"?"+r.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open read pool: %w", err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(2, runtime.NumCPU())
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db.read = read
	go db.commitLoop()
	return db, nil
}

// Migrate applies the embedded migrations not yet applied.
func (db *DB) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return checkVersions(ctx, p)
}

// Close closes both pools. Call it last, after every user of the database
// has stopped.
func (db *DB) Close() error {
	db.closeOne.Do(func() { close(db.closed) })
	if db.read != nil {
		<-db.loopDone // the loop starts once the read pool is open
	}
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	return errors.Join(errs...)
}

// Ping checks that the database answers, for health checks.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Backup writes a consistent copy of the database to dest, which must not
// exist. It runs on a read connection: VACUUM INTO reads one snapshot
// while writers go on.
func (db *DB) Backup(ctx context.Context, dest string) error {
	return backup(ctx, db.read, dest)
}

// BackupFile copies the database at path to dest without migrating or
// writing it, so `cercle backup` is safe next to a running bot, even one
// of another version.
func BackupFile(ctx context.Context, path, dest string) error {
	if path == "" || strings.ContainsAny(path, "?#") {
		return fmt.Errorf("backup: invalid path %q", path)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	read, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer read.Close()
	return backup(ctx, read, dest)
}

func backup(ctx context.Context, read *sql.DB, dest string) error {
	if _, err := read.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// Tx is a write transaction with its clock fixed at BEGIN.
type Tx struct {
	*sql.Tx
	now time.Time
}

// maxBatch bounds how many units of work share one commit.
const maxBatch = 256

// errClosed is returned for writes asked after Close.
var errClosed = errors.New("database is closed")

// writeRequest is one caller's unit of work, waiting for the committer.
type writeRequest struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *Tx) error
	done chan error
}

// inTx runs fn in a write transaction and returns once it is committed
// (or failed). Concurrent calls share a transaction: with synchronous=FULL
// every commit costs an fsync, and sharing it is what lets concurrent
// registrations go faster than one per fsync without weakening
// durability. Each fn runs inside its own SAVEPOINT, so one that fails is
// undone alone. fn gets a context that is not cancelled with the caller's:
// interrupting one statement would roll back the whole shared transaction.
func (db *DB) inTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	req := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.closed:
		return errClosed
	}
	// Wait even if ctx ends now: the work may already be committed, and
	// the caller must not be told otherwise.
	return <-req.done
}

// commitLoop is the only goroutine that writes. It takes a request, adds
// every other request already waiting, and commits them together.
func (db *DB) commitLoop() {
	defer close(db.loopDone)
	for {
		var first *writeRequest
		select {
		case first = <-db.writes:
		case <-db.closed:
			return
		}
		batch := []*writeRequest{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-db.writes:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		db.commitBatch(batch)
	}
}

func (db *DB) commitBatch(batch []*writeRequest) {
	results := make([]error, len(batch))
	finish := func(commitErr error) {
		for i, r := range batch {
			if results[i] == nil {
				results[i] = commitErr
			}
			r.done <- results[i]
		}
	}
	ctx := context.Background()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		finish(formatError(err))
		return
	}
	tx := &Tx{Tx: sqlTx, now: db.Now().UTC()}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err // gave up before its turn: do nothing
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT unit"); err != nil {
			_ = sqlTx.Rollback()
			finish(formatError(err))
			return
		}
		results[i] = runUnit(context.WithoutCancel(r.ctx), tx, r.fn)
		undo := "RELEASE unit"
		if results[i] != nil {
			undo = "ROLLBACK TO unit; RELEASE unit"
		}
		if _, err := tx.ExecContext(ctx, undo); err != nil {
			_ = sqlTx.Rollback()
			finish(formatError(err))
			return
		}
	}
	finish(formatError(sqlTx.Commit()))
}

// runUnit runs one unit of work, turning a panic into an error so one bad
// unit cannot take the committer, and everyone waiting on it, down.
func runUnit(ctx context.Context, tx *Tx, fn func(ctx context.Context, tx *Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in write: %v", p)
		}
	}()
	return fn(ctx, tx)
}

// queryAll runs a query and scans every row with scan. The rows are closed
// when it returns, so a transaction may run its next statement.
func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// formatError turns driver errors into application errors by code, so the
// core can tell "already exists" from a broken disk.
func formatError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return commands.Errorf(commands.ENOTFOUND, "error.not_found")
	}
	if _, ok := uniqueBreach(err); ok {
		return commands.Errorf(commands.ECONFLICT, "error.conflict")
	}
	return err
}

// uniqueBreach returns the driver's error when err breaks a unique
// constraint, for a caller that must tell which one it was.
func uniqueBreach(err error) (sqlite3.Error, bool) {
	var se sqlite3.Error
	ok := errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
	return se, ok
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}
