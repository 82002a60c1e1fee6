package commands

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// feedHistory is how far back a calendar feed keeps past events.
const feedHistory = 90 * 24 * time.Hour

// agendaLink shows (or, with "nouveau", renews) the member's private
// calendar feed address.
func (s *Service) agendaLink(ctx context.Context, c *Call, renew bool) (*Response, error) {
	if s.publicURL == "" {
		return textResponse(c.P.T("feed.unavailable")), nil
	}
	token, err := s.store.CalendarToken(ctx, c.Member.UserID, renew)
	if err != nil {
		return nil, err
	}
	url := strings.TrimSuffix(s.publicURL, "/") + "/ical/" + token + ".ics"
	key := "feed.link"
	if renew {
		key = "feed.renewed"
	}
	return &Response{Sections: []Section{
		Paragraph(Text(c.P.T(key)+" "), Code(url)),
		{Note: true, Body: []Span{Text(c.P.T("feed.private") + " "), Code(c.P.T("feed.renew.command"))}},
	}}, nil
}

// CalendarFeed returns the .ics feed behind a token: the member's
// confirmed events, and the cancelled ones so calendars drop them.
func (s *Service) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	if s.calendar == nil || len(token) < 16 || len(token) > 64 {
		return nil, Errorf(ENOTFOUND, "error.not_found")
	}
	m, err := s.store.FindMemberByCalendarToken(ctx, token)
	if err != nil {
		return nil, err
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{UserID: m.UserID,
		Statuses: []RegistrationStatus{RegRegistered, RegAttended}, StartsAfter: s.now().Add(-feedHistory)})
	if err != nil {
		return nil, err
	}
	var entries []CalendarEntry
	for _, r := range regs {
		if r.Event.Status != EventDraft {
			entries = append(entries, s.calendarEntry(r.Event))
		}
	}
	return s.calendar.Feed(fmt.Sprintf("Cercle · %s", m.Name), entries)
}
