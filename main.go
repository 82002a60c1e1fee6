// Command cercle is the Slack assistant of a business network: plenaries,
// expert meetings and working groups. main.go is only the composition
// root: it reads the configuration, opens the database, picks the mode
// (console, Socket Mode or HTTP) and shuts everything down in order.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"cercle/bot"
	"cercle/calendar"
	"cercle/commands"
	"cercle/console"
	"cercle/jobs"
	"cercle/metrics"
	"cercle/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = os.Stdin, os.Stdout, os.Stderr
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		m.Interactive = true
	}
	err := m.Run(ctx, os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cercle:", err)
		os.Exit(1)
	}
}

// Main is the program, built so tests can run it in-process on a
// temporary database and a :0 port.
type Main struct {
	Config      Config
	Stdin       io.Reader
	Stdout      io.Writer
	Stderr      io.Writer
	Interactive bool // stdin is a terminal: the console prints prompts

	// Ready, when set, is closed once the mode is serving, with the HTTP
	// address it listens on.
	Ready func(httpAddr string)

	logger  *slog.Logger
	db      *storage.DB
	metrics *metrics.Metrics
}

// NewMain returns a program with the default configuration.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Stdin: os.Stdin, Stdout: io.Discard, Stderr: io.Discard}
}

// Run parses the arguments and runs the subcommand or mode they ask for,
// until it ends or ctx is cancelled.
func (m *Main) Run(ctx context.Context, args []string, getenv func(string) string) error {
	rest, err := m.Config.Parse(args, getenv, m.Stderr)
	if err != nil {
		return err
	}
	m.logger = newLogger(m.Stderr, m.Config)
	if len(rest) > 0 {
		return m.runSubcommand(ctx, rest)
	}
	if err := m.Config.Validate(); err != nil {
		return err
	}
	return m.serve(ctx)
}

func (m *Main) runSubcommand(ctx context.Context, args []string) error {
	switch args[0] {
	case "migrate":
		db, err := m.openDB(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "base à jour :", m.Config.DB)
		return db.Close()
	case "backup":
		if len(args) != 2 {
			return errors.New("usage: cercle backup FICHIER")
		}
		if _, err := os.Stat(args[1]); err == nil {
			return fmt.Errorf("backup: %s existe déjà", args[1])
		}
		if err := storage.BackupFile(ctx, m.Config.DB, args[1]); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "sauvegarde écrite :", args[1])
		return nil
	case "run-job":
		if len(args) != 2 {
			return errors.New("usage: cercle run-job reminders|members|outbox")
		}
		return m.runJob(ctx, args[1])
	case "healthcheck":
		return healthcheck(ctx, m.Config.HTTPAddr)
	case "version":
		fmt.Fprintln(m.Stdout, "cercle", version)
		return nil
	}
	return fmt.Errorf("sous-commande inconnue %q (migrate, backup, run-job, healthcheck, version)", args[0])
}

// runJob runs one job once, delivers what it queued, and exits: for
// deployments without the long-running process, and for CI.
func (m *Main) runJob(ctx context.Context, name string) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	service := m.newService(db)
	service.Notifier = m.notifier()
	if m.Config.Mode() != ModeConsole {
		service.Directory = bot.NewDirectory(bot.NewClient(m.slackConfig(), m.logger, m.metrics))
	}
	outbox := commands.NewOutbox(db, service.Notifier, m.logger.With("component", "outbox"))
	sched, err := m.scheduler(service, outbox)
	if err != nil {
		return err
	}
	if err := sched.RunOnce(ctx, name); err != nil {
		return err
	}
	n, err := outbox.Flush(ctx)
	fmt.Fprintf(m.Stdout, "%s : fait ; %d message(s) envoyé(s)\n", name, n)
	return err
}

// newService builds the core over db with the configured defaults.
func (m *Main) newService(db *storage.DB) *commands.Service {
	service := commands.NewService(db, nil, m.logger.With("component", "commands"))
	if m.metrics != nil {
		service.Metrics = m.metrics
	}
	service.DefaultLang = m.Config.Lang
	service.Zone = m.Config.Zone
	service.Calendar = calendar.New(m.Config.Zone)
	service.PublicURL = m.Config.PublicURL
	service.ReminderOffsets = m.Config.Reminders
	service.OfferPolicy = commands.DefaultOfferPolicy(m.Config.OfferWindow)
	service.AnnounceChannel = commands.ChannelID(m.Config.AnnounceChannel)
	return service
}

// scheduler lists the jobs: when they run is here, what they do is the
// core's.
func (m *Main) scheduler(service *commands.Service, outbox *commands.Outbox) (*jobs.Scheduler, error) {
	s := jobs.New(m.Config.Zone, m.logger.With("component", "jobs"))
	for _, j := range []jobs.Job{
		// Every minute: offers lapse on time and reminders leave within a
		// minute of their moment; the scan is idempotent, so a missed run
		// only delays.
		{Name: "reminders", Spec: "* * * * *", Timeout: time.Minute, Run: service.SendReminders},
		// Members who never wrote to the bot still get announcements.
		{Name: "members", Spec: "17 */6 * * *", Timeout: 10 * time.Minute, Run: service.SyncMembers},
		{Name: "outbox", Spec: "@every 5m", Timeout: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, err := outbox.Flush(ctx)
			return err
		}},
	} {
		if err := s.Add(j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (m *Main) openDB(ctx context.Context) (*storage.DB, error) {
	db, err := storage.Open(ctx, m.Config.DB, storage.Options{Synchronous: m.Config.Synchronous})
	if err != nil {
		return nil, err
	}
	m.db = db
	return db, nil
}

// slackConfig is the Slack transport's part of the configuration.
func (m *Main) slackConfig() bot.Config {
	return bot.Config{
		BotToken:      m.Config.SlackBotToken,
		AppToken:      m.Config.SlackAppToken,
		SigningSecret: m.Config.SlackSigningSecret,
		APIURL:        m.Config.SlackAPIURL,
	}
}

func (m *Main) notifier() commands.Notifier {
	if m.Config.Mode() == ModeConsole {
		return console.Notifier{Out: m.Stdout}
	}
	return bot.NewNotifier(bot.NewClient(m.slackConfig(), m.logger, m.metrics))
}

// serve runs the long-lived mode, then shuts down in reverse order: stop
// intake, let started work finish, stop delivering, close the database.
func (m *Main) serve(ctx context.Context) error {
	start := time.Now()
	m.metrics = metrics.New()
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(m.Config.Admins) > 0 {
		if err := db.EnsureAdmins(ctx, m.Config.Admins); err != nil {
			return err
		}
	}

	mode := m.Config.Mode()
	var slackBot *bot.Bot
	service := m.newService(db)
	if mode != ModeConsole {
		api := bot.NewClient(m.slackConfig(), m.logger, m.metrics)
		service.Directory = bot.NewDirectory(api)
		slackBot = bot.New(m.slackConfig(), api, service, bot.NewNotifier(api), m.logger.With("component", "bot"), m.metrics)
	}

	var notifier commands.Notifier
	var cons *console.Console
	if mode == ModeConsole {
		cons = console.New(service, m.Stdin, m.Stdout, consoleUser)
		cons.Prompt = m.Interactive
		notifier = console.Notifier{Out: cons.Writer()}
	} else {
		notifier = slackBot.Notifier()
	}
	service.Notifier = notifier
	outbox := commands.NewOutbox(db, notifier, m.logger.With("component", "outbox"))
	outbox.Rate = m.Config.OutboxRate
	service.OnEnqueue = outbox.Wake
	m.metrics.WatchOutboxDepth(func() float64 {
		n, _ := db.CountPendingMessages(context.Background())
		return float64(n)
	})

	// The HTTP server: health and metrics in every mode, Slack's events in
	// HTTP mode.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", m.metrics.Handler())
	mux.HandleFunc("GET /ical/{file}", func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
		feed, err := service.CalendarFeed(r.Context(), token)
		if !ok || err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Cache-Control", "private, max-age=300")
		_, _ = w.Write(feed)
	})
	if mode == ModeHTTP {
		mux.Handle("POST /slack/events", slackBot)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second}
	ln, err := net.Listen("tcp", m.Config.HTTPAddr)
	switch {
	case err != nil && mode == ModeConsole:
		// The console works without its health endpoint; say so and go on.
		m.logger.Warn("health server not started", "addr", m.Config.HTTPAddr, "err", err)
	case err != nil:
		return fmt.Errorf("listen on %s: %w", m.Config.HTTPAddr, err)
	default:
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.logger.Error("http server", "err", err)
			}
		}()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		_ = outbox.Run(ctx)
	}()
	sched, err := m.scheduler(service, outbox)
	if err != nil {
		return err
	}
	sched.Start(ctx)
	if mode != ModeConsole {
		// A first sync at start, off the startup path: Slack may be slow
		// or down, and the bot answers meanwhile.
		go func() { _ = sched.RunOnce(ctx, "members") }()
	}

	addr := ""
	if ln != nil {
		addr = ln.Addr().String()
	}
	if mode == ModeConsole {
		if m.Config.Demo {
			if err := service.SeedDemo(ctx); err != nil {
				return err
			}
			fmt.Fprintln(cons.Writer(), "Données de démonstration chargées : 14 membres de « Cercle Hauts-de-France ».")
		}
		if _, err := service.EnsureMember(ctx, consoleUser, commands.RoleAdmin); err != nil {
			return err
		}
		fmt.Fprintln(cons.Writer(), consoleBanner)
		cons.AfterLine = func(ctx context.Context) { _, _ = outbox.Flush(ctx) }
	}
	m.logger.Info("cercle ready", "mode", mode.String(), "version", version, "http_addr", addr,
		"db", m.Config.DB, "startup_ms", time.Since(start).Milliseconds())
	if m.Ready != nil {
		m.Ready(addr)
	}

	var runErr error
	switch mode {
	case ModeConsole:
		runErr = cons.Run(ctx)
	case ModeSocket:
		runErr = slackBot.RunSocketMode(ctx)
	case ModeHTTP:
		<-ctx.Done()
	}

	// Ordered shutdown.
	shutdownCtx, cancelShutdown := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelShutdown()
	if ln != nil {
		_ = srv.Shutdown(shutdownCtx)
	}
	if slackBot != nil {
		if err := slackBot.Wait(shutdownCtx); err != nil {
			m.logger.Warn("work still running at shutdown", "err", err)
		}
	}
	if err := sched.Stop(shutdownCtx); err != nil {
		m.logger.Warn("jobs still running at shutdown", "err", err)
	}
	if mode == ModeConsole {
		// Deliver what the last commands queued before leaving.
		_, _ = outbox.Flush(shutdownCtx)
	}
	cancel()
	<-outboxDone
	return runErr
}

// consoleUser is the person at the terminal: they own the database, so
// they are an admin.
var consoleUser = commands.User{ID: "local", Name: "Vous"}

const consoleBanner = `Cercle, console locale. Vous êtes « local » (administrateur).
Tapez /cercle aide pour les commandes, :aide pour la console, :quitter pour sortir.`

func newLogger(w io.Writer, c Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.Mode() == ModeConsole {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// healthcheck asks the running bot's /healthz, for Docker's HEALTHCHECK in
// an image that has no curl.
func healthcheck(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s", resp.Status)
	}
	return nil
}
