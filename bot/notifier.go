package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"cercle/commands"
)

var (
	_ commands.Notifier  = (*Notifier)(nil)
	_ commands.Directory = (*Directory)(nil)
)

// Cache bounds. A DM channel's id never changes, but remembering every
// member's for ever would grow with the workspace; the least recently
// used go first. A directory answer is refreshed daily anyway.
const (
	dmCacheSize  = 4096
	dmCacheTTL   = 24 * time.Hour
	dirCacheSize = 4096
)

// Notifier delivers the outbox's messages over the Web API: a member's DM
// is opened with conversations.open (once, then remembered for a while)
// and the message posted with chat.postMessage.
type Notifier struct {
	api *slack.Client
	dms *lru[commands.UserID, string]
}

// NewNotifier returns a Notifier over api.
func NewNotifier(api *slack.Client) *Notifier {
	return &Notifier{api: api, dms: newLRU[commands.UserID, string](dmCacheSize)}
}

// metadataEvent is the event type of the metadata an outbox message
// carries: its dedupe key, so FindSent can find it after a crash.
const metadataEvent = "cercle_outbox"

// Notify sends the parts of r that d says are not done yet, up to d.Upto:
// the text with chat.postMessage, then each file. It returns how far it got, also with
// its error, which is a *commands.DeliveryError.
func (n *Notifier) Notify(ctx context.Context, to commands.Recipient, r *commands.Response, d commands.Delivery) (commands.Delivery, error) {
	channel, err := n.channel(ctx, to)
	if err != nil {
		return d, deliveryError("conversations.open", err)
	}
	if d.Done == 0 {
		opts := msgOptions(r)
		if d.Key != "" {
			opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
				EventType: metadataEvent, EventPayload: map[string]any{"key": d.Key}}))
		}
		posted, ts, err := n.api.PostMessageContext(ctx, channel, opts...)
		if err != nil {
			return d, deliveryError("chat.postMessage", err)
		}
		d.Done, d.Ref = 1, commands.MessageRef{Channel: posted, TS: ts}
	}
	// Files follow the text; each one sent is counted, so a retry after a
	// failed upload sends neither the text nor the files again.
	for ; d.Done <= len(r.Files) && (d.Upto <= 0 || d.Done < d.Upto); d.Done++ {
		f := r.Files[d.Done-1]
		_, err := n.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Channel:  channel,
			Filename: f.Name,
			Title:    f.Title,
			Reader:   bytes.NewReader(f.Content),
			FileSize: len(f.Content),
		})
		if err != nil {
			return d, deliveryError(uploadMethod(err), err)
		}
	}
	return d, nil
}

// uploadMethod names the step of slack-go's upload that failed, from the
// prefix it wraps the error with.
func uploadMethod(err error) string {
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "GetUploadURLExternal:"):
		return "files.getUploadURLExternal"
	case strings.HasPrefix(msg, "CompleteUploadExternal:"):
		return "files.completeUploadExternal"
	}
	return "" // the upload URL itself: not a Web API method
}

// PartMethods names the Web API methods that sending part i makes: the
// text needs the DM opened and chat.postMessage, a file the two calls of
// the external upload, FindSent (i = -1) conversations.history.
func (n *Notifier) PartMethods(i int) []string {
	switch {
	case i < 0:
		return []string{"conversations.open", "conversations.history"}
	case i == 0:
		return []string{"conversations.open", "chat.postMessage"}
	}
	return []string{"files.getUploadURLExternal", "files.completeUploadExternal"}
}

// findWindow is how long before its in-flight mark a message is looked
// for: room for a clock that disagrees with Slack's.
const findWindow = time.Minute

// FindSent looks for the text sent under key in the recipient's
// conversation since a moment, by the metadata Notify attached to it. One
// page of conversations.history only: for apps outside the Marketplace
// that method is allowed once a minute, 15 messages a page.
func (n *Notifier) FindSent(ctx context.Context, to commands.Recipient, key string, since time.Time) (commands.MessageRef, bool, error) {
	channel, err := n.channel(ctx, to)
	if err != nil {
		return commands.MessageRef{}, false, deliveryError("conversations.open", err)
	}
	h, err := n.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Oldest:             fmt.Sprintf("%d.000000", since.Add(-findWindow).Unix()),
		Inclusive:          true,
		Limit:              100,
		IncludeAllMetadata: true,
	})
	if err != nil {
		return commands.MessageRef{}, false, deliveryError("conversations.history", err)
	}
	for _, msg := range h.Messages {
		if msg.Metadata.EventType == metadataEvent && msg.Metadata.EventPayload["key"] == key {
			return commands.MessageRef{Channel: channel, TS: msg.Timestamp}, true, nil
		}
	}
	return commands.MessageRef{}, false, nil
}

// channel is where messages to a recipient go: a channel, or a member's DM.
func (n *Notifier) channel(ctx context.Context, to commands.Recipient) (string, error) {
	if to.User == "" {
		return string(to.Channel), nil
	}
	return n.dmChannel(ctx, to.User)
}

// Update replaces a posted message with chat.update.
func (n *Notifier) Update(ctx context.Context, ref commands.MessageRef, r *commands.Response) error {
	if _, _, _, err := n.api.UpdateMessageContext(ctx, ref.Channel, ref.TS, msgOptions(r)...); err != nil {
		return deliveryError("chat.update", err)
	}
	return nil
}

func (n *Notifier) dmChannel(ctx context.Context, user commands.UserID) (string, error) {
	now := time.Now()
	if id, ok := n.dms.get(user, now); ok {
		return id, nil
	}
	ch, _, _, err := n.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{string(user)}})
	if err != nil {
		return "", err
	}
	n.dms.put(user, ch.ID, now.Add(dmCacheTTL))
	return ch.ID, nil
}

// deliveryError classifies a Web API error for the outbox: wait as told on
// 429, retry server errors and network failures, give up on the rest
// (unknown user, archived channel, missing scope).
func deliveryError(method string, err error) error {
	de := &commands.DeliveryError{Method: method, Err: err}
	var (
		rl     *slack.RateLimitedError
		status slack.StatusCodeError
		apiErr slack.SlackErrorResponse
		netErr net.Error
	)
	switch {
	case errors.As(err, &rl):
		de.RetryAfter = rl.RetryAfter
	case errors.As(err, &status):
		de.Permanent = !status.Retryable()
	case errors.As(err, &apiErr):
		switch apiErr.Err {
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		default:
			de.Permanent = true
		}
	case errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		// The request may have reached Slack before the connection broke.
		de.MaybeSent = true
	}
	return de
}

// Directory looks members up with users.info and remembers the answers
// (the most recent few thousand), also the failures for a minute, so an
// outage of Slack costs one slow lookup per minute per person rather than
// one per command.
type Directory struct {
	api     *slack.Client
	ttl     time.Duration
	failTTL time.Duration
	cache   *lru[commands.UserID, dirEntry]
}

type dirEntry struct {
	profile *commands.Profile
	err     error
}

// NewDirectory returns a Directory over api.
func NewDirectory(api *slack.Client) *Directory {
	return &Directory{api: api, ttl: 24 * time.Hour, failTTL: time.Minute, cache: newLRU[commands.UserID, dirEntry](dirCacheSize)}
}

// LookupUser returns what Slack knows of a user.
func (d *Directory) LookupUser(ctx context.Context, id commands.UserID) (*commands.Profile, error) {
	now := time.Now()
	if e, ok := d.cache.get(id, now); ok {
		return e.profile, e.err
	}
	u, err := d.api.GetUserInfoContext(ctx, string(id))
	if err != nil {
		d.cache.put(id, dirEntry{err: err}, now.Add(d.failTTL))
		return nil, err
	}
	e := dirEntry{profile: profileOf(u)}
	d.cache.put(id, e, now.Add(d.ttl))
	return e.profile, nil
}

// ListUsers returns the workspace's users with users.list, page by page
// (slack-go waits out rate limits between pages).
func (d *Directory) ListUsers(ctx context.Context) ([]*commands.Profile, error) {
	users, err := d.api.GetUsersContext(ctx, slack.GetUsersOptionIncludeLocale(true))
	if err != nil {
		return nil, err
	}
	out := make([]*commands.Profile, 0, len(users))
	for i := range users {
		out = append(out, profileOf(&users[i]))
	}
	return out, nil
}

func profileOf(u *slack.User) *commands.Profile {
	name := u.Profile.RealName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	// Slackbot is a user, not a bot, in Slack's eyes.
	isBot := u.IsBot || u.ID == "USLACKBOT"
	// Profile.Email is empty unless the app has the optional
	// users:read.email scope.
	return &commands.Profile{ID: commands.UserID(u.ID), Name: name, Locale: u.Locale, TimeZone: u.TZ,
		Email: u.Profile.Email, IsBot: isBot, Deleted: u.Deleted}
}

// countingTransport counts Web API calls by method and outcome. It reads
// the (small) JSON answer to tell Slack's "ok": false from a success.
type countingTransport struct {
	next    http.RoundTripper
	metrics Metrics
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:]
	if !strings.Contains(method, ".") {
		method = "other" // response_url and upload URLs: not Web API methods
	}
	resp, err := t.next.RoundTrip(req)
	switch {
	case err != nil:
		t.metrics.SlackCall(method, "transport_error")
	case resp.StatusCode == http.StatusTooManyRequests:
		t.metrics.SlackCall(method, "rate_limited")
	case resp.StatusCode != http.StatusOK:
		t.metrics.SlackCall(method, "http_error")
	default:
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr == nil && bytes.Contains(body, []byte(`"ok":false`)) {
			t.metrics.SlackCall(method, "slack_error")
		} else {
			t.metrics.SlackCall(method, "ok")
		}
	}
	return resp, err
}
