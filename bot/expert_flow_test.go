package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// commandPage runs a signed /cercle command and reads its ack's blocks.
func (n *expertNet) commandPage(t *testing.T, user, text string) page {
	t.Helper()
	ack := n.slash(t, user, text)
	n.saw(user, said(ack.raw))
	return readPage(t, ack.Blocks, 50)
}

// TestExpertRequestOverSlack follows Marc's request from the form to its
// cancellation: the facilitator routes it, the expert proposes slots, the
// member picks one, each side reschedules once, the member cancels.
func TestExpertRequestOverSlack(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t)
	ctx := context.Background()
	start := n.clk.Now()

	// The form, opened on the command's trigger.
	if ack := n.command(t, marc, "expert"); ack != "" {
		t.Errorf("opening the form should ack empty, got %s", ack)
	}
	form := n.opened(t, marc, 1)
	if form.CallbackID != commands.FormExpertRequest || form.Title.Text != "Demander un expert" || form.Submit.Text != "Envoyer" {
		t.Errorf("modal %q titled %q, submit %q", form.CallbackID, form.Title.Text, form.Submit.Text)
	}
	var ids []string
	for _, b := range form.Blocks {
		ids = append(ids, b.BlockID)
	}
	if want := []string{"request_problem", "request_domain", "request_urgency", "request_format", "request_periods"}; !slices.Equal(ids, want) {
		t.Fatalf("fields %v, want %v", ids, want)
	}
	problem := form.Blocks[0]
	if !problem.Element.Multiline || problem.Optional || !strings.Contains(said(problem.Hint.Text), "Confidentiel : seuls les animateurs du réseau et l'expert") {
		t.Errorf("problem field = %+v", problem)
	}
	domain := form.Blocks[1].Element
	if domain.InitialOption == nil || domain.InitialOption.Value != "?" || domain.Options[0].Text.Text != "Je ne sais pas" {
		t.Errorf("domain's first option %+v, initial %+v: want « Je ne sais pas »", domain.Options[0], domain.InitialOption)
	}
	var domains []string
	for _, o := range domain.Options[1:] {
		domains = append(domains, o.Value)
	}
	if want := []string{"Fiscalité", "Management", "Recrutement"}; !slices.Equal(domains, want) {
		t.Errorf("domains %v, want the experts' %v", domains, want)
	}
	if u := form.Blocks[2].Element.InitialOption; u == nil || u.Value != "normale" || u.Text.Text != "normale" {
		t.Errorf("urgency's default %+v, want normale", u)
	}
	if f := form.Blocks[3].Element.InitialOption; f == nil || f.Value != "any" || f.Text.Text != "Indifférent" {
		t.Errorf("format's default %+v, want Indifférent", f)
	}
	if !form.Blocks[4].Optional {
		t.Error("the periods are not optional")
	}

	// Ten characters are too few: the field says so, nothing is stored.
	ack := n.submit(t, marc, form.CallbackID, form.PrivateMetadata, requestForm("Recruter !", "?", "normale", "any", ""))
	if errs := fieldErrors(t, ack); errs["request_problem"] == "" {
		t.Fatalf("a 10-character problem was taken: %s", ack)
	} else {
		wantSaid(t, "problem's error", errs["request_problem"], "Décrivez votre besoin en 20 à 2000 caractères (vous en avez écrit 10).")
	}
	if rs := n.requestsOf(t, marc); len(rs) != 0 {
		t.Fatalf("a refused form stored %d requests", len(rs))
	}

	ack = n.submit(t, marc, form.CallbackID, form.PrivateMetadata, requestForm(marcProblem, "Recrutement", "haute", "visio", "Les mardis matin"))
	wantSaid(t, "request's ack", ack, "Votre demande n°1 est enregistrée.", "Seuls les animateurs et l'expert qui la reçoit la lisent.")
	member, err := n.db.FindMemberByUserID(ctx, marc)
	if err != nil {
		t.Fatal(err)
	}
	r := n.request(t, 1)
	if r.Requester != marc || r.CompanyID != member.CompanyID || r.CompanyID == 0 || r.Problem != marcProblem || r.Domain != "Recrutement" ||
		r.Urgency != commands.UrgencyHigh || r.Format != commands.FormatVideo || r.Periods != "Les mardis matin" || r.Status != commands.RequestNew {
		t.Fatalf("stored %+v", r)
	}
	wantSaid(t, "facilitator's alert", n.oneDM(t, claire, 0).text, "Nouvelle demande d'entretien n°1 à confier (urgence haute).", "2 experts possibles.", "/cercle demandes")
	for _, u := range []string{marc, nadia, helene, francis, agnes} {
		if dms := n.dms(t, u); len(dms) != 0 {
			t.Errorf("%s was told of a new request: %q", u, dms[0].text)
		}
	}

	// The queue: the request, its candidates with their reasons, a button each.
	queue := n.commandPage(t, claire, "demandes")
	wantSaid(t, "queue", strings.ReplaceAll(queue.text, "*", ""), "1 demande à confier", "Demande n°1 · haute", marcProblem,
		"Hélène Delattre — Recrutement", "« recruter »", "« commercial »", "François Dubrulle — Recrutement")
	if strings.Contains(queue.text, "Agnès") {
		t.Errorf("the tax expert is a candidate:\n%s", queue.text)
	}
	var routes []kitButton
	for _, b := range queue.buttons {
		if b.action == commands.ActionRouteRequest {
			routes = append(routes, b)
		}
	}
	if len(routes) != 2 || routes[0] != (kitButton{commands.ActionRouteRequest, "1:" + helene, "Confier à Hélène Delattre"}) ||
		routes[1].value != "1:"+francis {
		t.Fatalf("route buttons %+v: want Hélène's, then François's", routes)
	}

	// Routed: the expert's brief names the sector and the size, never the company.
	n.route(t, 1, helene)
	r = n.request(t, 1)
	if r.Status != commands.RequestProposed || r.Expert != helene || !r.RoutedAt.Equal(start) || !r.AnswerBy.Equal(start.Add(72*time.Hour)) {
		t.Fatalf("after routing: %+v", r)
	}
	brief := n.oneDM(t, helene, 0)
	wantSaid(t, "brief", brief.text, "Demande d'entretien n°1", marcProblem, "Secteur", "Transport et logistique", "Taille", "85 salariés",
		"Urgence", "haute", "Visio", "Les mardis matin", "le nom de l'entreprise vous est donné si vous acceptez",
		"Merci de répondre avant le "+said(fr.DateTime(start.Add(72*time.Hour))))
	for _, secret := range []string{"Gesnord", "Marc", "Dufour"} {
		if strings.Contains(brief.text, secret) {
			t.Errorf("the brief names %q:\n%s", secret, brief.text)
		}
	}
	if want := []kitButton{{commands.ActionAcceptRequest, "1", "Accepter"}, {commands.ActionDeclineRequest, "1", "Décliner"}}; !slices.Equal(brief.buttons, want) {
		t.Errorf("brief's buttons %+v, want %+v", brief.buttons, want)
	}
	wantSaid(t, "member told", n.oneDM(t, marc, 0).text, "Votre demande n°1 est confiée à un expert.")
	for _, u := range []string{francis, agnes} {
		if dms := n.dms(t, u); len(dms) != 0 {
			t.Errorf("%s got the brief of a request not routed to them", u)
		}
	}
	mine := n.commandPage(t, marc, "demandes")
	wantSaid(t, "member's requests", strings.ReplaceAll(mine.text, "*", ""), "Mes demandes", "Demande n°1 · chez l'expert", marcProblem)
	if want := []kitButton{{commands.ActionCancelRequest, "1", "Annuler la demande"}}; !slices.Equal(mine.buttons, want) {
		t.Errorf("member's buttons %+v, want %+v", mine.buttons, want)
	}
	if theirs := n.command(t, nadia, "demandes"); strings.Contains(theirs, marcSecret) || !strings.Contains(theirs, "Aucune demande.") {
		t.Errorf("another member's requests:\n%s", theirs)
	}

	// Accepted: the modal offers free slots inside her windows only.
	slotForm := n.pressForm(t, helene, commands.ActionAcceptRequest, "1")
	if slotForm.CallbackID != commands.FormRequestSlots || slotForm.PrivateMetadata != "1" || slotForm.Title.Text != "Proposer des créneaux" {
		t.Fatalf("slot modal %+v", slotForm)
	}
	slotBlock := slotForm.Blocks[slotForm.field(t, "request_slots")]
	if slotBlock.Element.Type != "checkboxes" || len(slotBlock.Element.Options) < 4 || len(slotBlock.Element.Options) > 10 {
		t.Fatalf("slots field %+v: want 4 to 10 checkboxes", slotBlock)
	}
	for _, o := range slotBlock.Element.Options {
		at := unix(t, o.Value).In(paris)
		minute := at.Hour()*60 + at.Minute()
		tuesday := at.Weekday() == time.Tuesday && minute >= 9*60 && minute+60 <= 12*60
		thursday := at.Weekday() == time.Thursday && minute >= 14*60 && minute+60 <= 17*60
		if !tuesday && !thursday || at.Before(start.Add(48*time.Hour)) || at.After(start.Add(21*24*time.Hour)) {
			t.Errorf("slot %s is outside her availability, her notice or the horizon", at)
		}
		if o.Text.Text != fr.DateTime(at) {
			t.Errorf("slot labelled %q, want %q", o.Text.Text, fr.DateTime(at))
		}
	}
	options := slotBlock.Element.Options
	refused := func(values map[string]any, field, phrase string) {
		t.Helper()
		errs := fieldErrors(t, n.submit(t, helene, slotForm.CallbackID, slotForm.PrivateMetadata, values))
		wantSaid(t, "error on "+field, errs[field], phrase)
		if r := n.request(t, 1); r.Status != commands.RequestProposed {
			t.Fatalf("a refused slot form changed the request: %+v", r)
		}
	}
	refused(map[string]any{"request_slots": checkbox(options[0].Value), "request_place": textInput("  ")}, "request_place", "Indiquez le lieu, ou le lien de visio.")
	refused(map[string]any{"request_slots": checkbox(options[0].Value, options[1].Value, options[2].Value, options[3].Value), "request_place": textInput("Visio")},
		"request_slots", "Choisissez de 1 à 3 créneaux.")
	ack = n.submit(t, helene, slotForm.CallbackID, slotForm.PrivateMetadata,
		map[string]any{"request_slots": checkbox(options[0].Value, options[1].Value), "request_place": textInput("Visio : https://meet.example.org/cercle-1")})
	wantSaid(t, "slots' ack", ack, "La demande n°1 vient de", "Gesnord Logistique")
	r = n.request(t, 1)
	if r.Status != commands.RequestAccepted || len(r.Slots) != 2 || r.Slots[0].Unix() != unix(t, options[0].Value).Unix() ||
		r.Place != "Visio : https://meet.example.org/cercle-1" || !r.FirstAnswerAt.Equal(start) {
		t.Fatalf("after accepting: %+v", r)
	}
	slots := n.oneDM(t, marc, 1)
	wantSaid(t, "member's slots", slots.text, "Bonne nouvelle : votre demande n°1 est acceptée par <@"+helene+">", "Choisissez un créneau :",
		"Lieu : Visio : https://meet.example.org/cercle-1")
	if len(slots.buttons) != 2 || slots.buttons[1].action != commands.ActionPickSlot || slots.buttons[1].value != "1:"+options[1].Value ||
		slots.buttons[1].label != said(fr.ShortDate(r.Slots[1])+" "+fr.Time(r.Slots[1])) {
		t.Fatalf("slot buttons %+v", slots.buttons)
	}

	// Picked: both sides confirmed, with the .ics and calendar links, and
	// two reminders each.
	wantSaid(t, "pick", n.pick(t, marc, 1, options[1].Value), "C'est réservé : l'entretien de la demande n°1 a lieu le "+said(fr.DateTime(r.Slots[1])))
	r = n.request(t, 1)
	if r.Status != commands.RequestScheduled || !r.Slot.Equal(unix(t, options[1].Value)) || r.Sequence != 1 {
		t.Fatalf("after the pick: %+v", r)
	}
	n.confirmed(t, 1, r, 2, 1)
	keys := n.dedupeKeys(t)
	reminders, err := n.db.DueMessages(ctx, r.Slot, 100)
	if err != nil {
		t.Fatal(err)
	}
	due := map[string][]time.Time{}
	for _, m := range reminders {
		if m.Notice != nil && m.Notice.Kind == commands.NoticeMeetingReminder && m.Notice.Request == 1 {
			due[string(m.To.User)] = append(due[string(m.To.User)], m.DueAt)
		}
	}
	for _, u := range []string{marc, helene} {
		slices.SortFunc(due[u], func(a, b time.Time) int { return a.Compare(b) })
		if want := []time.Time{r.Slot.Add(-24 * time.Hour), r.Slot.Add(-time.Hour)}; !slices.EqualFunc(due[u], want, time.Time.Equal) {
			t.Errorf("%s's reminders due %v, want J-1 and H-1 %v (keys %v)", u, due[u], want, keys)
		}
	}

	// The expert asks to reschedule: the slot is free again, she proposes
	// new ones, the member picks again.
	wantSaid(t, "expert's reschedule", n.press(t, helene, commands.ActionRescheduleRequest, "1"), "de nouveaux créneaux pour la demande n°1")
	if r := n.request(t, 1); r.Status != commands.RequestAccepted || !r.Slot.Equal(unix(t, options[1].Value)) || len(r.Slots) != 0 || r.Sequence != 2 {
		t.Fatalf("after the expert's reschedule: %+v", r)
	}
	ask := n.oneDM(t, helene, 2)
	wantSaid(t, "expert asked for slots", ask.text, "l'entretien n°1", "proposez de nouveaux créneaux")
	if len(ask.buttons) != 1 || ask.buttons[0] != (kitButton{commands.ActionAcceptRequest, "1", "Proposer des créneaux"}) {
		t.Errorf("expert's buttons %+v", ask.buttons)
	}
	if strings.Contains(ask.text, "Le membre demande") {
		t.Errorf("the expert who asked to reschedule is told the member asked:\n%s", ask.text)
	}
	wantSaid(t, "member told of the reschedule", n.oneDM(t, marc, 3).text, "L'horaire de l'entretien n°1 change : l'expert va proposer de nouveaux créneaux.")
	again := n.accept(t, helene, 1, 1, 2)
	wantSaid(t, "old slot button", n.pick(t, marc, 1, options[0].Value), "Ce créneau ne fait pas partie de ceux proposés.")
	if r := n.request(t, 1); r.Status != commands.RequestAccepted {
		t.Fatalf("an old slot button booked: %+v", r)
	}
	n.oneDM(t, marc, 4) // the new slots
	wantSaid(t, "second pick", n.pick(t, marc, 1, again[0]), "C'est réservé")
	r = n.request(t, 1)
	if r.Status != commands.RequestScheduled || !r.Slot.Equal(unix(t, again[0])) || r.Sequence != 3 {
		t.Fatalf("after the second pick: %+v", r)
	}
	n.confirmed(t, 1, r, 5, 3)

	// The member asks to reschedule: the expert is asked for slots.
	wantSaid(t, "member's reschedule", n.press(t, marc, commands.ActionRescheduleRequest, "1"), "de nouveaux créneaux pour la demande n°1")
	wantSaid(t, "expert asked by the member", n.oneDM(t, helene, 4).text,
		"Le membre demande de changer l'horaire de l'entretien n°1 : proposez de nouveaux créneaux.")
	n.oneDM(t, marc, 6)
	third := n.accept(t, helene, 1, 0)
	n.oneDM(t, marc, 7)
	n.pick(t, marc, 1, third[0])
	r = n.request(t, 1)
	if r.Status != commands.RequestScheduled || r.Sequence != 5 {
		t.Fatalf("after the third pick: %+v", r)
	}
	n.confirmed(t, 1, r, 8, 5)

	// The member cancels: the expert is told, with the calendar's
	// cancellation; the member, who did it, gets no DM.
	wantSaid(t, "cancel", n.press(t, marc, commands.ActionCancelRequest, "1"), "La demande n°1 est annulée.")
	if r := n.request(t, 1); r.Status != commands.RequestCancelled || r.Sequence != 6 {
		t.Fatalf("after cancelling: %+v", r)
	}
	wantSaid(t, "expert's cancellation", n.oneDM(t, helene, 6).text,
		"L'entretien de la demande n°1, prévu le "+said(fr.DateTime(r.Slot))+", est annulé.")
	if got := n.newDMs(t, marc, 9); len(got) != 0 {
		t.Errorf("the member who cancelled got %q", got[0].text)
	}
	ics := n.uploadsTo(t, helene)["entretien-1.ics"]
	if last := ics[len(ics)-1]; !strings.Contains(last, "METHOD:CANCEL") || !strings.Contains(last, "STATUS:CANCELLED") || !strings.Contains(last, "SEQUENCE:6") {
		t.Errorf("the expert's last .ics is no cancellation:\n%s", last)
	}

	// The reminders of every booking are dropped at their time.
	n.clk.Set(r.Slot.Add(-30 * time.Minute))
	for _, u := range []string{marc, helene} {
		for _, dm := range n.dms(t, u) {
			if strings.Contains(dm.text, "Rappel") {
				t.Errorf("%s was reminded of a cancelled meeting: %s", u, dm.text)
			}
		}
	}

	n.confidential(t, marcSecret, marc, claire, helene)
	n.keysHoldNoName(t, secretWords()...)
}

// confirmed checks the confirmation of request id's meeting r (Marc's
// with Hélène): one new DM to each side, after the member's first
// memberSkip DMs and the expert's first expertSkip, each with the
// add-to-calendar links and an .ics of r's sequence.
func (n *expertNet) confirmed(t *testing.T, id int64, r *commands.ExpertRequest, memberSkip, expertSkip int) {
	t.Helper()
	when := said(fr.DateTime(r.Slot))
	for _, side := range []struct {
		user, other string
		skip        int
	}{{marc, "Hélène Delattre", memberSkip}, {helene, "Marc Dufour", expertSkip}} {
		dm := n.oneDM(t, side.user, side.skip)
		wantSaid(t, side.user+"'s confirmation", dm.text, "Entretien confirmé avec "+side.other+" le "+when+". Lieu : "+r.Place,
			"calendar.google.com", "outlook.office.com")
		files := n.uploadsTo(t, side.user)[fmt.Sprintf("entretien-%d.ics", id)]
		if len(files) == 0 {
			t.Fatalf("%s got no .ics", side.user)
		}
		ics := files[len(files)-1]
		if !strings.Contains(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "DTSTART;TZID=Europe/Paris:"+r.Slot.In(paris).Format("20060102T150405")) ||
			!strings.Contains(ics, "SEQUENCE:"+strconv.Itoa(r.Sequence)) || !strings.Contains(ics, "Entretien Cercle avec "+side.other) {
			t.Errorf("%s's .ics:\n%s", side.user, ics)
		}
	}
}

// TestCancelAfterReschedule calls a meeting off while its new time is
// being chosen: the other side's calendar still holds the old time, so
// they get the calendar's cancellation of it.
func TestCancelAfterReschedule(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, moves, cancels, told string }{
		{"ExpertMovesMemberCancels", helene, marc, helene},
		{"MemberMovesExpertCancels", marc, helene, marc},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := newExpertNet(t)
			n.ask(t, marc, marcProblem)
			n.route(t, 1, helene)
			slots := n.accept(t, helene, 1, 0)
			n.pick(t, marc, 1, slots[0])
			booked := n.request(t, 1)
			n.press(t, tt.moves, commands.ActionRescheduleRequest, "1")
			before := len(n.dms(t, tt.told))
			wantSaid(t, "cancel", n.press(t, tt.cancels, commands.ActionCancelRequest, "1"), "La demande n°1 est annulée.")
			r := n.request(t, 1)
			if r.Status != commands.RequestCancelled || r.Sequence <= booked.Sequence+1 {
				t.Fatalf("after cancelling: %+v", r)
			}
			wantSaid(t, "cancellation", n.oneDM(t, tt.told, before).text,
				"L'entretien de la demande n°1, prévu le "+said(fr.DateTime(booked.Slot))+", est annulé.")
			ics := n.uploadsTo(t, tt.told)["entretien-1.ics"]
			if last := ics[len(ics)-1]; len(ics) != 2 || !strings.Contains(last, "METHOD:CANCEL") || !strings.Contains(last, "SEQUENCE:"+strconv.Itoa(r.Sequence)) ||
				!strings.Contains(last, "DTSTART;TZID=Europe/Paris:"+booked.Slot.In(paris).Format("20060102T150405")) {
				t.Errorf("%s's calendar files: %d, the last:\n%s", tt.told, len(ics), last)
			}
		})
	}
}
