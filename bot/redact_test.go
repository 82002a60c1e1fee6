package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/calendar"
	"cercle/commands"
)

func TestRedactError(t *testing.T) {
	upload := "https://files.slack.com/upload/v1/CwABAAAAXAoAAZ6kTTOJ2Dq?s=secret"
	tests := []struct {
		name string
		err  error
		keep string
	}{
		{"URLError", &url.Error{Op: "Post", URL: upload, Err: errors.New("connection reset")}, "connection reset"},
		{"Wrapped", fmt.Errorf("UploadToURL: %w", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/upload/F1?name=x.ics", Err: errors.New("refused")}), "127.0.0.1"},
		{"Text", fmt.Errorf("post https://hooks.slack.com/actions/T1/2/SECRET failed"), "failed"},
		{"Feed", fmt.Errorf("GET https://cercle.example.org/ical/SECRET.ics: boom"), "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.RedactError(tt.err)
			if strings.Contains(got, "SECRET") || strings.Contains(got, "secret") || strings.Contains(got, "/upload/") || strings.Contains(got, "F1?") {
				t.Errorf("RedactError = %q: an address is left", got)
			}
			if !strings.Contains(got, tt.keep) {
				t.Errorf("RedactError = %q, want it to keep %q", got, tt.keep)
			}
		})
	}
}

// syncBuffer is a log sink shared by the goroutines that log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// debugLogger logs everything, redacted as main's logger is, to a buffer.
func debugLogger() (*slog.Logger, *syncBuffer) {
	var buf syncBuffer
	return bot.RedactLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))), &buf
}

func TestRedactLoggerEveryLevelAndShape(t *testing.T) {
	logger, buf := debugLogger()
	ue := &url.Error{Op: "Post", URL: "https://hooks.slack.com/commands/T1/2/SECRET", Err: errors.New("timeout")}
	logger.Debug("posting https://hooks.slack.com/commands/T1/2/SECRET", "err", ue)
	logger.With("url", "https://files.slack.com/upload/v1/SECRET").Info("upload")
	logger.WithGroup("g").Warn("feed", slog.Group("req", "path", "/ical/SECRET.ics"), "u", mustParse(t, "https://x.org/ical/SECRET.ics"))
	if out := buf.String(); strings.Contains(out, "SECRET") {
		t.Errorf("a capability URL reached the log:\n%s", out)
	}
	if out := buf.String(); !strings.Contains(out, "timeout") || !strings.Contains(out, "hooks.slack.com") {
		t.Errorf("the cause and host are gone too:\n%s", out)
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestNoCapabilityURLInLogs(t *testing.T) {
	logger, buf := debugLogger()
	h := newHarness(t, withLogger(logger), withBot(func(c *bot.Config) { c.WorkTimeout = 300 * time.Millisecond }),
		withService(func(c *commands.Config) { c.Logger, c.Calendar = logger, calendar.New(nil) }))
	// An upload whose pre-signed URL net/http refuses: the *url.Error
	// carries it whole.
	uploadURL := h.slack.APIURL() + "upload/v1/SECRET%zzUPLOAD?token=SECRETQUERY"
	h.slack.Script("files.getUploadURLExternal", slackfake.Reply{Body: `{"ok":true,"file_id":"F9","upload_url":"` + uploadURL + `"}`})
	ev := h.createEvent(t, 10)
	h.slash(t, "U1", fmt.Sprintf("inscrire %d", ev.ID))
	o := h.service.Outbox()
	o.PerRecipientInterval, o.Rate = 0, 0
	_, _ = o.Flush(context.Background())
	if len(h.slack.Calls("files.getUploadURLExternal")) == 0 {
		t.Fatalf("no upload attempted to the failing URL: %v\n%s", h.slack.Calls(""), buf.String())
	}
	// A response_url that hangs past the work's timeout.
	hang := make(chan struct{})
	defer close(hang)
	h.slack.Script("response_url", slackfake.Reply{Block: hang})
	press := h.buttonPress("U1", "event.register", fmt.Sprint(ev.ID))
	press["response_url"] = h.slack.ResponseURL("SECRETHOOK")
	h.interact(t, press)
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(buf.String(), "response_url post failed") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := buf.String()
	if !strings.Contains(out, "response_url post failed") || !strings.Contains(out, "outbox") {
		t.Fatalf("failures not logged:\n%s", out)
	}
	for _, secret := range []string{"SECRET", "/upload/", "/response/"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
}
