package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
)

// delivered flushes the service's outbox and returns what each member
// received, as "user: text", sorted.
func delivered(t *testing.T, s *commands.Service) []string {
	t.Helper()
	var sent []string
	o := s.Outbox()
	o.Notifier = notifierFunc(func(to commands.Recipient, r *commands.Response) {
		sent = append(sent, string(to.User)+": "+console.Render(r))
	})
	o.PerRecipientInterval, o.Rate = 0, 0
	if _, err := o.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	slices.Sort(sent)
	return sent
}

func TestMovingUpTheWaitlistIsTold(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, _, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1})
	for _, u := range []string{"marc", "w1", "w2", "w3", "w4", "w5"} {
		slash(s, commands.UserID(u), fmt.Sprintf("inscrire %d", id))
	}
	delivered(t, s)                               // marc's confirmation
	slash(s, "w4", fmt.Sprintf("annuler %d", id)) // behind the first three: nobody there moves
	if got := delivered(t, s); len(got) != 0 {
		t.Errorf("after the 4th left: %q, want nothing", got)
	}
	slash(s, "w1", fmt.Sprintf("annuler %d", id)) // the first leaves: w2, w3, w5 move up
	got := delivered(t, s)
	want := []string{"w2: ", "w3: ", "w5: "}
	if len(got) != 3 {
		t.Fatalf("after the first left: %q, want w2, w3 and w5 told", got)
	}
	for i, g := range got {
		if !strings.HasPrefix(g, want[i]) {
			t.Errorf("got %q, want %s…", g, want[i])
		}
	}
	if !strings.Contains(got[0], "en tête de la liste d'attente") || !strings.Contains(got[1], "position 2") || !strings.Contains(got[2], "position 3") {
		t.Errorf("positions told: %q", got)
	}
}

func TestSeatGivenOutrightSaysItWasFreed(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, _, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1})
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	delivered(t, s)
	clk.Set(paris("2027-03-18 18:00"))
	slash(s, "marc", fmt.Sprintf("annuler %d", id))
	got := delivered(t, s)
	if len(got) != 1 || !strings.HasPrefix(got[0], "nadia: ") || !strings.Contains(got[0], "s'est libérée") || !strings.Contains(got[0], "est réservée") {
		t.Errorf("sent = %q, want nadia told a seat was freed for her", got)
	}
}

func TestChangeNoticeSaysWhatChanged(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, _, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(2 * time.Hour), Capacity: 5, Place: "CCI Lille"})
	ctx := context.Background()
	facilitator(t, s)
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	delivered(t, s)
	later := paris("2027-03-18 19:00")
	r := s.Submit(ctx, &commands.Submission{FormID: commands.FormEvent, State: fmt.Sprint(id), User: commands.User{ID: "claire"},
		Values: map[string]string{"event_title": "Plénière de printemps", "event_kind": "plenary", "event_place": "Maison de l'entreprise, Arras",
			"event_start": fmt.Sprint(later.Unix()), "event_end": fmt.Sprint(later.Add(2 * time.Hour).Unix()), "event_capacity": "5"}})
	if len(r.FieldErrors) > 0 {
		t.Fatal(r.FieldErrors)
	}
	got := delivered(t, s)
	if len(got) != 1 || !strings.Contains(got[0], "18h30 → 19h") || !strings.Contains(got[0], "CCI Lille → Maison de l'entreprise, Arras") {
		t.Errorf("change notice = %q, want the time and the place, before → after", got)
	}
}

func TestChangeNoticeToWhoIsConcerned(t *testing.T) {
	start := paris("2027-03-18 09:00")
	s, _, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: paris("2027-03-18 17:00"), Capacity: 1, Place: "CCI Lille"})
	ctx := context.Background()
	facilitator(t, s)
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id)) // waits
	delivered(t, s)
	edit := func(end time.Time, capacity int) {
		t.Helper()
		r := s.Submit(ctx, &commands.Submission{FormID: commands.FormEvent, State: fmt.Sprint(id), User: commands.User{ID: "claire"},
			Values: map[string]string{"event_title": "Plénière de printemps", "event_kind": "plenary", "event_place": "CCI Lille",
				"event_start": fmt.Sprint(start.Unix()), "event_end": fmt.Sprint(end.Unix()), "event_capacity": fmt.Sprint(capacity)}})
		if len(r.FieldErrors) > 0 {
			t.Fatal(r.FieldErrors)
		}
	}
	// Only the end's date moves (same hour, next day): said in full, to
	// the registrant with the calendar links (and the .ics, with a
	// Calendar) and to the one waiting without.
	edit(paris("2027-03-19 17:00"), 1)
	got := delivered(t, s)
	if len(got) != 2 || !strings.Contains(got[0], "jeudi 18 mars 2027 à 17h → vendredi 19 mars 2027 à 17h") ||
		!strings.Contains(got[0], "Google") || !strings.HasPrefix(got[1], "nadia: ") || strings.Contains(got[1], "Google") {
		t.Errorf("end date moved: %q", got)
	}
	// Capacity alone is no news for registrants (nadia gets her offer).
	edit(paris("2027-03-19 17:00"), 2)
	if got := delivered(t, s); len(got) != 1 || !strings.HasPrefix(got[0], "nadia: ") || !strings.Contains(got[0], "Une place pour vous") {
		t.Errorf("capacity raised: %q, want only nadia's offer", got)
	}
}
