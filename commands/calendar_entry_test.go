package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"cercle/calendar"
	"cercle/commands"
)

// emailDirectory is Slack's users.info with the users:read.email scope.
type emailDirectory struct{ directory }

func (d *emailDirectory) LookupUser(ctx context.Context, id commands.UserID) (*commands.Profile, error) {
	p, err := d.directory.LookupUser(ctx, id)
	if err == nil {
		p.Email = strings.ToLower(string(id)) + "@example.org"
	}
	return p, err
}

const appURL = "https://slack.com/app_redirect?app=A0CERCLE"

// createdEventICS creates an event through the facilitator's form, as
// workspace team, registers a member and returns the .ics the
// confirmation carries.
func createdEventICS(t *testing.T, team string) (*ics.VEvent, string) {
	t.Helper()
	ctx := context.Background()
	now := paris("2027-03-01 09:00")
	s, db := newService(t, &emailDirectory{}, func(c *commands.Config) {
		c.Calendar, c.AppURL, c.Now = calendar.New(nil), appURL, func() time.Time { return now }
	})
	db.Now = func() time.Time { return now }
	if _, err := s.EnsureMember(ctx, commands.User{ID: "UFAC", TeamID: team}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	s.SyncProfiles(ctx) // Claire Vasseur, ufac@example.org
	resp := s.Submit(ctx, &commands.Submission{FormID: commands.FormEvent, User: commands.User{ID: "UFAC", TeamID: team},
		Values: map[string]string{"event_title": "Plénière de printemps", "event_kind": "plenary", "event_place": "CCI Lille",
			"event_description": "Témoignages et budget.", "event_start": "2027-03-18 18:30", "event_end": "2027-03-18 21:00", "event_capacity": "10"}})
	if resp.FieldErrors != nil {
		t.Fatalf("event form: %v", resp.FieldErrors)
	}
	slash(s, "UFAC", "evenement publier 1")
	var files []commands.File
	s.Outbox().Notifier = notifierFunc(func(_ commands.Recipient, r *commands.Response) { files = append(files, r.Files...) })
	s.Outbox().PerRecipientInterval, s.Outbox().Rate = 0, 0
	slash(s, "U1", "inscrire 1")
	if _, err := s.Outbox().Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("confirmation files = %d, want the .ics", len(files))
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(files[0].Content))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ics: %v\n%s", err, files[0].Content)
	}
	return cal.Events()[0], string(files[0].Content)
}

// TestCalendarEntry: the .ics sent with a confirmation carries the
// event's description, its organiser (ORGANIZER with their e-mail, their
// name in the description too), a link back to Cercle, and a UID made at
// creation that names the workspace and differs from that of the event
// with the same number after a database reset.
func TestCalendarEntry(t *testing.T) {
	ev, raw := createdEventICS(t, "T0ABC123")
	uid := ev.Id()
	if !strings.HasSuffix(uid, "@t0abc123.cercle") || len(uid) < 26+len("@t0abc123.cercle") || strings.HasPrefix(uid, "event-") {
		t.Errorf("UID = %q, want a random part at the workspace t0abc123", uid)
	}
	desc := ev.GetProperty(ics.ComponentPropertyDescription)
	for _, want := range []string{"Témoignages et budget.", "Organisé par Claire Vasseur", "Gérer votre inscription", appURL} {
		if desc == nil || !strings.Contains(desc.Value, want) {
			t.Errorf("DESCRIPTION lacks %q:\n%s", want, raw)
		}
	}
	if u := ev.GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != appURL {
		t.Errorf("URL = %v, want %s", u, appURL)
	}
	org := ev.GetProperty(ics.ComponentPropertyOrganizer)
	if org == nil || org.Value != "mailto:ufac@example.org" || fmt.Sprint(org.ICalParameters["CN"]) != "[Claire Vasseur]" {
		t.Errorf("ORGANIZER = %+v, want Claire Vasseur <ufac@example.org>", org)
	}

	// A reset database numbers its first event 1 again: not the same UID.
	again, _ := createdEventICS(t, "T0ABC123")
	if again.Id() == uid {
		t.Errorf("event 1 after a reset has the UID %q of the event before", uid)
	}
}
