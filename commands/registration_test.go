package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
	"cercle/i18n"
	"cercle/storage"
)

// clock is a settable time for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func paris(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, i18n.Paris())
	if err != nil {
		panic(err)
	}
	return t
}

// eventService is a service at a fixed moment with one published event.
func eventService(t testing.TB, now time.Time, ev commands.Event) (*commands.Service, *storage.DB, *clock, int64) {
	t.Helper()
	clk := &clock{t: now}
	s, db := newService(t, nil, func(c *commands.Config) { c.Now = clk.Now })
	db.Now = clk.Now
	if ev.Kind == "" {
		ev.Kind = commands.KindPlenary
	}
	if ev.Title == "" {
		ev.Title = "Plénière de printemps"
	}
	if ev.CancelCutoff.IsZero() {
		ev.CancelCutoff = ev.Start.Add(-48 * time.Hour)
	}
	ev.Status = commands.EventPublished
	ev.CreatedBy = "claire"
	if err := db.CreateEvent(context.Background(), &ev); err != nil {
		t.Fatal(err)
	}
	return s, db, clk, ev.ID
}

// facilitator makes claire a facilitator of the network.
func facilitator(t testing.TB, s *commands.Service) {
	t.Helper()
	if _, err := s.EnsureMember(context.Background(), commands.User{ID: "claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
}

func registrations(t testing.TB, db *storage.DB, id int64, st ...commands.RegistrationStatus) []*commands.Registration {
	t.Helper()
	regs, err := db.FindRegistrations(context.Background(), commands.RegistrationFilter{EventID: id, Statuses: st})
	if err != nil {
		t.Fatal(err)
	}
	return regs
}

func TestConcurrentRegistrationsNeverOverbook(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-01-10 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 200})
	const members = 2000
	var wg sync.WaitGroup
	replies := make([]string, members)
	for i := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = slash(s, commands.UserID(fmt.Sprintf("U%04d", i)), fmt.Sprintf("inscrire %d", id))
		}()
	}
	wg.Wait()
	// Each member registers twice more: "already", never a second row.
	for i := 0; i < members; i += 97 {
		if out := slash(s, commands.UserID(fmt.Sprintf("U%04d", i)), fmt.Sprintf("inscrire %d", id)); !strings.Contains(out, "déjà") {
			t.Fatalf("second registration answered %q", out)
		}
	}

	confirmed := registrations(t, db, id, commands.RegRegistered)
	waiting := registrations(t, db, id, commands.RegWaitlisted)
	if len(confirmed) != 200 || len(waiting) != 1800 || len(registrations(t, db, id)) != members {
		t.Fatalf("registered %d, waitlisted %d; want 200 and 1800 and no duplicate", len(confirmed), len(waiting))
	}
	// The line is in arrival order: each waiting member was told the
	// position the list now shows.
	told := map[commands.UserID]string{}
	for i, r := range replies {
		told[commands.UserID(fmt.Sprintf("U%04d", i))] = r
	}
	for i, r := range waiting {
		if r.Position != i+1 {
			t.Fatalf("waitlist[%d] has position %d", i, r.Position)
		}
		if want := fmt.Sprintf("en position %d.", i+1); !strings.Contains(told[r.UserID], want) {
			t.Fatalf("%s was told %q, want %q", r.UserID, told[r.UserID], want)
		}
	}

	// 50 cancellations: exactly 50 offers, to the 50 first in line.
	var cwg sync.WaitGroup
	for _, r := range confirmed[:50] {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			if out := slash(s, r.UserID, fmt.Sprintf("annuler %d", id)); !strings.Contains(out, "est annulée") {
				t.Errorf("cancel: %q", out)
			}
		}()
	}
	cwg.Wait()
	offered := registrations(t, db, id, commands.RegOffered)
	if len(offered) != 50 {
		t.Fatalf("%d offers after 50 cancellations, want 50", len(offered))
	}
	for _, o := range offered {
		found := false
		for _, w := range waiting[:50] {
			found = found || w.UserID == o.UserID
		}
		if !found {
			t.Errorf("offer to %s, who was not among the first 50 in line", o.UserID)
		}
	}
	if _, total, _ := db.CountMessages(context.Background(), "offer:"); total != 50 {
		t.Errorf("%d offer messages queued, want 50", total)
	}
	ev, _ := db.FindEventByID(context.Background(), id)
	if ev.Registered+ev.Offered != 200 {
		t.Errorf("seats taken or offered = %d, want 200", ev.Registered+ev.Offered)
	}
}

func TestRegistrationRules(t *testing.T) {
	start := paris("2027-03-18 18:30")
	ev := commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 1, Deadline: paris("2027-03-10 12:00")}
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), ev)
	ctx := context.Background()
	cmd := func(user, text string) string {
		if strings.Contains(text, "%d") {
			text = fmt.Sprintf(text, id)
		}
		return slash(s, commands.UserID(user), text)
	}

	if out := cmd("marc", "inscrire %d"); !strings.Contains(out, "votre place est réservée") {
		t.Fatalf("register: %s", out)
	}
	if out := cmd("marc", "inscrire %d"); !strings.Contains(out, "déjà réservée") {
		t.Errorf("twice: %s", out)
	}
	if out := cmd("nadia", "inscrire %d"); !strings.Contains(out, "liste d'attente, en position 1") {
		t.Errorf("full: %s", out)
	}
	for _, tt := range []struct{ user, text, want string }{
		{"julien", "annuler %d", "Vous n'avez pas d'inscription"},
		{"julien", "inscrire 99999", "Je ne trouve pas d'événement numéro 99999"},
		{"julien", "inscrire douze", "n'est pas un numéro d'événement"},
		{"julien", "inscrire", "Indiquez le numéro"},
		{"julien", "inscrire -3", "n'est pas un numéro"},
		{"julien", "inscrits %d", "réservée aux animateurs"},
		{"julien", "evenement nouveau", "réservée aux animateurs"},
	} {
		if out := cmd(tt.user, tt.text); !strings.Contains(out, tt.want) {
			t.Errorf("%s %q: %s, want %q", tt.user, tt.text, out, tt.want)
		}
	}

	// A forged button: julien presses Accept with nadia's registration id.
	nadia := registrations(t, db, id, commands.RegWaitlisted)[0]
	clk.Set(paris("2027-03-05 09:00"))
	cmd("marc", "annuler %d") // before the cut-off: not late; the seat goes to nadia
	if regs := registrations(t, db, id, commands.RegCancelled); len(regs) != 1 || regs[0].Late {
		t.Fatalf("cancelled = %+v, want one, not late", regs)
	}
	forged := s.Act(ctx, &commands.Action{ID: commands.ActionAcceptOffer, Value: fmt.Sprint(nadia.ID), User: commands.User{ID: "julien"}})
	if out := renderText(forged); !strings.Contains(out, "Je ne trouve pas cette offre") {
		t.Errorf("forged accept: %s", out)
	}
	if regs := registrations(t, db, id, commands.RegOffered); len(regs) != 1 || regs[0].UserID != "nadia" {
		t.Fatalf("offers = %+v, want nadia's, untouched", regs)
	}
	// The offer lapses: nobody else waits, so the seat stays free.
	clk.Set(paris("2027-03-07 09:00"))
	if err := s.ExpireOffers(ctx); err != nil {
		t.Fatal(err)
	}
	if regs := registrations(t, db, id, commands.RegExpired); len(regs) != 1 {
		t.Fatalf("expired = %d, want 1", len(regs))
	}
	accept := s.Act(ctx, &commands.Action{ID: commands.ActionAcceptOffer, Value: fmt.Sprint(nadia.ID), User: commands.User{ID: "nadia"}})
	if out := renderText(accept); !strings.Contains(out, "plus en attente") {
		t.Errorf("late accept: %s", out)
	}
	// Past the deadline: closed. Past the start: started.
	clk.Set(paris("2027-03-11 09:00"))
	if out := cmd("lea", "inscrire %d"); !strings.Contains(out, "closes") {
		t.Errorf("after deadline: %s", out)
	}
	cmd("nadia", "inscrire %d") // refused too: the deadline holds for everyone
	clk.Set(paris("2027-03-18 19:00"))
	if out := cmd("marc", "annuler %d"); !strings.Contains(out, "déjà commencé") {
		t.Errorf("after start: %s", out)
	}
}

func TestLateCancellation(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 5})
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	clk.Set(paris("2027-03-17 09:00")) // inside the 48 h cut-off
	if out := slash(s, "marc", fmt.Sprintf("annuler %d", id)); !strings.Contains(out, "tardive") {
		t.Errorf("late cancel: %s", out)
	}
	if regs := registrations(t, db, id, commands.RegCancelled); len(regs) != 1 || !regs[0].Late {
		t.Errorf("cancelled = %+v, want late", regs)
	}
}

func TestCancelledEventRefusesEverything(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 5})
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	if _, err := s.EnsureMember(context.Background(), commands.User{ID: "claire", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	// First the question, with who will be told; nothing is cancelled.
	preview := s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("evenement annuler %d", id), User: commands.User{ID: "claire"}})
	if out := console.Render(preview); !strings.Contains(out, "1 personne inscrite ou sur la liste d'attente en sera prévenue") || !strings.Contains(out, "annuler 1 confirmer") {
		t.Fatalf("cancel event preview: %s", out)
	}
	if ev, _ := db.FindEventByID(context.Background(), id); ev.Status != commands.EventPublished {
		t.Fatalf("the preview cancelled the event")
	}
	button := preview.Sections[1].Buttons[0]
	if button.Confirm == nil || button.ActionID != commands.ActionCancelEvent {
		t.Fatalf("cancel button = %+v, want a confirmed danger button", button)
	}
	// A member pressing a forwarded button is refused; the facilitator's press cancels.
	if out := renderText(s.Act(context.Background(), &commands.Action{ID: button.ActionID, Value: button.Value, User: commands.User{ID: "marc"}})); !strings.Contains(out, "réservée aux animateurs") {
		t.Fatalf("member pressing cancel: %s", out)
	}
	if out := renderText(s.Act(context.Background(), &commands.Action{ID: button.ActionID, Value: button.Value, User: commands.User{ID: "claire"}})); !strings.Contains(out, "1 personne est prévenue") {
		t.Fatalf("cancel event: %s", out)
	}
	for _, text := range []string{"inscrire %d", "annuler %d"} {
		if out := slash(s, "nadia", fmt.Sprintf(text, id)); !strings.Contains(out, "annulé") {
			t.Errorf("%s on a cancelled event: %s", text, out)
		}
	}
	if _, total, _ := db.CountMessages(context.Background(), fmt.Sprintf("event-cancelled:%d:", id)); total != 1 {
		t.Errorf("%d cancellation messages, want 1", total)
	}
}

func TestEventForm(t *testing.T) {
	now := paris("2027-01-10 09:00")
	p := i18n.NewPrinter(i18n.French, nil)
	good := map[string]string{"event_title": "Visite de Gesnord", "event_kind": "visit", "event_place": "Courrières",
		"event_start": "2027-02-04 14:00", "event_end": "18/02/2027 17h00", "event_capacity": "25"}
	ev, fe := commands.ParseEvent(good, now, i18n.Paris(), p)
	if fe != nil {
		t.Fatalf("errors: %v", fe)
	}
	if !ev.Start.Equal(paris("2027-02-04 14:00")) || ev.Capacity != 25 || !ev.CancelCutoff.Equal(ev.Start.Add(-48*time.Hour)) {
		t.Errorf("event = %+v", ev)
	}
	unix := fmt.Sprint(paris("2027-02-04 14:00").Unix())
	if ev, fe := commands.ParseEvent(merge(good, map[string]string{"event_start": unix}), now, i18n.Paris(), p); fe != nil || !ev.Start.Equal(paris("2027-02-04 14:00")) {
		t.Errorf("picker value: %+v %v", ev, fe)
	}
	for _, tt := range []struct {
		field, value string
	}{
		{"event_capacity", "0"}, {"event_capacity", "-4"}, {"event_capacity", "beaucoup"},
		{"event_end", "2027-02-04 13:00"}, {"event_start", "2026-12-01 10:00"}, {"event_start", "demain"},
		{"event_title", strings.Repeat("x", 151)}, {"event_title", ""}, {"event_kind", "apéro"},
		{"event_deadline", "2027-03-01 10:00"}, {"event_cutoff", "toujours"},
	} {
		_, fe := commands.ParseEvent(merge(good, map[string]string{tt.field: tt.value}), now, i18n.Paris(), p)
		if fe[tt.field] == "" {
			t.Errorf("%s=%q accepted (errors %v)", tt.field, tt.value, fe)
		}
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func renderText(r *commands.Response) string {
	var b strings.Builder
	b.WriteString(r.Title)
	for _, s := range r.Sections {
		for _, sp := range s.Body {
			b.WriteString(sp.Text)
		}
	}
	return b.String()
}

func TestSeatFreedInTheLastHourGoesToTheLine(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1})
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	clk.Set(paris("2027-03-18 18:00")) // too late for an offer anyone could act on
	slash(s, "marc", fmt.Sprintf("annuler %d", id))
	regs := registrations(t, db, id, commands.RegRegistered)
	if len(regs) != 1 || regs[0].UserID != "nadia" {
		t.Fatalf("registered = %+v, want nadia promoted outright", regs)
	}
	if _, total, _ := db.CountMessages(context.Background(), fmt.Sprintf("confirm:%d:", regs[0].ID)); total != 1 {
		t.Errorf("%d confirmations for nadia, want 1", total)
	}
}

func TestNoAcceptingOnACancelledEvent(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1})
	ctx := context.Background()
	facilitator(t, s)
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	slash(s, "marc", fmt.Sprintf("annuler %d", id))
	offer := registrations(t, db, id, commands.RegOffered)[0]
	slash(s, "claire", fmt.Sprintf("evenement annuler %d confirmer", id))
	out := renderText(s.Act(ctx, &commands.Action{ID: commands.ActionAcceptOffer, Value: fmt.Sprint(offer.ID), User: commands.User{ID: "nadia"}}))
	if !strings.Contains(out, "annulé") {
		t.Errorf("accept on a cancelled event: %s", out)
	}
	if regs := registrations(t, db, id, commands.RegRegistered); len(regs) != 0 {
		t.Errorf("registered after cancellation: %+v", regs)
	}
	if out := slash(s, "claire", fmt.Sprintf("evenement publier %d", id)); !strings.Contains(out, "est annulé") {
		t.Errorf("publishing a cancelled event: %s", out)
	}
	if ev, _ := db.FindEventByID(ctx, id); ev.Status != commands.EventCancelled {
		t.Errorf("status = %s, want cancelled", ev.Status)
	}
}

func TestCapacityNeverBelowSeatsTaken(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 2})
	ctx := context.Background()
	facilitator(t, s)
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	before, _ := db.FindEventByID(ctx, id)
	edit := func(capacity int) *commands.Response {
		return s.Submit(ctx, &commands.Submission{FormID: commands.FormEvent, State: fmt.Sprint(id), User: commands.User{ID: "claire"},
			Values: map[string]string{"event_title": before.Title, "event_kind": "plenary", "event_place": before.Place,
				"event_start": fmt.Sprint(start.Unix()), "event_end": fmt.Sprint(start.Add(time.Hour).Unix()),
				"event_capacity": fmt.Sprint(capacity)}})
	}
	if r := edit(1); !strings.Contains(r.FieldErrors["event_capacity"], "2") {
		t.Errorf("capacity below seats taken: %+v, want a field error naming the 2 seats taken", r)
	}
	slash(s, "julien", fmt.Sprintf("inscrire %d", id)) // full: waits
	if r := edit(3); len(r.FieldErrors) > 0 || !strings.Contains(renderText(r), "3") {
		t.Fatalf("capacity raised: %s %v", renderText(r), r.FieldErrors)
	}
	offers := registrations(t, db, id, commands.RegOffered)
	after, _ := db.FindEventByID(ctx, id)
	if len(offers) != 1 || offers[0].UserID != "julien" || after.Sequence != before.Sequence+1 || after.Offered != 1 {
		t.Errorf("after raising the capacity: offers %+v, event %+v", offers, after)
	}
	if _, total, _ := db.CountMessages(ctx, fmt.Sprintf("event-changed:%d:", id)); total != 0 {
		t.Errorf("%d change notices for a change of capacity, want none", total)
	}
	if _, total, _ := db.CountMessages(ctx, fmt.Sprintf("offer:%d:", offers[0].ID)); total != 1 {
		t.Errorf("%d offer DMs for julien, want 1, queued with the change", total)
	}
}

func TestRollCallInGroupsOfTen(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 30})
	ctx := context.Background()
	facilitator(t, s)
	for i := range 23 {
		slash(s, commands.UserID(fmt.Sprintf("U%02d", i)), fmt.Sprintf("inscrire %d", id))
	}
	clk.Set(start.Add(time.Hour))
	r := s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("appel %d", id), User: commands.User{ID: "claire"}})
	if r.Form == nil || len(r.Form.Fields) != 3 || len(r.Form.Fields[2].Options) != 3 {
		t.Fatalf("roll call form = %+v", r.Form)
	}
	values := map[string]string{}
	for _, f := range r.Form.Fields {
		values[f.ID] = f.Options[0].Value // one present per group
	}
	s.Submit(ctx, &commands.Submission{FormID: r.Form.ID, State: r.Form.State, Values: values, User: commands.User{ID: "claire"}})
	if n := len(registrations(t, db, id, commands.RegAttended)); n != 3 {
		t.Errorf("attended = %d, want 3", n)
	}
	if n := len(registrations(t, db, id, commands.RegNoShow)); n != 20 {
		t.Errorf("no-shows = %d, want 20", n)
	}
}

func TestNoRollCallOnACancelledEvent(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 5})
	ctx := context.Background()
	facilitator(t, s)
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	clk.Set(start.Add(time.Hour))
	form := s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("appel %d", id), User: commands.User{ID: "claire"}})
	if form.Form == nil {
		t.Fatalf("roll call form: %s", renderText(form))
	}
	clk.Set(start.Add(-time.Hour)) // cancelled while the form was open (the clock goes back for that)
	slash(s, "claire", fmt.Sprintf("evenement annuler %d confirmer", id))
	clk.Set(start.Add(time.Hour))
	out := renderText(s.Submit(ctx, &commands.Submission{FormID: form.Form.ID, State: form.Form.State,
		Values: map[string]string{}, User: commands.User{ID: "claire"}}))
	if !strings.Contains(out, "annulé") {
		t.Errorf("roll call on a cancelled event: %q", out)
	}
	if regs := registrations(t, db, id, commands.RegNoShow); len(regs) != 0 {
		t.Errorf("no-shows recorded on a cancelled event: %+v", regs)
	}
}

func TestWordsMatchWhatWasGivenUp(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1})
	ctx := context.Background()
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	slash(s, "julien", fmt.Sprintf("inscrire %d", id))
	if out := slash(s, "julien", fmt.Sprintf("annuler %d", id)); !strings.Contains(out, "quitté la liste d'attente") {
		t.Errorf("leaving the waitlist: %q", out)
	}
	slash(s, "marc", fmt.Sprintf("annuler %d", id)) // the seat is offered to nadia
	if out := slash(s, "nadia", fmt.Sprintf("annuler %d", id)); !strings.Contains(out, "renoncé à la place proposée") {
		t.Errorf("giving up an offer: %q", out)
	}
	states := map[commands.UserID]commands.RegistrationStatus{}
	for _, r := range registrations(t, db, id) {
		states[r.UserID] = r.Status
	}
	want := map[commands.UserID]commands.RegistrationStatus{"marc": commands.RegCancelled, "nadia": commands.RegDeclined, "julien": commands.RegWithdrawn}
	for u, st := range want {
		if states[u] != st {
			t.Errorf("%s is %s, want %s", u, states[u], st)
		}
	}
	if ev, _ := db.FindEventByID(ctx, id); ev.Registered != 0 || ev.Offered != 0 || ev.Waitlisted != 0 {
		t.Errorf("counts = %+v, want all zero", ev)
	}
}

// TestRollCallFormCheckedWhenSubmitted submits a roll call for an event
// a month ahead, as a forged or stale form would: the rule of the command
// that opens the form is checked again at submission, and nobody is
// marked absent.
func TestRollCallFormCheckedWhenSubmitted(t *testing.T) {
	start := paris("2027-04-01 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 5})
	ctx := context.Background()
	facilitator(t, s)
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "nadia", fmt.Sprintf("inscrire %d", id))
	out := renderText(s.Submit(ctx, &commands.Submission{FormID: commands.FormRollCall, State: fmt.Sprint(id),
		Values: map[string]string{}, User: commands.User{ID: "claire"}}))
	if !strings.Contains(out, "une fois l'événement commencé") {
		t.Errorf("roll call a month ahead: %q", out)
	}
	if regs := registrations(t, db, id, commands.RegNoShow); len(regs) != 0 {
		t.Errorf("no-shows recorded before the event: %+v", regs)
	}
}
