package calendar_test

import (
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// TestOrganizer: the organiser is an ORGANIZER with their name when their
// e-mail is known, and no ORGANIZER at all otherwise (a mailto: is
// required), whatever the name or the address holds.
func TestOrganizer(t *testing.T) {
	tests := []struct {
		name, organizer, email string
		wantValue, wantCN      string // wantValue "": no ORGANIZER
	}{
		{"known e-mail", "Claire Vasseur", "claire@example.org", "mailto:claire@example.org", "Claire Vasseur"},
		{"name a parameter would mangle", `Jean N'Diaye, "CCI"; Lille: nord\`, "jean.ndiaye+cercle@cci.example.fr",
			"mailto:jean.ndiaye+cercle@cci.example.fr", "Jean N\u2019Diaye CCI Lille nord"},
		{"no name", "", "claire@example.org", "mailto:claire@example.org", ""},
		{"unknown e-mail", "Claire Vasseur", "", "", ""},
		{"not an address", "Claire Vasseur", "claire", "", ""},
		{"injected line", "Claire", "c@example.org\r\nATTENDEE:mailto:x@example.org", "", ""},
		{"URI syntax in the address", "Claire", "c@example.org?subject=x", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := summer()
			e.Organizer, e.OrganizerEmail = tt.organizer, tt.email
			data, err := newWriter(t, nil).Invitation(e)
			if err != nil {
				t.Fatal(err)
			}
			ev := onlyEvent(t, parse(t, data))
			if strings.Contains(string(data), "ATTENDEE") {
				t.Errorf("file has an ATTENDEE:\n%s", data)
			}
			prop := ev.GetProperty(ics.ComponentPropertyOrganizer)
			if tt.wantValue == "" {
				if prop != nil {
					t.Errorf("ORGANIZER = %q, want none", prop.Value)
				}
				return
			}
			if prop == nil {
				t.Fatalf("no ORGANIZER in\n%s", data)
			}
			if prop.Value != tt.wantValue {
				t.Errorf("ORGANIZER = %q, want %q", prop.Value, tt.wantValue)
			}
			var cn string
			if v := prop.ICalParameters[string(ics.ParameterCn)]; len(v) > 0 {
				cn = v[0]
			}
			if cn != tt.wantCN {
				t.Errorf("CN = %q, want %q", cn, tt.wantCN)
			}
			for _, line := range strings.Split(string(data), "\r\n") {
				if strings.HasPrefix(line, "ORGANIZER") && strings.Contains(line, `\`) {
					t.Errorf("ORGANIZER line has a backslash escape clients would show: %q", line)
				}
			}
		})
	}
}
