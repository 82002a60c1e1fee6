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
	KindMeeting  EventKind = "meeting"  // réunion d'un groupe de travail (Event.Group)
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
	// Group, when set, makes the event a meeting of that working group:
	// seen by and open to its members only (and facilitators).
	Group int64
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
// seconds (Slack's date-time picker) or typed in loc, as parseMoment
// reads them ("18/03/2027 à 18h30", "2027-03-18 18:30").
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
	case KindPlenary, KindTraining, KindVisit, KindMeeting:
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

// parseMoment reads a date and time: Unix seconds from Slack's picker, or
// text typed in loc (the console, a message). The date comes day first, as
// in France (10/02/2027, 10-02-2027, 10/02/27), or in ISO order
// (2027-02-10); the time as 21h, 18h30, 18:30 or 18 h 30, after a space,
// « à » or ISO's T. A date without a time is refused: the hour of an event
// is never guessed.
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
	// Fields also splits at no-break spaces, which French typing puts
	// before « h » or after « à ».
	words := strings.Fields(strings.ToLower(s))
	if len(words) == 1 {
		// ISO's 2027-02-10T18:30, in one word.
		if date, clock, ok := strings.Cut(words[0], "t"); ok {
			words = []string{date, clock}
		}
	}
	if len(words) > 2 && (words[1] == "à" || words[1] == "a" || words[1] == "at") {
		words = append(words[:1], words[2:]...)
	}
	if len(words) < 2 {
		return time.Time{}, false
	}
	y, mo, d, ok := parseDay(words[0])
	if !ok {
		return time.Time{}, false
	}
	h, mi, ok := parseClock(strings.Join(words[1:], ""))
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(y, mo, d, h, mi, 0, 0, loc)
	if t.Day() != d || t.Month() != mo {
		return time.Time{}, false // 31/02: time.Date would roll it over
	}
	return t.UTC(), true
}

// parseDay reads 10/02/2027 (day first, the French order; "-" or "." also
// separate, and a two-digit year is this century's) or 2027-02-10 (ISO).
func parseDay(s string) (int, time.Month, int, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	if len(parts[0]) == 4 {
		parts[0], parts[2] = parts[2], parts[0]
	}
	n := [3]int{}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || !digits(p) || (i < 2 && len(p) > 2) {
			return 0, 0, 0, false
		}
		n[i] = v
	}
	switch len(parts[2]) {
	case 2:
		n[2] += 2000
	case 4:
	default:
		return 0, 0, 0, false
	}
	if n[1] < 1 || n[1] > 12 || n[0] < 1 || n[0] > 31 {
		return 0, 0, 0, false
	}
	return n[2], time.Month(n[1]), n[0], true
}

// parseClock reads 21h, 18h30, 18:30 (spaces already removed from
// "18 h 30").
func parseClock(s string) (hour, minute int, ok bool) {
	h, m, found := strings.Cut(s, "h")
	if !found {
		if h, m, found = strings.Cut(s, ":"); !found || m == "" {
			return 0, 0, false
		}
	}
	if m == "" {
		m = "00"
	}
	if !digits(h) || !digits(m) || len(h) > 2 || len(m) != 2 {
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(h)
	minute, _ = strconv.Atoi(m)
	if hour > 23 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
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
