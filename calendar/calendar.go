// Package calendar writes the iCalendar (RFC 5545) files Cercle hands to
// members: one .ics per event, sent with a registration or a cancellation,
// and a feed of all a member's events behind a private subscription URL.
//
// It implements commands.Calendar and imports only commands (for that
// interface and CalendarEntry), i18n (for the Europe/Paris zone), the
// standard library and github.com/arran4/golang-ical, which does the
// escaping and line folding. What this package adds is what the library
// leaves to its caller: CRLF line endings, local times with a TZID and the
// matching VTIMEZONE (so Outlook shows the right hour), and cleaning of
// user text so a title cannot break out of its property.
package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"cercle/commands"
	"cercle/i18n"
)

// DefaultProductID names Cercle in the PRODID property, which RFC 5545
// requires and which clients log when an import goes wrong.
const DefaultProductID = "-//Cercle//Cercle//FR"

// Writer turns commands.CalendarEntry values into .ics files. The zero
// value works: it writes Europe/Paris times, stamps files with time.Now and
// uses DefaultProductID.
type Writer struct {
	// ProductID is the PRODID of every file; empty means DefaultProductID.
	ProductID string
	// Location is the zone that DTSTART and DTEND are written in; nil means
	// Europe/Paris. Zones that follow the EU summer-time rules get a TZID
	// and a VTIMEZONE; any other zone gets UTC times, which every client
	// shows correctly but which lose the zone name.
	Location *time.Location
	// Now gives DTSTAMP; nil means time.Now. Tests pin it.
	Now func() time.Time
}

var _ commands.Calendar = (*Writer)(nil)

// New returns a Writer for loc, or for Europe/Paris when loc is nil.
func New(loc *time.Location) *Writer {
	if loc == nil {
		loc = i18n.Paris()
	}
	return &Writer{ProductID: DefaultProductID, Location: loc, Now: time.Now}
}

// Invitation returns a file for one event. A live event is METHOD:PUBLISH
// with STATUS:CONFIRMED: PUBLISH rather than REQUEST because there is no
// organizer mailbox to reply to, and REQUEST makes Outlook show accept and
// decline buttons that go nowhere. A cancelled event is METHOD:CANCEL with
// STATUS:CANCELLED. Either way clients match the file to the event they
// already hold by UID and keep it only if SEQUENCE is higher, so the caller
// must raise e.Sequence on every change, cancellation included.
func (w *Writer) Invitation(e commands.CalendarEntry) ([]byte, error) {
	cal := w.newCalendar()
	if e.Cancelled {
		cal.SetMethod(ics.MethodCancel)
	} else {
		cal.SetMethod(ics.MethodPublish)
	}
	if err := w.addEvents(cal, []commands.CalendarEntry{e}); err != nil {
		return nil, err
	}
	return serialize(cal)
}

// Feed returns a calendar named name listing entries, for a subscription
// URL. Feeds are always METHOD:PUBLISH; a cancelled entry stays in the feed
// with STATUS:CANCELLED so that subscribers who already have it see it
// cancelled instead of having it linger.
func (w *Writer) Feed(name string, entries []commands.CalendarEntry) ([]byte, error) {
	cal := w.newCalendar()
	cal.SetMethod(ics.MethodPublish)
	// X-WR-CALNAME and X-WR-TIMEZONE are not RFC 5545, but Google, Apple
	// and Outlook use them for the subscription's title and display zone.
	cal.SetXWRCalName(oneLine(name))
	cal.SetXWRTimezone(w.location().String())
	if err := w.addEvents(cal, entries); err != nil {
		return nil, err
	}
	return serialize(cal)
}

func (w *Writer) newCalendar() *ics.Calendar {
	id := w.ProductID
	if id == "" {
		id = DefaultProductID
	}
	cal := ics.NewCalendarFor("Cercle")
	cal.SetProductId(oneLine(id))
	cal.SetCalscale("GREGORIAN")
	return cal
}

func (w *Writer) location() *time.Location {
	if w.Location == nil {
		return i18n.Paris()
	}
	return w.Location
}

func (w *Writer) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

// addEvents writes the VTIMEZONE (once, first, as clients expect it before
// the events that use it) and one VEVENT per entry.
func (w *Writer) addEvents(cal *ics.Calendar, entries []commands.CalendarEntry) error {
	for i, e := range entries {
		if err := validate(e); err != nil {
			return fmt.Errorf("calendar: entry %d: %w", i, err)
		}
	}
	loc := w.location()
	z, ok := euZone(loc, entries)
	if ok {
		cal.AddVTimezone(z.vtimezone())
	}
	stamp := w.now()
	for _, e := range entries {
		ev := cal.AddEvent(oneLine(e.UID))
		ev.SetDtStampTime(stamp)
		ev.SetSequence(e.Sequence)
		if ok {
			setLocalTime(ev, ics.ComponentPropertyDtStart, e.Start, z)
		} else {
			ev.SetStartAt(e.Start)
		}
		// An event without an end is valid: it ends when it starts. An end
		// before the start is not, and some clients reject the whole file.
		if !e.End.IsZero() && e.End.After(e.Start) {
			if ok {
				setLocalTime(ev, ics.ComponentPropertyDtEnd, e.End, z)
			} else {
				ev.SetEndAt(e.End)
			}
		}
		if e.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		ev.SetSummary(oneLine(e.Title))
		if d := text(e.Description); d != "" {
			ev.SetDescription(d)
		}
		if l := oneLine(e.Location); l != "" {
			ev.SetLocation(l)
		}
		if u := cleanURL(e.URL); u != "" {
			ev.SetURL(u)
		}
		setOrganizer(ev, e)
	}
	return nil
}

// setOrganizer writes ORGANIZER when the organiser's e-mail is known.
// RFC 5546 wants one on PUBLISH and CANCEL, and Outlook shows who runs
// the event from it. Its value must be a mailto: URI: without an address
// the property is left out (the description names the organiser).
func setOrganizer(ev *ics.VEvent, e commands.CalendarEntry) {
	addr := strings.TrimSpace(e.OrganizerEmail)
	if !plainAddress.MatchString(addr) {
		return
	}
	var params []ics.PropertyParameter
	if cn := paramText(e.Organizer); cn != "" {
		params = append(params, ics.WithCN(cn))
	}
	ev.SetOrganizer("mailto:"+addr, params...)
}

// plainAddress is an e-mail address with nothing a URI or a content line
// would read differently: the library writes ORGANIZER's value as is.
var plainAddress = regexp.MustCompile(`^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// paramText makes a name safe as a parameter value (CN). RFC 5545 quotes
// parameter values holding ",", ";" or ":" and has no escapes in them,
// but the library backslash-escapes those and the apostrophe, which
// clients would show ("N\'Diaye"). So they become a space, the
// apostrophe the typographic one, and DQUOTE, which no parameter value
// may hold, goes.
func paramText(s string) string {
	s = strings.NewReplacer(`"`, "", "'", "\u2019", ",", " ", ";", " ", ":", " ", `\`, " ").Replace(oneLine(s))
	return strings.Join(strings.Fields(s), " ")
}

func validate(e commands.CalendarEntry) error {
	if strings.TrimSpace(oneLine(e.UID)) == "" {
		return errors.New("empty UID")
	}
	if e.Start.IsZero() {
		return fmt.Errorf("UID %q: no start time", e.UID)
	}
	return nil
}

func serialize(cal *ics.Calendar) ([]byte, error) {
	var b bytes.Buffer
	// The library's default line ending is the platform's, "\n" on Unix;
	// RFC 5545 requires CRLF and strict parsers (Outlook) insist on it.
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("calendar: serialize: %w", err)
	}
	return b.Bytes(), nil
}

// localLayout is an RFC 5545 DATE-TIME in "form #3": local time with a TZID.
const localLayout = "20060102T150405"

// setLocalTime writes t as a local time with TZID, except in the hour
// repeated when summer time ends. There a local time names two instants:
// RFC 5545 (3.3.5) says clients take the first, but Go's time.Date (and so
// golang-ical's parser) takes the second, so both are written in UTC, which
// no client can misread.
func setLocalTime(ev *ics.VEvent, prop ics.ComponentProperty, t time.Time, z zone) {
	local := t.In(z.loc).Format(localLayout)
	if t.Add(-time.Hour).In(z.loc).Format(localLayout) == local ||
		t.Add(time.Hour).In(z.loc).Format(localLayout) == local {
		ev.SetProperty(prop, t.UTC().Format("20060102T150405Z"))
		return
	}
	ev.SetProperty(prop, local, ics.WithTZID(z.loc.String()))
}

// zone describes a time zone that follows the EU summer-time rules: one
// hour ahead from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
// last Sunday of October.
type zone struct {
	loc              *time.Location
	stdName, dstName string
	stdOff, dstOff   int // seconds east of UTC
}

// euZone reports whether loc follows the EU rules in every year that
// entries touch, and if so returns them. The VTIMEZONE is written from
// rules rather than copied from the zone database, so it is checked against
// that database: if the EU ever drops summer time and tzdata follows, files
// switch to UTC times instead of carrying wrong rules.
func euZone(loc *time.Location, entries []commands.CalendarEntry) (zone, bool) {
	// A TZID must name a zone other clients know; "Local" and "UTC" do not
	// qualify (and UTC has no summer time anyway).
	if name := loc.String(); name == "Local" || name == "UTC" || name == "" {
		return zone{}, false
	}
	years := map[int]bool{}
	for _, e := range entries {
		years[e.Start.In(loc).Year()] = true
		if !e.End.IsZero() {
			years[e.End.In(loc).Year()] = true
		}
	}
	if len(years) == 0 {
		return zone{}, false
	}
	var z zone
	first := true
	for y := range years {
		spring := lastSunday(y, time.March)
		autumn := lastSunday(y, time.October)
		stdName, stdOff := spring.Add(-time.Second).In(loc).Zone()
		dstName, dstOff := spring.In(loc).Zone()
		dstName2, dstOff2 := autumn.Add(-time.Second).In(loc).Zone()
		stdName2, stdOff2 := autumn.In(loc).Zone()
		if dstOff-stdOff != 3600 || dstOff2 != dstOff || stdOff2 != stdOff ||
			dstName2 != dstName || stdName2 != stdName {
			return zone{}, false
		}
		got := zone{loc: loc, stdName: stdName, dstName: dstName, stdOff: stdOff, dstOff: dstOff}
		if first {
			z, first = got, false
		} else if got != z {
			return zone{}, false
		}
	}
	return z, true
}

// lastSunday returns 01:00 UTC on the last Sunday of month in year, the
// instant of an EU summer-time change.
func lastSunday(year int, month time.Month) time.Time {
	last := time.Date(year, month+1, 0, 1, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}

// vtimezone builds the VTIMEZONE by hand: golang-ical has a component type
// for it but no helper that fills it from a zone. The observances start in
// 1970 with yearly rules, as Outlook and Google write them.
func (z zone) vtimezone() *ics.VTimezone {
	tz := ics.NewTimezone(z.loc.String())
	// Lotus/Apple-style hint that lets some clients map the TZID to their
	// own zone database instead of trusting our rules.
	tz.AddProperty(ics.ComponentProperty("X-LIC-LOCATION"), z.loc.String())

	daylight := &ics.Daylight{}
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset(z.stdOff))
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset(z.dstOff))
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzname), z.dstName)
	daylight.AddProperty(ics.ComponentPropertyDtStart,
		lastSunday(1970, time.March).Add(time.Duration(z.stdOff)*time.Second).Format(localLayout))
	daylight.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")

	standard := &ics.Standard{}
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset(z.dstOff))
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset(z.stdOff))
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzname), z.stdName)
	standard.AddProperty(ics.ComponentPropertyDtStart,
		lastSunday(1970, time.October).Add(time.Duration(z.dstOff)*time.Second).Format(localLayout))
	standard.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")

	tz.Components = append(tz.Components, daylight, standard)
	return tz
}

// offset formats seconds east of UTC as an RFC 5545 UTC-OFFSET ("+0200").
func offset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec%3600/60)
}

// text makes user text safe for a TEXT property. The library escapes
// backslash, ";", "," and "\n", but passes "\r" and other control
// characters through raw; a bare CR is a line break to some parsers, which
// would let "\r\nATTENDEE:…" in a title add a property. So every line break
// becomes "\n" (escaped by the library), other controls are dropped, and
// invalid UTF-8, which the folding code would miscount, is replaced.
func text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// oneLine is text for properties that calendars show on one line (title,
// place, UID): a line break there is never intended, so it becomes a space.
func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(text(s), "\n", " "))
}

// cleanURL returns u re-encoded, or "" if it is not an absolute URL. URL is
// a URI property, which the library writes without escaping, so a value
// that survives url.Parse (no control characters) and is re-encoded by it
// cannot break the line.
func cleanURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(strings.ToValidUTF8(u, "")))
	if err != nil || p.Scheme == "" || p.Host == "" {
		return ""
	}
	return p.String()
}
