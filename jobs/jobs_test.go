package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	_ "time/tzdata" // Europe/Paris without system zoneinfo

	"cercle/jobs"
)

// Inside a synctest bubble the clock is fake: it starts at 2000-01-01 00:00
// UTC and jumps ahead whenever every goroutine in the bubble is blocked, so
// weeks of schedule run instantly and times are exact.

func TestSchedule_ParisMondaysAcrossDST(t *testing.T) {
	paris := mustParis(t)
	synctest.Test(t, func(t *testing.T) {
		// Start on Sunday 2027-03-14, two weeks before spring forward
		// (2027-03-28), and stop two weeks after fall back (2027-10-31).
		time.Sleep(time.Until(time.Date(2027, 3, 14, 12, 0, 0, 0, paris)))

		var mu sync.Mutex
		var ran []time.Time
		s := jobs.New(paris, slog.New(slog.DiscardHandler))
		mustAdd(t, s, jobs.Job{Name: "digest", Spec: "0 9 * * 1", Run: func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, time.Now())
			return nil
		}})
		s.Start(t.Context())
		time.Sleep(time.Until(time.Date(2027, 11, 14, 12, 0, 0, 0, paris)))
		if err := s.Stop(t.Context()); err != nil {
			t.Fatalf("Stop: got %v, want nil", err)
		}

		mu.Lock()
		defer mu.Unlock()
		var want []time.Time
		for d := time.Date(2027, 3, 15, 9, 0, 0, 0, paris); d.Before(time.Date(2027, 11, 14, 0, 0, 0, 0, paris)); d = d.AddDate(0, 0, 7) {
			want = append(want, d)
		}
		if len(ran) != len(want) {
			t.Fatalf("runs: got %d, want %d (%v)", len(ran), len(want), ran)
		}
		for i := range want {
			if got := ran[i].In(paris); !got.Equal(want[i]) || got.Weekday() != time.Monday || got.Hour() != 9 || got.Minute() != 0 {
				t.Errorf("run %d: got %v, want %v", i, got, want[i])
			}
		}
		// The same wall-clock time is a different instant on each side of a
		// DST change: check the instants around both changes literally.
		for _, w := range []string{
			"2027-03-22T08:00:00Z", // last Monday in CET (UTC+1)
			"2027-03-29T07:00:00Z", // first Monday in CEST (UTC+2)
			"2027-10-25T07:00:00Z", // last Monday in CEST
			"2027-11-01T08:00:00Z", // first Monday in CET again
		} {
			wt, _ := time.Parse(time.RFC3339, w)
			found := false
			for _, r := range ran {
				found = found || r.Equal(wt)
			}
			if !found {
				t.Errorf("run at %s: got none, want one", w)
			}
		}
	})
}

func TestSchedule_PanicDoesNotStopLaterRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &recorder{}
		s := jobs.New(time.UTC, slog.New(logs))
		var mu sync.Mutex
		runs := 0
		mustAdd(t, s, jobs.Job{Name: "reminders", Spec: "@every 1m", Run: func(context.Context) error {
			mu.Lock()
			runs++
			mu.Unlock()
			panic("boom")
		}})
		s.Start(t.Context())
		time.Sleep(3*time.Minute + 30*time.Second) // ticks at 1m, 2m, 3m
		synctest.Wait()

		mu.Lock()
		if runs != 3 {
			t.Errorf("runs after 3 ticks: got %d, want 3", runs)
		}
		mu.Unlock()
		panics := logs.find("job panicked")
		if len(panics) != 3 {
			t.Fatalf("panic log lines: got %d, want 3", len(panics))
		}
		if got := panics[0].attrs["job"]; got != "reminders" {
			t.Errorf("panic log job: got %q, want %q", got, "reminders")
		}
		if got := panics[0].attrs["err"]; !strings.Contains(got, "boom") {
			t.Errorf("panic log err: got %q, want it to contain %q", got, "boom")
		}
		if got := panics[0].attrs["stack"]; got == "" {
			t.Errorf("panic log stack: got empty, want a stack")
		}

		// The scheduler survived: the next tick runs again.
		time.Sleep(time.Minute)
		synctest.Wait()
		mu.Lock()
		if runs != 4 {
			t.Errorf("runs after 4 ticks: got %d, want 4", runs)
		}
		mu.Unlock()
		if err := s.Stop(t.Context()); err != nil {
			t.Fatalf("Stop: got %v, want nil", err)
		}
	})
}

func TestSchedule_SlowRunIsSkippedNotOverlapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &recorder{}
		s := jobs.New(time.UTC, slog.New(logs))
		t0 := time.Now()
		var mu sync.Mutex
		var starts []time.Duration
		running, maxRunning := 0, 0
		mustAdd(t, s, jobs.Job{Name: "digest", Spec: "@every 1m", Run: func(ctx context.Context) error {
			mu.Lock()
			starts = append(starts, time.Since(t0))
			running++
			maxRunning = max(maxRunning, running)
			mu.Unlock()
			defer func() {
				mu.Lock()
				running--
				mu.Unlock()
			}()
			select {
			case <-time.After(150 * time.Second):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}})
		s.Start(t.Context())
		// Runs 1m–3m30 and 4m–6m30; the ticks at 2m, 3m, 5m and 6m are skipped.
		time.Sleep(6*time.Minute + 45*time.Second)
		if err := s.Stop(t.Context()); err != nil {
			t.Fatalf("Stop: got %v, want nil", err)
		}

		mu.Lock()
		defer mu.Unlock()
		want := []time.Duration{time.Minute, 4 * time.Minute}
		if !equal(starts, want) {
			t.Errorf("starts: got %v, want %v", starts, want)
		}
		if maxRunning != 1 {
			t.Errorf("concurrent runs: got %d, want 1", maxRunning)
		}
		skips := logs.find("cron: skip")
		if len(skips) != 4 {
			t.Errorf("skip log lines: got %d, want 4", len(skips))
		}
		for _, r := range skips {
			if got := r.attrs["job"]; got != "digest" {
				t.Errorf("skip log job: got %q, want %q", got, "digest")
			}
		}
	})
}

func TestStop(t *testing.T) {
	t.Run("WaitsForRunningJob", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := jobs.New(time.UTC, nil)
			t0 := time.Now()
			var done time.Duration // written by the job, read after Stop
			mustAdd(t, s, jobs.Job{Name: "digest", Spec: "@every 1m", Run: func(ctx context.Context) error {
				time.Sleep(30 * time.Second)
				done = time.Since(t0)
				return nil
			}})
			s.Start(t.Context())
			time.Sleep(time.Minute + 10*time.Second) // mid-run
			if err := s.Stop(t.Context()); err != nil {
				t.Fatalf("Stop: got %v, want nil", err)
			}
			if got, want := time.Since(t0), time.Minute+30*time.Second; got != want {
				t.Errorf("Stop returned at: got %v, want %v", got, want)
			}
			if want := time.Minute + 30*time.Second; done != want {
				t.Errorf("job finished at: got %v, want %v", done, want)
			}
			time.Sleep(10 * time.Minute)
			if want := time.Minute + 30*time.Second; done != want {
				t.Errorf("after Stop, job finished at: got %v, want %v (ran again)", done, want)
			}
		})
	})

	t.Run("CtxEndsFirst", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := jobs.New(time.UTC, nil)
			jobErr := make(chan error, 1)
			mustAdd(t, s, jobs.Job{Name: "digest", Spec: "@every 1m", Run: func(ctx context.Context) error {
				select {
				case <-time.After(time.Hour):
					jobErr <- nil
				case <-ctx.Done():
					jobErr <- ctx.Err()
				}
				return nil
			}})
			s.Start(t.Context())
			time.Sleep(time.Minute + 10*time.Second)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			if err := s.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Stop: got %v, want %v", err, context.DeadlineExceeded)
			}
			// The running job is told to give up.
			if err := <-jobErr; !errors.Is(err, context.Canceled) {
				t.Errorf("job ctx: got %v, want %v", err, context.Canceled)
			}
		})
	})
}

func TestRunOnce(t *testing.T) {
	boom := errors.New("boom")

	t.Run("ReturnsJobError", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			logs := &recorder{}
			s := jobs.New(time.UTC, slog.New(logs))
			var deadline time.Time
			finished := false
			mustAdd(t, s, jobs.Job{Name: "reminders", Spec: "*/5 * * * *", Run: func(ctx context.Context) error {
				deadline, _ = ctx.Deadline()
				time.Sleep(2 * time.Second)
				finished = true
				return boom
			}})

			start := time.Now()
			err := s.RunOnce(t.Context(), "reminders")
			if !errors.Is(err, boom) {
				t.Errorf("err: got %v, want %v", err, boom)
			}
			if !finished {
				t.Errorf("finished when RunOnce returned: got false, want true")
			}
			if got, want := time.Since(start), 2*time.Second; got != want {
				t.Errorf("RunOnce took: got %v, want %v", got, want)
			}
			if got, want := deadline.Sub(start), jobs.DefaultTimeout; got != want {
				t.Errorf("timeout: got %v, want %v", got, want)
			}
			lines := logs.find("job failed")
			if len(lines) != 1 {
				t.Fatalf("failure log lines: got %d, want 1", len(lines))
			}
			for k, want := range map[string]string{"job": "reminders", "duration": "2s", "err": "boom"} {
				if got := lines[0].attrs[k]; got != want {
					t.Errorf("log %s: got %q, want %q", k, got, want)
				}
			}
		})
	})

	t.Run("OK", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			logs := &recorder{}
			s := jobs.New(time.UTC, slog.New(logs))
			var deadline time.Time
			mustAdd(t, s, jobs.Job{Name: "digest", Spec: "0 9 * * 1", Timeout: time.Minute, Run: func(ctx context.Context) error {
				deadline, _ = ctx.Deadline()
				return nil
			}})
			start := time.Now()
			if err := s.RunOnce(t.Context(), "digest"); err != nil {
				t.Errorf("err: got %v, want nil", err)
			}
			if got, want := deadline.Sub(start), time.Minute; got != want {
				t.Errorf("timeout: got %v, want %v", got, want)
			}
			lines := logs.find("job done")
			if len(lines) != 1 {
				t.Fatalf("done log lines: got %d, want 1", len(lines))
			}
			if got, want := lines[0].attrs["job"], "digest"; got != want {
				t.Errorf("log job: got %q, want %q", got, want)
			}
		})
	})

	t.Run("ErrUnknown", func(t *testing.T) {
		s := jobs.New(time.UTC, nil)
		for _, name := range []string{"reminders", "digest"} {
			mustAdd(t, s, jobs.Job{Name: name, Spec: "@daily", Run: func(context.Context) error { return nil }})
		}
		err := s.RunOnce(t.Context(), "nope")
		if err == nil {
			t.Fatalf("err: got nil, want an error")
		}
		if got, want := err.Error(), "digest, reminders"; !strings.Contains(got, want) || !strings.Contains(got, "nope") {
			t.Errorf("err: got %q, want it to name %q and list %q", got, "nope", want)
		}
	})

	t.Run("Panic", func(t *testing.T) {
		s := jobs.New(time.UTC, nil)
		mustAdd(t, s, jobs.Job{Name: "p", Spec: "@daily", Run: func(context.Context) error { panic("kaboom") }})
		if err := s.RunOnce(t.Context(), "p"); err == nil || !strings.Contains(err.Error(), "kaboom") {
			t.Errorf("err: got %v, want one containing %q", err, "kaboom")
		}
	})
}

func TestAdd(t *testing.T) {
	run := func(context.Context) error { return nil }
	for _, spec := range []string{
		"",
		"0 9 * *",       // 4 fields
		"0 0 9 * * 1",   // seconds are not accepted
		"61 * * * *",    // minute out of range
		"0 9 * * 8",     // weekday out of range
		"0 9 * * lundi", // not a weekday name
		"@every banana",
		"@fortnightly",
	} {
		t.Run(spec, func(t *testing.T) {
			s := jobs.New(time.UTC, nil)
			err := s.Add(jobs.Job{Name: "digest", Spec: spec, Run: run})
			if err == nil {
				t.Fatalf("Add(%q): got nil, want an error", spec)
			}
			if !strings.Contains(err.Error(), "digest") {
				t.Errorf("Add(%q): got %q, want it to name the job %q", spec, err, "digest")
			}
			if got := s.Names(); len(got) != 0 {
				t.Errorf("Names after refused Add: got %v, want none", got)
			}
		})
	}

	t.Run("ErrDuplicate", func(t *testing.T) {
		s := jobs.New(time.UTC, nil)
		mustAdd(t, s, jobs.Job{Name: "digest", Spec: "@daily", Run: run})
		if err := s.Add(jobs.Job{Name: "digest", Spec: "@hourly", Run: run}); err == nil {
			t.Errorf("second Add: got nil, want an error")
		}
	})

	t.Run("Names", func(t *testing.T) {
		s := jobs.New(time.UTC, nil)
		for _, name := range []string{"reminders", "digest", "cleanup"} {
			mustAdd(t, s, jobs.Job{Name: name, Spec: "@every 1m", Run: run})
		}
		if got, want := s.Names(), []string{"cleanup", "digest", "reminders"}; !equal(got, want) {
			t.Errorf("Names: got %v, want %v", got, want)
		}
	})
}

func mustParis(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustAdd(t *testing.T, s *jobs.Scheduler, j jobs.Job) {
	t.Helper()
	if err := s.Add(j); err != nil {
		t.Fatalf("Add(%s): %v", j.Name, err)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// recorder is a slog.Handler that keeps every record, attributes as text.
type recorder struct {
	mu      sync.Mutex
	records []record
	attrs   []slog.Attr // from WithAttrs; shared prefix of a derived handler
	parent  *recorder
}

type record struct {
	msg   string
	attrs map[string]string
}

func (h *recorder) root() *recorder {
	if h.parent != nil {
		return h.parent.root()
	}
	return h
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	rec := record{msg: r.Message, attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	root := h.root()
	root.mu.Lock()
	defer root.mu.Unlock()
	root.records = append(root.records, rec)
	return nil
}

func (h *recorder) WithAttrs(as []slog.Attr) slog.Handler {
	return &recorder{attrs: append(append([]slog.Attr{}, h.attrs...), as...), parent: h.root()}
}

func (h *recorder) WithGroup(string) slog.Handler { return h } // unused by jobs

func (h *recorder) find(msg string) []record {
	root := h.root()
	root.mu.Lock()
	defer root.mu.Unlock()
	var out []record
	for _, r := range root.records {
		if r.msg == msg {
			out = append(out, r)
		}
	}
	return out
}
