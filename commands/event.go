package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// EventKind is what sort of gathering an event is.
type EventKind string

const (
	KindPlenary  EventKind = "plenary"  // plénière: the whole network, with testimonies
	KindTraining EventKind = "training" // journée de formation
	KindVisit    EventKind = "visit"    // visite d'entreprise
)

// EventStatus is where an event is in its life.
type EventStatus string

const (
	EventDraft     EventStatus = "draft"     // being prepared: only facilitators see it
	EventPublished EventStatus = "published" // open for registration
	EventCancelled EventStatus = "cancelled"
)

// Event is a plenary, training day or visit with a number of seats.
type Event struct {
	ID          int64
	Kind        EventKind
	Title       string
	Description string
	Place       string // an address or a video link
	Start, End  time.Time
	Capacity    int
	// Deadline closes registration; zero means registration stays open
	// until the event starts.
	Deadline time.Time
	// CancelCutoff is the moment after which a cancellation is recorded
	// as late.
	CancelCutoff time.Time
	Status       EventStatus
	// Sequence rises on every change people must hear about; it is the
	// .ics SEQUENCE.
	Sequence int
	// UID names the event in calendars for its whole life, so they update
	// or cancel the entry they hold: made once, at creation (newEventUID).
	UID       string
	CreatedBy UserID
	// CreatorName and CreatorEmail are CreatedBy's member name and e-mail,
	// for calendars (the organiser): filled by the store's reads, empty
	// inside an EventTx, and each empty when unknown.
	CreatorName, CreatorEmail string
	CreatedAt                 time.Time
	UpdatedAt                 time.Time

	// Counts, filled in by the store when it reads an event.
	Registered int // confirmed, including attended and no-show
	Offered    int // seats held by a pending offer
	Waitlisted int
}

// SeatsLeft returns how many seats are neither taken nor offered.
func (e *Event) SeatsLeft() int { return max(0, e.Capacity-e.Registered-e.Offered) }

// Limits on event fields.
const (
	maxEventTitle       = 150
	maxEventDescription = 3000
	maxEventPlace       = 300
	maxCapacity         = 100_000
	defaultCutoff       = 48 * time.Hour
)

// Event form field ids.
const (
	fieldEventTitle       = "event_title"
	fieldEventKind        = "event_kind"
	fieldEventDescription = "event_description"
	fieldEventPlace       = "event_place"
	fieldEventStart       = "event_start"
	fieldEventEnd         = "event_end"
	fieldEventCapacity    = "event_capacity"
	fieldEventDeadline    = "event_deadline"
	fieldEventCutoff      = "event_cutoff"
)

// ParseEvent validates the event form's values and returns the event they
// describe, or the message for each field in error. Dates come as Unix
// seconds (Slack's date-time picker) or typed as "2027-03-18 18:30" or
// "18/03/2027 18h30" in loc (the console).
func ParseEvent(values map[string]string, now time.Time, loc *time.Location, p *i18n.Printer) (*Event, FieldErrors) {
	e := &Event{
		Title:       cleanLine(values[fieldEventTitle]),
		Description: cleanText(values[fieldEventDescription]),
		Place:       cleanLine(values[fieldEventPlace]),
		Kind:        EventKind(strings.TrimSpace(values[fieldEventKind])),
	}
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(e.Title); {
	case n == 0:
		errs[fieldEventTitle] = p.T("event.error.title_required")
	case n > maxEventTitle:
		errs[fieldEventTitle] = p.T("event.error.too_long", maxEventTitle)
	}
	if utf8.RuneCountInString(e.Description) > maxEventDescription {
		errs[fieldEventDescription] = p.T("event.error.too_long", maxEventDescription)
	}
	if utf8.RuneCountInString(e.Place) > maxEventPlace {
		errs[fieldEventPlace] = p.T("event.error.too_long", maxEventPlace)
	}
	switch e.Kind {
	case KindPlenary, KindTraining, KindVisit:
	case "":
		e.Kind = KindPlenary
	default:
		errs[fieldEventKind] = p.T("event.error.kind")
	}
	var ok bool
	if e.Start, ok = parseMoment(values[fieldEventStart], loc); !ok {
		errs[fieldEventStart] = p.T("event.error.date")
	} else if !e.Start.After(now) {
		errs[fieldEventStart] = p.T("event.error.start_past")
	}
	if e.End, ok = parseMoment(values[fieldEventEnd], loc); !ok {
		errs[fieldEventEnd] = p.T("event.error.date")
	} else if errs[fieldEventStart] == "" && !e.End.After(e.Start) {
		errs[fieldEventEnd] = p.T("event.error.end_before_start")
	}
	capText := strings.ReplaceAll(strings.TrimSpace(values[fieldEventCapacity]), " ", "")
	if n, err := strconv.Atoi(capText); err != nil || n <= 0 || n > maxCapacity {
		errs[fieldEventCapacity] = p.T("event.error.capacity", maxCapacity)
	} else {
		e.Capacity = n
	}
	if s := strings.TrimSpace(values[fieldEventDeadline]); s != "" {
		if e.Deadline, ok = parseMoment(s, loc); !ok {
			errs[fieldEventDeadline] = p.T("event.error.date")
		} else if errs[fieldEventStart] == "" && e.Deadline.After(e.Start) {
			errs[fieldEventDeadline] = p.T("event.error.deadline_after_start")
		}
	}
	cutoff := defaultCutoff
	if s := strings.TrimSpace(values[fieldEventCutoff]); s != "" {
		h, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(s), "h"))
		if err != nil || h < 0 || h > 24*60 {
			errs[fieldEventCutoff] = p.T("event.error.cutoff")
		}
		cutoff = time.Duration(h) * time.Hour
	}
	if len(errs) > 0 {
		return nil, errs
	}
	e.CancelCutoff = e.Start.Add(-cutoff)
	return e, nil
}

// cutoffHours is how many hours before the start the cut-off falls, for
// the edit form.
func (e *Event) cutoffHours() int { return int(e.Start.Sub(e.CancelCutoff).Hours()) }

// momentLayouts are the ways a person may type a date and time.
var momentLayouts = []string{
	"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15h04", "2006-01-02 15h",
	"02/01/2006 15:04", "02/01/2006 15h04", "02/01/2006 15h", "02/01/2006 à 15h04", "02/01/2006 à 15h",
}

// parseMoment reads a date and time: Unix seconds from Slack's picker, or
// text in one of momentLayouts in loc.
func parseMoment(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		// Between 2000 and 2200: anything else is not a picked date.
		if n < 946684800 || n > 7258118400 {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range momentLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// cleanText is cleanLine for multi-line text: line breaks are kept.
func cleanText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = cleanLine(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// EventFilter selects events.
type EventFilter struct {
	Statuses []EventStatus
	// EndsAfter keeps events still going on or to come at that moment.
	EndsAfter time.Time
	Limit     int
}
