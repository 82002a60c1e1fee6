package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// capabilityURL matches the addresses that grant access on their own and
// so must never reach a log: Slack's pre-signed upload URLs (any
// /upload/ path: a Grid workspace or a fake Slack has another host),
// response_url and incoming-webhook addresses, and calendar feed links
// (/ical/<token>).
var capabilityURL = regexp.MustCompile(`(?i)[^\s"'<>]*(files\.slack\.com/upload|hooks\.slack\.com/|/upload/|/ical/)[^\s"'<>]*`)

// redactedURL stands in for a capability URL that was removed.
const redactedURL = "[URL masquée]"

// RedactURLs returns s with every capability URL replaced.
func RedactURLs(s string) string {
	return capabilityURL.ReplaceAllString(s, redactedURL)
}

// RedactError returns err's text fit for a log: the address of every
// *url.Error in its chain (net/http puts the whole URL, query included,
// in its errors, and slack-go's upload errors wrap them) is reduced to
// its scheme and host, and any capability URL left is replaced.
func RedactError(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for e := err; e != nil; {
		var ue *url.Error
		if !errors.As(e, &ue) {
			break
		}
		if ue.URL != "" {
			// url.Error quotes the address with %q.
			s = strings.ReplaceAll(s, strconv.Quote(ue.URL), strconv.Quote(hostOnly(ue.URL)))
			s = strings.ReplaceAll(s, ue.URL, hostOnly(ue.URL))
		}
		e = ue.Err
	}
	return RedactURLs(s)
}

// hostOnly keeps what a reader of the log needs from an address: which
// service failed, not the path or query that may carry a secret.
func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return redactedURL
	}
	return u.Scheme + "://" + u.Host
}

// RedactLogger returns a logger that writes through l with every
// capability URL removed, whatever the level: from the message, from
// string attributes, and from errors and Stringers (see RedactError).
func RedactLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	if _, ok := l.Handler().(redactingHandler); ok {
		return l
	}
	return slog.New(redactingHandler{next: l.Handler()})
}

// redactingHandler redacts each record before handing it on.
type redactingHandler struct{ next slog.Handler }

func (h redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactURLs(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return redactingHandler{next: h.next.WithAttrs(clean)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name)}
}

// redactAttr redacts one attribute, groups included.
func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactURLs(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]any, len(attrs))
		for i, g := range attrs {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, RedactError(x))
		case fmt.Stringer:
			return slog.String(a.Key, RedactURLs(x.String()))
		case []byte:
			return slog.String(a.Key, RedactURLs(string(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
