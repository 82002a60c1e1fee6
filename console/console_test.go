package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
	"cercle/storage"
)

// clock is a settable Now for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// session is a service on a real SQLite file with the demo network, and a
// way to type lines into a console over it.
type session struct {
	t       *testing.T
	service *commands.Service
	db      *storage.DB
	clock   *clock
}

// newSession starts a session; configure adjusts the service's
// configuration first.
func newSession(t *testing.T, configure ...func(*commands.Config)) *session {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "cercle.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{t: time.Now()}
	cfg := commands.Config{Store: db, Now: clk.now, Logger: slog.New(slog.DiscardHandler)}
	for _, c := range configure {
		c(&cfg)
	}
	s := commands.NewService(cfg)
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &session{t: t, service: s, db: db, clock: clk}
}

// typeLines runs a console acting as the local admin over lines, and
// returns what it printed.
func (s *session) typeLines(lines ...string) string {
	s.t.Helper()
	var out bytes.Buffer
	c := console.New(s.service, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, commands.User{ID: "local", Name: "Vous"})
	if err := c.Run(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return out.String()
}

// lastEvent returns the event created last.
func (s *session) lastEvent() *commands.Event {
	s.t.Helper()
	evs, err := s.db.FindEvents(context.Background(), commands.EventFilter{})
	if err != nil || len(evs) == 0 {
		s.t.Fatalf("events: %v, %v", evs, err)
	}
	last := evs[0]
	for _, ev := range evs {
		if ev.ID > last.ID {
			last = ev
		}
	}
	return last
}
