package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"cercle/calendar"
	"cercle/commands"
)

// stamp is the pinned DTSTAMP of every file written in these tests.
var stamp = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func newWriter(t *testing.T, loc *time.Location) *calendar.Writer {
	t.Helper()
	w := calendar.New(loc)
	w.Now = func() time.Time { return stamp }
	return w
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// summer is 16:30 UTC in June, 18:30 in Paris (CEST, +0200); winter is
// 17:30 UTC in January, also 18:30 in Paris (CET, +0100).
func summer() commands.CalendarEntry {
	return commands.CalendarEntry{
		UID:         "event-42@cercle",
		Sequence:    3,
		Title:       "Plénière de juin",
		Description: "Ordre du jour : budget, adhésions.",
		Location:    "Salle Voltaire, 12 rue X, Paris",
		URL:         "https://example.org/e/42",
		Start:       time.Date(2027, 6, 15, 16, 30, 0, 0, time.UTC),
		End:         time.Date(2027, 6, 15, 18, 0, 0, 0, time.UTC),
	}
}

func winter() commands.CalendarEntry {
	return commands.CalendarEntry{
		UID:      "event-7@cercle",
		Sequence: 0,
		Title:    "Galette des rois",
		Start:    time.Date(2027, 1, 12, 17, 30, 0, 0, time.UTC),
		End:      time.Date(2027, 1, 12, 19, 30, 0, 0, time.UTC),
	}
}

// parse checks the wire format (CRLF only, no line over 75 octets) and then
// parses the file with golang-ical's own parser.
func parse(t *testing.T, data []byte) *ics.Calendar {
	t.Helper()
	checkWireFormat(t, data)
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, data)
	}
	return cal
}

func checkWireFormat(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("file does not end in CRLF")
	}
	for i, b := range data {
		switch {
		case b == '\n' && (i == 0 || data[i-1] != '\r'):
			t.Errorf("bare LF at byte %d", i)
		case b == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			t.Errorf("bare CR at byte %d", i)
		}
	}
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, want at most 75: %q", n+1, len(line), line)
		}
	}
}

func calProp(cal *ics.Calendar, name string) (string, bool) {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value, true
		}
	}
	return "", false
}

func value(ev *ics.VEvent, p ics.ComponentProperty) string {
	if prop := ev.GetProperty(p); prop != nil {
		return prop.Value
	}
	return ""
}

func onlyEvent(t *testing.T, cal *ics.Calendar) *ics.VEvent {
	t.Helper()
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("got %d VEVENTs, want 1", len(evs))
	}
	return evs[0]
}

func TestInvitation(t *testing.T) {
	cancelled := summer()
	cancelled.Cancelled = true
	cancelled.Sequence = 4

	tests := []struct {
		name       string
		entry      commands.CalendarEntry
		method     string
		status     string
		sequence   string
		start, end string // local Paris times, with TZID=Europe/Paris
	}{
		{"summer CEST", summer(), "PUBLISH", "CONFIRMED", "3", "20270615T183000", "20270615T200000"},
		{"winter CET", winter(), "PUBLISH", "CONFIRMED", "0", "20270112T183000", "20270112T203000"},
		{"cancelled", cancelled, "CANCEL", "CANCELLED", "4", "20270615T183000", "20270615T200000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := newWriter(t, nil).Invitation(tt.entry)
			if err != nil {
				t.Fatalf("Invitation: %v", err)
			}
			cal := parse(t, data)
			if got, _ := calProp(cal, "METHOD"); got != tt.method {
				t.Errorf("METHOD = %q, want %q", got, tt.method)
			}
			if got, _ := calProp(cal, "VERSION"); got != "2.0" {
				t.Errorf("VERSION = %q, want 2.0", got)
			}
			if got, _ := calProp(cal, "PRODID"); got != calendar.DefaultProductID {
				t.Errorf("PRODID = %q, want %q", got, calendar.DefaultProductID)
			}
			ev := onlyEvent(t, cal)
			for _, c := range []struct {
				prop ics.ComponentProperty
				want string
			}{
				{ics.ComponentPropertyUniqueId, tt.entry.UID},
				{ics.ComponentPropertySequence, tt.sequence},
				{ics.ComponentPropertyStatus, tt.status},
				{ics.ComponentPropertyDtstamp, "20270301T090000Z"},
				{ics.ComponentPropertySummary, tt.entry.Title},
				{ics.ComponentPropertyDescription, tt.entry.Description},
				{ics.ComponentPropertyLocation, tt.entry.Location},
				{ics.ComponentPropertyUrl, tt.entry.URL},
				{ics.ComponentPropertyDtStart, tt.start},
				{ics.ComponentPropertyDtEnd, tt.end},
			} {
				if got := value(ev, c.prop); got != c.want {
					t.Errorf("%s = %q, want %q", c.prop, got, c.want)
				}
			}
			for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
				got := ev.GetProperty(p).ICalParameters["TZID"]
				if len(got) != 1 || got[0] != "Europe/Paris" {
					t.Errorf("%s TZID = %q, want [Europe/Paris]", p, got)
				}
			}
			// The parser reads the local time back through the zone database:
			// it must be the instant we were given.
			if got, err := ev.GetStartAt(); err != nil || !got.Equal(tt.entry.Start) {
				t.Errorf("GetStartAt() = %v, %v; want %v", got, err, tt.entry.Start)
			}
			if got, err := ev.GetEndAt(); err != nil || !got.Equal(tt.entry.End) {
				t.Errorf("GetEndAt() = %v, %v; want %v", got, err, tt.entry.End)
			}
			checkParisTimezone(t, cal)
		})
	}
}

// checkParisTimezone asserts one VTIMEZONE with the EU rules for Paris.
func checkParisTimezone(t *testing.T, cal *ics.Calendar) {
	t.Helper()
	tzs := cal.Timezones()
	if len(tzs) != 1 {
		t.Fatalf("got %d VTIMEZONEs, want 1", len(tzs))
	}
	tz := tzs[0]
	if got := tz.GetProperty(ics.ComponentPropertyTzid); got == nil || got.Value != "Europe/Paris" {
		t.Errorf("VTIMEZONE TZID = %v, want Europe/Paris", got)
	}
	want := map[string]map[string]string{
		"DAYLIGHT": {
			"TZOFFSETFROM": "+0100", "TZOFFSETTO": "+0200", "TZNAME": "CEST",
			"DTSTART": "19700329T020000", "RRULE": "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		},
		"STANDARD": {
			"TZOFFSETFROM": "+0200", "TZOFFSETTO": "+0100", "TZNAME": "CET",
			"DTSTART": "19701025T030000", "RRULE": "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
		},
	}
	got := map[string]map[string]string{}
	for _, c := range tz.SubComponents() {
		var kind string
		switch c.(type) {
		case *ics.Daylight:
			kind = "DAYLIGHT"
		case *ics.Standard:
			kind = "STANDARD"
		default:
			t.Errorf("unexpected VTIMEZONE sub-component %T", c)
			continue
		}
		got[kind] = map[string]string{}
		for _, p := range c.UnknownPropertiesIANAProperties() {
			got[kind][p.IANAToken] = p.Value
		}
	}
	for kind, props := range want {
		for k, v := range props {
			if got[kind][k] != v {
				t.Errorf("%s %s = %q, want %q", kind, k, got[kind][k], v)
			}
		}
	}
}

func TestInvitationUIDStable(t *testing.T) {
	w := newWriter(t, nil)
	e := summer()
	first, err := w.Invitation(e)
	if err != nil {
		t.Fatal(err)
	}
	// The same event, changed and sent later, must keep its UID so
	// calendars update it rather than add a second copy.
	w.Now = func() time.Time { return stamp.Add(48 * time.Hour) }
	e.Title = "Plénière (salle changée)"
	e.Sequence++
	second, err := w.Invitation(e)
	if err != nil {
		t.Fatal(err)
	}
	a, b := onlyEvent(t, parse(t, first)), onlyEvent(t, parse(t, second))
	if a.Id() != b.Id() || a.Id() != e.UID {
		t.Errorf("UIDs = %q, %q; want both %q", a.Id(), b.Id(), e.UID)
	}
	if got := value(b, ics.ComponentPropertySequence); got != "4" {
		t.Errorf("SEQUENCE after change = %q, want 4", got)
	}
}

func TestHostileText(t *testing.T) {
	long := strings.Repeat("Réunion très longue, avec virgules; points-virgules \\ et <!channel> ", 80)
	tests := []struct {
		name        string
		title       string
		description string
		location    string
		wantTitle   string
		wantDesc    string
	}{
		{
			name:      "CRLF injection in title",
			title:     "Apéro\r\nATTENDEE:mailto:evil@example.com",
			wantTitle: "Apéro ATTENDEE:mailto:evil@example.com",
		},
		{
			name:        "CRLF injection in description keeps the line break as text",
			title:       "Atelier",
			description: "ligne 1\r\nATTENDEE:evil\rEND:VEVENT\nBEGIN:VEVENT",
			wantTitle:   "Atelier",
			wantDesc:    "ligne 1\nATTENDEE:evil\nEND:VEVENT\nBEGIN:VEVENT",
		},
		{
			name:        "iCalendar and Slack specials",
			title:       `a, b; c \ d <!channel> "q" : e`,
			description: `\n is not a newline, \, is not a comma`,
			wantTitle:   `a, b; c \ d <!channel> "q" : e`,
			wantDesc:    `\n is not a newline, \, is not a comma`,
		},
		{
			name:        "invalid UTF-8 and control characters",
			title:       "caf\xe9 \x00bar\x1b\u0085",
			description: "x\xff\xfey\tz",
			wantTitle:   "caf\uFFFD bar",
			wantDesc:    "x\uFFFDy\tz",
		},
		{
			name:        "very long text",
			title:       long[:400],
			description: long,
			wantTitle:   strings.TrimSpace(long[:400]),
			wantDesc:    long,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := summer()
			e.Title, e.Description = tt.title, tt.description
			e.Location = tt.title
			e.URL = "https://example.org/e/42\r\nATTENDEE:evil"
			data, err := newWriter(t, nil).Invitation(e)
			if err != nil {
				t.Fatalf("Invitation: %v", err)
			}
			cal := parse(t, data)
			ev := onlyEvent(t, cal)
			if got := ev.GetProperties(ics.ComponentPropertyAttendee); len(got) != 0 {
				t.Errorf("got %d ATTENDEE properties, want none: %v", len(got), got)
			}
			if got := value(ev, ics.ComponentPropertySummary); got != tt.wantTitle {
				t.Errorf("SUMMARY = %q, want %q", got, tt.wantTitle)
			}
			if got := value(ev, ics.ComponentPropertyLocation); got != tt.wantTitle {
				t.Errorf("LOCATION = %q, want %q", got, tt.wantTitle)
			}
			if got := value(ev, ics.ComponentPropertyDescription); got != tt.wantDesc {
				t.Errorf("DESCRIPTION = %q, want %q", got, tt.wantDesc)
			}
			// A URL that is not a clean absolute URL is dropped, not written raw.
			if got := value(ev, ics.ComponentPropertyUrl); got != "" {
				t.Errorf("URL = %q, want it dropped", got)
			}
			// Everything else must be untouched by the hostile text.
			if got := value(ev, ics.ComponentPropertyUniqueId); got != e.UID {
				t.Errorf("UID = %q, want %q", got, e.UID)
			}
			if got := value(ev, ics.ComponentPropertyDtStart); got != "20270615T183000" {
				t.Errorf("DTSTART = %q, want 20270615T183000", got)
			}
		})
	}
}

func TestFeed(t *testing.T) {
	cancelled := commands.CalendarEntry{
		UID:       "event-9@cercle",
		Sequence:  2,
		Title:     "Visite annulée",
		Start:     time.Date(2027, 11, 3, 8, 0, 0, 0, time.UTC),
		End:       time.Date(2027, 11, 3, 10, 0, 0, 0, time.UTC),
		Cancelled: true,
	}
	entries := []commands.CalendarEntry{winter(), summer(), cancelled}
	data, err := newWriter(t, nil).Feed("Cercle, mes événements; \r\nX-EVIL:1", entries)
	if err != nil {
		t.Fatalf("Feed: %v", err)
	}
	cal := parse(t, data)
	for _, c := range []struct{ prop, want string }{
		{"METHOD", "PUBLISH"},
		{"X-WR-CALNAME", "Cercle, mes événements;  X-EVIL:1"},
		{"X-WR-TIMEZONE", "Europe/Paris"},
	} {
		if got, _ := calProp(cal, c.prop); got != c.want {
			t.Errorf("%s = %q, want %q", c.prop, got, c.want)
		}
	}
	if _, ok := calProp(cal, "X-EVIL"); ok {
		t.Errorf("calendar name injected an X-EVIL property")
	}
	checkParisTimezone(t, cal)
	evs := cal.Events()
	if len(evs) != len(entries) {
		t.Fatalf("got %d VEVENTs, want %d", len(evs), len(entries))
	}
	wantStart := []string{"20270112T183000", "20270615T183000", "20271103T090000"}
	wantStatus := []string{"CONFIRMED", "CONFIRMED", "CANCELLED"}
	for i, ev := range evs {
		if got := ev.Id(); got != entries[i].UID {
			t.Errorf("event %d UID = %q, want %q", i, got, entries[i].UID)
		}
		if got := value(ev, ics.ComponentPropertyDtStart); got != wantStart[i] {
			t.Errorf("event %d DTSTART = %q, want %q", i, got, wantStart[i])
		}
		if got := value(ev, ics.ComponentPropertyStatus); got != wantStatus[i] {
			t.Errorf("event %d STATUS = %q, want %q", i, got, wantStatus[i])
		}
	}
}

func TestFeedEmpty(t *testing.T) {
	data, err := newWriter(t, nil).Feed("Vide", nil)
	if err != nil {
		t.Fatalf("Feed: %v", err)
	}
	cal := parse(t, data)
	if n := len(cal.Events()); n != 0 {
		t.Errorf("got %d VEVENTs, want 0", n)
	}
}

// TestRepeatedHour covers the hour that happens twice when summer time
// ends (2027-10-31, 02:00–03:00 Paris). A local time there is ambiguous
// (RFC 5545 reads the first instant, Go the second), so both are written in
// UTC; the hours either side keep their TZID.
func TestRepeatedHour(t *testing.T) {
	tests := []struct {
		name     string
		start    time.Time
		want     string
		wantTZID bool
	}{
		{"01:30 CEST, before", time.Date(2027, 10, 30, 23, 30, 0, 0, time.UTC), "20271031T013000", true},
		{"first 02:30 (CEST)", time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC), "20271031T003000Z", false},
		{"second 02:30 (CET)", time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC), "20271031T013000Z", false},
		{"03:00 CET, after", time.Date(2027, 10, 31, 2, 0, 0, 0, time.UTC), "20271031T030000", true},
		{"spring change 03:00 CEST", time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC), "20270328T030000", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := commands.CalendarEntry{UID: "night@cercle", Title: "Nuit", Start: tt.start}
			data, err := newWriter(t, nil).Invitation(e)
			if err != nil {
				t.Fatal(err)
			}
			ev := onlyEvent(t, parse(t, data))
			prop := ev.GetProperty(ics.ComponentPropertyDtStart)
			if prop.Value != tt.want {
				t.Errorf("DTSTART = %q, want %q", prop.Value, tt.want)
			}
			if _, got := prop.ICalParameters["TZID"]; got != tt.wantTZID {
				t.Errorf("DTSTART has TZID = %v, want %v", got, tt.wantTZID)
			}
			if got, err := ev.GetStartAt(); err != nil || !got.Equal(tt.start) {
				t.Errorf("GetStartAt() = %v, %v; want %v", got, err, tt.start)
			}
		})
	}
}

// TestOtherZones checks the Location field: EU-rule zones get their own
// TZID and VTIMEZONE, zones without those rules fall back to UTC times.
func TestOtherZones(t *testing.T) {
	tests := []struct {
		zone      string
		wantStart string
		wantTZID  string // "" means UTC, no VTIMEZONE
		wantStd   string // STANDARD DTSTART
	}{
		{"Europe/London", "20270615T173000", "Europe/London", "19701025T020000"},
		{"Europe/Helsinki", "20270615T193000", "Europe/Helsinki", "19701025T040000"},
		{"America/New_York", "20270615T163000Z", "", ""},
		{"Asia/Tokyo", "20270615T163000Z", "", ""},
		{"UTC", "20270615T163000Z", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			data, err := newWriter(t, mustLoad(t, tt.zone)).Invitation(summer())
			if err != nil {
				t.Fatal(err)
			}
			cal := parse(t, data)
			prop := onlyEvent(t, cal).GetProperty(ics.ComponentPropertyDtStart)
			if prop.Value != tt.wantStart {
				t.Errorf("DTSTART = %q, want %q", prop.Value, tt.wantStart)
			}
			var tzid string
			if v := prop.ICalParameters["TZID"]; len(v) == 1 {
				tzid = v[0]
			}
			if tzid != tt.wantTZID {
				t.Errorf("DTSTART TZID = %q, want %q", tzid, tt.wantTZID)
			}
			tzs := cal.Timezones()
			if tt.wantTZID == "" {
				if len(tzs) != 0 {
					t.Errorf("got %d VTIMEZONEs, want 0", len(tzs))
				}
				return
			}
			if len(tzs) != 1 {
				t.Fatalf("got %d VTIMEZONEs, want 1", len(tzs))
			}
			for _, c := range tzs[0].SubComponents() {
				if std, ok := c.(*ics.Standard); ok {
					if got := std.GetProperty(ics.ComponentPropertyDtStart).Value; got != tt.wantStd {
						t.Errorf("STANDARD DTSTART = %q, want %q", got, tt.wantStd)
					}
				}
			}
		})
	}
}

func TestZeroWriter(t *testing.T) {
	var w calendar.Writer
	data, err := w.Invitation(summer())
	if err != nil {
		t.Fatal(err)
	}
	cal := parse(t, data)
	if got := value(onlyEvent(t, cal), ics.ComponentPropertyDtStart); got != "20270615T183000" {
		t.Errorf("zero Writer DTSTART = %q, want Paris time 20270615T183000", got)
	}
	checkParisTimezone(t, cal)
}

func TestInvalidEntries(t *testing.T) {
	tests := []struct {
		name  string
		entry commands.CalendarEntry
	}{
		{"no UID", commands.CalendarEntry{Title: "x", Start: stamp}},
		{"blank UID", commands.CalendarEntry{UID: " \r\n", Title: "x", Start: stamp}},
		{"no start", commands.CalendarEntry{UID: "u@cercle", Title: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWriter(t, nil)
			if _, err := w.Invitation(tt.entry); err == nil {
				t.Errorf("Invitation: got nil error, want one")
			}
			if _, err := w.Feed("f", []commands.CalendarEntry{summer(), tt.entry}); err == nil {
				t.Errorf("Feed: got nil error, want one")
			}
		})
	}
}

// TestEndNotAfterStart checks that a missing or inverted end drops DTEND
// instead of writing an event some clients would reject.
func TestEndNotAfterStart(t *testing.T) {
	for _, end := range []time.Time{{}, summer().Start.Add(-time.Hour)} {
		e := summer()
		e.End = end
		data, err := newWriter(t, nil).Invitation(e)
		if err != nil {
			t.Fatal(err)
		}
		if ev := onlyEvent(t, parse(t, data)); ev.HasProperty(ics.ComponentPropertyDtEnd) {
			t.Errorf("End %v: got DTEND %q, want none", end, value(ev, ics.ComponentPropertyDtEnd))
		}
	}
}
