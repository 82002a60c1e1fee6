package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
	"cercle/metrics"
	"cercle/storage"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// harness is Cercle's Slack side wired as in production, on a temporary
// SQLite file, behind a real HTTP server, talking to a fake Slack.
type harness struct {
	db      *storage.DB
	dbPath  string
	service *commands.Service
	bot     *bot.Bot
	slack   *slackfake.Server
	srv     *httptest.Server
	metrics *metrics.Metrics
}

// harnessOption adjusts the transport's or the core's configuration.
type harnessOption struct {
	bot     func(*bot.Config)
	service func(*commands.Config)
	db      func(*storage.DB)
	logger  *slog.Logger
}

func withService(f func(*commands.Config)) harnessOption { return harnessOption{service: f} }

func withBot(f func(*bot.Config)) harnessOption { return harnessOption{bot: f} }

// withClock runs the core and the database on c: what the database
// stamps (a request's creation) agrees with what the core compares it to.
func withClock(c *clock) harnessOption {
	return harnessOption{service: func(sc *commands.Config) { sc.Now = c.Now }, db: func(db *storage.DB) { db.Now = c.Now }}
}

// withLogger logs the transport and the core to l, as main does.
func withLogger(l *slog.Logger) harnessOption { return harnessOption{logger: l} }

func newHarness(tb testing.TB, opts ...harnessOption) *harness {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "cercle.db")
	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range opts {
		if o.db != nil {
			o.db(db)
		}
	}
	fake := slackfake.Start()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	for _, o := range opts {
		if o.logger != nil {
			logger = o.logger
		}
	}
	m := metrics.New()
	cfg := bot.Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: fake.APIURL(), AppToken: "xapp-test"}
	api := bot.NewClient(cfg, logger, m)
	notifier := bot.NewNotifier(api)
	// Wired as main wires Slack mode: working groups' channels included.
	scfg := commands.Config{Store: db, Directory: bot.NewDirectory(api), Notifier: notifier, Channels: bot.NewChannels(api),
		Metrics: m, Logger: logger}
	for _, o := range opts {
		if o.bot != nil {
			o.bot(&cfg)
		}
		if o.service != nil {
			o.service(&scfg)
		}
	}
	svc := commands.NewService(scfg)
	b := bot.New(cfg, api, svc, notifier, logger, m)
	srv := httptest.NewServer(b)
	h := &harness{db: db, dbPath: path, service: svc, bot: b, slack: fake, srv: srv, metrics: m}
	tb.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = b.Wait(ctx)
		fake.Stop()
		db.Close()
	})
	return h
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// post sends body signed as Slack signs it, at the given moment.
func (h *harness) post(tb testing.TB, contentType string, body []byte, signedAt time.Time) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	bot.SignRequest(req.Header, testSecret, signedAt, body)
	return do(tb, req)
}

func do(tb testing.TB, req *http.Request) (*http.Response, []byte) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, out
}

// slashBody is a slash command form as Slack posts it.
func (h *harness) slashBody(user, text string) []byte {
	v := url.Values{
		"token": {"ignored"}, "team_id": {"T1"}, "team_domain": {"cercle"},
		"channel_id": {"C1"}, "channel_name": {"general"},
		"user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/cercle"}, "text": {text},
		"response_url": {h.slack.ResponseURL(user)},
		"trigger_id":   {"trigger-" + user}, "api_app_id": {"A1"},
	}
	return []byte(v.Encode())
}

// slash runs a signed slash command and decodes the ack.
func (h *harness) slash(tb testing.TB, user, text string) ackMessage {
	tb.Helper()
	resp, body := h.post(tb, "application/x-www-form-urlencoded", h.slashBody(user, text), time.Now())
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("slash %q: status %d: %s", text, resp.StatusCode, body)
	}
	var m ackMessage
	if len(body) > 0 {
		if err := json.Unmarshal(body, &m); err != nil {
			tb.Fatalf("slash %q: ack %s: %v", text, body, err)
		}
	}
	m.raw = unescapeJSON(string(body))
	return m
}

type ackMessage struct {
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
	raw          string
}

// interact posts an interactivity payload, signed.
func (h *harness) interact(tb testing.TB, payload any) (int, []byte) {
	tb.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		tb.Fatal(err)
	}
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	resp, out := h.post(tb, "application/x-www-form-urlencoded", body, time.Now())
	return resp.StatusCode, out
}

// event posts an Events API callback, signed.
func (h *harness) event(tb testing.TB, eventID string, inner map[string]any) (int, []byte) {
	tb.Helper()
	raw, err := json.Marshal(map[string]any{
		"token": "ignored", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(), "event": inner,
	})
	if err != nil {
		tb.Fatal(err)
	}
	resp, out := h.post(tb, "application/json", raw, time.Now())
	return resp.StatusCode, out
}

func (h *harness) memberCount(tb testing.TB) int {
	tb.Helper()
	n, err := h.db.CountMembers(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// unescapeJSON undoes encoding/json's HTML escaping, so tests read "<" as
// Slack will once it decodes the JSON.
func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// publishedEvent creates a published plenary ten days ahead.
func (h *harness) publishedEvent(tb testing.TB, capacity int) *commands.Event {
	tb.Helper()
	start := time.Now().Add(10 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière", Start: start, End: start.Add(time.Hour),
		CancelCutoff: start, Capacity: capacity, Status: commands.EventPublished, CreatedBy: "UFAC"}
	if err := h.db.CreateEvent(context.Background(), ev); err != nil {
		tb.Fatal(err)
	}
	return ev
}

// holdWriter holds the database's single writer, as a stuck disk would,
// until the returned function is called (once; later calls do nothing).
func (h *harness) holdWriter(tb testing.TB, eventID int64) (release func()) {
	tb.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	go func() {
		_ = h.db.ChangeEvent(context.Background(), eventID, func(commands.EventTx) error {
			close(held)
			<-done
			return nil
		})
	}()
	<-held
	var once sync.Once
	release = func() { once.Do(func() { close(done) }) }
	tb.Cleanup(release) // before the database closes, even if the test fails
	return release
}
