package console_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/calendar"
	"cercle/commands"
	"cercle/console"
	"cercle/i18n"
)

// bureauSession is the demo network on Monday 7 December 2026 at 10h,
// its DMs printed to a log, its clock the test's.
type bureauSession struct {
	*session
	dms *dmLog
	now *clock
}

func newBureauSession(t *testing.T) *bureauSession {
	t.Helper()
	b := &bureauSession{dms: &dmLog{}, now: &clock{t: parisAt("2026-12-07 10:00")}}
	b.session = newSession(t, func(c *commands.Config) {
		c.Notifier, c.Channels, c.Calendar = console.Notifier{Out: b.dms}, console.Channels{}, calendar.New(i18n.Paris())
		c.Now = b.now.now
	})
	// The outbox compares what the database stamps with the service's
	// clock: one clock for both.
	b.db.Now = b.now.now
	b.deliver()
	b.dms.take()
	return b
}

func parisAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, i18n.Paris())
	if err != nil {
		panic(err)
	}
	return t
}

// deliver prints what the outbox holds, as the console of main does
// after each line.
func (b *bureauSession) deliver() {
	b.t.Helper()
	o := b.service.Outbox()
	o.PerRecipientInterval, o.Rate = 0, 0
	if _, err := o.Flush(context.Background()); err != nil {
		b.t.Fatal(err)
	}
}

// runBureau runs the Bureau's job at at, as the scheduler does, and
// returns the DMs it sent, by recipient.
func (b *bureauSession) runBureau(at time.Time) map[string]string {
	b.t.Helper()
	b.now.set(at)
	if err := b.service.RunBureau(context.Background()); err != nil {
		b.t.Fatal(err)
	}
	b.deliver()
	return dmsTo(b.dms.take())
}

// dmsTo splits the DM log by recipient: member id → what they read.
func dmsTo(log string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(log, "📨 [message direct à @")[1:] {
		to, text, _ := strings.Cut(part, "]\n")
		out[to] += text
	}
	return out
}

// onlyTo fails the test if anyone but readers was sent a DM holding
// phrase, or if none of them was.
func onlyTo(t *testing.T, dms map[string]string, phrase string, readers ...string) {
	t.Helper()
	for to, text := range dms {
		if strings.Contains(text, phrase) != slices.Contains(readers, to) {
			t.Errorf("@%s's DMs, %q in them: %v, want %v:\n%s", to, phrase, strings.Contains(text, phrase), slices.Contains(readers, to), text)
		}
	}
	for _, r := range readers {
		if _, ok := dms[r]; !ok {
			t.Errorf("@%s was sent nothing, want %q", r, phrase)
		}
	}
}

const (
	consoleProject = "Nous voulons fabriquer des bornes de recharge en acier recyclé pour les camions électriques " +
		"des transporteurs de la région : il nous faut une ligne de découpe et des commerciaux."
	consoleAmendment = "Le cours de l'acier aussi."
)

// TestBureauInTheConsole: Nadia's application to the Bureau des pairs,
// typed at a terminal from the form to the follow-up, with the demo's
// members: Claire decides and organises, Camille, Julien and Thomas hear
// her; Isabelle, a peer, declared a conflict; Marc is a member who tries
// the panel's button. What each reads is what the console prints.
func TestBureauInTheConsole(t *testing.T) {
	t.Parallel()
	s := newBureauSession(t)
	ctx := context.Background()

	// The demo's own hearing day is n°1, with applications n°1 to 6 and
	// three more peers, who step down here so the panel below is the
	// test's.
	s.typeDelivering(":as claire", "/cercle bureau pair retirer @antoine @lea @marc")
	out := s.typeDelivering(":as nadia", "/cercle bureau candidater",
		"", "", "", "", "1M-5M", "", "energetique", "Trop court.", "Un regard de dirigeants d'autres secteurs.",
		consoleProject) // the project is asked again
	wantPrinted(t, "the application", out, "== Bureau des pairs ==", "Entreprise [Métallerie Haddad] : ", "Ville [Douai] : ",
		"Chiffre d'affaires annuel {Moins de 300 000 €, De 300 000 € à 1 M€, De 1 à 5 M€, De 5 à 20 M€, Plus de 20 M€} : ",
		"Virage stratégique {Transition numérique, Transition énergétique, Démarche responsable, Transition organisationnelle, Autre virage} : ",
		"! Le projet stratégique : Le projet doit faire entre 100 et 3000 caractères (il en fait 11).",
		"Votre candidature n°7 est enregistrée et votre entreprise remplit les critères du Bureau des pairs.")
	a, err := s.db.FindApplication(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if a.Applicant != "nadia" || a.Status != commands.ApplicationEligible || a.Revenue != commands.Revenue1MTo5M ||
		a.Kind != commands.TurnEnergy || a.Project != consoleProject || a.FoundedYear != 1995 {
		t.Fatalf("stored %+v", a)
	}

	out = s.typeDelivering(":as claire", "/cercle bureau candidatures", ":clic bureau.accept 7", "Projet mûr, équipe prête.")
	wantPrinted(t, "the queue", out, "## Candidature n°7 · Métallerie Haddad · éligible", consoleProject,
		"[Accepter] (:clic bureau.accept 7)  [Refuser] (:clic bureau.refuse 7)", "== Accepter n°7 ==",
		"Raison de la décision (facultatif) : ", "Candidature n°7 (Métallerie Haddad) acceptée.")
	told := dmsTo(s.dms.take())
	wantPrinted(t, "Nadia told", told["nadia"], "Bonne nouvelle : votre candidature n°7 au Bureau des pairs est acceptée.")
	if strings.Contains(told["nadia"], "mûr") {
		t.Errorf("the applicant reads the reason:\n%s", told["nadia"])
	}

	// The day, the peers, Isabelle's conflict, the slot.
	out = s.typeDelivering(":as claire", "/cercle bureau seance nouvelle", "15/12/2026 9h00", "Maison des entreprises, Lille", "", "", "", "",
		"/cercle bureau pair @julien @camille @thomas @isabelle",
		":as isabelle", "/cercle bureau conflit Métallerie Haddad",
		":as claire", ":clic bureau.schedule 7", "2:1")
	wantPrinted(t, "the day and the slot", out, "== Nouvelle séance ==", "Nombre d'auditions [6] : ", "Séance n°2 créée",
		"## Séance n°2 · mardi 15 décembre 2026", "Horaires — de 9h à 14h45, 6 auditions de 45 min", "Lieu — Maison des entreprises, Lille",
		"Désormais pairs : Julien Roussel, Camille Lefebvre, Thomas Wauquier, Isabelle Morel.",
		"Conflit déclaré avec « Métallerie Haddad » : vous ne siégerez pas pour son audition",
		"== Programmer n°7 ==", "Créneau pour Métallerie Haddad {Séance n°2 · mardi 15 décembre 2026 à 9h, Séance n°2 · mardi 15 décembre 2026 à 10h,",
		"Candidature n°7 (Métallerie Haddad) programmée le mardi 15 décembre 2026 à 9h.")
	told = dmsTo(s.dms.take())
	wantPrinted(t, "Nadia's slot", told["nadia"], "Votre audition au Bureau des pairs (candidature n°7) aura lieu le mardi 15 décembre 2026 à 9h, Maison des entreprises, Lille.",
		"📎 audition-7.ics")

	// The panel, proposed with its reasons, then kept.
	out = s.typeDelivering(":as claire", ":clic bureau.panel.propose 2")
	wantPrinted(t, "the proposal", out, "Panel proposé · séance n°2 du mardi 15 décembre 2026", "au moins 3 panélistes par audition",
		"@camille · Lefebvre Menuiseries · BTP", "@julien · Imprimerie du Beffroi · Imprimerie", "@thomas · Opale Informatique · Services numériques",
		"apporte un secteur de plus")
	if strings.Contains(out, "@isabelle") {
		t.Errorf("Isabelle, in conflict, is proposed:\n%s", out)
	}
	set := regexp.MustCompile(`\[Retenir ce panel\] \(:clic (bureau\.panel\.set 2:(\S+))\)`).FindStringSubmatch(out)
	if set == nil {
		t.Fatalf("no button to keep the panel:\n%s", out)
	}
	panel := strings.Split(set[2], ",")
	if sorted := slices.Sorted(slices.Values(panel)); !slices.Equal(sorted, []string{"camille", "julien", "thomas"}) {
		t.Fatalf("panel %v", panel)
	}
	out = s.typeDelivering(":as claire", ":clic "+set[1])
	wantPrinted(t, "the day with its panel", out, "Panel : @camille, @julien, @thomas",
		"Créneau 1 · 9h–9h45 · n°7 · Métallerie Haddad (Métallurgie) · Transition énergétique", "Créneau 2 · 10h–10h45 · libre")
	told = dmsTo(s.dms.take())
	for _, u := range panel {
		wantPrinted(t, u+"'s invitation", told[u], "Vous siégez au panel du Bureau des pairs le mardi 15 décembre 2026 à 9h.", "📎 bureau-des-pairs-2.ics")
	}
	if len(told) != 3 {
		t.Errorf("invitations sent to %v, want the panel's three", told)
	}

	// The briefs, from 9h the day before, to the panel alone.
	if dms := s.runBureau(parisAt("2026-12-14 08:30")); len(dms) != 0 {
		t.Errorf("DMs before 9h the day before: %v", dms)
	}
	dms := s.runBureau(parisAt("2026-12-14 09:05"))
	onlyTo(t, dms, consoleProject, panel...)
	for _, u := range panel {
		wantPrinted(t, u+"'s brief", dms[u], "Bureau des pairs · vos dossiers pour la séance du mardi 15 décembre 2026", "🔒 Confidentiel",
			"## Créneau 1 · 9h–9h45 · Métallerie Haddad", "Ce que vous attendez du panel — Un regard de dirigeants d'autres secteurs.")
	}
	wantPrinted(t, "Nadia's reminder", dms["nadia"], "Rappel : votre audition au Bureau des pairs a lieu le mardi 15 décembre 2026 à 9h")

	// The hearing ends: the panel is asked for its opinion; Marc and
	// Isabelle cannot open it.
	dms = s.runBureau(parisAt("2026-12-15 09:50"))
	onlyTo(t, dms, "[Rédiger l'avis] (:clic bureau.opinion.write 7)", panel...)
	wantPrinted(t, "the panel asked", dms["julien"], "L'audition de Métallerie Haddad est terminée.")
	for _, u := range []string{"marc", "isabelle"} {
		out = s.typeDelivering(":as "+u, ":clic bureau.opinion.write 7")
		wantPrinted(t, u+"'s forged click", out, "Je ne trouve pas de candidature n°7 parmi celles que vous pouvez voir.")
		if strings.Contains(out, "== Avis") || strings.Contains(out, "Haddad ") {
			t.Errorf("%s opened the opinion:\n%s", u, out)
		}
	}

	// Julien writes it, with an expert the form offers; Camille amends
	// the risks, the rest kept with Enter.
	out = s.typeDelivering(":as julien", ":clic bureau.opinion.write 7",
		"Un savoir-faire rare.", "La trésorerie devra tenir six mois.", "Tester avec deux transporteurs.", "", "vincent", "retravailler")
	wantPrinted(t, "the opinion", out, "== Avis · n°7 ==", "Points forts : ", "Contacts à rencontrer (facultatif) : ",
		"Experts du réseau à rencontrer (facultatif) {Vincent Hochart · logistique, transition énergétique",
		"Conclusion {Projet validé, Projet à retravailler, Projet déconseillé} : ",
		"Avis de la candidature n°7 (Métallerie Haddad) enregistré.")
	out = s.typeDelivering(":as camille", ":clic bureau.opinion.write 7",
		"", "La trésorerie devra tenir six mois. "+consoleAmendment, "", "", "", "")
	wantPrinted(t, "the amendment", out, "Points forts [Un savoir-faire rare.] : ", "Risques [La trésorerie devra tenir six mois.] : ",
		"[Vincent Hochart · logistique, transition énergétique] : ", "Conclusion {Projet validé, Projet à retravailler, Projet déconseillé} [Projet à retravailler] : ",
		"enregistré.")
	if a, _ := s.db.FindApplication(ctx, 7); a.Opinion.WrittenBy != "julien" || !slices.Equal(a.Opinion.AmendedBy, []commands.UserID{"camille"}) ||
		!slices.Equal(a.Opinion.Experts, []commands.UserID{"vincent"}) || a.Opinion.Verdict != commands.VerdictRework {
		t.Fatalf("opinion %+v", a.Opinion)
	}

	// Claire seals it: Nadia alone receives it, with its file.
	out = s.typeDelivering(":as claire", "/cercle bureau seance 2")
	seal := regexp.MustCompile(`\(:clic (bureau\.opinion\.seal 7:\d+)\)`).FindStringSubmatch(out)
	if seal == nil {
		t.Fatalf("no seal button:\n%s", out)
	}
	out += s.typeDelivering(":as claire", ":clic "+seal[1])
	wantPrinted(t, "the seal", out, "Avis — brouillon · Projet à retravailler · contributeurs : 2",
		"[Amender l'avis] (:clic bureau.opinion.write 7)  [Sceller et envoyer] (:clic bureau.opinion.seal 7:",
		"Avis de la candidature n°7 scellé et envoyé à Métallerie Haddad.")
	dms = dmsTo(s.dms.take())
	onlyTo(t, dms, consoleAmendment, "nadia")
	wantPrinted(t, "the opinion sent", dms["nadia"], "Avis du Bureau des pairs · Métallerie Haddad", "• Conclusion — Projet à retravailler",
		"## Risques\nLa trésorerie devra tenir six mois. "+consoleAmendment, "Experts du réseau à rencontrer @vincent",
		"[Demander un rendez-vous d'expert] (:clic bureau.opinion.expert 7)", "📎 avis-bureau-des-pairs-7.md")

	// Three months on: asked once whether it helped, she answers.
	sealed := parisAt("2026-12-15 09:50")
	dms = s.runBureau(sealed.Add(commands.FollowUpAfter))
	wantPrinted(t, "the follow-up", dms["nadia"], "Il y a trois mois, le mardi 15 décembre 2026, le Bureau des pairs vous rendait son avis.",
		"[Répondre] (:clic bureau.followup 7)")
	if again := s.runBureau(sealed.Add(commands.FollowUpAfter + time.Hour)); strings.Contains(again["nadia"], "Il y a trois mois") {
		t.Errorf("asked twice:\n%s", again["nadia"])
	}
	out = s.typeDelivering(":as nadia", ":clic bureau.followup 7", "4", "Deux transporteurs testent les bornes.")
	wantPrinted(t, "the answer", out, "== Bilan de l'avis ==",
		"L'avis vous a-t-il aidé ? {5 · Beaucoup, 4 · Plutôt, 3 · Un peu, 2 · Peu, 1 · Pas du tout} : ", "Merci : votre réponse est enregistrée.")
	if a, _ := s.db.FindApplication(ctx, 7); a.FollowUp.Score != 4 || a.FollowUp.Comment != "Deux transporteurs testent les bornes." {
		t.Fatalf("follow-up %+v", a.FollowUp)
	}

	s.dms.take()
	out = s.typeDelivering(":as claire", "/cercle bureau bilan")
	wantPrinted(t, "the report", out, "Bilan du Bureau des pairs", "Avis scellés — 0 validé, 1 à retravailler, 0 déconseillé",
		"Satisfaction à 3 mois — 4,0 sur 5 (1 réponse)", "Le CSV vous est envoyé en message privé.")
	wantPrinted(t, "the report's CSV", dmsTo(s.dms.take())["claire"], "📎 bureau-des-pairs-bilan-2027-03-16.csv")
}

// TestBureauPanelInvitationNamesThePanel: a peer invited to a day's panel
// reads, under the invitation, the day with the panel just set, not the
// one it replaced (« Panel : pas encore composé »). The demo's own day is
// n°1.
func TestBureauPanelInvitationNamesThePanel(t *testing.T) {
	t.Parallel()
	s := newBureauSession(t)
	out := s.typeDelivering(":as claire", "/cercle bureau seance nouvelle", "15/12/2026 9h00", "Maison des entreprises, Lille", "", "", "", "",
		"/cercle bureau pair @julien @camille @thomas", "/cercle bureau panel 2 @julien @camille @thomas")
	wantPrinted(t, "the panel set", out, "Séance n°2 créée", "Panel : @camille, @julien, @thomas")
	told := dmsTo(s.dms.take())
	for _, u := range []string{"julien", "camille", "thomas"} {
		wantPrinted(t, u+"'s invitation", told[u], "Vous siégez au panel du Bureau des pairs le mardi 15 décembre 2026 à 9h.")
		line := regexp.MustCompile(`(?m)^Panel : .*$`).FindString(told[u])
		for _, member := range []string{"@julien", "@camille", "@thomas"} {
			if !strings.Contains(line, member) {
				t.Errorf("%s's invitation shows %q, without %s", u, line, member)
			}
		}
	}
}
