package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"cercle/charts"
	"cercle/commands"
	"cercle/console"
)

// poolingCompanies are the companies of the pooling tests and their
// leaders: the facilitator staff runs the campaign.
var poolingCompanies = []struct {
	user    commands.UserID
	company string
	sector  string
}{
	{"lea", "Fontaine Textile", "Textile"},
	{"marc", "Gesnord Logistique", "Transport"},
	{"nadia", "Métallerie Haddad", "Métallurgie"},
	{"julien", "Imprimerie du Beffroi", "Imprimerie"},
}

// newPoolingNet is a network with four companies and a facilitator, on
// Monday 7 December 2026, with charts drawn.
func newPoolingNet(t *testing.T) *expertNet {
	t.Helper()
	n := newExpertNet(t, func(c *commands.Config) { c.Charts = charts.New() })
	ctx := context.Background()
	for _, pc := range poolingCompanies {
		slash(n.s, pc.user, "aide")
		if _, err := n.db.SaveCompany(ctx, pc.user, &commands.Company{Name: pc.company, Sector: pc.sector, City: "Lille", FoundedYear: 2000, Headcount: 20}); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// openCampaign has staff open a campaign on three of the companies with
// a short list of functions, through its form.
func (n *expertNet) openCampaign(t *testing.T) *commands.Campaign {
	t.Helper()
	form := n.s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: "mutualisation campagne nouvelle", User: commands.User{ID: "staff"}}).Form
	if form == nil || form.ID != commands.FormCampaign {
		t.Fatal("no campaign form")
	}
	values := map[string]string{}
	for _, f := range form.Fields {
		values[f.ID] = f.Value
	}
	values["campaign_name"] = "Fonctions support 2027"
	values["campaign_functions"] = "Ressources humaines\n- Recrutement\n- Paie\nAchats\nInformatique\nJuridique\nComptabilité\nR&D et innovation"
	values["campaign_companies"] = "fontaine textile\nGesnord Logistique\nMétallerie Haddad"
	values["campaign_deadline"] = "15/01/2027 18h00"
	resp := n.submit("staff", form.ID, form.State, values)
	if len(resp.FieldErrors) > 0 {
		t.Fatalf("campaign refused: %v", resp.FieldErrors)
	}
	list, err := n.db.FindCampaigns(context.Background(), commands.CampaignFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("campaigns: %v %v", list, err)
	}
	return list[0]
}

// answerAll has user answer every page: each function at the given
// efficiency and importance, the intention left to the matrix except
// where intents says.
func (n *expertNet) answerAll(t *testing.T, user commands.UserID, c *commands.Campaign, eff, imp commands.Level, intents map[string]commands.Intention) string {
	t.Helper()
	var last string
	for page := 0; ; page++ {
		open := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionPoolingAnswer, Value: fmt.Sprintf("%d:%d", c.ID, page), User: commands.User{ID: user}})
		if open.Form == nil {
			t.Fatalf("%s, page %d: %s", user, page, console.Render(open))
		}
		values := map[string]string{}
		for _, f := range open.Form.Fields {
			key := f.ID[4:]
			switch f.ID[:4] {
			case "eff_":
				values[f.ID] = string(eff)
			case "imp_":
				values[f.ID] = string(imp)
			case "int_":
				values[f.ID] = "auto"
				if in, ok := intents[key]; ok {
					values[f.ID] = string(in)
				}
			}
		}
		resp := n.submit(user, open.Form.ID, open.Form.State, values)
		if len(resp.FieldErrors) > 0 {
			t.Fatalf("%s, page %d refused: %v", user, page, resp.FieldErrors)
		}
		last = console.Render(resp)
		if !strings.Contains(last, "pooling.answer "+fmt.Sprintf("%d:%d", c.ID, page+1)) {
			return last
		}
	}
}

// TestPoolingFromCampaignToWorkingGroup drives a campaign through the
// service as Slack does: opened by a facilitator, announced to the
// companies' members, answered page by page with the matrix's
// suggestions, a company's own matrix as a picture, the synthesis in
// counts (names only of those who share), the follow-up and reminder,
// a decision that creates a working group with the committed companies'
// members, and the export.
func TestPoolingFromCampaignToWorkingGroup(t *testing.T) {
	n := newPoolingNet(t)
	ctx := context.Background()
	c := n.openCampaign(t)
	if len(c.Functions) != 8 || len(c.Companies) != 3 || c.Functions[1].Parent != c.Functions[0].Key {
		t.Fatalf("campaign = %+v", c)
	}
	for _, u := range []commands.UserID{"lea", "marc", "nadia"} {
		if got := n.outbox(t, u, "pooling:1:open"); len(got) != 1 || !strings.Contains(got[0], "Fonctions support 2027") {
			t.Errorf("%s announced: %v", u, got)
		}
	}
	if got := n.outbox(t, "julien", "pooling:"); len(got) != 0 {
		t.Errorf("a company outside the campaign told: %v", got)
	}

	// Léa's company: low efficiency, medium importance everywhere, so the
	// matrix says « mutualiser »; she keeps R&D.
	done := n.answerAll(t, "lea", c, commands.LevelLow, commands.LevelMedium, map[string]commands.Intention{"r-d-et-innovation": commands.IntentKeep})
	if !strings.Contains(done, "fonctions placées\u00a0: 8 sur 8") || !strings.Contains(done, "Mutualiser (partager le coût avec d'autres)") {
		t.Errorf("last page:\n%s", done)
	}
	n.act("lea", commands.ActionPoolingShare, "1:on")
	n.answerAll(t, "marc", c, commands.LevelLow, commands.LevelMedium, nil) // pools too, without sharing
	view := slash(n.s, "lea", "mutualisation")
	for _, want := range []string{"fonctions placées\u00a0: 8 sur 8", "Recrutement · efficacité faible · importance moyenne → Mutualiser (suggéré par la matrice)",
		"R&D et innovation · efficacité faible · importance moyenne → Garder et renforcer"} {
		if !strings.Contains(view, want) {
			t.Errorf("the company's view lacks %q:\n%s", want, view)
		}
	}

	// Her matrix, by DM, as a PNG with every function placed.
	if out := n.act("lea", commands.ActionPoolingMatrix, "1"); !strings.Contains(out, "message privé") {
		t.Errorf("matrix: %s", out)
	}
	pics := n.outboxFiles(t, "lea", "pooling:1:matrix")
	if len(pics) != 1 {
		t.Fatalf("matrix pictures: %d", len(pics))
	}
	if img, err := png.Decode(bytes.NewReader([]byte(pics[0]))); err != nil || img.Bounds().Dx() < 800 {
		t.Errorf("matrix PNG: %v", err)
	}

	// The synthesis: counts for everyone who takes part, names only of
	// those who share.
	synth := slash(n.s, "nadia", "mutualisation synthese")
	for _, want := range []string{"entreprises\u00a0: 2 sur 3", "le détail sera publié à la clôture", "Fontaine Textile"} {
		if !strings.Contains(synth, want) {
			t.Errorf("synthesis lacks %q:\n%s", want, synth)
		}
	}
	if strings.Contains(synth, "Mutualiser 2") {
		t.Errorf("two answers' counts shown to a member: they would tell each company's answer:\n%s", synth)
	}
	if staff := slash(n.s, "staff", "mutualisation synthese"); !strings.Contains(staff, "réponses\u00a0: 2 · Mutualiser 2") {
		t.Errorf("facilitators' synthesis:\n%s", staff)
	}
	if strings.Contains(synth, "Gesnord") || strings.Contains(synth, "pooling.decide") {
		t.Errorf("synthesis names a company that does not share, or offers a member to decide:\n%s", synth)
	}
	if out := slash(n.s, "julien", "mutualisation synthese 1"); !strings.Contains(out, "Je ne trouve pas de campagne n°1") {
		t.Errorf("an outsider reads the synthesis: %s", out)
	}

	// Follow-up: Nadia's company has not answered; the reminder reaches
	// her only, once a day.
	prog := slash(n.s, "staff", "mutualisation suivi")
	if !strings.Contains(prog, "N'ont pas commencé (1)") || !strings.Contains(prog, "Métallerie Haddad") {
		t.Errorf("progress:\n%s", prog)
	}
	for range 2 {
		n.act("staff", commands.ActionPoolingRemind, "1")
	}
	if got := n.outbox(t, "nadia", "pooling:1:remind-"); len(got) != 1 {
		t.Errorf("nadia reminded: %v", got)
	}
	if got := n.outbox(t, "lea", "pooling:1:remind-"); len(got) != 0 {
		t.Errorf("a company that answered reminded: %v", got)
	}

	// The decision for Recrutement: a shared team. The form starts from
	// the company that wants to pool it and shares; Gesnord, which wants
	// it without being named, is counted in the hint and added once it
	// commits.
	open := n.s.Act(ctx, &commands.Action{ID: commands.ActionPoolingDecide, Value: "1:recrutement", User: commands.User{ID: "staff"}})
	if open.Form == nil || open.Form.Fields[1].Value != "Fontaine Textile" || !strings.Contains(open.Form.Fields[1].Hint, "\u00a0: 1") {
		t.Fatalf("decision form: %+v", open.Form)
	}
	decided := console.Render(n.submit("staff", open.Form.ID, open.Form.State, map[string]string{
		"decision_way": "shared_team", "decision_companies": open.Form.Fields[1].Value + "\nGesnord Logistique", "decision_note": "Un recruteur à temps partagé."}))
	if !strings.Contains(decided, "Mutualisation · Ressources humaines › Recrutement") || !strings.Contains(decided, "membres invités\u00a0: 2") {
		t.Fatalf("decision: %s", decided)
	}
	g, err := n.db.FindGroupBySlug(ctx, "mutualisation-recrutement")
	if err != nil {
		t.Fatal(err)
	}
	members, _ := n.db.GroupMembers(ctx, g.ID)
	if len(members) != 3 { // staff, its lead, and lea and marc
		t.Errorf("group members: %d", len(members))
	}
	if got := n.outbox(t, "marc", fmt.Sprintf("pooling:1:group:%d", g.ID)); len(got) != 1 {
		t.Errorf("marc told of the group: %v", got)
	}
	if synth := slash(n.s, "staff", "mutualisation synthese"); !strings.Contains(synth, "Mise en commun (équipe partagée ou groupement d'employeurs) · 2 entreprises engagées") {
		t.Errorf("decision in the synthesis:\n%s", synth)
	}

	// The export: every answer in a CSV, and the heat map.
	if out := slash(n.s, "staff", "mutualisation export"); !strings.Contains(out, "message privé") {
		t.Errorf("export: %s", out)
	}
	files := n.outboxFiles(t, "staff", "pooling:1:export")
	if len(files) != 2 || strings.Count(files[0], "\n") != 17 || !strings.Contains(files[0], "Gesnord Logistique;Ressources humaines › Recrutement;faible;moyenne;Mutualiser") {
		t.Errorf("export: %d files, CSV:\n%s", len(files), files[0])
	}
	if _, err := png.Decode(bytes.NewReader([]byte(files[1]))); err != nil {
		t.Errorf("heat map: %v", err)
	}
}

// TestPoolingPrivacy: a company's answers are seen by its members and
// the facilitators only, by command, button and forged form; a member
// of another company cannot answer for a campaign it is not in; the
// synthesis never shows one company's scores.
func TestPoolingPrivacy(t *testing.T) {
	n := newPoolingNet(t)
	c := n.openCampaign(t)
	n.answerAll(t, "marc", c, commands.LevelHigh, commands.LevelLow, map[string]commands.Intention{"paie": commands.IntentAbandon})
	for _, u := range []commands.UserID{"lea", "nadia", "julien"} {
		out := slash(n.s, u, "mutualisation") + n.act(u, commands.ActionPoolingMatrix, "1") + slash(n.s, u, "mutualisation synthese 1")
		if strings.Contains(out, "Abandonner") || strings.Contains(out, "Gesnord") {
			t.Errorf("%s sees Gesnord's answers:\n%s", u, out)
		}
	}
	if got := n.outboxFiles(t, "lea", "pooling:1:matrix"); len(got) != 0 {
		t.Errorf("a company without answers was sent a matrix")
	}
	forged := console.Render(n.submit("julien", commands.FormPoolingAnswers, "1:0", map[string]string{"eff_ressources-humaines": "low"}))
	if !strings.Contains(forged, "Je ne trouve pas de campagne n°1") {
		t.Errorf("an outsider's forged answers: %s", forged)
	}
	if got, _ := n.db.FindAnswers(context.Background(), 1, 0); len(got) != 1 {
		t.Errorf("answers stored: %d", len(got))
	}
	for _, u := range []commands.UserID{"marc", "lea"} {
		out := n.act(u, commands.ActionPoolingDecide, "1:paie") + n.act(u, commands.ActionPoolingRemind, "1") + slash(n.s, u, "mutualisation export")
		if !strings.Contains(out, "animateurs") || strings.Contains(out, "Gesnord") {
			t.Errorf("%s takes a facilitator's step: %s", u, out)
		}
	}
	n.clock.Set(paris("2027-01-16 09:00"))
	if out := n.act("marc", commands.ActionPoolingAnswer, "1:0"); !strings.Contains(out, "est close") {
		t.Errorf("answering after the deadline: %s", out)
	}
}

// recordingCharts draws with the real charts and keeps what it was asked
// to draw.
type recordingCharts struct {
	inner   commands.Charts
	matrix  []commands.MatrixChart
	heatMap []commands.HeatMapChart
}

func (r *recordingCharts) Matrix(m commands.MatrixChart) ([]byte, error) {
	r.matrix = append(r.matrix, m)
	return r.inner.Matrix(m)
}

func (r *recordingCharts) HeatMap(h commands.HeatMapChart) ([]byte, error) {
	r.heatMap = append(r.heatMap, h)
	return r.inner.HeatMap(h)
}

// TestPoolingChartsInFrench: the pictures are asked in the reader's
// language, with every function the company placed on the matrix, in
// its cell, and every function of the campaign on the heat map.
func TestPoolingChartsInFrench(t *testing.T) {
	rec := &recordingCharts{inner: charts.New()}
	n := newExpertNet(t, func(c *commands.Config) { c.Charts = rec })
	ctx := context.Background()
	for _, pc := range poolingCompanies {
		slash(n.s, pc.user, "aide")
		if _, err := n.db.SaveCompany(ctx, pc.user, &commands.Company{Name: pc.company, Sector: pc.sector}); err != nil {
			t.Fatal(err)
		}
	}
	c := n.openCampaign(t)
	n.answerAll(t, "lea", c, commands.LevelLow, commands.LevelHigh, map[string]commands.Intention{"juridique": commands.IntentOutsource})
	n.act("lea", commands.ActionPoolingMatrix, "1")
	n.act("staff", commands.ActionPoolingHeatMap, "1")
	if len(rec.matrix) != 1 || len(rec.heatMap) != 1 {
		t.Fatalf("drawn: %d matrices, %d heat maps", len(rec.matrix), len(rec.heatMap))
	}
	m := rec.matrix[0]
	if m.XLabel != "Efficacité aujourd'hui" || m.YLabel != "Importance dans les prochaines années" ||
		m.Ticks != [3]string{"Faible", "Moyenne", "Élevée"} || strings.Join(m.Series, ", ") != "Garder et renforcer, Mutualiser, Externaliser, Abandonner" {
		t.Errorf("matrix labels: %+v", m)
	}
	if len(m.Points) != len(c.Functions) {
		t.Errorf("%d points for %d functions", len(m.Points), len(c.Functions))
	}
	for _, pt := range m.Points {
		wantSeries := 0 // Garder et renforcer: high importance
		if pt.Label == "Juridique" {
			wantSeries = 2
		}
		if pt.X != 0 || pt.Y != 2 || pt.Series != wantSeries {
			t.Errorf("point %+v", pt)
		}
	}
	h := rec.heatMap[0]
	if len(h.Rows) != len(c.Functions) || h.Rows[1] != "Ressources humaines › Recrutement" || len(h.Columns) != 4 || h.Cells[5][2] != 1 {
		t.Errorf("heat map: %+v", h)
	}
}

// TestPoolingCampaignEditKeepsItsCompanies: the edit form, submitted as
// it opens, changes no company, though two colleagues' profiles name the
// same company; empty, it keeps them too.
func TestPoolingCampaignEditKeepsItsCompanies(t *testing.T) {
	n := newPoolingNet(t)
	ctx := context.Background()
	slash(n.s, "lea2", "aide")
	if _, err := n.db.SaveCompany(ctx, "lea2", &commands.Company{Name: "FONTAINE TEXTILE", Sector: "Textile"}); err != nil {
		t.Fatal(err)
	}
	c := n.openCampaign(t) // names Fontaine Textile: both profiles
	if len(c.Companies) != 4 {
		t.Fatalf("companies: %v", c.Companies)
	}
	for _, blank := range []bool{false, true} {
		form := n.s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: "mutualisation campagne 1", User: commands.User{ID: "staff"}}).Form
		values := map[string]string{}
		for _, f := range form.Fields {
			values[f.ID] = f.Value
		}
		if blank {
			values["campaign_companies"] = ""
		}
		if r := n.submit("staff", form.ID, form.State, values); len(r.FieldErrors) > 0 {
			t.Fatalf("edit refused: %v", r.FieldErrors)
		}
		if got, _ := n.db.FindCampaign(ctx, 1); len(got.Companies) != 4 {
			t.Errorf("blank %v: companies after the edit: %v", blank, got.Companies)
		}
	}
}
