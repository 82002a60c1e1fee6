package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"cercle/assistant"
	"cercle/bot"
	"cercle/calendar"
	"cercle/charts"
	"cercle/commands"
	"cercle/console"
	"cercle/jobs"
	"cercle/metrics"
	"cercle/storage"
)

// The metrics count what the assistant reports, tool calls included.
var (
	_ assistant.Metrics     = (*metrics.Metrics)(nil)
	_ assistant.ToolMetrics = (*metrics.Metrics)(nil)
)

// app is the program's parts, each built once, in the order they depend
// on one another: database, Slack clients, core, transport, jobs.
type app struct {
	mode    Mode
	logger  *slog.Logger
	metrics *metrics.Metrics
	db      *storage.DB
	service *commands.Service
	slack   *bot.Bot         // Socket Mode and HTTP mode
	console *console.Console // console mode
	jobs    *jobs.Scheduler
}

// build opens the database and wires every part over it. out is where the
// console mode's messages go.
func (m *Main) build(ctx context.Context, out io.Writer) (*app, error) {
	// Capability URLs (uploads, response_url, calendar feeds) never reach
	// the log, whichever part logs them.
	m.logger = bot.RedactLogger(m.logger)
	db, err := storage.Open(ctx, m.Config.DB, storage.Options{Synchronous: m.Config.Synchronous})
	if err != nil {
		return nil, err
	}
	a := &app{mode: m.Config.Mode(), logger: m.logger, metrics: metrics.New(), db: db}
	cfg := commands.Config{
		Store:            db,
		Calendar:         calendar.New(m.Config.Zone),
		Metrics:          a.metrics,
		Logger:           m.logger.With("component", "commands"),
		DefaultLang:      m.Config.Lang,
		Zone:             m.Config.Zone,
		AnnounceChannel:  commands.ChannelID(m.Config.AnnounceChannel),
		OfferWindow:      m.Config.OfferWindow,
		ReminderOffsets:  m.Config.Reminders,
		PublicURL:        m.Config.PublicURL,
		AppURL:           m.Config.AppURL(),
		OutboxRate:       m.Config.OutboxRate,
		MessageRetention: m.Config.Digest.Retention,
		DigestTime:       m.Config.Digest.Time,
		MaxOpenRequests:  m.Config.Experts.MaxOpenRequests,
		AutoRouteExperts: m.Config.Experts.AutoRoute,
		BureauCriteria:   m.Config.Experts.Bureau,
		Charts:           charts.New(),
		AskLimits:        commands.AskLimits{PerHour: m.Config.Digest.AskPerHour, DailyTokens: m.Config.Digest.AskDailyTokens},
	}
	if m.Config.Digest.UsesModel() {
		model := assistant.Config{
			APIKey: m.Config.Digest.OpenAIKey, BaseURL: m.Config.Digest.OpenAIBaseURL, Model: m.Config.Digest.OpenAIModel,
			Timeout: m.Config.Digest.OpenAITimeout, Logger: m.logger.With("component", "assistant"), Metrics: a.metrics,
		}
		sum, err := assistant.NewSummarizer(model)
		if err != nil {
			db.Close()
			return nil, err
		}
		ans, err := assistant.NewAnswerer(model)
		if err != nil {
			db.Close()
			return nil, err
		}
		cfg.Summarizer, cfg.Answerer = sum, ans
	}
	// The transport and the core need each other's parts: build the Slack
	// clients first, then the core over them, then the transport.
	if a.mode == ModeConsole {
		out = console.SyncWriter(out)
		files := filepath.Join(filepath.Dir(m.Config.DB), "cercle-fichiers")
		cfg.Notifier, cfg.Channels = console.Notifier{Out: out, Dir: files}, console.Channels{}
		a.service = commands.NewService(cfg)
		a.console = console.New(a.service, m.Stdin, out, consoleUser)
		a.console.Prompt = m.Interactive
		a.console.Aside = m.aside
	} else {
		api := bot.NewClient(m.slackConfig(), m.logger, a.metrics)
		notifier := bot.NewNotifier(api)
		cfg.Directory, cfg.Notifier, cfg.Channels = bot.NewDirectory(api), notifier, bot.NewChannels(api)
		a.service = commands.NewService(cfg)
		a.slack = bot.New(m.slackConfig(), api, a.service, notifier, m.logger.With("component", "bot"), a.metrics)
	}
	if a.jobs, err = a.schedule(m.Config.Zone, m.Config.Digest.Time); err != nil {
		db.Close()
		return nil, err
	}
	a.metrics.WatchOutboxDepth(func() float64 {
		n, _ := db.CountPendingMessages(context.Background())
		return float64(n)
	})
	a.metrics.WatchOutboxFailed(func() float64 {
		n, _ := db.CountFailedMessages(context.Background())
		return float64(n)
	})
	return a, nil
}

// schedule lists the jobs: when they run is here, what they do is the
// core's, and each is named for what it does.
func (a *app) schedule(zone *time.Location, digestTime time.Duration) (*jobs.Scheduler, error) {
	s := jobs.New(zone, a.logger.With("component", "jobs"))
	for _, j := range []jobs.Job{
		// Every minute: an offer lapses, and its seat moves on, within a
		// minute of its deadline.
		{Name: "offers", Spec: "* * * * *", Timeout: time.Minute, Run: a.service.ExpireOffers},
		// Every minute: each reminder leaves within a minute of its moment.
		{Name: "reminders", Spec: "* * * * *", Timeout: time.Minute, Run: a.service.SendReminders},
		// Every minute at most, and only on change: channel announcements'
		// seat counts and broadcasts' progress.
		{Name: "announcements", Spec: "* * * * *", Timeout: time.Minute, Run: a.service.RefreshPostedMessages},
		// Members who never wrote to the bot still get announcements.
		{Name: jobMembers, Spec: "17 */6 * * *", Timeout: 10 * time.Minute, Run: a.service.SyncMembers},
		// Every hour at the digest time's minute, so Monday's run falls on
		// the digest time itself: the digests due (a missed Monday is
		// caught up by the next run), at the cost of one count once they
		// are queued.
		{Name: "digest", Spec: fmt.Sprintf("%d * * * *", int(digestTime.Minutes())%60), Timeout: 30 * time.Minute, Run: a.service.SendDigests},
		// Every five minutes: a request whose expert let the 72 hours lapse
		// passes on; a meeting that has ended asks for feedback.
		{Name: "requests", Spec: "*/5 * * * *", Timeout: 5 * time.Minute, Run: a.service.ExpireRequestAnswers},
		// Every ten minutes: the Bureau des pairs' briefs the day before
		// a hearing day, hearings marked heard as their slot ends (the
		// panel is asked for its opinion), and the 3-month follow-ups.
		{Name: "bureau", Spec: "*/10 * * * *", Timeout: 5 * time.Minute, Run: a.service.RunBureau},
		// Every night: group messages older than the retention period go.
		{Name: "purge", Spec: "40 4 * * *", Timeout: 10 * time.Minute, Run: a.service.PurgeMessages},
		// The outbox worker delivers at once; this catches what it missed.
		{Name: "outbox", Spec: "@every 5m", Timeout: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, err := a.service.Outbox().Flush(ctx)
			return err
		}},
	} {
		if a.mode == ModeConsole && needsSlack[j.Name] {
			continue // nothing to ask without Slack
		}
		if err := s.Add(j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// jobMembers reads the workspace's people from Slack.
const jobMembers = "members"

// needsSlack names the jobs that only Slack can feed.
var needsSlack = map[string]bool{jobMembers: true}

// serve runs the long-lived mode until ctx ends or the console is left.
func (m *Main) serve(ctx context.Context) error {
	start := time.Now()
	a, err := m.build(ctx, m.Stdout)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if err := a.db.EnsureAdmins(ctx, m.Config.Admins); err != nil {
		return err
	}
	srv, ln, err := a.listen(m.Config.HTTPAddr)
	if err != nil {
		return err
	}
	// The background (outbox, profiles, jobs) outlives the signal: it
	// stops only once the requests taken in have finished, so what they
	// queue is still delivered.
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup
	a.startBackground(bg, &background, srv, ln)
	runErr := a.prepare(ctx, m.Config.Demo)
	if runErr == nil {
		m.logger.Info("cercle ready", "mode", a.mode.String(), "version", version, "http_addr", addrOf(ln),
			"db", m.Config.DB, "startup_ms", time.Since(start).Milliseconds())
		if m.Ready != nil {
			m.Ready(addrOf(ln))
		}
		runErr = a.run(ctx)
	}
	a.shutdown(srv)
	stopBackground()
	background.Wait()
	return runErr
}

// listen opens the HTTP server: health and metrics in every mode, the
// calendar feeds, and Slack's events in HTTP mode. The console works
// without it, so there a busy port is only a warning.
func (a *app) listen(addr string) (*http.Server, net.Listener, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthHandler(a.db, a.logger))
	mux.Handle("GET /metrics", a.metrics.Handler())
	mux.Handle("GET /ical/{file}", calendar.FeedHandler(a.service, a.logger.With("component", "calendar")))
	if a.mode == ModeHTTP {
		mux.Handle("POST /slack/events", a.slack)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second}
	ln, err := net.Listen("tcp", addr)
	switch {
	case err != nil && a.mode == ModeConsole:
		a.logger.Warn("health server not started", "addr", addr, "err", err)
		return srv, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return srv, ln, nil
}

// startBackground starts what runs beside the mode, each goroutine owned
// by wg: the HTTP server, the core's background work (outbox, profiles),
// the schedule and, with Slack, a first members sync off the startup path.
func (a *app) startBackground(ctx context.Context, wg *sync.WaitGroup, srv *http.Server, ln net.Listener) {
	if ln != nil {
		wg.Go(func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.logger.Error("http server", "err", err)
			}
		})
	}
	wg.Go(func() { _ = a.service.Run(ctx) })
	a.jobs.Start(ctx)
	if a.mode != ModeConsole {
		wg.Go(func() { _ = a.jobs.RunOnce(ctx, jobMembers) })
	}
}

// prepare readies the console: demo data if asked, the local admin, and
// delivery of what each line queues.
func (a *app) prepare(ctx context.Context, demo bool) error {
	if a.mode != ModeConsole {
		return nil
	}
	if demo {
		if err := a.service.SeedDemo(ctx); err != nil {
			return err
		}
		members, err := a.db.CountMembers(ctx)
		if err != nil {
			return err
		}
		experts, err := a.db.ListExperts(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.console.Writer(), "Données de démonstration chargées : %d membres de « Cercle Hauts-de-France », dont %d experts, et une séance du Bureau des pairs (/cercle bureau seances).\n", members, len(experts))
	}
	if _, err := a.service.EnsureMember(ctx, consoleUser, commands.RoleAdmin); err != nil {
		return err
	}
	fmt.Fprintln(a.console.Writer(), consoleBanner)
	a.console.AfterLine = func(ctx context.Context) { _, _ = a.service.Outbox().Flush(ctx) }
	return nil
}

// run is the mode itself.
func (a *app) run(ctx context.Context) error {
	switch a.mode {
	case ModeConsole:
		return a.console.Run(ctx)
	case ModeSocket:
		return a.slack.RunSocketMode(ctx)
	}
	<-ctx.Done()
	return nil
}

// shutdownGrace bounds the shutdown: within the 30 s most orchestrators
// give before SIGKILL (docker run --stop-timeout 30), and enough for a
// request's late answer in all but a stuck Slack.
const shutdownGrace = 25 * time.Second

// shutdown stops intake, lets started work finish and the jobs stop, and
// in the console delivers what the last commands queued. The caller then
// stops the background and closes the database, last.
func (a *app) shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = srv.Shutdown(ctx)
	if a.slack != nil {
		if err := a.slack.Wait(ctx); err != nil {
			a.logger.Warn("work still running at shutdown", "err", err)
		}
	}
	if err := a.jobs.Stop(ctx); err != nil {
		a.logger.Warn("jobs still running at shutdown", "err", err)
	}
	if a.mode == ModeConsole {
		_, _ = a.service.Outbox().Flush(ctx)
	}
}

// healthChecker is what /healthz asks: *storage.DB, whose Health checks
// reads and, at most every few seconds, a write.
type healthChecker interface {
	Health(ctx context.Context) error
}

// healthHandler answers /healthz: 200 while the database reads and
// writes, 503 otherwise, so an orchestrator does not keep a bot that
// would fail every registration.
func healthHandler(db healthChecker, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := db.Health(r.Context()); err != nil {
			logger.Warn("unhealthy", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
}

func addrOf(ln net.Listener) string {
	if ln == nil {
		return ""
	}
	return ln.Addr().String()
}
