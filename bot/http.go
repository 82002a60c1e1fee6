package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"cercle/commands"
)

// maxBodyBytes bounds a request body. Slack's largest payloads (a modal
// submission with many fields) stay well under it.
const maxBodyBytes = 1 << 20

// ServeHTTP takes Slack's HTTP-mode requests on one URL, as Bolt does:
// slash commands and interactivity (form-encoded) and Events API callbacks
// (JSON). The signature is checked on the raw body before anything is
// parsed; a request that fails the check gets 401 and changes nothing.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := b.verify(r.Header, body); err != nil {
		b.logger.Warn("slack request refused", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	ctx := r.Context()
	var kind string
	var payload any
	switch {
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		kind = "event"
		ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
		if err != nil {
			// An event type slack-go does not know: ack it anyway, or
			// Slack retries it and eventually disables the app.
			b.logger.Debug("unparsed event acked", "err", err)
			break
		}
		if ev.Type == slackevents.URLVerification {
			if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
				payload = map[string]string{"challenge": v.Challenge}
			}
			break
		}
		if !b.event(ctx, ev) {
			// No worker free: let Slack deliver it again later.
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
	default:
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if r.PostForm.Has("payload") {
			kind = "interaction"
			var cb slack.InteractionCallback
			if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &cb); err != nil {
				http.Error(w, "bad payload", http.StatusBadRequest)
				return
			}
			payload = b.interaction(ctx, &cb)
			break
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		cmd, err := slack.SlashCommandParse(r)
		if err != nil || cmd.UserID == "" {
			http.Error(w, "bad slash command", http.StatusBadRequest)
			return
		}
		if !b.work.acquire("slash") {
			b.writeAck(w, "slash", start, message(b.busy(ctx, commands.User{ID: commands.UserID(cmd.UserID)})))
			return
		}
		defer b.work.release()
		b.slashCommand(ctx, cmd, func(payload any) { b.writeAck(w, "slash", start, payload) })
		return
	}
	b.writeAck(w, kind, start, payload)
}

// writeAck writes the ack and flushes it: for a slow slash command the
// handler is still running, and Slack must have its ack now, not when the
// handler returns.
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
