package calendar

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"cercle/commands"
)

// FeedSource is what the feed handler needs from the core: the .ics feed
// behind a member's private token.
type FeedSource interface {
	CalendarFeed(ctx context.Context, token string) ([]byte, error)
}

// FeedHandler serves GET /ical/{file}: a member's calendar subscription,
// the file named by their token. An unknown or revoked token is a 404
// that says nothing more; any other failure is a 500, logged, so an
// outage does not look like a revoked link to calendar clients.
func FeedHandler(source FeedSource, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
		if !ok {
			http.NotFound(w, r)
			return
		}
		feed, err := source.CalendarFeed(r.Context(), token)
		switch {
		case commands.ErrorCode(err) == commands.ENOTFOUND:
			http.NotFound(w, r)
			return
		case err != nil:
			// The token is a capability: never logged.
			logger.Error("calendar feed not served", "err", err)
			http.Error(w, "calendar feed unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Cache-Control", "private, max-age=300")
		_, _ = w.Write(feed)
	})
}
