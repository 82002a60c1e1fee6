package commands

import "time"

// CalendarEntry is what a calendar file says about one event.
type CalendarEntry struct {
	// UID is stable for the life of the event, so calendars update the
	// entry instead of adding a second one.
	UID string
	// Sequence rises on every change of the event (RFC 5545 SEQUENCE).
	Sequence    int
	Title       string
	Description string
	Location    string
	URL         string
	// Organizer names who runs the event, and OrganizerEmail is their
	// address: an ORGANIZER property needs one (a mailto: URI), so without
	// it calendars show the organiser only as the description says.
	Organizer, OrganizerEmail string
	Start, End                time.Time
	// Cancelled makes the file a cancellation (METHOD:CANCEL, STATUS:CANCELLED).
	Cancelled bool
}

// Calendar writes iCalendar (.ics) files. The calendar package implements
// it with a maintained iCalendar library; nil means no .ics is attached.
type Calendar interface {
	// Invitation returns a file for one event: added or updated in the
	// member's calendar, or cancelled.
	Invitation(e CalendarEntry) ([]byte, error)
	// Feed returns a calendar listing entries, for a member's private
	// subscription URL.
	Feed(name string, entries []CalendarEntry) ([]byte, error)
}
