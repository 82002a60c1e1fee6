package commands_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// bigRollCall is a started event of 1,005 confirmed registrants, U0000 to
// U1004 in line order, with claire as facilitator.
func bigRollCall(t *testing.T) (*commands.Service, func(...commands.RegistrationStatus) map[commands.UserID]commands.RegistrationStatus, int64) {
	t.Helper()
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 1005})
	if _, err := s.EnsureMember(context.Background(), commands.User{ID: "claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	for i := range 1005 {
		slash(s, commands.UserID(fmt.Sprintf("U%04d", i)), fmt.Sprintf("inscrire %d", id))
	}
	clk.Set(start.Add(time.Hour))
	states := func(st ...commands.RegistrationStatus) map[commands.UserID]commands.RegistrationStatus {
		out := map[commands.UserID]commands.RegistrationStatus{}
		for _, r := range registrations(t, db, id, st...) {
			out[r.UserID] = r.Status
		}
		return out
	}
	if n := len(states(commands.RegRegistered)); n != 1005 {
		t.Fatalf("%d registered, want 1005", n)
	}
	return s, states, id
}

// TestRollCallInPages: 1,005 registrants make eleven pages of at most
// 100, each a form of at most 10 groups of at most ten, together holding
// everyone once. Submitting page 2 records page 2 only and offers page 3,
// by command and by button.
func TestRollCallInPages(t *testing.T) {
	s, states, id := bigRollCall(t)
	ctx := context.Background()
	claire := commands.User{ID: "claire"}
	seen := map[string]int{}
	var forms []*commands.Form
	for n := 1; n <= 11; n++ {
		r := s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("appel %d %d", id, n), User: claire})
		if r.Form == nil || len(r.Form.Fields) > 10 || !strings.Contains(r.Form.Title, fmt.Sprintf("page %d/11", n)) {
			t.Fatalf("page %d: %s %+v", n, renderText(r), r.Form)
		}
		for _, f := range r.Form.Fields {
			if len(f.Options) == 0 || len(f.Options) > 10 {
				t.Errorf("page %d, %s: %d options", n, f.ID, len(f.Options))
			}
			for _, o := range f.Options {
				seen[o.Value]++
			}
		}
		forms = append(forms, r.Form)
	}
	if len(seen) != 1005 || len(forms[10].Fields) != 1 || len(forms[10].Fields[0].Options) != 5 {
		t.Errorf("%d people over the pages, last page %+v", len(seen), forms[10].Fields)
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("%s on %d pages", u, n)
		}
	}

	// Page 2: the first of each group came.
	page2 := forms[1]
	values := map[string]string{}
	for _, f := range page2.Fields {
		values[f.ID] = f.Options[0].Value
	}
	out := s.Submit(ctx, &commands.Submission{FormID: page2.ID, State: page2.State, Values: values, User: claire})
	for _, want := range []string{"10 personnes présentes", "Page 2 sur 11 enregistrée", fmt.Sprintf("/cercle appel %d 3", id)} {
		if !strings.Contains(renderText(out), want) {
			t.Errorf("answer lacks %q: %s", want, renderText(out))
		}
	}
	attended, absent, registered := states(commands.RegAttended), states(commands.RegNoShow), states(commands.RegRegistered)
	if len(attended) != 10 || len(absent) != 90 || len(registered) != 905 {
		t.Errorf("after page 2: %d present, %d absent, %d untouched; want 10, 90, 905", len(attended), len(absent), len(registered))
	}
	for _, u := range []commands.UserID{"U0000", "U0099", "U0200", "U1004"} {
		if _, ok := registered[u]; !ok {
			t.Errorf("%s, not on page 2, was changed", u)
		}
	}
	if _, ok := attended["U0110"]; !ok {
		t.Errorf("U0110, ticked on page 2, not present")
	}
	if _, ok := absent["U0199"]; !ok {
		t.Errorf("U0199, unticked on page 2, not absent")
	}

	// The answer's button opens page 3.
	var next *commands.Button
	for _, sec := range out.Sections {
		for i, b := range sec.Buttons {
			if b.ActionID == commands.ActionRollCallPage {
				next = &sec.Buttons[i]
			}
		}
	}
	if next == nil || next.Label != "Page suivante" {
		t.Fatalf("no Page suivante button: %+v", out.Sections)
	}
	r := s.Act(ctx, &commands.Action{ID: next.ActionID, Value: next.Value, User: claire})
	if r.Form == nil || r.Form.State != forms[2].State || r.Form.Fields[0].Options[0].Value != "U0200" {
		t.Errorf("the button opened %s %+v, want page 3", renderText(r), r.Form)
	}
	if r := s.Act(ctx, &commands.Action{ID: next.ActionID, Value: next.Value, User: commands.User{ID: "U0001"}}); r.Form != nil {
		t.Errorf("a member opened a roll call page")
	}
}

// TestRollCallPageChecked: a page is checked like typed input, typed or
// forged in a form's state: no such page, or a page whose people moved,
// is refused with a clear answer and records nothing.
func TestRollCallPageChecked(t *testing.T) {
	s, states, id := bigRollCall(t)
	ctx := context.Background()
	claire := commands.User{ID: "claire"}
	for _, page := range []string{"0", "12", "x", "-1"} {
		out := slash(s, "claire", fmt.Sprintf("appel %d %s", id, page))
		if want := fmt.Sprintf("Il n'y a pas de page «\u00a0%s\u00a0»\u00a0: cet appel va de la page 1 à la page 11.", page); !strings.Contains(out, want) {
			t.Errorf("page %s: %q, want %q", page, out, want)
		}
	}
	if out := slash(s, "claire", fmt.Sprintf("appel %d 2 3", id)); !strings.Contains(out, "numéro de page") {
		t.Errorf("three arguments: %q", out)
	}
	form := s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("appel %d 2", id), User: claire}).Form
	q, err := url.ParseQuery(form.State)
	if err != nil {
		t.Fatal(err)
	}
	forged := func(key, value string) string {
		f := url.Values{}
		for k, v := range q {
			f[k] = v
		}
		f.Set(key, value)
		return f.Encode()
	}
	for _, c := range []struct{ state, want string }{
		{forged("page", "12"), "Il n'y a pas de page «\u00a012\u00a0»"},
		{forged("page", "9"), "a changé depuis l'ouverture"},
		{forged("page", "deux"), "Cette page de la liste n'existe pas"},
		{forged("first", "U0050"), "a changé depuis l'ouverture"},
		{forged("first", "personne"), "a changé depuis l'ouverture"},
		{forged("event", "0"), "numéro"},
	} {
		out := renderText(s.Submit(ctx, &commands.Submission{FormID: form.ID, State: c.state, Values: map[string]string{}, User: claire}))
		if !strings.Contains(out, c.want) {
			t.Errorf("state %q: %q, want %q", c.state, out, c.want)
		}
	}
	if n := len(states(commands.RegRegistered)); n != 1005 {
		t.Errorf("forged pages recorded: %d registered left, want 1005", n)
	}
}

// TestRollCallPageKeepsItsPeople: someone on page 1 leaves while page 2
// is open (the clock goes back for that), so the line moves up by one.
// Page 2 still records the people it showed, and the first of page 3,
// now 200th in line, is left alone.
func TestRollCallPageKeepsItsPeople(t *testing.T) {
	start := paris("2027-03-18 18:30")
	s, db, clk, id := eventService(t, paris("2027-03-01 09:00"), commands.Event{Start: start, End: start.Add(time.Hour), Capacity: 205})
	ctx := context.Background()
	facilitator(t, s)
	for i := range 205 {
		slash(s, commands.UserID(fmt.Sprintf("U%04d", i)), fmt.Sprintf("inscrire %d", id))
	}
	clk.Set(start.Add(time.Hour))
	claire := commands.User{ID: "claire"}
	form := s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("appel %d 2", id), User: claire}).Form
	if form == nil {
		t.Fatal("no page 2")
	}
	clk.Set(start.Add(-time.Hour))
	slash(s, "U0005", fmt.Sprintf("annuler %d", id))
	clk.Set(start.Add(time.Hour))
	out := renderText(s.Submit(ctx, &commands.Submission{FormID: form.ID, State: form.State, Values: map[string]string{}, User: claire}))
	if !strings.Contains(out, "0 personne présente") {
		t.Fatalf("page 2 submitted: %q", out)
	}
	absent := registrations(t, db, id, commands.RegNoShow)
	if len(absent) != 100 || absent[0].UserID != "U0100" || absent[99].UserID != "U0199" {
		t.Errorf("%d absent, from %s to %s; want U0100 to U0199", len(absent), absent[0].UserID, absent[len(absent)-1].UserID)
	}
}
