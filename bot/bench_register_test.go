package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cercle/bot"
	"cercle/calendar"
	"cercle/commands"
	"cercle/i18n"
	"cercle/metrics"
	"cercle/storage"
)

// BenchmarkRegisterNewMembers is the load run of tools/loadtest.sh in
// process: signed "/cercle inscrire" slash commands from members who are
// new to the bot, synchronous=FULL, and Slack's Web API unreachable (the
// bot's API URL is a closed port, so users.info and the outbox's
// conversations.open fail with "connection refused"). The wiring is
// main's: JSON logs at warn, metrics, a calendar (each confirmation
// carries an .ics), the outbox running. Every member gets a seat.
//
//   - loopback: 50 concurrent clients over HTTP on loopback, as the load
//     run. The clients run under the pprof label side=client, so
//     `go tool pprof -tagignore side=client` shows the server alone.
//   - handler: 50 goroutines call ServeHTTP directly, without HTTP: its
//     allocs/op and cpu-µs/op are the server's, plus building the request.
//
// Both report req/s, the p50/p90/p99 latency and cpu-µs/op, the process
// CPU time (user+system) per registration. With -cpu 1 it is one core,
// as the load run's taskset. To profile:
//
//	go test -tags "$TAGS" -run '^$' -bench 'RegisterNewMembers/loopback' \
//	  -benchtime 20000x -cpu 1 -benchmem -cpuprofile cpu.out ./bot/
//	go tool pprof -tagignore side=client -top -cum bot.test cpu.out
func BenchmarkRegisterNewMembers(b *testing.B) {
	b.Run("loopback", func(b *testing.B) { benchRegisterNew(b, true) })
	b.Run("handler", func(b *testing.B) { benchRegisterNew(b, false) })
}

const loadClients = 50

func benchRegisterNew(b *testing.B, overHTTP bool) {
	rig := newLoadRig(b)
	run := strings.ToUpper(fmt.Sprintf("N%x", time.Now().UnixNano()&0xffffff))
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = rig.slashBody(fmt.Sprintf("%s%07d", run, i), fmt.Sprintf("inscrire %d", rig.event))
	}
	var send func(body []byte) (int, []byte, error)
	if overHTTP {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}}
		send = func(body []byte) (int, []byte, error) {
			req, _ := http.NewRequest(http.MethodPost, rig.url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			bot.SignRequest(req.Header, testSecret, time.Now(), body)
			resp, err := client.Do(req)
			if err != nil {
				return 0, nil, err
			}
			defer resp.Body.Close()
			out, err := io.ReadAll(resp.Body)
			return resp.StatusCode, out, err
		}
	} else {
		send = func(body []byte) (int, []byte, error) {
			req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			bot.SignRequest(req.Header, testSecret, time.Now(), body)
			rec := httptest.NewRecorder()
			rig.bot.ServeHTTP(rec, req)
			return rec.Code, rec.Body.Bytes(), nil
		}
	}

	latencies := make([]time.Duration, b.N)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	began := time.Now()
	for range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := func(context.Context) {
				for {
					i := int(next.Add(1) - 1)
					if i >= b.N {
						return
					}
					t0 := time.Now()
					status, out, err := send(bodies[i])
					latencies[i] = time.Since(t0)
					if err != nil || status != http.StatusOK || !bytes.Contains(out, []byte("votre place est réservée pour")) {
						b.Errorf("registration %d: status %d, err %v: %.300s", i, status, err, out)
						return
					}
				}
			}
			if overHTTP {
				pprof.Do(context.Background(), pprof.Labels("side", "client"), work)
			} else {
				work(context.Background())
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	cpu := processCPU() - cpu0

	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(b.N-1, int(p*float64(b.N)))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(.50), "p50-ms")
	b.ReportMetric(pct(.90), "p90-ms")
	b.ReportMetric(pct(.99), "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")

	ev, err := rig.db.FindEventByID(context.Background(), rig.event)
	if err != nil || ev.Registered != b.N {
		b.Fatalf("event after the run: %d registered of %d, %v", ev.Registered, b.N, err)
	}
}

// loadRig is Cercle wired as main wires it in HTTP mode, on a temporary
// SQLite file, with Slack's Web API unreachable.
type loadRig struct {
	db     *storage.DB
	bot    *bot.Bot
	url    string // POST /slack/events on loopback
	apiURL string // the closed port standing for Slack
	event  int64
}

func newLoadRig(b *testing.B) *loadRig {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "cercle.db"), storage.Options{Synchronous: "FULL"})
	if err != nil {
		b.Fatal(err)
	}
	// A port nobody listens on: connections are refused at once, as when
	// Slack is unreachable from a host with a firewall that rejects.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	apiURL := "http://" + ln.Addr().String() + "/api/"
	ln.Close()

	logger := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m := metrics.New()
	cfg := bot.Config{BotToken: "xoxb-load", SigningSecret: testSecret, APIURL: apiURL}
	api := bot.NewClient(cfg, logger, m)
	notifier := bot.NewNotifier(api)
	svc := commands.NewService(commands.Config{
		Store: db, Directory: bot.NewDirectory(api), Notifier: notifier,
		Calendar: calendar.New(i18n.Paris()), Metrics: m, Logger: logger.With("component", "commands"),
	})
	bt := bot.New(cfg, api, svc, notifier, logger.With("component", "bot"), m)
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		_ = svc.Run(ctx)
	}()

	mux := http.NewServeMux()
	mux.Handle("POST /slack/events", bt)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second}
	httpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(httpLn) }()

	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière de charge", Place: "Lille, 1 place du Théâtre",
		Start: start, End: start.Add(3 * time.Hour), CancelCutoff: start.Add(-48 * time.Hour),
		Capacity: 1_000_000, Status: commands.EventPublished, CreatedBy: "ULOADADMIN"}
	if err := db.CreateEvent(ctx, ev); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		_ = bt.Wait(sctx)
		cancel()
		<-outboxDone
		db.Close()
	})
	return &loadRig{db: db, bot: bt, url: "http://" + httpLn.Addr().String() + "/slack/events", apiURL: apiURL, event: ev.ID}
}

// slashBody is a slash command form as Slack posts it; its response_url
// is on the unreachable API host, which the bot trusts.
func (r *loadRig) slashBody(user, text string) []byte {
	return []byte(url.Values{
		"token": {"ignored"}, "team_id": {"T1"}, "team_domain": {"cercle"},
		"channel_id": {"D1"}, "channel_name": {"directmessage"},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/cercle"}, "text": {text},
		"response_url": {strings.TrimSuffix(r.apiURL, "api/") + "hooks/" + user},
		"trigger_id":   {"trigger-" + user}, "api_app_id": {"A1"},
	}.Encode())
}

// processCPU is the user and system time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
