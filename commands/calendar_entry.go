package commands

import (
	"fmt"
	"net/url"

	"cercle/i18n"
)

// This file is what the core tells calendars about an event: the entry
// an .ics file or a feed is written from, and the add-to-calendar links.

// calendarEntry describes ev for calendars.
func (s *Service) calendarEntry(ev *Event) CalendarEntry {
	return CalendarEntry{
		UID:       fmt.Sprintf("event-%d@cercle", ev.ID),
		Sequence:  ev.Sequence,
		Title:     ev.Title,
		Location:  ev.Place,
		Start:     ev.Start,
		End:       ev.End,
		Cancelled: ev.Status == EventCancelled,
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
		Link("https://calendar.google.com/calendar/render?"+g.Encode(), "Google Agenda"),
		Text(" · "),
		Link("https://outlook.office.com/calendar/0/deeplink/compose?"+o.Encode(), "Outlook"),
	}}
}
