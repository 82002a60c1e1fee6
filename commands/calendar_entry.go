package commands

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"strings"

	"cercle/i18n"
)

// This file is what the core tells calendars about an event: the entry
// an .ics file or a feed is written from, and the add-to-calendar links.

// newEventUID returns the calendar UID of a new event, stored with it for
// its life: calendars update and cancel the entry they hold by UID. Its
// random part keeps it apart from every other event, including those of
// the same network before its database was reset (event ids start again
// at 1); the workspace it was created in (the chat's team id) keeps two
// networks apart by construction.
func newEventUID(team string) string {
	team = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return -1
	}, team)
	host := "cercle"
	if team != "" {
		host = team + ".cercle"
	}
	return strings.ToLower(rand.Text()) + "@" + host
}

// calendarEntry describes ev for calendars: under its UID, with its
// description followed by who organises it and the link back to Cercle,
// and its creator as organiser (calendar.Writer makes them ORGANIZER when
// their e-mail is known). The added lines are in the network's language:
// a feed's entries, like the title, are the same for every reader.
func (s *Service) calendarEntry(ev *Event) CalendarEntry {
	p := i18n.NewPrinter(s.defaultLang, s.zone)
	var about []string
	if ev.CreatorName != "" {
		about = append(about, p.T("calendar.organizer", ev.CreatorName))
	}
	if s.appURL != "" {
		about = append(about, p.T("calendar.manage", s.appURL))
	}
	var parts []string
	if ev.Description != "" {
		parts = append(parts, ev.Description)
	}
	if len(about) > 0 {
		parts = append(parts, strings.Join(about, "\n"))
	}
	return CalendarEntry{
		UID:            ev.UID,
		Sequence:       ev.Sequence,
		Title:          ev.Title,
		Description:    strings.Join(parts, "\n\n"),
		Location:       ev.Place,
		URL:            s.appURL,
		Organizer:      ev.CreatorName,
		OrganizerEmail: ev.CreatorEmail,
		Start:          ev.Start,
		End:            ev.End,
		Cancelled:      ev.Status == EventCancelled,
	}
}

// invitation returns ev's .ics file, or nil without a Calendar.
func (s *Service) invitation(ev *Event, cancelled bool) *File {
	if s.calendar == nil {
		return nil
	}
	entry := s.calendarEntry(ev)
	entry.Cancelled = entry.Cancelled || cancelled
	b, err := s.calendar.Invitation(entry)
	if err != nil {
		s.logger.Warn("invitation not written", "event_id", ev.ID, "err", err)
		return nil
	}
	return &File{Name: fmt.Sprintf("cercle-%d.ics", ev.ID), Title: ev.Title, Content: b}
}

// calendarLinks is a line of "add to Google / Outlook" links.
func calendarLinks(ev *Event, p *i18n.Printer) Section {
	const googleTime, outlookTime = "20060102T150405Z", "2006-01-02T15:04:05Z"
	g := url.Values{"action": {"TEMPLATE"}, "text": {ev.Title}, "location": {ev.Place},
		"dates": {ev.Start.UTC().Format(googleTime) + "/" + ev.End.UTC().Format(googleTime)}}
	o := url.Values{"path": {"/calendar/action/compose"}, "rru": {"addevent"}, "subject": {ev.Title},
		"location": {ev.Place}, "startdt": {ev.Start.UTC().Format(outlookTime)}, "enddt": {ev.End.UTC().Format(outlookTime)}}
	return Section{Note: true, Body: []Span{
		Text(p.T("calendar.add") + " "),
		Link("https://calendar.google.com/calendar/render?"+g.Encode(), p.T("calendar.google")),
		Text(" · "),
		Link("https://outlook.office.com/calendar/0/deeplink/compose?"+o.Encode(), "Outlook"),
	}}
}
