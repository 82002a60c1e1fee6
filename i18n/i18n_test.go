package i18n_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"cercle/i18n"
)

// TestMissingTranslations fails on any key present in one language and not
// the other, any empty message, and any key whose French and English messages
// take a different number of fmt arguments (which would print "%!d(MISSING)"
// or "%!(EXTRA ...)" to a member in one language only).
func TestMissingTranslations(t *testing.T) {
	fr := i18n.NewPrinter(i18n.French, nil)
	en := i18n.NewPrinter(i18n.English, nil)
	langs := []struct {
		lang, other i18n.Lang
	}{
		{i18n.French, i18n.English},
		{i18n.English, i18n.French},
	}
	for _, l := range langs {
		other := make(map[string]bool)
		for _, k := range i18n.Keys(l.other) {
			other[k] = true
		}
		for _, k := range i18n.Keys(l.lang) {
			if !other[k] {
				t.Errorf("key %q is in %s.json but missing from %s.json", k, l.lang, l.other)
			}
		}
	}
	for _, k := range i18n.Keys(i18n.French) {
		frMsg, enMsg := fr.T(k), en.T(k)
		if frMsg == "" {
			t.Errorf("key %q is empty in fr.json", k)
		}
		if got, want := countVerbs(enMsg), countVerbs(frMsg); got != want {
			t.Errorf("key %q: en.json has %d fmt verbs, want %d as in fr.json", k, got, want)
		}
	}
	for _, k := range i18n.Keys(i18n.English) {
		if en.T(k) == "" {
			t.Errorf("key %q is empty in en.json", k)
		}
	}
}

// countVerbs counts fmt directives; "%%" prints a literal percent sign and
// takes no argument.
func countVerbs(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			i++
			continue
		}
		n++
	}
	return n
}

func TestCountVerbs(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"plain", 0},
		{"%d membre", 1},
		{"%s et %d", 2},
		{"100 %%", 0},
		{"%% %s %%", 1},
		{"%[2]s %[1]s", 2},
	}
	for _, tt := range tests {
		if got := countVerbs(tt.in); got != tt.want {
			t.Errorf("countVerbs(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestCatalogFormat keeps fr.json and en.json sorted, one key per line with a
// 2-space indent, and free of duplicate keys (JSON decoding silently keeps the
// last one), so additions stay easy to review and merge.
func TestCatalogFormat(t *testing.T) {
	for _, name := range []string{"fr.json", "en.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		if got := string(data); got != want.String() {
			t.Errorf("%s is not canonical (sorted keys, one per line, 2-space indent, no duplicates):\ngot:\n%s\nwant:\n%s", name, got, want.String())
		}
	}
}

func TestParseLang(t *testing.T) {
	tests := []struct {
		in   string
		want i18n.Lang
	}{
		{"fr", i18n.French},
		{"fr-FR", i18n.French},
		{"fr_FR", i18n.French},
		{"FR", i18n.French},
		{"fr-CA", i18n.French},
		{"en", i18n.English},
		{"EN", i18n.English},
		{"en-US", i18n.English},
		{"en-GB", i18n.English},
		{"en_GB", i18n.English},
		{" en ", i18n.English},
		{"", i18n.French},
		{"de-DE", i18n.French},
		{"english", i18n.French},
		{"e", i18n.French},
		{"-", i18n.French},
		{"💥", i18n.French},
	}
	for _, tt := range tests {
		if got := i18n.ParseLang(tt.in); got != tt.want {
			t.Errorf("ParseLang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewPrinter(t *testing.T) {
	p := i18n.NewPrinter(i18n.English, nil)
	if got, want := p.Location(), i18n.Paris(); got != want {
		t.Errorf("NewPrinter(en, nil).Location() = %v, want %v", got, want)
	}
	if got, want := p.Lang(), i18n.English; got != want {
		t.Errorf("Lang() = %q, want %q", got, want)
	}
	if got, want := i18n.NewPrinter("de", time.UTC).Lang(), i18n.French; got != want {
		t.Errorf("NewPrinter(de).Lang() = %q, want %q", got, want)
	}
	if got, want := i18n.NewPrinter(i18n.French, time.UTC).Location(), time.UTC; got != want {
		t.Errorf("Location() = %v, want %v", got, want)
	}
	if got, want := i18n.Paris().String(), "Europe/Paris"; got != want {
		t.Errorf("Paris() = %q, want %q", got, want)
	}
}

func TestT(t *testing.T) {
	fr := i18n.NewPrinter(i18n.French, nil)
	en := i18n.NewPrinter(i18n.English, nil)
	tests := []struct {
		name string
		p    *i18n.Printer
		key  string
		args []any
		want string
	}{
		{"plain fr", fr, "app.name", nil, "Cercle"},
		{"args fr", fr, "error.internal", []any{"ab12"}, "Un problème technique nous empêche de répondre. Référence\u00a0: ab12. L'équipe peut retrouver l'incident avec cette référence."},
		{"args en", en, "error.internal", []any{"ab12"}, "A technical problem prevents us from answering. Reference: ab12. The team can trace the incident with this reference."},
		{"no args verbatim", en, "test.members.one", nil, "%d member"},
		{"missing key fr", fr, "no.such.key", nil, "no.such.key"},
		{"missing key en", en, "no.such.key", nil, "no.such.key"},
		{"missing key with args", en, "no.such.key", []any{1, "x"}, "no.such.key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.T(tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %v) = %q, want %q", tt.key, tt.args, got, tt.want)
			}
		})
	}
}

func TestHas(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"app.name", true},
		{"test.members.one", true},
		{"test.members", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := i18n.Has(tt.key); got != tt.want {
			t.Errorf("Has(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestKeys(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.French, i18n.English} {
		keys := i18n.Keys(lang)
		if !slices.IsSorted(keys) {
			t.Errorf("Keys(%s) = %v, want sorted", lang, keys)
		}
		for _, want := range []string{"app.name", "error.internal", "test.members.one", "test.members.other"} {
			if !slices.Contains(keys, want) {
				t.Errorf("Keys(%s) = %v, want it to contain %q", lang, keys, want)
			}
		}
	}
	if got := i18n.Keys("de"); got != nil {
		t.Errorf("Keys(de) = %v, want nil", got)
	}
}

func TestPlural(t *testing.T) {
	fr := i18n.NewPrinter(i18n.French, nil)
	en := i18n.NewPrinter(i18n.English, nil)
	tests := []struct {
		p    *i18n.Printer
		n    int
		want string
	}{
		{fr, 0, "0 membre"},
		{fr, 1, "1 membre"},
		{fr, 2, "2 membres"},
		{fr, 1000, "1000 membres"},
		{fr, -1, "-1 membre"},
		{en, 0, "0 members"},
		{en, 1, "1 member"},
		{en, 2, "2 members"},
		{en, -1, "-1 member"},
	}
	for _, tt := range tests {
		if got := tt.p.Plural("test.members", tt.n); got != tt.want {
			t.Errorf("%s: Plural(test.members, %d) = %q, want %q", tt.p.Lang(), tt.n, got, tt.want)
		}
	}
	if got, want := fr.Plural("no.such", 2), "no.such.other"; got != want {
		t.Errorf("Plural(no.such, 2) = %q, want %q", got, want)
	}
}

func TestNumber(t *testing.T) {
	fr := i18n.NewPrinter(i18n.French, nil)
	en := i18n.NewPrinter(i18n.English, nil)
	tests := []struct {
		n      int
		fr, en string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{999, "999", "999"},
		{1000, "1\u202f000", "1,000"},
		{12345, "12\u202f345", "12,345"},
		{1234567, "1\u202f234\u202f567", "1,234,567"},
		{-999, "-999", "-999"},
		{-1234, "-1\u202f234", "-1,234"},
		{-123456, "-123\u202f456", "-123,456"},
		{math.MinInt64, "-9\u202f223\u202f372\u202f036\u202f854\u202f775\u202f808", "-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		if got := fr.Number(tt.n); got != tt.fr {
			t.Errorf("fr Number(%d) = %q, want %q", tt.n, got, tt.fr)
		}
		if got := en.Number(tt.n); got != tt.en {
			t.Errorf("en Number(%d) = %q, want %q", tt.n, got, tt.en)
		}
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDates(t *testing.T) {
	fr := i18n.NewPrinter(i18n.French, nil)
	en := i18n.NewPrinter(i18n.English, nil)
	tests := []struct {
		name       string
		in         string
		frDateTime string
		enDateTime string
	}{
		// CET is UTC+1: 17:30Z is 18h30 in Paris.
		{"winter CET, 1er", "2027-03-01T17:30:00Z", "lundi 1er mars 2027 à 18h30", "Monday 1 March 2027 at 6:30 pm"},
		// CEST is UTC+2: 16:30Z is 18h30 in Paris.
		{"summer CEST", "2027-07-14T16:30:00Z", "mercredi 14 juillet 2027 à 18h30", "Wednesday 14 July 2027 at 6:30 pm"},
		{"summer 1er", "2027-08-01T06:00:00Z", "dimanche 1er août 2027 à 8h", "Sunday 1 August 2027 at 8 am"},
		{"minute zero", "2027-01-11T08:00:00Z", "lundi 11 janvier 2027 à 9h", "Monday 11 January 2027 at 9 am"},
		{"minutes under ten", "2027-01-11T08:05:00Z", "lundi 11 janvier 2027 à 9h05", "Monday 11 January 2027 at 9:05 am"},
		{"noon", "2027-01-11T11:00:00Z", "lundi 11 janvier 2027 à 12h", "Monday 11 January 2027 at 12 pm"},
		{"midnight", "2027-01-10T23:00:00Z", "lundi 11 janvier 2027 à 0h", "Monday 11 January 2027 at 12 am"},
		// The UTC day differs from the Paris day late in the evening.
		{"day boundary", "2027-12-31T23:15:00Z", "samedi 1er janvier 2028 à 0h15", "Saturday 1 January 2028 at 12:15 am"},
		// Spring forward on 2027-03-28: 02:00 CET jumps to 03:00 CEST at 01:00Z.
		{"before spring forward", "2027-03-28T00:30:00Z", "dimanche 28 mars 2027 à 1h30", "Sunday 28 March 2027 at 1:30 am"},
		{"after spring forward", "2027-03-28T01:30:00Z", "dimanche 28 mars 2027 à 3h30", "Sunday 28 March 2027 at 3:30 am"},
		// Fall back on 2027-10-31: 03:00 CEST returns to 02:00 CET at 01:00Z,
		// so 2h30 happens twice.
		{"before fall back", "2027-10-31T00:30:00Z", "dimanche 31 octobre 2027 à 2h30", "Sunday 31 October 2027 at 2:30 am"},
		{"after fall back", "2027-10-31T01:30:00Z", "dimanche 31 octobre 2027 à 2h30", "Sunday 31 October 2027 at 2:30 am"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := utc(tt.in)
			if got := fr.DateTime(in); got != tt.frDateTime {
				t.Errorf("fr DateTime(%s) = %q, want %q", tt.in, got, tt.frDateTime)
			}
			if got := en.DateTime(in); got != tt.enDateTime {
				t.Errorf("en DateTime(%s) = %q, want %q", tt.in, got, tt.enDateTime)
			}
		})
	}
}

func TestDateParts(t *testing.T) {
	fr := i18n.NewPrinter(i18n.French, nil)
	en := i18n.NewPrinter(i18n.English, nil)
	frUTC := i18n.NewPrinter(i18n.French, time.UTC)
	tests := []struct {
		name string
		got  func() string
		want string
	}{
		{"fr Date 1er", func() string { return fr.Date(utc("2027-03-01T17:30:00Z")) }, "lundi 1er mars 2027"},
		{"fr Date", func() string { return fr.Date(utc("2027-03-02T17:30:00Z")) }, "mardi 2 mars 2027"},
		{"en Date", func() string { return en.Date(utc("2027-03-01T17:30:00Z")) }, "Monday 1 March 2027"},
		{"fr Time", func() string { return fr.Time(utc("2027-03-01T17:30:00Z")) }, "18h30"},
		{"fr Time minute zero", func() string { return fr.Time(utc("2027-03-01T08:00:00Z")) }, "9h"},
		{"en Time", func() string { return en.Time(utc("2027-03-01T17:30:00Z")) }, "6:30 pm"},
		{"en Time minute zero", func() string { return en.Time(utc("2027-03-01T08:00:00Z")) }, "9 am"},
		{"fr ShortDate", func() string { return fr.ShortDate(utc("2027-03-01T17:30:00Z")) }, "lun. 1er mars"},
		{"fr ShortDate abbreviated month", func() string { return fr.ShortDate(utc("2027-09-16T17:30:00Z")) }, "jeu. 16 sept."},
		{"en ShortDate", func() string { return en.ShortDate(utc("2027-03-01T17:30:00Z")) }, "Mon 1 Mar"},
		// A printer in another zone must not render Paris time.
		{"fr Time in UTC", func() string { return frUTC.Time(utc("2027-03-01T17:30:00Z")) }, "17h30"},
		{"fr Date in UTC", func() string { return frUTC.Date(utc("2027-12-31T23:15:00Z")) }, "vendredi 31 décembre 2027"},
	}
	for _, tt := range tests {
		if got := tt.got(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
