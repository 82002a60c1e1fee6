package commands_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// TestAttendeesCSV: the export dates a seat from when it was obtained
// (here, an offer accepted long after registering), says since when
// people waited, carries the e-mail Slack shares (empty when it shares
// none), and still opens in French Excel without running a formula.
func TestAttendeesCSV(t *testing.T) {
	ctx := context.Background()
	start := paris("2027-03-18 18:30")
	_, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(2 * time.Hour), Capacity: 1})
	emails := map[commands.UserID]string{"UFAC": "claire@example.org", "U1": "ana@example.org", "U2": "=HYPERLINK(\"x\")@example.org"}
	s := commands.NewService(commands.Config{Store: db, Now: clk.Now, Directory: dirFunc(func(id commands.UserID) *commands.Profile {
		return &commands.Profile{ID: id, Name: "Membre " + string(id), Email: emails[id]}
	})})
	if _, err := s.EnsureMember(ctx, commands.User{ID: "UFAC"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	var files []commands.File
	s.Outbox().Notifier = notifierFunc(func(_ commands.Recipient, r *commands.Response) { files = append(files, r.Files...) })
	s.Outbox().PerRecipientInterval, s.Outbox().Rate = 0, 0

	steps := []struct{ at, user, cmd string }{
		{"2027-03-02 10:00", "U1", "inscrire %d"}, // seat
		{"2027-03-03 11:15", "U2", "inscrire %d"}, // waits
		{"2027-03-04 12:30", "U3", "inscrire %d"}, // waits behind
		{"2027-03-05 08:00", "U1", "annuler %d"},  // U2 is offered the seat
	}
	for _, st := range steps {
		clk.Set(paris(st.at))
		slash(s, commands.UserID(st.user), fmt.Sprintf(st.cmd, id))
	}
	clk.Set(paris("2027-03-05 09:45"))
	offered := registrations(t, db, id, commands.RegOffered)
	if len(offered) != 1 || offered[0].UserID != "U2" {
		t.Fatalf("offered = %+v, want U2", offered)
	}
	s.Act(ctx, &commands.Action{ID: commands.ActionAcceptOffer, Value: fmt.Sprint(offered[0].ID), User: commands.User{ID: "U2"}})
	s.SyncProfiles(ctx)
	slash(s, "UFAC", fmt.Sprintf("inscrits %d csv", id))
	if _, err := s.Outbox().Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("files = %d, want the CSV", len(files))
	}
	content := string(files[0].Content)
	if !strings.HasPrefix(content, "\uFEFF") || !strings.Contains(content, "\r\n") {
		t.Errorf("CSV without BOM or CRLF: %q", content)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(content, "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Role and status (columns 4 and 5) are worded elsewhere.
	p := printer()
	want := [][]string{
		{p.T("csv.member"), p.T("csv.company"), p.T("csv.email"), p.T("csv.role"), p.T("csv.status"), p.T("csv.position"),
			p.T("csv.seat_at"), p.T("csv.waitlisted_at"), p.T("csv.no_shows")},
		{"Membre U1", "", "ana@example.org", "", "", "", "02/03/2027 10:00", "", "0"},
		{"Membre U2", "", "'=HYPERLINK(\"x\")@example.org", "", "", "", "05/03/2027 09:45", "03/03/2027 11:15", "0"},
		{"Membre U3", "", "", "", "", "1", "", "04/03/2027 12:30", "0"},
	}
	for _, row := range rows[1:] {
		if len(row) > 4 {
			row[3], row[4] = "", ""
		}
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("CSV rows:\n got %q\nwant %q", rows, want)
	}
}

// dirFunc is a directory answering from a function.
type dirFunc func(commands.UserID) *commands.Profile

func (f dirFunc) LookupUser(_ context.Context, id commands.UserID) (*commands.Profile, error) {
	return f(id), nil
}

func (f dirFunc) ListUsers(context.Context) ([]*commands.Profile, error) { return nil, nil }
