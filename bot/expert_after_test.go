package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// This file drives what happens to a request once routed, besides the
// happy path: the expert declines, lets the answer lapse, and the meeting
// is held, with its reminders and the feedback of each side.

func TestExpertDeclinesBackToFacilitators(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t)
	r := n.ask(t, marc, marcProblem)
	n.route(t, r.ID, helene)
	staffDMs := len(n.dms(t, claire))

	decline := n.pressForm(t, helene, commands.ActionDeclineRequest, "1")
	reason := decline.Blocks[decline.field(t, "request_reason")]
	if decline.CallbackID != commands.FormRequestDecline || decline.PrivateMetadata != "1" || decline.Title.Text != "Décliner la demande" ||
		!reason.Element.Multiline || !strings.Contains(reason.Hint.Text, "Lu par les animateurs seulement") {
		t.Fatalf("decline modal %+v", decline)
	}
	errs := fieldErrors(t, n.submit(t, helene, decline.CallbackID, decline.PrivateMetadata, map[string]any{"request_reason": textInput(" ")}))
	wantSaid(t, "empty reason", errs["request_reason"], "Donnez un motif, en 500 caractères au plus")
	const why = "Je suis complète jusqu'en janvier, désolée."
	ack := n.submit(t, helene, decline.CallbackID, decline.PrivateMetadata, map[string]any{"request_reason": textInput(why)})
	wantSaid(t, "decline's ack", ack, "C'est noté : la demande n°1 passe à un autre expert.")
	got := n.request(t, 1)
	if got.Status != commands.RequestNew || got.Expert != "" || !slices.Equal(got.Tried, []commands.UserID{helene}) || got.DeclineReason != why ||
		got.FirstAnswerAt.IsZero() {
		t.Fatalf("after declining: %+v", got)
	}
	wantSaid(t, "member told", n.oneDM(t, marc, 1).text,
		"L'expert sollicité n'est pas disponible : votre demande n°1 est proposée à quelqu'un d'autre.")
	wantSaid(t, "facilitator told again", n.oneDM(t, claire, staffDMs).text, "Nouvelle demande d'entretien n°1 à confier", "1 expert possible.")
	if dms := n.dms(t, francis); len(dms) != 0 {
		t.Errorf("without automatic routing, François got %q", dms[0].text)
	}

	// The queue shows why, and offers only François.
	queue := n.commandPage(t, claire, "demandes")
	wantSaid(t, "queue", strings.ReplaceAll(queue.text, "*", ""), "1 demande à confier", "Motif du dernier refus", why, "François Dubrulle — Recrutement")
	for _, b := range queue.buttons {
		if b.action == commands.ActionRouteRequest && b.value != "1:"+francis {
			t.Errorf("the queue offers %+v", b)
		}
	}
	// Her old buttons and the facilitator's old one do nothing now.
	wantSaid(t, "her old Accepter", n.press(t, helene, commands.ActionAcceptRequest, "1"),
		"Je ne trouve pas de demande n°1 parmi celles que vous pouvez voir.")
	wantSaid(t, "routing her again", n.press(t, claire, commands.ActionRouteRequest, "1:"+helene), "Hélène Delattre ne peut pas prendre cette demande")
	if after := n.request(t, 1); after.Version != got.Version {
		t.Errorf("a refused step changed the request: %+v", after)
	}
	n.route(t, 1, francis)
	wantSaid(t, "François's brief", n.oneDM(t, francis, 0).text, "Demande d'entretien n°1", marcProblem)

	n.confidential(t, why, helene, claire)
	n.confidential(t, marcSecret, marc, claire, helene, francis)
}

func TestExpertDeclinesToTheNextCandidate(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t, func(c *commands.Config) { c.AutoRouteExperts = true })
	r := n.ask(t, marc, marcProblem)
	if r.Status != commands.RequestProposed || r.Expert != helene {
		t.Fatalf("automatic routing: %+v", r)
	}
	wantSaid(t, "Hélène's brief", n.oneDM(t, helene, 0).text, marcProblem)
	wantSaid(t, "member told", n.oneDM(t, marc, 0).text, "Votre demande n°1 est confiée à un expert.")

	decline := n.pressForm(t, helene, commands.ActionDeclineRequest, "1")
	n.submit(t, helene, decline.CallbackID, decline.PrivateMetadata, map[string]any{"request_reason": textInput("Hors de mon champ.")})
	got := n.request(t, 1)
	if got.Status != commands.RequestProposed || got.Expert != francis || !slices.Equal(got.Tried, []commands.UserID{helene}) {
		t.Fatalf("after Hélène declined: %+v", got)
	}
	wantSaid(t, "François's brief", n.oneDM(t, francis, 0).text, "Demande d'entretien n°1", marcProblem, "Transport et logistique")
	told := n.newDMs(t, marc, 1)
	if len(told) != 2 || !strings.Contains(told[0].text, "proposée à quelqu'un d'autre") || !strings.Contains(told[1].text, "confiée à un expert") {
		t.Errorf("member's DMs %+v", told)
	}
	if dms := n.dms(t, claire); len(dms) != 0 {
		t.Errorf("the facilitator was alerted of a request routed automatically: %q", dms[0].text)
	}

	// Nobody is left: back to the facilitators.
	decline = n.pressForm(t, francis, commands.ActionDeclineRequest, "1")
	n.submit(t, francis, decline.CallbackID, decline.PrivateMetadata, map[string]any{"request_reason": textInput("Pas disponible.")})
	if got := n.request(t, 1); got.Status != commands.RequestNew || len(got.Tried) != 2 {
		t.Fatalf("after François declined: %+v", got)
	}
	wantSaid(t, "facilitator told", n.oneDM(t, claire, 0).text, "Nouvelle demande d'entretien n°1 à confier")
	if dms := n.dms(t, agnes); len(dms) != 0 {
		t.Errorf("the tax expert got %q", dms[0].text)
	}
	n.confidential(t, marcSecret, marc, helene, francis)
	n.keysHoldNoName(t, secretWords()...)
}

func TestExpertAnswerLapses(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t, func(c *commands.Config) { c.AutoRouteExperts = true })
	start := n.clk.Now()
	n.ask(t, marc, marcProblem)
	n.dms(t, marc)

	n.clk.Set(start.Add(71 * time.Hour))
	n.runJob(t)
	if r := n.request(t, 1); r.Status != commands.RequestProposed || r.Expert != helene {
		t.Fatalf("passed on before 72 hours: %+v", r)
	}
	n.clk.Set(start.Add(72*time.Hour + time.Minute))
	n.runJob(t)
	r := n.request(t, 1)
	if r.Status != commands.RequestProposed || r.Expert != francis || !slices.Equal(r.Tried, []commands.UserID{helene}) || !r.FirstAnswerAt.IsZero() ||
		!r.AnswerBy.Equal(n.clk.Now().Add(72*time.Hour)) {
		t.Fatalf("after 72 hours: %+v", r)
	}
	told := n.newDMs(t, marc, 1)
	if len(told) != 2 || !strings.Contains(told[0].text, "L'expert sollicité n'est pas disponible : votre demande n°1 est proposée à quelqu'un d'autre.") {
		t.Errorf("member's DMs %+v", told)
	}
	wantSaid(t, "François's brief", n.oneDM(t, francis, 0).text, marcProblem)
	wantSaid(t, "her Accepter, too late", n.press(t, helene, commands.ActionAcceptRequest, "1"),
		"Je ne trouve pas de demande n°1 parmi celles que vous pouvez voir.")

	// The job again changes nothing; François lapses too: the facilitators.
	n.runJob(t)
	if got := n.request(t, 1); got.Version != r.Version || len(n.dms(t, marc)) != 3 {
		t.Fatalf("a second run changed the request or told the member again: %+v", got)
	}
	n.clk.Set(start.Add(145 * time.Hour))
	n.runJob(t)
	if got := n.request(t, 1); got.Status != commands.RequestNew || len(got.Tried) != 2 {
		t.Fatalf("after François's lapse: %+v", got)
	}
	wantSaid(t, "member told", n.oneDM(t, marc, 3).text, "proposée à quelqu'un d'autre")
	wantSaid(t, "facilitator told", n.oneDM(t, claire, 0).text, "Nouvelle demande d'entretien n°1 à confier")

	// Unrouted for two weeks: closed, the member told.
	n.clk.Set(start.Add(14*24*time.Hour + time.Minute))
	n.runJob(t)
	if got := n.request(t, 1); got.Status != commands.RequestExpired {
		t.Fatalf("after two weeks: %+v", got)
	}
	wantSaid(t, "member told", n.oneDM(t, marc, 4).text, "Votre demande n°1 n'a pas trouvé d'expert en deux semaines : elle est close.")
}

// TestExpertMeetingHeld follows a booked meeting: the reminders at J-1 and
// H-1, then, once it has ended, the member's rating and the expert's
// follow-up.
func TestExpertMeetingHeld(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t)
	n.ask(t, marc, marcProblem)
	n.route(t, 1, helene)
	slots := n.accept(t, helene, 1, 0)
	n.pick(t, marc, 1, slots[0])
	slot := unix(t, slots[0])
	marcDMs, heleneDMs := len(n.dms(t, marc)), len(n.dms(t, helene))

	for i, before := range []time.Duration{24 * time.Hour, time.Hour} {
		n.clk.Set(slot.Add(-before))
		for _, side := range []struct {
			user, other string
			skip        int
		}{{marc, helene, marcDMs + i}, {helene, marc, heleneDMs + i}} {
			wantSaid(t, side.user+"'s reminder", n.oneDM(t, side.user, side.skip).text,
				"Rappel : entretien Cercle le "+said(fr.DateTime(slot))+" (Visio : https://meet.example.org/cercle-1) avec <@"+side.other+">")
		}
	}
	marcDMs, heleneDMs = marcDMs+2, heleneDMs+2

	n.clk.Set(slot.Add(59 * time.Minute))
	n.runJob(t)
	if r := n.request(t, 1); r.Status != commands.RequestScheduled {
		t.Fatalf("held before its end: %+v", r)
	}
	n.clk.Set(slot.Add(time.Hour + time.Minute))
	n.runJob(t)
	n.runJob(t)
	if r := n.request(t, 1); r.Status != commands.RequestDone {
		t.Fatalf("not held after its end: %+v", r)
	}
	ask := n.oneDM(t, marc, marcDMs)
	wantSaid(t, "feedback's DM", ask.text, "Votre entretien (demande n°1) vous a-t-il aidé ? Votre avis reste confidentiel : seuls les animateurs le lisent.")
	if want := []kitButton{{commands.ActionFeedbackRequest, "1", "Donner mon avis"}}; !slices.Equal(ask.buttons, want) {
		t.Fatalf("feedback's buttons %+v", ask.buttons)
	}
	form := n.pressForm(t, marc, ask.buttons[0].action, ask.buttons[0].value)
	rating := form.Blocks[form.field(t, "request_rating")].Element
	if form.CallbackID != commands.FormRequestFeedback || len(rating.Options) != 5 || rating.Options[0].Value != "5" || rating.Options[0].Text.Text != "5 — Énormément" ||
		!form.Blocks[form.field(t, "request_comment")].Optional {
		t.Fatalf("feedback modal %+v", form)
	}
	errs := fieldErrors(t, n.submit(t, marc, form.CallbackID, form.PrivateMetadata, map[string]any{"request_rating": choice("9")}))
	wantSaid(t, "bad rating", errs["request_rating"], "Choisissez une note de 1 à 5.")
	const comment = "Des pistes concrètes pour l'annonce, merci."
	ack := n.submit(t, marc, form.CallbackID, form.PrivateMetadata, map[string]any{"request_rating": choice("4"), "request_comment": textInput(comment)})
	wantSaid(t, "feedback's ack", ack, "Merci pour votre avis !")
	if r := n.request(t, 1); r.Rating != 4 || r.Comment != comment {
		t.Fatalf("feedback stored as %d %q", r.Rating, r.Comment)
	}
	wantSaid(t, "feedback again", n.press(t, marc, commands.ActionFeedbackRequest, "1"), "Votre avis sur cet entretien est déjà enregistré, merci.")
	n.submit(t, marc, form.CallbackID, form.PrivateMetadata, map[string]any{"request_rating": choice("1")})
	if r := n.request(t, 1); r.Rating != 4 {
		t.Errorf("a replayed feedback form changed the rating to %d", r.Rating)
	}

	followUp := n.oneDM(t, helene, heleneDMs)
	wantSaid(t, "follow-up's DM", followUp.text, "Après l'entretien de la demande n°1, une suite est-elle nécessaire ?")
	if want := []kitButton{{commands.ActionFollowUpRequest, "1:oui", "Oui"}, {commands.ActionFollowUpRequest, "1:non", "Non"}}; !slices.Equal(followUp.buttons, want) {
		t.Fatalf("follow-up's buttons %+v", followUp.buttons)
	}
	wantSaid(t, "follow-up", n.press(t, helene, commands.ActionFollowUpRequest, "1:oui"), "C'est noté : les animateurs organiseront la suite.")
	wantSaid(t, "follow-up again", n.press(t, helene, commands.ActionFollowUpRequest, "1:non"), "L'entretien de la demande n°1 a eu lieu : cette étape n'est plus possible.")
	if r := n.request(t, 1); r.FollowUp != "oui" {
		t.Errorf("follow-up stored as %q", r.FollowUp)
	}
	n.keysHoldNoName(t, secretWords()...)
	// The rating is for the facilitators: the expert's list shows it not.
	wantSaid(t, "expert's requests", n.command(t, helene, "demandes"), "Demande n°1 · entretien passé")
	for u, texts := range n.seenBy(t) {
		for _, text := range texts {
			if strings.Contains(text, comment) {
				t.Errorf("%s was shown the member's comment:\n%s", u, text)
			}
		}
	}
}
