package commands_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// reminderKeys returns the reminder messages queued so far.
func reminderKeys(t *testing.T, db *storage.DB) []string {
	t.Helper()
	due, err := db.DueMessages(context.Background(), time.Now().Add(100*365*24*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range due {
		if len(m.DedupeKey) > 9 && m.DedupeKey[:9] == "reminder:" {
			keys = append(keys, m.DedupeKey)
		}
	}
	sort.Strings(keys)
	return keys
}

func TestRemindersAcrossDaylightSaving(t *testing.T) {
	// The event is on the Tuesday after the switch to summer time
	// (Sunday 28 March 2027), so J-7 falls in winter time and J-1 in summer.
	start := paris("2027-03-30 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 10})
	ctx := context.Background()
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	scan := func(at string) []string {
		t.Helper()
		clk.Set(paris(at))
		if err := s.SendReminders(ctx); err != nil {
			t.Fatal(err)
		}
		return reminderKeys(t, db)
	}
	j7 := fmt.Sprintf("reminder:%d:marc:168h:%d", id, start.Unix())
	j1 := fmt.Sprintf("reminder:%d:marc:24h:%d", id, start.Unix())

	if got := scan("2027-03-23 18:29"); len(got) != 0 {
		t.Fatalf("a minute before J-7: %v", got)
	}
	if got := scan("2027-03-23 18:30"); fmt.Sprint(got) != fmt.Sprint([]string{j7}) {
		t.Fatalf("at J-7 (18:30 CET): %v", got)
	}
	if got := scan("2027-03-23 18:31"); len(got) != 1 {
		t.Fatalf("the next minute sends J-7 again: %v", got)
	}
	// J-1 is 18:30 summer time: 16:30 UTC, not 17:30.
	if got := scan("2027-03-29 18:29"); len(got) != 1 {
		t.Fatalf("a minute before J-1: %v", got)
	}
	if !paris("2027-03-29 18:30").Equal(time.Date(2027, 3, 29, 16, 30, 0, 0, time.UTC)) {
		t.Fatal("test clock is not in summer time")
	}
	if got := scan("2027-03-29 18:30"); fmt.Sprint(got) != fmt.Sprint([]string{j7, j1}) {
		t.Fatalf("at J-1 (18:30 CEST): %v", got)
	}
}

func TestRemindersCatchUpAndLateRegistrations(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 10})
	ctx := context.Background()
	slash(s, "marc", fmt.Sprintf("inscrire %d", id)) // long before both moments
	clk.Set(paris("2027-03-17 20:00"))               // after J-1's moment
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))

	// The bot was down from before J-7 until after J-1: only the latest
	// moment is sent, late; nadia registered after it, so gets nothing.
	clk.Set(paris("2027-03-18 09:00"))
	if err := s.SendReminders(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("reminder:%d:marc:24h:%d", id, start.Unix())}
	if got := reminderKeys(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after downtime: %v, want %v", got, want)
	}
	// Once the event has started, nothing more goes out.
	clk.Set(paris("2027-03-18 18:31"))
	slash(s, "julien", fmt.Sprintf("inscrire %d", id))
	if err := s.SendReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if got := reminderKeys(t, db); len(got) != 1 {
		t.Errorf("after the start: %v", got)
	}
}
