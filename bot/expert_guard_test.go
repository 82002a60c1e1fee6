package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/bot"
	"cercle/commands"
)

// This file checks that an expert request holds against what people can
// send by hand: two members booking one slot at once, buttons and forms
// with forged ids, and old buttons pressed again.

// pressAt sends a button press signed, from any goroutine: it reports
// errors instead of stopping the test.
func (n *expertNet) pressAt(user, action, value string) error {
	raw, err := json.Marshal(n.buttonPress(user, action, value))
	if err != nil {
		return err
	}
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	req, err := http.NewRequest(http.MethodPost, n.srv.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	bot.SignRequest(req.Header, testSecret, time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s pressing %s: status %d", user, action, resp.StatusCode)
	}
	return nil
}

// answerTo waits for the first answer to user's button action.
func (n *expertNet) answerTo(t *testing.T, user, action string) string {
	t.Helper()
	path := responsePath(n.slack.ResponseURL(user + "-" + action))
	deadline := time.Now().Add(3 * time.Second)
	for {
		if got := n.answersAt(path); len(got) > 0 {
			return said(got[0])
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s pressing %s: no answer", user, action)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestTwoMembersPickTheSameSlotAtOnce(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t)
	n.ask(t, marc, marcProblem)
	n.ask(t, nadia, nadiaAsks)
	n.route(t, 1, helene)
	n.route(t, 2, helene)
	// Neither is booked yet: the same two slots are free for both.
	first := n.accept(t, helene, 1, 0, 2)
	second := n.accept(t, helene, 2, 0, 2)
	if first[0] != second[0] {
		t.Fatalf("the two modals offered different first slots: %s, %s", first[0], second[0])
	}

	ready := make(chan struct{})
	var wg sync.WaitGroup
	for _, p := range []struct {
		user string
		id   int
	}{{marc, 1}, {nadia, 2}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			if err := n.pressAt(p.user, commands.ActionPickSlot, fmt.Sprintf("%d:%s", p.id, first[0])); err != nil {
				t.Error(err)
			}
		}()
	}
	close(ready)
	wg.Wait()
	answers := map[string]string{marc: n.answerTo(t, marc, commands.ActionPickSlot), nadia: n.answerTo(t, nadia, commands.ActionPickSlot)}
	r1, r2 := n.request(t, 1), n.request(t, 2)
	winner, loser, lost := marc, nadia, r2
	if r2.Status == commands.RequestScheduled {
		winner, loser, lost = nadia, marc, r1
	}
	if (r1.Status == commands.RequestScheduled) == (r2.Status == commands.RequestScheduled) {
		t.Fatalf("both or neither booked: %s and %s; answers %q", r1.Status, r2.Status, answers)
	}
	wantSaid(t, "winner's answer", answers[winner], "C'est réservé")
	wantSaid(t, "loser's answer", answers[loser], "Ce créneau n'est plus libre : choisissez-en un autre.")
	if lost.Status != commands.RequestAccepted || !lost.Slot.IsZero() {
		t.Errorf("the request that lost: %+v", lost)
	}
	// The loser takes the other slot, which is still free.
	wantSaid(t, "loser's second pick", n.pick(t, loser, lost.ID, first[1]), "C'est réservé")
	meetings := 0
	for _, id := range []int64{1, 2} {
		if n.request(t, id).Status == commands.RequestScheduled {
			meetings++
		}
	}
	if meetings != 2 {
		t.Errorf("%d meetings booked, want 2", meetings)
	}
	// A third request's slots keep clear of both meetings, of an event
	// she registered for, and of her buffer around each.
	start := parisTime("2026-12-17 14:00")
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière de décembre", Start: start, End: start.Add(2 * time.Hour),
		CancelCutoff: start, Capacity: 50, Status: commands.EventPublished, CreatedBy: claire}
	if err := n.db.CreateEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	wantSaid(t, "registration", n.command(t, helene, fmt.Sprintf("inscrire %d", ev.ID)), "votre place est réservée")
	busy := [][2]time.Time{{unix(t, first[0]), unix(t, first[0]).Add(time.Hour)}, {unix(t, first[1]), unix(t, first[1]).Add(time.Hour)}, {ev.Start, ev.End}}
	third := n.ask(t, marc, "Recruter aussi un technicien de maintenance pour l'atelier.")
	n.route(t, third.ID, helene)
	form := n.pressForm(t, helene, commands.ActionAcceptRequest, fmt.Sprint(third.ID))
	offered := form.Blocks[form.field(t, "request_slots")].Element.Options
	if len(offered) == 0 {
		t.Fatal("no slot offered for a third request")
	}
	for _, o := range offered {
		at := unix(t, o.Value)
		for _, b := range busy {
			if at.Before(b[1].Add(15*time.Minute)) && b[0].Before(at.Add(time.Hour+15*time.Minute)) {
				t.Errorf("slot %s offered, too close to %s–%s", at.In(paris), b[0].In(paris), b[1].In(paris))
			}
		}
	}
	// Each member was confirmed once, for their own meeting.
	for _, u := range []string{marc, nadia} {
		confirmations := 0
		for _, dm := range n.dms(t, u) {
			if strings.Contains(dm.text, "Entretien confirmé") {
				confirmations++
			}
		}
		if confirmations != 1 {
			t.Errorf("%s got %d confirmations, want 1", u, confirmations)
		}
	}
}

// TestForgedAndReplayedRequestSteps presses, as the wrong person or at the
// wrong time, every step of Marc's request: each is refused in French,
// changes nothing, and never quotes the problem.
func TestForgedAndReplayedRequestSteps(t *testing.T) {
	t.Parallel()
	n := newExpertNet(t)
	n.ask(t, marc, marcProblem)
	n.ask(t, nadia, nadiaAsks)
	wantSaid(t, "Nadia's requests", n.command(t, nadia, "demandes"), nadiaSecret)
	n.route(t, 1, helene)
	slots := n.accept(t, helene, 1, 0, 2)
	pick := fmt.Sprintf("1:%s", slots[0])

	const notFound, notYours = "Je ne trouve pas de demande n°1 parmi celles que vous pouvez voir.", "Cette étape de la demande n°1 ne vous revient pas."
	refused := func(t *testing.T, user, action, value, phrase string) {
		t.Helper()
		before := n.request(t, 1)
		opens := len(n.slack.Calls("views.open"))
		answer := n.press(t, user, action, value)
		wantSaid(t, user+" pressing "+action+" "+value, answer, phrase)
		for _, secret := range []string{marcSecret, "recruter un commercial", "Gesnord"} {
			if strings.Contains(answer, secret) {
				t.Errorf("the refusal quotes %q: %s", secret, answer)
			}
		}
		if after := n.request(t, 1); after.Version != before.Version || after.Status != before.Status {
			t.Errorf("a refused step changed the request: version %d → %d, %s → %s", before.Version, after.Version, before.Status, after.Status)
		}
		if len(n.slack.Calls("views.open")) != opens {
			t.Error("a refused step opened a modal")
		}
	}
	refusedForm := func(t *testing.T, user, callbackID string, values map[string]any, phrase string) {
		t.Helper()
		before := n.request(t, 1)
		ack := n.submit(t, user, callbackID, "1", values)
		wantSaid(t, user+" submitting "+callbackID, ack, phrase)
		if strings.Contains(ack, marcSecret) {
			t.Errorf("the refusal quotes the problem: %s", ack)
		}
		if after := n.request(t, 1); after.Version != before.Version {
			t.Errorf("a refused form changed the request: %+v", after)
		}
	}
	slotValues := map[string]any{"request_slots": checkbox(slots[1]), "request_place": textInput("Chez moi")}

	t.Run("WhileAccepted", func(t *testing.T) {
		refused(t, nadia, commands.ActionPickSlot, pick, notFound)                                  // another member, Marc's button
		refused(t, francis, commands.ActionAcceptRequest, "1", notFound)                            // an expert it is not routed to
		refused(t, francis, commands.ActionDeclineRequest, "1", notFound)                           //
		refused(t, helene, commands.ActionPickSlot, pick, notYours)                                 // the expert, the member's button
		refused(t, claire, commands.ActionPickSlot, pick, notYours)                                 // a facilitator, the member's button
		refused(t, marc, commands.ActionAcceptRequest, "1", notYours)                               // the member, the expert's button
		refused(t, marc, commands.ActionPickSlot, "1:1", "ne fait pas partie de ceux proposés")     // a time never proposed
		refused(t, marc, commands.ActionPickSlot, "2:"+slots[0], "Je ne trouve pas de demande n°2") // Nadia's request
		refused(t, nadia, commands.ActionCancelRequest, "1", notFound)
		refused(t, nadia, commands.ActionPickSlot, "1 OR 1=1:x", "Ce bouton n'est plus valable.")
		refusedForm(t, nadia, commands.FormRequestSlots, slotValues, "Introuvable : cet élément n'existe pas ou plus.") // no expert at all
		refusedForm(t, francis, commands.FormRequestSlots, slotValues, notFound)
		refusedForm(t, francis, commands.FormRequestDecline, map[string]any{"request_reason": textInput("Non.")}, notFound)
	})

	wantSaid(t, "pick", n.pick(t, marc, 1, slots[0]), "C'est réservé")
	t.Run("Replayed", func(t *testing.T) {
		refused(t, marc, commands.ActionPickSlot, pick, "L'entretien de la demande n°1 est déjà fixé : cette étape n'est plus possible.")
		refused(t, marc, commands.ActionPickSlot, fmt.Sprintf("1:%s", slots[1]), "est déjà fixé")
		refused(t, claire, commands.ActionRouteRequest, "1:"+francis, "est déjà fixé")
		refused(t, helene, commands.ActionAcceptRequest, "1", "est déjà fixé")
		refusedForm(t, helene, commands.FormRequestSlots, slotValues, "est déjà fixé")
		refused(t, nadia, commands.ActionRescheduleRequest, "1", notFound)
	})

	n.clk.Set(unix(t, slots[0]).Add(2 * time.Hour))
	n.runJob(t)
	t.Run("AfterTheMeeting", func(t *testing.T) {
		refused(t, claire, commands.ActionFeedbackRequest, "1", notYours) // a facilitator, the member's feedback
		refused(t, helene, commands.ActionFeedbackRequest, "1", notYours)
		refused(t, nadia, commands.ActionFeedbackRequest, "1", notFound)
		refused(t, marc, commands.ActionFollowUpRequest, "1:oui", notYours)
		refused(t, nadia, commands.ActionFollowUpRequest, "1:non", notFound)
		refusedForm(t, claire, commands.FormRequestFeedback, map[string]any{"request_rating": choice("1")}, notYours)
		refusedForm(t, nadia, commands.FormRequestFeedback, map[string]any{"request_rating": choice("1")}, notFound)
	})
	if r := n.request(t, 1); r.Status != commands.RequestDone || r.Rating != 0 || r.FollowUp != "" {
		t.Errorf("after the refusals: %+v", r)
	}

	n.confidential(t, marcSecret, marc, claire, helene)
	n.confidential(t, nadiaSecret, nadia)
	n.keysHoldNoName(t, secretWords()...)
}
