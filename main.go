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
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"cercle/bot"
	"cercle/commands"
	"cercle/console"
	"cercle/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// minProcs is the fewest Ps the runtime gets. SQLite's commit (its fsync
// included) runs in a cgo call, which keeps its P: with a single P, as on
// a one-CPU container or under taskset, no request is read while the
// writer waits on the disk, so none is ready to share the next commit and
// every registration pays its own fsync. A second P lets requests queue
// up during the wait, and group commit batch them (measured on one CPU:
// 0.1 fsync per registration instead of 2).
const minProcs = 2

// gcPercent is the heap growth that triggers a collection, unless GOGC
// says otherwise. The live heap is small (about 10 MB) and each request
// allocates about 30 KB: collecting at three times the live heap rather
// than twice took 13% less CPU per registration on one CPU, for 4 MB more
// resident memory (measured with tools/loadtest.sh).
const gcPercent = 200

func main() {
	if runtime.GOMAXPROCS(0) < minProcs {
		runtime.GOMAXPROCS(minProcs)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
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

	logger *slog.Logger
	aside  *console.Aside // the log's warnings, on the console's terminal
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
	// One lock for what shares the terminal: the console, its notifier
	// and the log's asides.
	m.Stdout = console.SyncWriter(m.Stdout)
	m.aside = console.NewAside(m.Stdout)
	logger, logFile := newLogger(m.Stderr, m.aside, m.Config)
	defer logFile.Close()
	m.logger = logger
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
		db, err := storage.Open(ctx, m.Config.DB, storage.Options{Synchronous: m.Config.Synchronous})
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
			return errors.New("usage: cercle run-job offers|reminders|announcements|members|outbox")
		}
		return m.runJob(ctx, args[1])
	case "outbox":
		return m.runOutbox(ctx, args[1:])
	case "healthcheck":
		return healthcheck(ctx, m.Config.HTTPAddr)
	case "version":
		fmt.Fprintln(m.Stdout, "cercle", version)
		return nil
	}
	return fmt.Errorf("sous-commande inconnue %q (migrate, backup, run-job, outbox, healthcheck, version)", args[0])
}

// runJob runs one job once, delivers what it queued, and exits: for
// deployments without the long-running process, and for CI.
func (m *Main) runJob(ctx context.Context, name string) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	if needsSlack[name] && m.Config.Mode() == ModeConsole {
		return fmt.Errorf("run-job %s : cette tâche lit l'espace Slack ; elle ne peut pas tourner sans SLACK_BOT_TOKEN", name)
	}
	a, err := m.build(ctx, m.Stdout)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if err := a.jobs.RunOnce(ctx, name); err != nil {
		return err
	}
	a.service.SyncProfiles(ctx)
	n, err := a.service.Outbox().Flush(ctx)
	fmt.Fprintf(m.Stdout, "%s : fait ; %d message(s) envoyé(s)\n", name, n)
	return err
}

// slackConfig is the Slack transport's part of the configuration.
func (m *Main) slackConfig() bot.Config {
	return bot.Config{
		BotToken:      m.Config.SlackBotToken,
		AppToken:      m.Config.SlackAppToken,
		SigningSecret: m.Config.SlackSigningSecret,
		APIURL:        m.Config.SlackAPIURL,
		// AckBudget and WorkTimeout keep the transport's defaults, set
		// from Slack's 3 s deadline.
		DBConcurrency:    m.Config.CoreConcurrency,
		SlackConcurrency: m.Config.SlackConcurrency,
		ModelConcurrency: m.Config.ModelConcurrency,
	}
}

// consoleUser is the person at the terminal: they own the database, so
// they are an admin.
var consoleUser = commands.User{ID: "local", Name: "Vous"}

const consoleBanner = `Cercle, console locale. Vous êtes « local » (administrateur).
Tapez /cercle aide pour les commandes, :aide pour la console, :quitter pour sortir.`

// newLogger builds the program's one logger. With Slack it writes JSON to
// w (stderr, the container's log). The console is a conversation: its log
// goes to a file (CERCLE_LOG_FILE, else cercle.log beside the database),
// so no line lands among the answers or inside a form, and only warnings
// and errors also reach the terminal, through aside, which prints them
// between prompts. The closer closes the file.
func newLogger(w, aside io.Writer, c Config) (*slog.Logger, io.Closer) {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.Mode() != ModeConsole {
		return slog.New(slog.NewJSONHandler(w, opts)), io.NopCloser(nil)
	}
	file := &logFile{path: c.LogPath(), fallback: w}
	terminal := &slog.HandlerOptions{Level: max(slog.LevelWarn, c.LogLevel), ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{} // the terminal shows it as it happens
		}
		return a
	}}
	return slog.New(slog.NewMultiHandler(slog.NewTextHandler(file, opts), slog.NewTextHandler(aside, terminal))), file
}

// logFile is the console's log file, opened at its first line, so a run
// that logs nothing (cercle version) leaves no file behind. If it cannot
// be opened, lines go to fallback.
type logFile struct {
	path     string
	fallback io.Writer
	mu       sync.Mutex
	f        *os.File
	err      error
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil && l.err == nil {
		if l.f, l.err = os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); l.err != nil {
			fmt.Fprintf(l.fallback, "cercle: journal : %v ; il s'écrit donc ici\n", l.err)
		}
	}
	if l.err != nil {
		return l.fallback.Write(p)
	}
	return l.f.Write(p)
}

// Close closes the file, if it was opened.
func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f, l.err = nil, os.ErrClosed
	return err
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
