package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/bot"
	"cercle/commands"
)

// This file drives the Bureau des pairs end to end over signed HTTP, as
// Slack calls Cercle: Nadia applies, Claire accepts her, creates a
// hearing day, gives her a slot and sets the panel the bot proposes; the
// panel gets its briefs the day before, is asked for the opinion once
// the hearing ends, writes and amends it; Claire seals it and Nadia alone
// receives it, then, three months on, says whether it helped. The
// service test (commands/bureau_hearing_flow_test.go) checks each step's
// rules; this one checks what Slack receives.

// The peers of the bureau network. Paul, Sarah and Yves may hear Nadia;
// Inès shares her sector and Luc declares a conflict with her company.
const (
	pBTP  = "U0P1"
	pTour = "U0P2"
	pNum  = "U0P3"
	pMet  = "U0P4"
	pConf = "U0P5"
)

var peerCompanies = map[string]commands.Company{
	pBTP:  {Name: "Bâtiments du Lez", Sector: "BTP", City: "Lille", FoundedYear: 2001, Headcount: 30},
	pTour: {Name: "Camping des Pins", Sector: "Tourisme", City: "Berck", FoundedYear: 1990, Headcount: 12},
	pNum:  {Name: "Octet Nord", Sector: "Numérique", City: "Roubaix", FoundedYear: 2012, Headcount: 20},
	pMet:  {Name: "Forges de l'Escaut", Sector: "Métallurgie", City: "Valenciennes", FoundedYear: 1970, Headcount: 60},
	pConf: {Name: "Transports Girard", Sector: "Transport", City: "Arras", FoundedYear: 1985, Headcount: 40},
}

var peerNames = map[string]string{
	pBTP: "Paul Lefort", pTour: "Sarah Kaci", pNum: "Yves Morin", pMet: "Inès Roy", pConf: "Luc Girard",
}

// Nadia's project, and the words of it only its readers may see.
const (
	nadiaProject = "Nous voulons passer de la sous-traitance à une gamme propre de mobilier urbain en acier recyclé, " +
		"vendue aux collectivités : il faudra recruter des commerciaux et financer la ligne de découpe."
	projectSecret = "mobilier urbain en acier recyclé"
	// amendment is what Sarah adds to the opinion's risks: only Nadia
	// may read it, once sealed.
	amendment = "Le cours de l'acier aussi."
)

// bureauNet is the expert network with five peers, on Monday 7 December
// 2026 at 10h; it counts the DMs each person has read so far.
type bureauNet struct {
	*expertNet
	read map[string]int
}

func newBureauNet(t *testing.T) *bureauNet {
	t.Helper()
	n := &bureauNet{expertNet: newExpertNet(t), read: map[string]int{}}
	n.slack.SetUserInfo(func(id string) (map[string]any, time.Duration) {
		name := peerNames[id]
		if name == "" {
			name = expertNames[id]
		}
		if name == "" {
			name = "Membre " + id
		}
		return map[string]any{"id": id, "name": strings.ToLower(id), "real_name": name, "tz": "Europe/Paris", "locale": "fr-FR",
			"profile": map[string]any{"real_name": name}}, 0
	})
	ctx := context.Background()
	for id, c := range peerCompanies {
		if _, err := n.service.EnsureMember(ctx, commands.User{ID: commands.UserID(id), Name: peerNames[id]}, commands.RoleMember); err != nil {
			t.Fatal(err)
		}
		if _, err := n.db.SaveCompany(ctx, commands.UserID(id), &c); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// told returns the one DM user received since the last look.
func (n *bureauNet) told(t *testing.T, user string) page {
	t.Helper()
	dm := n.oneDM(t, user, n.read[user])
	n.read[user]++
	return dm
}

// toldNothing fails the test if any of users received a DM since the
// last look.
func (n *bureauNet) toldNothing(t *testing.T, users ...string) {
	t.Helper()
	for _, u := range users {
		if got := n.newDMs(t, u, n.read[u]); len(got) != 0 {
			t.Errorf("%s was told %q", u, got[0].text)
		}
	}
}

// pressPage presses a button and reads the message its answer posts to
// the response_url.
func (n *bureauNet) pressPage(t *testing.T, user, action, value string) page {
	t.Helper()
	n.press(t, user, action, value)
	got := n.answersAt(responsePath(n.slack.ResponseURL(user + "-" + action)))
	var m struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(got[len(got)-1]), &m); err != nil {
		t.Fatal(err)
	}
	p := readPage(t, m.Blocks, 50)
	p.text = said(p.text)
	return p
}

// initial reads the values a modal opened with, by field: a text's
// initial value, a select's initial option, checkboxes' initial options
// (one per line).
func (n *bureauNet) initial(t *testing.T, count int) map[string]string {
	t.Helper()
	calls := n.slack.Calls("views.open")
	var v struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialValue   string       `json:"initial_value"`
				InitialOption  *viewOption  `json:"initial_option"`
				InitialOptions []viewOption `json:"initial_options"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(calls[count-1].Form.Get("view")), &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, b := range v.Blocks {
		e := b.Element
		out[b.BlockID] = e.InitialValue
		if e.InitialOption != nil {
			out[b.BlockID] = e.InitialOption.Value
		}
		for i, o := range e.InitialOptions {
			if i > 0 {
				out[b.BlockID] += "\n"
			}
			out[b.BlockID] += o.Value
		}
	}
	return out
}

// blockIDs lists a modal's fields.
func blockIDs(v modalView) []string {
	var ids []string
	for _, b := range v.Blocks {
		ids = append(ids, b.BlockID)
	}
	return ids
}

// application reads application id from the database.
func (n *bureauNet) application(t *testing.T, id int64) *commands.Application {
	t.Helper()
	a, err := n.db.FindApplication(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// runBureau runs the Bureau's job at at, as the scheduler does.
func (n *bureauNet) runBureau(t *testing.T, at time.Time) {
	t.Helper()
	n.clk.Set(at)
	if err := n.service.RunBureau(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// forged posts an interactivity payload signed with secret at signedAt,
// and returns the status Cercle answered.
func (n *bureauNet) forged(t *testing.T, payload any, secret string, signedAt time.Time) int {
	t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	req, err := http.NewRequest(http.MethodPost, n.srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	bot.SignRequest(req.Header, secret, signedAt, body)
	resp, _ := do(t, req)
	return resp.StatusCode
}

// The opinion as Paul writes it in the modal.
func opinionForm(risks string) map[string]any {
	return map[string]any{
		"opinion_strengths":       textInput("Un savoir-faire rare en acier et des clients publics fidèles."),
		"opinion_risks":           textInput(risks),
		"opinion_recommendations": textInput("Tester la gamme avec deux communes avant d'investir dans la ligne de découpe."),
		"opinion_contacts":        textInput("La directrice des achats de la métropole."),
		"opinion_experts":         checkbox(helene),
		"opinion_verdict":         choice("rework"),
	}
}

const paulRisks = "La commande publique paie tard : la trésorerie devra tenir six mois."

// TestBureauOverSlack follows Nadia's application from the form to the
// follow-up, every step a signed request, every outcome read in what the
// fake Slack received.
func TestBureauOverSlack(t *testing.T) {
	t.Parallel()
	n := newBureauNet(t)
	ctx := context.Background()
	day := parisTime("2026-12-15 09:00")

	// The form opens on the command's trigger, filled from her profile.
	if ack := n.command(t, nadia, "bureau candidater"); ack != "" {
		t.Errorf("opening the form should ack empty, got %s", ack)
	}
	form := n.opened(t, nadia, 1)
	if form.CallbackID != commands.FormBureauApplication || form.Title.Text != "Bureau des pairs" || form.Submit.Text != "Candidater" || form.PrivateMetadata != "" {
		t.Errorf("modal %q titled %q, submit %q, metadata %q", form.CallbackID, form.Title.Text, form.Submit.Text, form.PrivateMetadata)
	}
	want := []string{"bureau_company", "bureau_sector", "bureau_city", "bureau_founded", "bureau_revenue", "bureau_headcount",
		"bureau_kind", "bureau_project", "bureau_expectations"}
	if ids := blockIDs(form); !slices.Equal(ids, want) {
		t.Fatalf("fields %v, want %v", ids, want)
	}
	if got := n.initial(t, 1); got["bureau_company"] != "Métallerie Haddad" || got["bureau_sector"] != "Métallurgie" || got["bureau_headcount"] != "42" {
		t.Errorf("form not filled from the profile: %v", got)
	}
	if p := form.Blocks[form.field(t, "bureau_project")]; !p.Element.Multiline || !strings.Contains(p.Hint.Text, "Seuls les animateurs et le panel") {
		t.Errorf("project field %+v", p)
	}
	application := map[string]any{
		"bureau_company": textInput("Métallerie Haddad"), "bureau_sector": textInput("Métallurgie"), "bureau_city": textInput("Douai"),
		"bureau_founded": textInput("1995"), "bureau_revenue": choice("1M-5M"), "bureau_headcount": textInput("42"),
		"bureau_kind": choice("energetique"), "bureau_project": textInput("Trop court."),
		"bureau_expectations": textInput("Un regard de dirigeants d'autres secteurs sur le modèle économique."),
	}
	errs := fieldErrors(t, n.submit(t, nadia, form.CallbackID, form.PrivateMetadata, application))
	wantSaid(t, "short project", errs["bureau_project"], "Le projet doit faire entre 100 et 3000 caractères (il en fait 11).")
	if apps, err := n.db.FindApplications(ctx, commands.ApplicationFilter{}); err != nil || len(apps) != 0 {
		t.Fatalf("a refused form stored %d applications (%v)", len(apps), err)
	}
	application["bureau_project"] = textInput(nadiaProject)
	wantSaid(t, "application's ack", n.submit(t, nadia, form.CallbackID, form.PrivateMetadata, application),
		"Votre candidature n°1 est enregistrée et votre entreprise remplit les critères du Bureau des pairs.")
	if a := n.application(t, 1); a.Applicant != nadia || a.Status != commands.ApplicationEligible || a.Project != nadiaProject || a.Revenue != "1M-5M" {
		t.Fatalf("stored %+v", a)
	}

	// Claire accepts it from the queue, with a reason Nadia never reads.
	queue := n.commandPage(t, claire, "bureau candidatures")
	wantSaid(t, "queue", said(queue.text), "Candidature n°1 · Métallerie Haddad · éligible", "Remplit tous les critères.")
	if b, ok := queue.button(commands.ActionAcceptApplication, "Accepter"); !ok || b.value != "1" {
		t.Fatalf("queue's buttons %+v", queue.buttons)
	}
	decision := n.pressForm(t, claire, commands.ActionAcceptApplication, "1")
	if decision.CallbackID != commands.FormBureauDecision || decision.PrivateMetadata != "accept:1" || !decision.Blocks[0].Optional {
		t.Fatalf("decision modal %+v", decision)
	}
	wantSaid(t, "decision's ack", n.submit(t, claire, decision.CallbackID, decision.PrivateMetadata,
		map[string]any{"bureau_reason": textInput("Projet mûr, l'équipe est prête.")}), "Candidature n°1 (Métallerie Haddad) acceptée.")
	accepted := n.told(t, nadia)
	wantSaid(t, "applicant told", accepted.text, "Bonne nouvelle : votre candidature n°1 au Bureau des pairs est acceptée.")
	if strings.Contains(accepted.text, "mûr") {
		t.Errorf("the applicant reads the decision's reason: %s", accepted.text)
	}

	// The peers, named by Claire; Luc declares his conflict.
	wantSaid(t, "peers named", n.command(t, claire, "bureau pair <@U0P1|paul> <@U0P2|sarah> <@U0P3|yves> <@U0P4|ines> <@U0P5|luc>"),
		"Désormais pairs : Paul Lefort, Sarah Kaci, Yves Morin, Inès Roy, Luc Girard.")
	wantSaid(t, "conflict", n.command(t, pConf, "bureau conflit Métallerie Haddad"), "Conflit déclaré avec « Métallerie Haddad »")
	wantSaid(t, "peers' list", n.command(t, pBTP, "bureau pairs"), "Cette action est réservée aux animateurs du réseau.")

	// The hearing day, from its modal.
	if ack := n.command(t, claire, "bureau seance nouvelle"); ack != "" {
		t.Errorf("the day's form should ack empty, got %s", ack)
	}
	dayForm := n.opened(t, claire, 3)
	if dayForm.CallbackID != commands.FormHearingDay || !slices.Equal(blockIDs(dayForm),
		[]string{"day_start", "day_place", "day_video", "day_hearings", "day_minutes", "day_buffer"}) {
		t.Fatalf("day modal %q with %v", dayForm.CallbackID, blockIDs(dayForm))
	}
	if got := n.initial(t, 3); got["day_hearings"] != "6" || got["day_minutes"] != "45" || got["day_buffer"] != "15" {
		t.Errorf("day's defaults %v", got)
	}
	wantSaid(t, "day's ack", n.submit(t, claire, dayForm.CallbackID, dayForm.PrivateMetadata, map[string]any{
		"day_start": moment(day), "day_place": textInput("Maison des entreprises, Lille"),
		"day_hearings": textInput("6"), "day_minutes": textInput("45"), "day_buffer": textInput("15"),
	}), "Séance n°1 créée", "Maison des entreprises, Lille", "/cercle bureau seance 1")

	// The slot: the first free one, with Nadia's .ics.
	slotForm := n.pressForm(t, claire, commands.ActionScheduleApplication, "1")
	slots := slotForm.Blocks[slotForm.field(t, "bureau_slot")].Element.Options
	if slotForm.CallbackID != commands.FormBureauSchedule || slotForm.PrivateMetadata != "1" || len(slots) != 6 ||
		slots[0].Value != "1:1" || slots[0].Text.Text != "Séance n°1 · "+fr.DateTime(day) {
		t.Fatalf("slot modal %q (%q) offers %+v", slotForm.CallbackID, slotForm.PrivateMetadata, slots)
	}
	wantSaid(t, "slot's ack", n.submit(t, claire, slotForm.CallbackID, slotForm.PrivateMetadata, map[string]any{"bureau_slot": choice("1:1")}),
		"Candidature n°1 (Métallerie Haddad) programmée le "+said(fr.DateTime(day)))
	wantSaid(t, "slot given", n.told(t, nadia).text,
		"Votre audition au Bureau des pairs (candidature n°1) aura lieu le "+said(fr.DateTime(day))+", Maison des entreprises, Lille.",
		"calendar.google.com")
	ics := n.uploadsTo(t, nadia)["audition-1.ics"]
	if len(ics) != 1 || !strings.Contains(ics[0], "DTSTART;TZID=Europe/Paris:20261215T090000") || !strings.Contains(ics[0], "DTEND;TZID=Europe/Paris:20261215T094500") {
		t.Errorf("Nadia's .ics: %q", ics)
	}

	// The panel proposed, explained, and set: Inès shares Nadia's sector
	// and Luc declared a conflict, so neither sits.
	prop := n.pressPage(t, claire, commands.ActionProposePanel, "1")
	wantSaid(t, "proposal", prop.text, "Panel proposé · séance n°1", "<@"+pBTP+">", "<@"+pTour+">", "<@"+pNum+">", "apporte un secteur de plus")
	for _, out := range []string{pMet, pConf} {
		if strings.Contains(prop.text, out) {
			t.Errorf("%s is proposed:\n%s", out, prop.text)
		}
	}
	set, ok := prop.button(commands.ActionSetPanel, "Retenir ce panel")
	if !ok {
		t.Fatalf("no button to keep the panel: %+v", prop.buttons)
	}
	panel := strings.Split(strings.TrimPrefix(set.value, "1:"), ",")
	slices.Sort(panel)
	if !slices.Equal(panel, []string{pBTP, pTour, pNum}) {
		t.Fatalf("panel %q", set.value)
	}
	wantSaid(t, "panel set", n.pressPage(t, claire, commands.ActionSetPanel, set.value).text, "Panel :", "<@"+pBTP+">",
		"n°1 · Métallerie Haddad (Métallurgie) · Transition énergétique")
	for _, u := range panel {
		wantSaid(t, u+"'s invitation", n.told(t, u).text, "Vous siégez au panel du Bureau des pairs le "+said(fr.DateTime(day))+".")
		if f := n.uploadsTo(t, u)["bureau-des-pairs-1.ics"]; len(f) != 1 || !strings.Contains(f[0], "DTSTART;TZID=Europe/Paris:20261215T090000") {
			t.Errorf("%s's .ics: %q", u, f)
		}
	}
	n.toldNothing(t, pMet, pConf, marc, nadia)

	// The briefs, from 9h the day before, to the panel alone; Nadia's
	// reminder at the same time.
	n.runBureau(t, parisTime("2026-12-14 08:30"))
	n.toldNothing(t, pBTP, pTour, pNum, nadia)
	n.runBureau(t, parisTime("2026-12-14 09:05"))
	for _, u := range panel {
		wantSaid(t, u+"'s brief", n.told(t, u).text, "Bureau des pairs · vos dossiers pour la séance du "+said(fr.Date(day)),
			"Confidentiel", "Métallerie Haddad", nadiaProject, "Un regard de dirigeants d'autres secteurs")
	}
	wantSaid(t, "reminder", n.told(t, nadia).text, "Rappel : votre audition au Bureau des pairs a lieu le "+said(fr.DateTime(day)))
	n.toldNothing(t, pMet, pConf, marc, claire)

	// The hearing ends: the panel is asked for the opinion; the hour
	// before's reminder, due while the job waited, is dropped.
	n.runBureau(t, parisTime("2026-12-15 09:50"))
	if a := n.application(t, 1); a.Status != commands.ApplicationHeard {
		t.Fatalf("after the slot: %s", a.Status)
	}
	for _, u := range panel {
		ask := n.told(t, u)
		wantSaid(t, u+" asked", ask.text, "L'audition de Métallerie Haddad est terminée.")
		if want := []kitButton{{commands.ActionWriteOpinion, "1", "Rédiger l'avis"}}; !slices.Equal(ask.buttons, want) {
			t.Errorf("%s's buttons %+v", u, ask.buttons)
		}
	}
	n.toldNothing(t, nadia, pMet, pConf, marc)

	// A member and a peer off the panel forge the panel's button: the
	// application does not exist for them, and no modal opens.
	modals := len(n.slack.Calls("views.open"))
	for _, u := range []string{marc, pMet} {
		answer := n.press(t, u, commands.ActionWriteOpinion, "1")
		wantSaid(t, u+"'s forged button", answer, "Je ne trouve pas de candidature n°1 parmi celles que vous pouvez voir.")
		if strings.Contains(answer, "Haddad") {
			t.Errorf("the refusal names the company: %s", answer)
		}
	}
	if got := len(n.slack.Calls("views.open")); got != modals {
		t.Errorf("a forged button opened %d modals", got-modals)
	}
	wantSaid(t, "forged opinion", n.submit(t, marc, commands.FormBureauOpinion, "1", opinionForm(paulRisks)),
		"Je ne trouve pas de candidature n°1 parmi celles que vous pouvez voir.")
	if a := n.application(t, 1); a.Opinion.Written() {
		t.Fatalf("a forged form wrote the opinion: %+v", a.Opinion)
	}

	// Paul writes the opinion, offered the experts closest to the project;
	// Sarah amends it from his draft.
	opinion := n.pressForm(t, pBTP, commands.ActionWriteOpinion, "1")
	if opinion.CallbackID != commands.FormBureauOpinion || !strings.HasPrefix(opinion.PrivateMetadata, "1:") || opinion.Title.Text != "Avis · n°1" {
		t.Fatalf("opinion modal %+v", opinion)
	}
	if ids := blockIDs(opinion); !slices.Equal(ids, []string{"opinion_strengths", "opinion_risks", "opinion_recommendations",
		"opinion_contacts", "opinion_experts", "opinion_verdict"}) {
		t.Fatalf("opinion fields %v", ids)
	}
	experts := opinion.Blocks[opinion.field(t, "opinion_experts")].Element
	if experts.Type != "checkboxes" || !slices.ContainsFunc(experts.Options, func(o viewOption) bool {
		return o.Value == helene && strings.HasPrefix(o.Text.Text, "Hélène Delattre · Recrutement")
	}) {
		t.Errorf("experts offered %+v, want Hélène", experts)
	}
	wantSaid(t, "opinion's ack", n.submit(t, pBTP, opinion.CallbackID, opinion.PrivateMetadata, opinionForm(paulRisks)),
		"Avis de la candidature n°1 (Métallerie Haddad) enregistré.")
	n.pressForm(t, pTour, commands.ActionWriteOpinion, "1")
	draft := n.initial(t, len(n.slack.Calls("views.open")))
	if draft["opinion_risks"] != paulRisks || draft["opinion_experts"] != helene || draft["opinion_verdict"] != "rework" {
		t.Errorf("the amending panelist's modal opens on %v, not the draft", draft)
	}
	wantSaid(t, "amendment's ack", n.submit(t, pTour, commands.FormBureauOpinion, "1", opinionForm(paulRisks+" "+amendment)),
		"enregistré")
	if a := n.application(t, 1); a.Opinion.WrittenBy != pBTP || !slices.Equal(a.Opinion.AmendedBy, []commands.UserID{pTour}) ||
		!slices.Equal(a.Opinion.Experts, []commands.UserID{helene}) {
		t.Fatalf("opinion %+v", a.Opinion)
	}
	dayView := n.commandPage(t, claire, "bureau seance 1")
	wantSaid(t, "day with the draft", said(dayView.text), "brouillon · Projet à retravailler · contributeurs : 2")
	seal, ok := dayView.button(commands.ActionSealOpinion, "Sceller et envoyer")
	if !ok || !strings.HasPrefix(seal.value, "1:") {
		t.Fatalf("no seal button: %+v", dayView.buttons)
	}
	n.toldNothing(t, nadia)

	// The seal, signed with another secret, then replayed ten minutes
	// late: refused before anything is read.
	for _, f := range []struct {
		name, secret string
		at           time.Time
	}{{"BadSecret", "not-the-signing-secret", time.Now()}, {"Stale", testSecret, time.Now().Add(-10 * time.Minute)}} {
		if code := n.forged(t, n.buttonPress(claire, seal.action, seal.value), f.secret, f.at); code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", f.name, code)
		}
	}
	if a := n.application(t, 1); a.Status != commands.ApplicationHeard || a.Opinion.Sealed() {
		t.Fatalf("a badly signed seal changed the application: %s", a.Status)
	}
	if got := n.answersAt(responsePath(n.slack.ResponseURL(claire + "-" + seal.action))); len(got) != 0 {
		t.Errorf("a badly signed seal was answered: %q", got)
	}

	// Sealed: the opinion goes to Nadia alone, with its Markdown file.
	sealedAt := parisTime("2026-12-15 10:00")
	n.clk.Set(sealedAt)
	wantSaid(t, "seal", n.press(t, claire, seal.action, seal.value), "Avis de la candidature n°1 scellé et envoyé à Métallerie Haddad.")
	sent := n.told(t, nadia)
	wantSaid(t, "opinion sent", sent.text, "Avis du Bureau des pairs · Métallerie Haddad", "Projet à retravailler", paulRisks+" "+amendment,
		"Tester la gamme avec deux communes", "<@"+helene+">", "seule votre entreprise l'a reçu")
	if want := []kitButton{{commands.ActionOpinionToExpert, "1", "Demander un rendez-vous d'expert"}}; !slices.Equal(sent.buttons, want) {
		t.Errorf("opinion's buttons %+v", sent.buttons)
	}
	md := n.uploadsTo(t, nadia)["avis-bureau-des-pairs-1.md"]
	if len(md) != 1 || !strings.Contains(md[0], "# Avis du Bureau des pairs · Métallerie Haddad") || !strings.Contains(md[0], amendment) {
		t.Errorf("opinion's file: %q", md)
	}
	n.toldNothing(t, claire, pBTP, pTour, pNum, pMet, pConf, marc, helene)

	// From the opinion, a meeting with the expert the panel named.
	ask := n.pressForm(t, nadia, commands.ActionOpinionToExpert, "1")
	if problem := n.initial(t, len(n.slack.Calls("views.open")))["request_problem"]; ask.CallbackID != commands.FormExpertRequest ||
		!strings.HasPrefix(said(problem), "Suite à l'avis du Bureau des pairs, je cherche un expert pour : Tester la gamme") {
		t.Errorf("expert request %q opened on %q", ask.CallbackID, problem)
	}

	// Three months on, Nadia is asked, once, whether it helped.
	n.runBureau(t, sealedAt.Add(commands.FollowUpAfter-time.Minute))
	n.toldNothing(t, nadia)
	n.runBureau(t, sealedAt.Add(commands.FollowUpAfter))
	n.runBureau(t, sealedAt.Add(commands.FollowUpAfter+time.Hour))
	followUp := n.told(t, nadia)
	wantSaid(t, "follow-up", followUp.text, "Il y a trois mois, le "+said(fr.Date(sealedAt))+", le Bureau des pairs vous rendait son avis.")
	if want := []kitButton{{commands.ActionFollowUpApplication, "1", "Répondre"}}; !slices.Equal(followUp.buttons, want) {
		t.Errorf("follow-up's buttons %+v", followUp.buttons)
	}
	n.toldNothing(t, nadia)
	answer := n.pressForm(t, nadia, commands.ActionFollowUpApplication, "1")
	scores := answer.Blocks[answer.field(t, "followup_score")].Element.Options
	if answer.CallbackID != commands.FormBureauFollowUp || len(scores) != 5 || scores[0].Value != "5" || scores[0].Text.Text != "5 · Beaucoup" {
		t.Fatalf("follow-up modal %q, scores %+v", answer.CallbackID, scores)
	}
	wantSaid(t, "follow-up's ack", n.submit(t, nadia, answer.CallbackID, answer.PrivateMetadata,
		map[string]any{"followup_score": choice("4"), "followup_comment": textInput("Deux communes testent la gamme.")}),
		"Merci : votre réponse est enregistrée.")
	if a := n.application(t, 1); a.FollowUp.Score != 4 || a.FollowUp.Comment != "Deux communes testent la gamme." {
		t.Fatalf("follow-up %+v", a.FollowUp)
	}

	// The evaluation's figures.
	report := n.commandPage(t, claire, "bureau bilan")
	wantSaid(t, "report", strings.ReplaceAll(said(report.text), "*", ""), "Bilan du Bureau des pairs", "reçues : 1 · acceptées : 1 · refusées : 0 · retirées : 0",
		"tenues : 1 · séances passées : 1", "0 validé, 1 à retravailler, 0 déconseillé", "4,0 sur 5 (1 réponse)")

	n.confidential(t, projectSecret, nadia, claire, pBTP, pTour, pNum)
	n.confidential(t, amendment, nadia)
}

// TestBureauReportCSVOverSlack: /cercle bureau bilan gives the
// evaluation with a CSV of one row per application; over Slack the CSV
// must reach the facilitator who asked, and no one else: a slash
// command's answer carries no file, so it comes by DM.
func TestBureauReportCSVOverSlack(t *testing.T) {
	t.Parallel()
	n := newBureauNet(t)
	n.command(t, nadia, "bureau candidater")
	n.submit(t, nadia, commands.FormBureauApplication, "", map[string]any{
		"bureau_company": textInput("Métallerie Haddad"), "bureau_sector": textInput("Métallurgie"), "bureau_city": textInput("Douai"),
		"bureau_founded": textInput("1995"), "bureau_revenue": choice("1M-5M"), "bureau_headcount": textInput("42"),
		"bureau_kind": choice("energetique"), "bureau_project": textInput(nadiaProject), "bureau_expectations": textInput("Un regard neuf."),
	})
	wantSaid(t, "report", n.command(t, claire, "bureau bilan"), "Bilan du Bureau des pairs", "reçues : 1", "envoyé en message privé")
	n.flush(t)
	name := "bureau-des-pairs-bilan-2026-12-07.csv"
	if _, ok := n.slack.Uploads()[name]; !ok {
		t.Fatalf("the report's CSV %s was never uploaded to Slack; uploads: %v", name, n.slack.Uploads())
	}
	if csv := n.uploadsTo(t, claire)[name]; len(csv) != 1 || !strings.Contains(csv[0], "Métallerie Haddad") || strings.Contains(csv[0], projectSecret) {
		t.Errorf("Claire's CSV: %q", csv)
	}
}
