package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxBodyBytes bounds a request body. Slack's largest payloads (a modal
// submission with many fields) stay well under it.
const maxBodyBytes = 1 << 20

// ServeHTTP takes Slack's HTTP-mode requests on one URL, as Bolt does:
// slash commands and interactivity (form-encoded) and Events API callbacks
// (JSON). The signature headers are checked before the body is read, and
// the signature itself on the raw body before anything is parsed; a
// request that fails either check gets 401 and changes nothing. Bodies are
// read within a byte budget shared by all requests (Config.BodyBudget):
// one that finds no room within Config.BodyWait gets 503.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Headers first: a request that cannot be Slack's is refused before
	// its body is read, so it costs no memory.
	if err := b.checkSignatureHeaders(r.Header, time.Now()); err != nil {
		b.logger.Warn("slack request refused", "err", err, "remote", r.RemoteAddr)
		w.Header().Set("Connection", "close") // nor is the body drained
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	body, release, err := b.readBody(w, r)
	switch {
	case errors.Is(err, errBudget):
		b.logger.Warn("slack request refused: body budget exhausted", "remote", r.RemoteAddr)
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case err != nil:
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	defer release()
	if err := b.verify(r.Header, body); err != nil {
		b.logger.Warn("slack request refused", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b.serveHTTP(w, r, "event", start, func(ctx context.Context, ack func(any)) { b.serveEvent(ctx, body, ack) })
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if r.PostForm.Has("payload") {
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &cb); err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		b.serveHTTP(w, r, "interaction", start, func(ctx context.Context, ack func(any)) { b.interaction(ctx, &cb, start, ack) })
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slack.SlashCommandParse(r)
	if err != nil || cmd.UserID == "" {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	b.serveHTTP(w, r, "slash", start, func(ctx context.Context, ack func(any)) { b.slashCommand(ctx, cmd, start, ack) })
}

// serveHTTP runs a request's dispatch on its own goroutine, counted by
// Wait, and returns once it has acked: the work after the ack must not
// hold the handler, or the next request Slack sends on the same
// keep-alive connection would wait for it.
func (b *Bot) serveHTTP(w http.ResponseWriter, r *http.Request, kind string, start time.Time, dispatch func(ctx context.Context, ack func(any))) {
	acked := make(chan struct{})
	var once sync.Once
	ack := func(payload any) {
		once.Do(func() {
			b.writeAck(w, kind, start, payload)
			close(acked)
		})
	}
	done := b.adm.track()
	go func() {
		defer done()
		defer func() {
			if p := recover(); p != nil {
				b.logger.Error("panic handling a slack request", "kind", kind, "panic", fmt.Sprint(p))
			}
			ack(nil)
		}()
		// Slack may hang up after the ack; the work goes on.
		dispatch(context.WithoutCancel(r.Context()), ack)
	}()
	<-acked
}

// serveEvent handles an Events API body: the URL check Slack makes when
// the app is set up, or a callback.
func (b *Bot) serveEvent(ctx context.Context, body []byte, ack func(payload any)) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// An event type slack-go does not know: ack it anyway, or
		// Slack retries it and eventually disables the app.
		b.logger.Debug("unparsed event acked", "err", err)
		ack(nil)
		return
	}
	if ev.Type == slackevents.URLVerification {
		var payload any
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			payload = map[string]string{"challenge": v.Challenge}
		}
		ack(payload)
		return
	}
	b.event(ctx, ev, ack)
}

// writeAck writes the ack and flushes it, so Slack has it at once; it may
// run on the dispatch's goroutine or on an ack budget's timer, while the
// handler waits for it.
func (b *Bot) writeAck(w http.ResponseWriter, kind string, start time.Time, payload any) {
	out, err := ackJSON(payload)
	if err != nil {
		b.logger.Error("ack not encoded", "err", err)
		out = nil
	}
	if out != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	b.metrics.Ack(kind, time.Since(start))
}

// verify checks Slack's signature of body: HMAC-SHA256 of
// "v0:timestamp:body" with the signing secret, and a timestamp within five
// minutes of now in either direction.
func (b *Bot) verify(h http.Header, body []byte) error {
	if b.cfg.SigningSecret == "" {
		return errors.New("no signing secret configured")
	}
	sv, err := slack.NewSecretsVerifier(h, b.cfg.SigningSecret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}
