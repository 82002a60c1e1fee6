package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cercle/commands"
	"cercle/console"
)

// bureauNet is a network, on Monday 7 December 2026, with a member who
// applies (author, whose company is in their profile), a guest, another
// member, and two facilitators: filer, who files for the guest, and
// staff.
func newBureauNet(t *testing.T) *expertNet {
	t.Helper()
	n := newExpertNet(t)
	ctx := context.Background()
	for _, u := range []commands.UserID{"guest", "filer"} {
		slash(n.s, u, "aide")
	}
	if err := n.db.SetRole(ctx, "admin", "filer", commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.SaveCompany(ctx, "author", &commands.Company{Name: "Métallerie Secrète", Sector: "Métallurgie",
		City: "Lunel", FoundedYear: 2015, Headcount: 42}); err != nil {
		t.Fatal(err)
	}
	return n
}

const bureauProject = "Nous voulons passer d'une production à la commande à une gamme de mobilier urbain en acier recyclé, vendue aux collectivités du Gard."

// applyValues are the form's values as a member fills them, with over
// changing some.
func applyValues(form *commands.Form, over map[string]string) map[string]string {
	v := map[string]string{}
	for _, f := range form.Fields {
		v[f.ID] = f.Value
	}
	v["bureau_revenue"], v["bureau_kind"] = "1M-5M", "energetique"
	v["bureau_project"], v["bureau_expectations"] = bureauProject, "Un regard de dirigeants d'autres secteurs sur le modèle économique."
	for k, x := range over {
		v[k] = x
	}
	return v
}

// apply opens the form as user with args and submits it, returning the
// answer and the application stored.
func (n *expertNet) apply(t *testing.T, user commands.UserID, args string, over map[string]string) (string, *commands.Application) {
	t.Helper()
	open := n.s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: strings.TrimSpace("bureau candidater " + args), User: commands.User{ID: user}})
	if open.Form == nil {
		t.Fatalf("no form: %s", console.Render(open))
	}
	resp := n.submit(user, open.Form.ID, open.Form.State, applyValues(open.Form, over))
	if len(resp.FieldErrors) > 0 {
		t.Fatalf("application refused: %v", resp.FieldErrors)
	}
	apps, err := n.db.FindApplications(context.Background(), commands.ApplicationFilter{})
	if err != nil || len(apps) == 0 {
		t.Fatalf("no application stored: %v", err)
	}
	return console.Render(resp), apps[len(apps)-1]
}

func TestBureauApplicationEligible(t *testing.T) {
	n := newBureauNet(t)
	open := n.s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: "bureau candidater", User: commands.User{ID: "author"}})
	if open.Form == nil {
		t.Fatalf("no form: %s", console.Render(open))
	}
	prefilled := map[string]string{}
	for _, f := range open.Form.Fields {
		prefilled[f.ID] = f.Value
	}
	if prefilled["bureau_company"] != "Métallerie Secrète" || prefilled["bureau_founded"] != "2015" || prefilled["bureau_headcount"] != "42" || prefilled["bureau_revenue"] != "" {
		t.Errorf("form not prefilled from the profile: %v", prefilled)
	}
	bad := n.submit("author", open.Form.ID, "", applyValues(open.Form, map[string]string{"bureau_project": "Trop court.", "bureau_founded": "3000"}))
	if bad.FieldErrors["bureau_project"] == "" || bad.FieldErrors["bureau_founded"] == "" {
		t.Errorf("short project and future year accepted: %v", bad.FieldErrors)
	}
	out, a := n.apply(t, "author", "", nil)
	if a.Status != commands.ApplicationEligible || a.Applicant != "author" || a.FiledBy != "" || a.Company != "Métallerie Secrète" || len(a.Misses) != 0 {
		t.Errorf("stored: %+v", a)
	}
	if !strings.Contains(out, "remplit les critères") {
		t.Errorf("answer: %s", out)
	}
	if mine := slash(n.s, "author", "bureau"); !strings.Contains(mine, "mobilier urbain") || !strings.Contains(mine, "éligible") {
		t.Errorf("/cercle bureau:\n%s", mine)
	}
	// The band given goes to the profile, survives the profile form, and
	// fills the next application.
	profile := n.s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: "profil", User: commands.User{ID: "author"}}).Form
	values := map[string]string{}
	for _, f := range profile.Fields {
		values[f.ID] = f.Value
	}
	if r := n.submit("author", profile.ID, profile.State, values); len(r.FieldErrors) > 0 {
		t.Fatalf("profile: %v", r.FieldErrors)
	}
	if m, _ := n.db.FindMemberByUserID(context.Background(), "author"); m.Company.Revenue != commands.Revenue1MTo5M {
		t.Errorf("revenue band after the profile form: %q", m.Company.Revenue)
	}
	next := n.s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: "bureau candidater", User: commands.User{ID: "author"}}).Form
	for _, f := range next.Fields {
		if f.ID == "bureau_revenue" && f.Value != string(commands.Revenue1MTo5M) {
			t.Errorf("next form's band: %q", f.Value)
		}
	}
}

func TestBureauToDecideAcceptedWithReason(t *testing.T) {
	n := newBureauNet(t)
	out, a := n.apply(t, "author", "", map[string]string{"bureau_founded": "2024", "bureau_headcount": "2", "bureau_revenue": "<300k"})
	if a.Status != commands.ApplicationToDecide || len(a.Misses) != 3 {
		t.Fatalf("stored: %+v", a)
	}
	for _, want := range []string{"un animateur décidera", "créée en 2024, n'a pas les 3 ans", "sous le minimum de 300\u202f000\u00a0€", "compte 2 salariés"} {
		if !strings.Contains(out, want) {
			t.Errorf("answer lacks %q:\n%s", want, out)
		}
	}
	queue := slash(n.s, "staff", "bureau candidatures")
	if !strings.Contains(queue, "à décider") || !strings.Contains(queue, fmt.Sprintf("bureau.accept %d", a.ID)) {
		t.Fatalf("queue:\n%s", queue)
	}
	id := fmt.Sprint(a.ID)
	form := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionAcceptApplication, Value: id, User: commands.User{ID: "staff"}})
	if form.Form == nil || form.Form.Fields[0].Optional {
		t.Fatalf("accepting a to_decide application must ask a reason: %s", console.Render(form))
	}
	if r := n.submit("staff", form.Form.ID, form.Form.State, map[string]string{"bureau_reason": ""}); r.FieldErrors["bureau_reason"] == "" {
		t.Errorf("accepted without a reason: %s", console.Render(r))
	}
	r := n.submit("staff", form.Form.ID, form.Form.State, map[string]string{"bureau_reason": "Deux salariés mais un projet mûr et ambitieux."})
	if len(r.FieldErrors) > 0 {
		t.Fatal(r.FieldErrors)
	}
	got, _ := n.db.FindApplication(context.Background(), a.ID)
	if got.Status != commands.ApplicationAccepted || got.DecidedBy != "staff" || got.DecisionReason != "Deux salariés mais un projet mûr et ambitieux." || got.DecidedAt.IsZero() {
		t.Errorf("decided: %+v", got)
	}
	if msgs := n.outbox(t, "author", "bureau:"); len(msgs) != 1 || !strings.Contains(msgs[0], "acceptée") || strings.Contains(msgs[0], "mûr") {
		t.Errorf("applicant told: %v", msgs)
	}
	if q := slash(n.s, "staff", "bureau candidatures"); strings.Contains(q, "bureau.accept") || !strings.Contains(q, "bureau.schedule 1") {
		t.Errorf("an accepted application waits for its slot, no longer for a decision:\n%s", q)
	}
}

// guestCompany is what a facilitator completes for a guest without a
// profile.
var guestCompany = map[string]string{"bureau_company": "Domaine des Garrigues", "bureau_sector": "Viticulture",
	"bureau_city": "Sommières", "bureau_founded": "2010", "bureau_headcount": "9"}

// TestBureauAuthorizationMatrix: on a member's application and on one a
// facilitator filed for a guest, who sees it, and who may accept or
// refuse it, by the button and by a forged form. Refusals are in French,
// change nothing, and someone who may not see it is told it does not
// exist.
func TestBureauAuthorizationMatrix(t *testing.T) {
	actors := []commands.UserID{"author", "guest", "other", "staff", "filer"}
	cases := []struct {
		name    string
		apply   func(t *testing.T, n *expertNet) *commands.Application
		sees    map[commands.UserID]bool
		decides map[commands.UserID]bool
	}{
		{"member", func(t *testing.T, n *expertNet) *commands.Application {
			_, a := n.apply(t, "author", "", nil)
			return a
		},
			map[commands.UserID]bool{"author": true, "staff": true, "filer": true},
			map[commands.UserID]bool{"staff": true, "filer": true}},
		{"guest", func(t *testing.T, n *expertNet) *commands.Application {
			_, a := n.apply(t, "filer", "<@guest>", guestCompany)
			return a
		},
			map[commands.UserID]bool{"guest": true, "staff": true, "filer": true},
			map[commands.UserID]bool{"staff": true, "filer": true}},
	}
	steps := []struct{ action, verb string }{{commands.ActionAcceptApplication, "accept"}, {commands.ActionRefuseApplication, "refuse"}}
	for _, c := range cases {
		for _, st := range steps {
			for _, actor := range actors {
				t.Run(c.name+"/"+st.verb+"/"+string(actor), func(t *testing.T) {
					n := newBureauNet(t)
					a := c.apply(t, n)
					if c.name == "guest" && (a.Applicant != "guest" || a.FiledBy != "filer") {
						t.Fatalf("filed: %+v", a)
					}
					id := fmt.Sprint(a.ID)
					resp := n.s.Act(context.Background(), &commands.Action{ID: st.action, Value: id, User: commands.User{ID: actor}})
					out := console.Render(resp)
					forged := n.submit(actor, commands.FormBureauDecision, st.verb+":"+id, map[string]string{"bureau_reason": "Raison forgée"})
					after, _ := n.db.FindApplication(context.Background(), a.ID)
					changed := after.Version != a.Version
					if c.decides[actor] {
						if resp.Form == nil || !changed {
							t.Errorf("%s may %s: form %v, changed %v: %s", actor, st.verb, resp.Form != nil, changed, out)
						}
						return
					}
					fout := console.Render(forged)
					if resp.Form != nil || changed || strings.Contains(out+fout, "mobilier") {
						t.Errorf("%s may not %s (changed %v): %s / %s", actor, st.verb, changed, out, fout)
					}
					if !strings.Contains(out, "animateurs") || !strings.Contains(fout, "animateurs") {
						t.Errorf("%s: refusal not in French: %s / %s", actor, out, fout)
					}
				})
			}
		}
		t.Run(c.name+"/see", func(t *testing.T) {
			n := newBureauNet(t)
			a := c.apply(t, n)
			for _, actor := range actors {
				text := slash(n.s, actor, "bureau") + slash(n.s, actor, "bureau candidatures")
				if got := strings.Contains(text, "mobilier urbain"); got != c.sees[actor] {
					t.Errorf("%s sees application %d: %v, want %v", actor, a.ID, got, c.sees[actor])
				}
			}
		})
	}
	t.Run("ForgedID", func(t *testing.T) {
		n := newBureauNet(t)
		for _, actor := range []commands.UserID{"staff", "author"} {
			out := console.Render(n.submit(actor, commands.FormBureauDecision, "accept:999", map[string]string{"bureau_reason": "x"}))
			wo := n.act(actor, commands.ActionWithdrawApplication, "999")
			if actor == "staff" && !strings.Contains(out, "Je ne trouve pas de candidature n°999") {
				t.Errorf("%s, forged id: %s", actor, out)
			}
			if !strings.Contains(wo, "Je ne trouve pas de candidature n°999") {
				t.Errorf("%s, forged withdraw: %s", actor, wo)
			}
		}
	})
	t.Run("Withdraw", func(t *testing.T) {
		n := newBureauNet(t)
		_, a := n.apply(t, "author", "", nil)
		for _, actor := range []commands.UserID{"other", "staff"} {
			n.act(actor, commands.ActionWithdrawApplication, fmt.Sprint(a.ID))
		}
		if got, _ := n.db.FindApplication(context.Background(), a.ID); got.Version != a.Version {
			t.Errorf("withdrawn by someone else: %+v", got)
		}
		if out := n.act("author", commands.ActionWithdrawApplication, fmt.Sprint(a.ID)); !strings.Contains(out, "retirée") {
			t.Errorf("withdraw: %s", out)
		}
	})
	t.Run("GuestOnlyByFacilitator", func(t *testing.T) {
		n := newBureauNet(t)
		if out := slash(n.s, "other", "bureau candidater <@guest>"); !strings.Contains(out, "Seul un animateur") {
			t.Errorf("member filing for a guest: %s", out)
		}
		open := n.s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: "bureau candidater", User: commands.User{ID: "other"}})
		r := n.submit("other", commands.FormBureauApplication, "guest", applyValues(open.Form, map[string]string{"bureau_company": "X", "bureau_sector": "Y", "bureau_city": "Z", "bureau_founded": "2000", "bureau_headcount": "5"}))
		if apps, _ := n.db.FindApplications(context.Background(), commands.ApplicationFilter{}); len(apps) != 0 || !strings.Contains(console.Render(r), "Seul un animateur") {
			t.Errorf("forged guest state: %s, %d stored", console.Render(r), len(apps))
		}
	})
}
