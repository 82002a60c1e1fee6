package commands_test

import (
	"testing"

	"cercle/commands"
	"cercle/i18n"
)

// TestEventDatesAsTyped reads dates and times the way a French member
// types them in the event form (the console, where Slack's picker is
// missing): day first or ISO, 21h, 18h30, 18:30 or 18 h 30, with or
// without « à ».
func TestEventDatesAsTyped(t *testing.T) {
	now := paris("2027-01-10 09:00")
	p := i18n.NewPrinter(i18n.French, nil)
	tests := []struct {
		in   string
		want string // Paris time; "" when the text must be refused
	}{
		{"2027-02-10 18:30", "2027-02-10 18:30"},
		{"2027-02-10T18:30", "2027-02-10 18:30"},
		{"2027-02-10 21h", "2027-02-10 21:00"},
		{"2027-02-10 à 18h30", "2027-02-10 18:30"},
		{"10/02/2027 18h30", "2027-02-10 18:30"},
		{"10/02/2027 à 18h30", "2027-02-10 18:30"},
		{"10/02/2027 a 18h30", "2027-02-10 18:30"},
		{"10/02/2027 21h", "2027-02-10 21:00"},
		{"10/02/2027 à 21 h", "2027-02-10 21:00"},
		{"10/02/2027 18:30", "2027-02-10 18:30"},
		{"10/02/2027 18 h 30", "2027-02-10 18:30"},
		{"10/02/2027\u00a0à\u00a018\u202fh\u202f30", "2027-02-10 18:30"},
		{"10/02/2027 18H30", "2027-02-10 18:30"},
		{"  10/02/2027   9h05 ", "2027-02-10 09:05"},
		{"1/2/2027 9h", "2027-02-01 09:00"},
		{"10-02-2027 18h30", "2027-02-10 18:30"},
		{"10.02.2027 18h30", "2027-02-10 18:30"},
		{"10/02/27 18h30", "2027-02-10 18:30"},
		{"03/10/2027 18h30", "2027-10-03 18:30"}, // day first: 3 October, not 10 March
		{"10/02/2027", ""},                       // a time is needed
		{"18h30", ""},
		{"31/02/2027 18h30", ""},
		{"10/13/2027 18h30", ""},
		{"2027-02-10 24h", ""},
		{"2027-02-10 18h60", ""},
		{"2027-02-10 18h5", ""},
		{"2027-02-10 +1h", ""},
		{"10/02/2027 à", ""},
		{"demain 18h", ""},
		{"mardi 14h", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			values := map[string]string{"event_title": "Plénière", "event_kind": "plenary", "event_place": "Lille",
				"event_start": tt.in, "event_end": "2027-12-31 23:00", "event_capacity": "60"}
			ev, fe := commands.ParseEvent(values, now, i18n.Paris(), p)
			switch {
			case tt.want == "" && fe["event_start"] == "":
				t.Errorf("accepted as %v, want refused", ev.Start.In(i18n.Paris()))
			case tt.want == "":
			case fe != nil:
				t.Errorf("refused (%v), want %s", fe, tt.want)
			case !ev.Start.Equal(paris(tt.want)):
				t.Errorf("got %v, want %s", ev.Start.In(i18n.Paris()), tt.want)
			}
		})
	}
}
