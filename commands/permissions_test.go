package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// TestForgedFormsAndButtonsRefused submits every facilitator form as a
// plain member, as a forged Slack payload would: each is refused by its
// feature's table and changes nothing.
func TestForgedFormsAndButtonsRefused(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 5})
	ctx := context.Background()
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	before, _ := db.FindEventByID(ctx, id)
	clk.Set(start.Add(time.Hour)) // the roll call is open
	for _, sub := range []*commands.Submission{
		{FormID: commands.FormEvent, Values: map[string]string{"event_title": "Faux", "event_kind": "plenary",
			"event_start": fmt.Sprint(start.Add(48 * time.Hour).Unix()), "event_end": fmt.Sprint(start.Add(50 * time.Hour).Unix()), "event_capacity": "9"}},
		{FormID: commands.FormEvent, State: fmt.Sprint(id), Values: map[string]string{"event_title": "Détourné", "event_kind": "plenary",
			"event_start": fmt.Sprint(start.Add(48 * time.Hour).Unix()), "event_end": fmt.Sprint(start.Add(50 * time.Hour).Unix()), "event_capacity": "1"}},
		{FormID: commands.FormRollCall, State: fmt.Sprint(id), Values: map[string]string{"attended_1": ""}},
	} {
		sub.User = commands.User{ID: "marc"}
		out := renderText(s.Submit(ctx, sub))
		if !strings.Contains(out, "réservée aux animateurs") {
			t.Errorf("member submitting %s (state %q): %q, want a refusal", sub.FormID, sub.State, out)
		}
	}
	after, _ := db.FindEventByID(ctx, id)
	if after.Title != before.Title || after.Capacity != before.Capacity || after.Sequence != before.Sequence {
		t.Errorf("event changed by forged forms: %+v", after)
	}
	if evs, _ := db.FindEvents(ctx, commands.EventFilter{}); len(evs) != 1 {
		t.Errorf("%d events, want the one", len(evs))
	}
	if regs := registrations(t, db, id, commands.RegNoShow); len(regs) != 0 {
		t.Errorf("roll call recorded by a member: %+v", regs)
	}
	if out := renderText(s.Act(ctx, &commands.Action{ID: "event.delete", Value: "1", User: commands.User{ID: "marc"}})); !strings.Contains(out, "bouton") {
		t.Errorf("unknown button: %q", out)
	}
}

// TestStaleNoticesAreNotSent checks that a notice is worded from the data
// as it stands at delivery: a confirmation for a seat given up before it
// went out is not sent, and the seat's offer carries the current deadline.
func TestStaleNoticesAreNotSent(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1})
	ctx := context.Background()
	var sent []string
	notifier := notifierFunc(func(to commands.Recipient, r *commands.Response) {
		sent = append(sent, string(to.User)+": "+renderText(r))
	})
	s.Outbox().Notifier, s.Outbox().PerRecipientInterval, s.Outbox().Rate = notifier, 0, 0
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	slash(s, "marc", fmt.Sprintf("annuler %d", id)) // before his confirmation went out
	if _, err := s.Outbox().Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || !strings.HasPrefix(sent[0], "nadia: ") || !strings.Contains(sent[0], "Une place pour vous") {
		t.Fatalf("sent = %q, want only nadia's offer", sent)
	}
	if n, total, _ := db.CountMessages(ctx, "confirm:"); n != 1 || total != 1 {
		t.Errorf("marc's confirmation: %d done of %d, want recorded as done without a post", n, total)
	}

	// Registered, cancelled and registered again before delivery: one
	// confirmation. On an event cancelled before delivery: only the
	// cancellation.
	start2 := start.Add(7 * 24 * time.Hour)
	other := &commands.Event{Kind: commands.KindVisit, Title: "Visite", Start: start2, End: start2.Add(time.Hour),
		CancelCutoff: start2, Capacity: 5, Status: commands.EventPublished, CreatedBy: "claire"}
	third := *other
	third.Title = "Formation"
	if err := db.CreateEvent(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateEvent(ctx, &third); err != nil {
		t.Fatal(err)
	}
	facilitator(t, s)
	sent = nil
	slash(s, "julien", fmt.Sprintf("inscrire %d", third.ID))
	slash(s, "julien", fmt.Sprintf("annuler %d", third.ID))
	slash(s, "julien", fmt.Sprintf("inscrire %d", third.ID))
	slash(s, "lea", fmt.Sprintf("inscrire %d", other.ID))
	slash(s, "lea", fmt.Sprintf("annuler %d", other.ID))
	slash(s, "lea", fmt.Sprintf("inscrire %d", other.ID))
	slash(s, "claire", fmt.Sprintf("evenement annuler %d confirmer", other.ID))
	if _, err := s.Outbox().Flush(ctx); err != nil {
		t.Fatal(err)
	}
	slices.Sort(sent)
	if len(sent) != 2 || !strings.HasPrefix(sent[0], "julien: ") || !strings.Contains(sent[0], "Formation") ||
		!strings.HasPrefix(sent[1], "lea: ") || !strings.Contains(sent[1], "annulé") {
		t.Errorf("sent = %q, want julien's one confirmation and lea's cancellation notice", sent)
	}
}

type notifierFunc func(to commands.Recipient, r *commands.Response)

func (f notifierFunc) Notify(_ context.Context, to commands.Recipient, r *commands.Response, d commands.Delivery) (commands.Delivery, error) {
	f(to, r)
	d.Done = 1 + len(r.Files)
	return d, nil
}

func (f notifierFunc) FindSent(context.Context, commands.Recipient, string, time.Time) (commands.MessageRef, bool, error) {
	return commands.MessageRef{}, false, nil
}

func (f notifierFunc) PartMethods(int) []string { return nil }

func (f notifierFunc) Update(context.Context, commands.MessageRef, *commands.Response) error {
	return nil
}
