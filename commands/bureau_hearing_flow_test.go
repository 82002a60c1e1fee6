package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cercle/commands"
	"cercle/console"
)

// hearingPeers are the peers of the hearing tests, with their company
// and sector: p_met shares the applicant's sector (Métallurgie), p_conf
// declares a conflict with the applicant's company.
var hearingPeers = []struct {
	user             commands.UserID
	company, sector  string
	conflictWithMine bool
}{
	{"p_btp", "Bâtiments du Lez", "BTP", false},
	{"p_tour", "Camping des Pins", "Tourisme", false},
	{"p_num", "Octet Sud", "Numérique", false},
	{"p_vit", "Mas de la Garrigue", "Viticulture", false},
	{"p_met", "Forges de Ganges", "Métallurgie", false},
	{"p_conf", "Transports du Gard", "Transport", true},
	{"p_out", "Cabinet Comptable Nîmes", "Conseil", false},
}

// newHearingNet is a bureau network whose author's application is
// accepted, with the peers named by a facilitator, and a hearing day on
// Tuesday 15 December 2026 from 9 h, created through its form.
func newHearingNet(t *testing.T) (*expertNet, *commands.Application, int64) {
	t.Helper()
	n := newBureauNet(t)
	ctx := context.Background()
	refs := []string{}
	for _, p := range hearingPeers {
		slash(n.s, p.user, "aide")
		if _, err := n.db.SaveCompany(ctx, p.user, &commands.Company{Name: p.company, Sector: p.sector, City: "Montpellier", FoundedYear: 2000, Headcount: 20}); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, "<@"+string(p.user)+">")
	}
	if out := slash(n.s, "staff", "bureau pair "+strings.Join(refs, " ")); !strings.Contains(out, "Désormais pairs") {
		t.Fatalf("naming peers: %s", out)
	}
	if out := slash(n.s, "p_conf", "bureau conflit Métallerie secrete"); !strings.Contains(out, "Conflit déclaré") {
		t.Fatalf("conflict: %s", out)
	}
	_, a := n.apply(t, "author", "", nil)
	n.act("staff", commands.ActionAcceptApplication, fmt.Sprint(a.ID))
	if r := n.submit("staff", commands.FormBureauDecision, fmt.Sprintf("accept:%d", a.ID), map[string]string{}); len(r.FieldErrors) > 0 {
		t.Fatalf("accept: %v", r.FieldErrors)
	}
	form := n.s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: "bureau seance nouvelle", User: commands.User{ID: "staff"}}).Form
	if form == nil || form.ID != commands.FormHearingDay {
		t.Fatal("no hearing day form")
	}
	values := map[string]string{}
	for _, f := range form.Fields {
		values[f.ID] = f.Value
	}
	values["day_start"], values["day_place"] = "15/12/2026 9h00", "Maison des entreprises, Montpellier"
	created := n.submit("staff", form.ID, form.State, values)
	if len(created.FieldErrors) > 0 || !strings.Contains(console.Render(created), "Séance n°1 créée") {
		t.Fatalf("day: %v %s", created.FieldErrors, console.Render(created))
	}
	return n, a, 1
}

// buttonValue returns the value of the first button with action id in resp.
func buttonValue(resp *commands.Response, id string) (string, bool) {
	for _, s := range resp.Sections {
		for _, b := range s.Buttons {
			if b.ActionID == id {
				return b.Value, true
			}
		}
	}
	return "", false
}

// schedule gives the application the first free slot, as the facilitator
// does with the button and the picker.
func (n *expertNet) schedule(t *testing.T, a *commands.Application) {
	t.Helper()
	r := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionScheduleApplication, Value: fmt.Sprint(a.ID), User: commands.User{ID: "staff"}})
	if r.Form == nil {
		t.Fatalf("no slot picker: %s", console.Render(r))
	}
	if got := r.Form.Fields[0].Options[0].Value; got != "1:1" {
		t.Fatalf("first free slot %q", got)
	}
	if resp := n.submit("staff", r.Form.ID, r.Form.State, map[string]string{"bureau_slot": "1:1"}); !strings.Contains(console.Render(resp), "programmée") {
		t.Fatalf("schedule: %s", console.Render(resp))
	}
}

// setProposedPanel has the facilitator propose the day's panel and keep
// it, and returns what the proposal said.
func (n *expertNet) setProposedPanel(t *testing.T, day int64) string {
	t.Helper()
	prop := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionProposePanel, Value: fmt.Sprint(day), User: commands.User{ID: "staff"}})
	value, ok := buttonValue(prop, commands.ActionSetPanel)
	if !ok {
		t.Fatalf("no panel to keep: %s", console.Render(prop))
	}
	if out := n.act("staff", commands.ActionSetPanel, value); !strings.Contains(out, "Panel") {
		t.Fatalf("set panel: %s", out)
	}
	return console.Render(prop)
}

// heard moves the clock past the first slot and runs the job.
func (n *expertNet) heard(t *testing.T) {
	t.Helper()
	n.clock.Set(paris("2026-12-15 09:50"))
	if err := n.s.RunBureau(context.Background()); err != nil {
		t.Fatal(err)
	}
}

var opinionValues = map[string]string{
	"opinion_strengths":       "Un savoir-faire rare en acier et un carnet de clients publics solide.",
	"opinion_risks":           "La commande publique paie tard : la trésorerie devra tenir six mois.",
	"opinion_recommendations": "Tester la gamme avec deux communes avant d'investir dans la ligne de découpe.",
	"opinion_contacts":        "La directrice des achats de la métropole, rencontrée à la plénière de mars.",
	"opinion_experts":         "expert2",
	"opinion_verdict":         "rework",
}

// TestBureauFromApplicationToFollowUp drives the whole Bureau des pairs
// through the service, as Slack does: application, acceptance, hearing
// day, slot with its .ics, the explained panel, the briefs the day
// before, the hearing, the opinion written and amended, sealed and sent
// to the applicant alone, the follow-up three months on, and the report.
func TestBureauFromApplicationToFollowUp(t *testing.T) {
	n, a, day := newHearingNet(t)
	ctx := context.Background()
	n.schedule(t, a)
	given := n.outbox(t, "author", fmt.Sprintf("bureau:%d:hearing:", a.ID))
	if len(given) != 1 || !strings.Contains(given[0], "mardi 15 décembre") || !strings.Contains(given[0], "audition-1.ics") {
		t.Errorf("slot given: %v", given)
	}
	if r := n.outbox(t, "author", fmt.Sprintf("bureau:%d:remind:", a.ID)); len(r) != 2 {
		t.Errorf("reminders: %v", r)
	}

	prop := n.setProposedPanel(t, day)
	for _, want := range []string{"p_btp", "p_tour", "p_num", "p_vit", "p_out"} {
		if !strings.Contains(prop, "@"+want) {
			t.Errorf("%s not proposed:\n%s", want, prop)
		}
	}
	if strings.Contains(prop, "@p_met") || strings.Contains(prop, "@p_conf") {
		t.Errorf("same sector or conflict proposed:\n%s", prop)
	}
	home := func(u commands.UserID) string { return console.Render(n.s.Home(ctx, commands.User{ID: u})) }
	if h := home("author"); !strings.Contains(h, "Métallerie Secrète · programmée · audition le mardi 15 décembre") {
		t.Errorf("applicant's Home:\n%s", h)
	}
	if h := home("p_btp"); !strings.Contains(h, "Vous siégez au panel le mardi 15 décembre") || strings.Contains(h, "Métallerie") {
		t.Errorf("panelist's Home:\n%s", h)
	}
	if h := home("other"); strings.Contains(h, "## Bureau des pairs") {
		t.Errorf("a member with nothing at the Bureau sees it on their Home:\n%s", h)
	}
	if inv := n.outbox(t, "p_btp", "bureau:day:1:panel"); len(inv) != 1 || !strings.Contains(inv[0], "bureau-des-pairs-1.ics") {
		t.Errorf("panelist invited: %v", inv)
	}

	n.clock.Set(paris("2026-12-14 08:30"))
	if err := n.s.RunBureau(ctx); err != nil {
		t.Fatal(err)
	}
	if b := n.outbox(t, "p_btp", "brief"); len(b) != 0 {
		t.Errorf("brief before 9 h the day before: %v", b)
	}
	n.clock.Set(paris("2026-12-14 09:05"))
	if err := n.s.RunBureau(ctx); err != nil {
		t.Fatal(err)
	}
	brief := n.outbox(t, "p_btp", "bureau:day:1:brief")
	if len(brief) != 1 || !strings.Contains(brief[0], "mobilier urbain") || !strings.Contains(brief[0], "Confidentiel") {
		t.Fatalf("brief: %v", brief)
	}
	// A hearing scheduled after the briefs went out: they go again, whole.
	_, late := n.apply(t, "other", "", map[string]string{"bureau_company": "Verrerie Tardive", "bureau_sector": "Verre",
		"bureau_city": "Alès", "bureau_founded": "2001", "bureau_headcount": "12"})
	n.act("staff", commands.ActionAcceptApplication, fmt.Sprint(late.ID))
	n.submit("staff", commands.FormBureauDecision, fmt.Sprintf("accept:%d", late.ID), map[string]string{})
	n.submit("staff", commands.FormBureauSchedule, fmt.Sprint(late.ID), map[string]string{"bureau_slot": "1:6"})
	if err := n.s.RunBureau(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := n.s.RunBureau(ctx); err != nil {
			t.Fatal(err)
		}
	}
	briefs := n.outbox(t, "p_btp", "bureau:day:1:brief")
	if len(briefs) != 2 || !strings.Contains(briefs[1]+briefs[0], "Verrerie Tardive") {
		t.Errorf("briefs after a late hearing: %d", len(briefs))
	}
	for _, u := range []commands.UserID{"p_met", "p_conf", "other", "author"} {
		if b := n.outbox(t, u, "brief"); len(b) != 0 {
			t.Errorf("%s got a brief: %v", u, b)
		}
	}

	n.heard(t)
	if got, _ := n.db.FindApplication(ctx, a.ID); got.Status != commands.ApplicationHeard {
		t.Fatalf("status after the slot: %s", got.Status)
	}
	if ask := n.outbox(t, "p_tour", fmt.Sprintf("bureau:%d:heard", a.ID)); len(ask) != 1 {
		t.Errorf("panelist asked for the opinion: %v", ask)
	}

	n.writeOpinion(t, "p_btp", opinionValues)
	amended := map[string]string{}
	for k, v := range opinionValues {
		amended[k] = v
	}
	amended["opinion_risks"] += " Le prix de l'acier aussi."
	n.writeOpinion(t, "p_tour", amended)
	got, _ := n.db.FindApplication(ctx, a.ID)
	if got.Opinion.WrittenBy != "p_btp" || len(got.Opinion.AmendedBy) != 1 || got.Opinion.AmendedBy[0] != "p_tour" || len(got.Opinion.Experts) != 1 {
		t.Errorf("opinion: %+v", got.Opinion)
	}
	if out := n.act("staff", commands.ActionSealOpinion, fmt.Sprint(a.ID)); !strings.Contains(out, "scellé et envoyé") {
		t.Fatalf("seal: %s", out)
	}
	sent := n.outbox(t, "author", fmt.Sprintf("bureau:%d:opinion", a.ID))
	if len(sent) != 1 || !strings.Contains(sent[0], "Le prix de l'acier aussi") || !strings.Contains(sent[0], "avis-bureau-des-pairs-1.md") ||
		!strings.Contains(sent[0], "Projet à retravailler") {
		t.Fatalf("opinion sent: %v", sent)
	}
	for _, u := range []commands.UserID{"p_btp", "p_tour", "staff", "other"} {
		if o := n.outbox(t, u, ":opinion"); len(o) != 0 {
			t.Errorf("%s received the opinion: %v", u, o)
		}
	}
	if form := n.s.Act(ctx, &commands.Action{ID: commands.ActionOpinionToExpert, Value: fmt.Sprint(a.ID), User: commands.User{ID: "author"}}).Form; form == nil ||
		!strings.Contains(form.Fields[0].Value, "Tester la gamme") {
		t.Errorf("expert request from the opinion: %+v", form)
	}

	n.clock.Set(paris("2026-12-15 10:00").Add(commands.FollowUpAfter))
	if err := n.s.RunBureau(ctx); err != nil {
		t.Fatal(err)
	}
	if ask := n.outbox(t, "author", fmt.Sprintf("bureau:%d:followup", a.ID)); len(ask) != 1 {
		t.Fatalf("follow-up asked: %v", ask)
	}
	open := n.s.Act(ctx, &commands.Action{ID: commands.ActionFollowUpApplication, Value: fmt.Sprint(a.ID), User: commands.User{ID: "author"}})
	if open.Form == nil {
		t.Fatalf("follow-up form: %s", console.Render(open))
	}
	if out := console.Render(n.submit("author", open.Form.ID, open.Form.State, map[string]string{"followup_score": "4", "followup_comment": "Deux communes testent la gamme."})); !strings.Contains(out, "Merci") {
		t.Errorf("follow-up: %s", out)
	}

	report := n.s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: "bureau bilan", User: commands.User{ID: "staff"}})
	text := console.Render(report)
	for _, want := range []string{"reçues : 2", "tenues : 2", "1 à retravailler", "4,0 sur 5 (1 réponse)", "Transition énergétique"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	csv := n.outboxFiles(t, "staff", "bureau:report:")
	if len(csv) != 1 || !strings.Contains(csv[0], "Métallerie Secrète") || strings.Contains(csv[0], "mobilier") || strings.Contains(csv[0], "acier") {
		t.Errorf("report CSV: %q", csv)
	}
	if out := slash(n.s, "p_btp", "bureau bilan"); !strings.Contains(out, "animateurs") {
		t.Errorf("a peer reads the report: %s", out)
	}
}

// writeOpinion opens the opinion form as user and submits values.
func (n *expertNet) writeOpinion(t *testing.T, user commands.UserID, values map[string]string) {
	t.Helper()
	open := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionWriteOpinion, Value: "1", User: commands.User{ID: user}})
	if open.Form == nil {
		t.Fatalf("%s: no opinion form: %s", user, console.Render(open))
	}
	if out := console.Render(n.submit(user, open.Form.ID, open.Form.State, values)); !strings.Contains(out, "enregistré") {
		t.Fatalf("%s: opinion: %s", user, out)
	}
}

// TestBureauHearingAuthorizationMatrix: once an application is heard,
// who sees it (the day's view, the opinion form) and who may write the
// opinion, seal it, move the hearing, or answer the follow-up, by the
// button and by a forged form. A panelist who leaves the peers loses it
// all at once.
func TestBureauHearingAuthorizationMatrix(t *testing.T) {
	n, a, day := newHearingNet(t)
	n.schedule(t, a)
	n.setProposedPanel(t, day)
	// p_met sits on the panel (set by hand) but not for a company of
	// their own sector; p_gone sat on it and left the peers.
	slash(n.s, "p_gone", "aide")
	slash(n.s, "staff", "bureau pair <@p_gone>")
	if out := slash(n.s, "staff", "bureau panel 1 <@p_btp> <@p_tour> <@p_num> <@p_met> <@p_gone>"); !strings.Contains(out, "Panel") {
		t.Fatalf("panel by hand: %s", out)
	}
	slash(n.s, "staff", "bureau pair retirer <@p_gone>")
	n.heard(t)
	ctx := context.Background()
	id := fmt.Sprint(a.ID)
	type can struct{ see, write, seal, move bool }
	matrix := map[commands.UserID]can{
		"author": {see: true},
		"other":  {},
		"p_out":  {},
		"p_met":  {},
		"p_conf": {},
		"p_gone": {},
		"p_btp":  {see: true, write: true},
		"staff":  {see: true, write: true, seal: true, move: true},
	}
	for _, actor := range []commands.UserID{"author", "other", "p_out", "p_met", "p_conf", "p_gone", "p_btp", "staff"} {
		want := matrix[actor]
		t.Run(string(actor), func(t *testing.T) {
			before, _ := n.db.FindApplication(ctx, a.ID)
			view := slash(n.s, actor, "bureau seance 1") + slash(n.s, actor, "bureau avis "+id) + slash(n.s, actor, "bureau")
			if got := strings.Contains(view, "Métallerie Secrète"); got != want.see {
				t.Errorf("sees: %v, want %v:\n%s", got, want.see, view)
			}
			forged := console.Render(n.submit(actor, commands.FormBureauOpinion, id, opinionValues)) +
				console.Render(n.submit(actor, commands.FormBureauSchedule, id, map[string]string{"bureau_slot": "1:2"})) +
				console.Render(n.submit(actor, commands.FormBureauFollowUp, id, map[string]string{"followup_score": "1"}))
			after, _ := n.db.FindApplication(ctx, a.ID)
			wrote := after.Version != before.Version // the other forms change nothing, asserted below
			if wrote != want.write || after.Slot != 1 || after.FollowUp.Score != 0 {
				t.Errorf("forged forms: wrote %v (want %v), slot %d, follow-up %d: %s", wrote, want.write, after.Slot, after.FollowUp.Score, forged)
			}
			if !want.see && (strings.Contains(forged, "Métallerie") || !strings.Contains(forged, "Je ne trouve pas de candidature n°"+id)) {
				t.Errorf("refusal reveals the application: %s", forged)
			}
			sealed := n.act(actor, commands.ActionSealOpinion, id)
			after, _ = n.db.FindApplication(ctx, a.ID)
			if after.Opinion.Sealed() != (want.seal && after.Opinion.Written()) {
				t.Errorf("seal: %v: %s", after.Opinion.Sealed(), sealed)
			}
			if out := n.act(actor, commands.ActionScheduleApplication, id); !want.move && strings.Contains(out, "Métallerie") {
				t.Errorf("schedule button reveals the application: %s", out)
			}
		})
	}
	if got := n.outbox(t, "p_gone", "brief"); len(got) != 0 {
		t.Errorf("a peer who left got a brief: %v", got)
	}
}

// TestBureauCancelledDay: a facilitator calls a day off. Its hearing goes
// back to be scheduled, the applicant gets the calendar cancellation and
// no reminder, the panel is told and gets no brief, nothing is marked
// heard, and the application takes a slot of another day.
func TestBureauCancelledDay(t *testing.T) {
	n, a, day := newHearingNet(t)
	ctx := context.Background()
	n.schedule(t, a)
	n.setProposedPanel(t, day)
	if out := slash(n.s, "p_btp", "bureau seance 1"); strings.Contains(out, "bureau.day.cancel") {
		t.Errorf("a panelist may cancel the day:\n%s", out)
	}
	if out := n.act("p_btp", commands.ActionCancelHearingDay, "1"); !strings.Contains(out, "animateurs") {
		t.Errorf("a panelist cancels the day: %s", out)
	}
	if out := n.act("staff", commands.ActionCancelHearingDay, "1"); !strings.Contains(out, "Séance n°1 annulée") {
		t.Fatalf("cancel: %s", out)
	}
	got, _ := n.db.FindApplication(ctx, a.ID)
	if got.Status != commands.ApplicationAccepted || got.Day != 0 || got.Slot != 0 {
		t.Errorf("after the cancellation: %s day %d slot %d", got.Status, got.Day, got.Slot)
	}
	called := n.outbox(t, "author", fmt.Sprintf("bureau:%d:hearing:2", a.ID))
	if len(called) != 1 || !strings.Contains(called[0], "est annulée") {
		t.Errorf("applicant told: %v", called)
	}
	for _, m := range n.pending(t, "author", fmt.Sprintf("bureau:%d:hearing:2", a.ID)) {
		if len(m.Message.Files) != 1 || !strings.Contains(string(m.Message.Files[0].Content), "STATUS:CANCELLED") {
			t.Errorf("no calendar cancellation: %+v", m.Message.Files)
		}
	}
	if told := n.outbox(t, "p_tour", "bureau:day:1:cancelled"); len(told) != 1 {
		t.Errorf("panel told: %v", told)
	}
	n.clock.Set(paris("2026-12-14 09:05"))
	if err := n.s.RunBureau(ctx); err != nil {
		t.Fatal(err)
	}
	if b := n.outbox(t, "p_btp", "brief"); len(b) != 0 {
		t.Errorf("brief for a cancelled day: %v", b)
	}
	n.heard(t)
	if got, _ := n.db.FindApplication(ctx, a.ID); got.Status != commands.ApplicationAccepted {
		t.Errorf("heard on a cancelled day: %s", got.Status)
	}
	if out := n.act("staff", commands.ActionScheduleApplication, fmt.Sprint(a.ID)); !strings.Contains(out, "Aucun créneau libre") {
		t.Errorf("the cancelled day's slots are offered: %s", out)
	}
	if out := console.Render(n.submit("staff", commands.FormBureauSchedule, fmt.Sprint(a.ID), map[string]string{"bureau_slot": "1:2"})); !strings.Contains(out, "annulée") {
		t.Errorf("a forged slot on the cancelled day: %s", out)
	}
	if out := slash(n.s, "staff", "bureau seance 1"); !strings.Contains(out, "Séance annulée le") || strings.Contains(out, "bureau.panel.propose") {
		t.Errorf("cancelled day's view:\n%s", out)
	}
}

// TestBureauMalformedCommands: every malformed /cercle bureau gets a
// French sentence saying what to type, for a facilitator and a member,
// and nothing changes.
func TestBureauMalformedCommands(t *testing.T) {
	n, _, _ := newHearingNet(t)
	for _, tt := range []struct{ user, text, want string }{
		{"staff", "bureau seance", "Usage"},
		{"staff", "bureau seance abc", "n'est pas un numéro de séance"},
		{"staff", "bureau seance 999", "Je ne trouve pas de séance n°999"},
		{"staff", "bureau avis", "Usage"},
		{"staff", "bureau avis deux", "Usage"},
		{"staff", "bureau avis 999", "Je ne trouve pas de candidature n°999"},
		{"staff", "bureau pair", "Usage"},
		{"staff", "bureau pair retirer", "Usage"},
		{"staff", "bureau pair @inconnu", "inconnu"},
		{"staff", "bureau panel 1", "Usage"},
		{"staff", "bureau panel 1 <@other>", "pairs du Bureau"},
		{"staff", "bureau bilan 2026", "Usage"},
		{"staff", "bureau pourquoi", "Usage"},
		{"p_btp", "bureau conflit", "Usage"},
		{"other", "bureau pairs", "animateurs"},
		{"other", "bureau seance nouvelle", "animateurs"},
		{"other", "bureau panel 1 <@p_btp>", "animateurs"},
	} {
		out := slash(n.s, commands.UserID(tt.user), tt.text)
		if !strings.Contains(out, tt.want) || strings.Contains(out, "%!") {
			t.Errorf("%s: /cercle %s = %q, want %q", tt.user, tt.text, out, tt.want)
		}
	}
	if d, err := n.db.FindHearingDay(context.Background(), 1); err != nil || len(d.Panel) != 0 {
		t.Errorf("day after malformed commands: %+v, %v", d, err)
	}
}

// outboxFiles returns the files of the pending messages to user whose
// key contains part.
func (n *expertNet) outboxFiles(t *testing.T, user commands.UserID, part string) []string {
	t.Helper()
	var out []string
	for _, m := range n.pending(t, user, part) {
		for _, f := range m.Message.Files {
			out = append(out, string(f.Content))
		}
	}
	return out
}

// TestBureauOpinionNeverOverwritten: two panelists open the form; the
// second to save, working from the older version, overwrites nothing and
// is given their text back; a seal pressed on an opinion amended since
// is refused.
func TestBureauOpinionNeverOverwritten(t *testing.T) {
	n, a, day := newHearingNet(t)
	ctx := context.Background()
	n.schedule(t, a)
	n.setProposedPanel(t, day)
	n.heard(t)
	open := func(u commands.UserID) *commands.Form {
		return n.s.Act(ctx, &commands.Action{ID: commands.ActionWriteOpinion, Value: fmt.Sprint(a.ID), User: commands.User{ID: u}}).Form
	}
	first, second := open("p_btp"), open("p_tour")
	n.submit("p_btp", first.ID, first.State, opinionValues)
	late := map[string]string{}
	for k, v := range opinionValues {
		late[k] = v
	}
	late["opinion_risks"] = "Un risque écrit sans voir le premier avis."
	out := console.Render(n.submit("p_tour", second.ID, second.State, late))
	if !strings.Contains(out, "a été amendé pendant que vous écriviez") || !strings.Contains(out, "Un risque écrit sans voir") {
		t.Errorf("the late panelist: %s", out)
	}
	got, _ := n.db.FindApplication(ctx, a.ID)
	if got.Opinion.Risks != opinionValues["opinion_risks"] || len(got.Opinion.AmendedBy) != 0 {
		t.Fatalf("opinion overwritten: %+v", got.Opinion)
	}
	staleSeal := fmt.Sprintf("%d:%d", a.ID, got.Version)
	n.writeOpinion(t, "p_tour", late) // from the current version: an amendment
	if out := n.act("staff", commands.ActionSealOpinion, staleSeal); !strings.Contains(out, "a changé depuis que vous l'avez lu") {
		t.Errorf("a seal pressed on an older version: %s", out)
	}
	if got, _ := n.db.FindApplication(ctx, a.ID); got.Opinion.Sealed() {
		t.Error("sealed unread")
	}
}

// TestBureauWithdrawnHearing: an applicant withdraws a scheduled
// application: the slot is free, the panel no longer sees it, and the
// applicant gets the calendar cancellation.
func TestBureauWithdrawnHearing(t *testing.T) {
	n, a, day := newHearingNet(t)
	ctx := context.Background()
	n.schedule(t, a)
	n.setProposedPanel(t, day)
	if out := n.act("author", commands.ActionWithdrawApplication, fmt.Sprint(a.ID)); !strings.Contains(out, "retirée") {
		t.Fatalf("withdraw: %s", out)
	}
	got, _ := n.db.FindApplication(ctx, a.ID)
	if got.Day != 0 || got.Slot != 0 || got.Status != commands.ApplicationWithdrawn {
		t.Errorf("withdrawn: day %d slot %d %s", got.Day, got.Slot, got.Status)
	}
	if out := slash(n.s, "p_btp", "bureau avis "+fmt.Sprint(a.ID)) + slash(n.s, "p_btp", "bureau seance 1"); strings.Contains(out, "Métallerie") || strings.Contains(out, "retirée") {
		t.Errorf("the panel still sees a withdrawn application:\n%s", out)
	}
	if got := n.outboxFiles(t, "author", fmt.Sprintf("bureau:%d:hearing:2", a.ID)); len(got) != 1 || !strings.Contains(got[0], "STATUS:CANCELLED") {
		t.Error("no calendar cancellation for the applicant")
	}
}
