// Package jobs is the scheduling layer: it decides when a job runs, never
// what it does. A job's body is a function from the core (such as
// commands.Service.SendReminders), so it can also be run once from the
// command line with RunOnce.
//
// It is a thin wrapper over robfig/cron that adds what cron lacks: a context
// with a timeout for each run, logged errors and durations, panic recovery
// (cron does not install it by default, despite its documentation) and an
// explicit time zone (cron's default is time.Local, UTC in most containers).
//
// Schedules in the hour between 02:00 and 03:00 local time are best avoided:
// on the spring-forward day cron skips them, and on the fall-back day it runs
// them twice. Jobs must be idempotent anyway.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultTimeout bounds one run of a job whose Timeout is zero.
const DefaultTimeout = 5 * time.Minute

// Log keys.
const (
	keyJob      = "job"
	keyDuration = "duration"
	keyErr      = "err"
)

// Job is one scheduled task.
type Job struct {
	Name    string                          // for logs and RunOnce: "reminders", "digest"
	Spec    string                          // standard 5-field cron spec, or a descriptor such as "@every 1m"
	Timeout time.Duration                   // bound of one run; 0 means DefaultTimeout
	Run     func(ctx context.Context) error // the work, from the core
}

// Scheduler runs jobs on their schedules in one time zone.
type Scheduler struct {
	cron   *cron.Cron
	logger *slog.Logger

	mu     sync.Mutex
	jobs   map[string]Job
	ctx    context.Context // parent of every scheduled run; set by Start
	cancel context.CancelFunc
}

// New returns a scheduler that reads specs in loc (Europe/Paris in
// production; nil means time.Local) and logs to logger (nil discards).
func New(loc *time.Location, logger *slog.Logger) *Scheduler {
	if loc == nil {
		loc = time.Local
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{
		// cron's own Info lines (start, wake, schedule…) are debug noise.
		cron:   cron.New(cron.WithLocation(loc), cron.WithLogger(cronLogger{logger, slog.LevelDebug})),
		logger: logger,
		jobs:   make(map[string]Job),
	}
}

// Add validates the job and registers it. It may be called before or after
// Start.
func (s *Scheduler) Add(j Job) error {
	if j.Name == "" {
		return fmt.Errorf("add job %q: empty name", j.Spec)
	}
	if j.Run == nil {
		return fmt.Errorf("add job %s: nil Run", j.Name)
	}
	if j.Timeout < 0 {
		return fmt.Errorf("add job %s: negative timeout %v", j.Name, j.Timeout)
	}
	if j.Timeout == 0 {
		j.Timeout = DefaultTimeout
	}
	sched, err := cron.ParseStandard(j.Spec)
	if err != nil {
		return fmt.Errorf("add job %s: bad spec %q: %w", j.Name, j.Spec, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.jobs[j.Name]; ok {
		return fmt.Errorf("add job %s: name already registered", j.Name)
	}
	s.jobs[j.Name] = j

	// Skip must wrap Recover, not the reverse: a panic unwinding through
	// Skip would leave its token taken and skip the job forever. run
	// recovers panics itself; Recover is the backstop. The chain is built
	// per job so that "skip" lines carry the job's name.
	l := cronLogger{s.logger.With(keyJob, j.Name), slog.LevelInfo}
	wrapped := cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l)).Then(cron.FuncJob(func() {
		_ = s.run(s.runContext(), j) // logged by run
	}))
	s.cron.Schedule(sched, wrapped)
	return nil
}

// Start runs the schedule in the background until Stop. Every run gets a
// child of ctx bounded by the job's timeout. Each run is logged with the
// job's name, duration and error; a panic is recovered and logged, and the
// next run still happens. A tick that comes while the previous run of the
// same job is still going is skipped (and logged).
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.cron.Start()
}

// Stop stops scheduling and waits for running jobs to finish. If ctx ends
// first, it cancels the running jobs' contexts and returns ctx's error
// without waiting further.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop().Done()
	defer s.cancelRuns()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop jobs: %w", context.Cause(ctx))
	}
}

// RunOnce runs the named job now and waits for it, with the same timeout,
// logging and panic recovery as a scheduled run. It returns the job's error.
// It is meant for `cercle run-job NAME`, without Start.
func (s *Scheduler) RunOnce(ctx context.Context, name string) error {
	s.mu.Lock()
	j, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		known := s.Names()
		if len(known) == 0 {
			return fmt.Errorf("run job %q: unknown job (none registered)", name)
		}
		return fmt.Errorf("run job %q: unknown job (known: %s)", name, strings.Join(known, ", "))
	}
	if err := s.run(ctx, j); err != nil {
		return fmt.Errorf("run job %s: %w", name, err)
	}
	return nil
}

// Names returns the registered job names, sorted.
func (s *Scheduler) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.jobs))
	for name := range s.jobs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// runContext returns the parent context of scheduled runs.
func (s *Scheduler) runContext() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil { // unreachable: cron only runs jobs after Start
		return context.Background()
	}
	return s.ctx
}

func (s *Scheduler) cancelRuns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// errPanic marks the error returned for a run that panicked.
var errPanic = errors.New("panic")

// run runs j once with its timeout, recovers a panic into an error, and logs
// the outcome. This is the one place a job's error is logged.
func (s *Scheduler) run(ctx context.Context, j Job) (err error) {
	ctx, cancel := context.WithTimeout(ctx, j.Timeout)
	defer cancel()
	start := time.Now()
	var stack []byte
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: %v", errPanic, r)
				stack = debug.Stack()
			}
		}()
		err = j.Run(ctx)
	}()

	attrs := []any{keyJob, j.Name, keyDuration, time.Since(start)}
	switch {
	case stack != nil:
		s.logger.Error("job panicked", append(attrs, keyErr, err, "stack", string(stack))...)
	case err != nil:
		s.logger.Error("job failed", append(attrs, keyErr, err)...)
	default:
		s.logger.Info("job done", attrs...)
	}
	return err
}

// cronLogger adapts slog to cron.Logger, logging cron's Info lines at level.
type cronLogger struct {
	l     *slog.Logger
	level slog.Level
}

func (c cronLogger) Info(msg string, kv ...any) {
	c.l.Log(context.Background(), c.level, "cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, keyErr, err)...)
}
