package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
)

// press renders the answer to a button press as the console shows it.
func press(s *commands.Service, user commands.UserID, action, value string) string {
	return console.Render(s.Act(context.Background(), &commands.Action{ID: action, Value: value, User: commands.User{ID: user, Name: string(user)}}))
}

// button is how the console shows a button, from its catalog label.
func button(labelKey, action string, value any) string {
	return fmt.Sprintf("[%s] (:clic %s %v)", printer().T(labelKey), action, value)
}

// TestEachViewShowsTheViewersOwnStanding: two seats; marc has one, paul
// is offered the one nadia gave up, zoe waits in line and julien never
// registered. The list, the details, the announcement each one receives
// and the Home tab show each of them where they stand and the button
// that fits, never « S'inscrire » to someone already in.
func TestEachViewShowsTheViewersOwnStanding(t *testing.T) {
	start := paris("2027-03-18 18:30")
	var dms strings.Builder
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 2})
	for _, u := range []string{"marc", "nadia", "paul", "zoe"} {
		slash(s, commands.UserID(u), fmt.Sprintf("inscrire %d", id))
	}
	slash(s, "nadia", fmt.Sprintf("annuler %d", id))
	slash(s, "julien", "aide")
	offer := registrations(t, db, id, commands.RegOffered)
	if len(offer) != 1 || offer[0].UserID != "paul" {
		t.Fatalf("offers = %+v, want paul's", offer)
	}
	p := printer()
	register := fmt.Sprintf(":clic event.register %d)", id)
	want := map[commands.UserID][]string{
		"marc":   {p.T("state.registered"), button("event.button.cancel", commands.ActionCancel, id)},
		"paul":   {p.T("state.offered", p.DateTime(offer[0].OfferExpiresAt)), button("offer.accept", commands.ActionAcceptOffer, offer[0].ID), button("offer.decline", commands.ActionDeclineOffer, offer[0].ID)},
		"zoe":    {p.T("state.waitlisted", 1), button("event.button.leave_waitlist", commands.ActionCancel, id)},
		"julien": {button("event.button.join_waitlist", commands.ActionRegister, id)},
		"nadia":  {button("event.button.join_waitlist", commands.ActionRegister, id)},
	}
	check := func(view string, u commands.UserID, out string) {
		t.Helper()
		for _, w := range want[u] {
			if !strings.Contains(out, w) {
				t.Errorf("%s as seen by %s lacks %q:\n%s", view, u, w, out)
			}
		}
		if registered := u != "julien" && u != "nadia"; registered == strings.Contains(out, register) {
			t.Errorf("%s as seen by %s: register button shown = %v:\n%s", view, u, !registered, out)
		}
	}
	for u := range want {
		check("the list", u, slash(s, u, "evenements"))
		check("the details", u, press(s, u, commands.ActionDetails, fmt.Sprint(id)))
	}
	for _, u := range []commands.UserID{"marc", "paul", "zoe"} {
		check("the Home tab", u, console.Render(s.Home(context.Background(), commands.User{ID: u})))
	}

	// The announcement each member receives by DM shows their own standing.
	s, _, _, id = eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 1})
	if _, err := s.EnsureMember(context.Background(), commands.User{ID: "claire", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	slash(s, "zoe", fmt.Sprintf("inscrire %d", id))
	slash(s, "julien", "aide")
	slash(s, "claire", fmt.Sprintf("annoncer %d", id))
	deliver(t, s, &dms)
	want = map[commands.UserID][]string{
		"marc":   {p.T("state.registered"), button("event.button.cancel", commands.ActionCancel, id)},
		"zoe":    {p.T("state.waitlisted", 1), button("event.button.leave_waitlist", commands.ActionCancel, id)},
		"julien": {button("event.button.join_waitlist", commands.ActionRegister, id)},
	}
	for u := range want {
		check("the announcement", u, dmTo(dms.String(), u))
	}
}

// deliver sends what the outbox holds through a console notifier that
// writes to out.
func deliver(t *testing.T, s *commands.Service, out *strings.Builder) {
	t.Helper()
	o := s.Outbox()
	o.PerRecipientInterval, o.Rate = 0, 0
	o.Notifier = console.Notifier{Out: out}
	if _, err := o.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// dmTo returns the direct messages to u among those a console notifier
// printed.
func dmTo(printed string, u commands.UserID) string {
	var out []string
	for _, m := range strings.Split(printed, "📨 [")[1:] {
		if strings.HasPrefix(m, "message direct à @"+string(u)+"]") {
			out = append(out, m)
		}
	}
	return strings.Join(out, "\n")
}

// TestDraftsForFacilitatorsOnly: a facilitator finds every draft in the
// list and on the Home tab, under « Brouillons », and publishes one with
// its button, by the rule the command follows; a member never sees a
// draft and cannot press the button.
func TestDraftsForFacilitatorsOnly(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 10})
	ctx := context.Background()
	for _, f := range []commands.UserID{"claire", "hugo"} {
		if _, err := s.EnsureMember(ctx, commands.User{ID: f, Name: string(f)}, commands.RoleFacilitator); err != nil {
			t.Fatal(err)
		}
	}
	draft := &commands.Event{Kind: commands.KindVisit, Title: "Visite en préparation", Start: start.Add(24 * time.Hour), End: start.Add(26 * time.Hour),
		CancelCutoff: start, Capacity: 12, Status: commands.EventDraft, CreatedBy: "hugo"}
	if err := db.CreateEvent(ctx, draft); err != nil {
		t.Fatal(err)
	}
	p := printer()
	publish := fmt.Sprintf("(:clic %s %d)", commands.ActionPublish, draft.ID)
	for _, view := range []string{slash(s, "claire", "evenements"), console.Render(s.Home(ctx, commands.User{ID: "claire"}))} {
		if !strings.Contains(view, "## "+p.T("drafts.title")) || !strings.Contains(view, draft.Title) || !strings.Contains(view, publish) ||
			!strings.Contains(view, p.Plural("drafts.count", 1)) || !strings.Contains(view, "@hugo") {
			t.Errorf("facilitator's view lacks the draft and its button:\n%s", view)
		}
	}
	for _, view := range []string{slash(s, "marc", "evenements"), console.Render(s.Home(ctx, commands.User{ID: "marc"}))} {
		if strings.Contains(view, p.T("drafts.title")) || strings.Contains(view, draft.Title) || strings.Contains(view, commands.ActionPublish) {
			t.Errorf("member's view shows a draft:\n%s", view)
		}
	}
	if out := press(s, "marc", commands.ActionPublish, fmt.Sprint(draft.ID)); !strings.Contains(out, p.T("error.forbidden.facilitator")) {
		t.Errorf("member pressing Publish: %s", out)
	}
	if out := press(s, "claire", commands.ActionPublish, fmt.Sprint(id)); !strings.Contains(out, p.T("event.error.not_draft")) {
		t.Errorf("publishing a published event: %s", out)
	}
	if out := press(s, "claire", commands.ActionPublish, "99999"); !strings.Contains(out, p.T("event.error.not_found", 99999)) {
		t.Errorf("publishing no event: %s", out)
	}
	if out := press(s, "claire", commands.ActionPublish, fmt.Sprint(draft.ID)); !strings.Contains(out, p.T("event.published", draft.Title, draft.ID)) {
		t.Fatalf("publish button: %s", out)
	}
	if ev, _ := db.FindEventByID(ctx, draft.ID); ev.Status != commands.EventPublished {
		t.Errorf("after the button, the draft is %s", ev.Status)
	}
	out := slash(s, "marc", "evenements")
	if !strings.Contains(out, draft.Title) || strings.Contains(out, p.T("drafts.title")) || !strings.Contains(out, p.Plural("events.count", 2)) {
		t.Errorf("member's list after publishing:\n%s", out)
	}
}

// TestPageButtonsAreCheckedLikeTypedInput: a page button's value comes
// back from Slack untouched by the core, so a forged one is refused or
// brought back within the list, never trusted.
func TestPageButtonsAreCheckedLikeTypedInput(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, _, _, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 10})
	if _, err := s.EnsureMember(context.Background(), commands.User{ID: "claire", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	slash(s, "marc", fmt.Sprintf("inscrire %d", id))
	p := printer()
	bad := p.T("list.error.page")
	for _, tt := range []struct {
		user          commands.UserID
		action, value string
		want, mustNot string
		replaceWanted bool
	}{
		{"marc", commands.ActionEventsPage, "abc", bad, "", false},
		{"marc", commands.ActionEventsPage, "-8:0", bad, "", false},
		{"marc", commands.ActionEventsPage, "8", bad, "", false},
		{"marc", commands.ActionEventsPage, "99999999999999999999999:0", bad, "", false},
		{"marc", commands.ActionEventsPage, "800:0", "Plénière de printemps", "", true}, // past the end: the last page
		{"marc", commands.ActionAgendaPage, "1:2", bad, "", false},
		{"marc", commands.ActionAgendaPage, "45", "Plénière de printemps", "", true},
		{"marc", commands.ActionAttendeesPage, fmt.Sprintf("%d:0", id), p.T("error.forbidden.facilitator"), "marc", false},
		{"claire", commands.ActionAttendeesPage, "0:0", p.T("event.error.bad_id", "0"), "", false},
		{"claire", commands.ActionAttendeesPage, "424242:0", p.T("event.error.not_found", 424242), "", false},
		{"claire", commands.ActionAttendeesPage, fmt.Sprintf("%d:30", id), "marc", "", true},
	} {
		r := s.Act(context.Background(), &commands.Action{ID: tt.action, Value: tt.value, User: commands.User{ID: tt.user}})
		out := console.Render(r)
		if !strings.Contains(out, tt.want) || tt.mustNot != "" && strings.Contains(out, tt.mustNot) || r.Replace != tt.replaceWanted {
			t.Errorf("%s presses %s %q: replace=%v\n%s", tt.user, tt.action, tt.value, r.Replace, out)
		}
	}
}
