package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/calendar"
	"cercle/commands"
	"cercle/console"
	"cercle/i18n"
	"cercle/storage"
)

// expertNet is a network with a member who asks, two experts, another
// member and a facilitator, on Monday 7 December 2026 at 10h.
type expertNet struct {
	s     *commands.Service
	db    *storage.DB
	clock *clock
}

func newExpertNet(t *testing.T, configure ...func(*commands.Config)) *expertNet {
	t.Helper()
	n := &expertNet{clock: &clock{t: paris("2026-12-07 10:00")}}
	n.s, n.db = newService(t, nil, append([]func(*commands.Config){func(c *commands.Config) {
		c.Now = n.clock.Now
		c.Channels = console.Channels{}
		c.Calendar = calendar.New(i18n.Paris())
	}}, configure...)...)
	n.db.Now = n.clock.Now
	ctx := context.Background()
	for _, u := range []commands.UserID{"author", "expert", "expert2", "other", "staff"} {
		slash(n.s, u, "aide")
	}
	if err := n.db.SetRole(ctx, "admin", "staff", commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.SaveCompany(ctx, "author", &commands.Company{Name: "Métallerie Secrète", Sector: "Métallurgie", Headcount: 42}); err != nil {
		t.Fatal(err)
	}
	week := []commands.Window{{Weekday: time.Tuesday, Start: 9 * time.Hour, End: 12 * time.Hour}, {Weekday: time.Thursday, Start: 14 * time.Hour, End: 17 * time.Hour}}
	for _, e := range []*commands.Expert{
		{User: "expert", Domains: []string{"Recrutement", "Management"}, Bio: "Vingt ans à recruter des commerciaux et des cadres pour des PME industrielles.",
			Formats: []commands.MeetingFormat{commands.FormatVideo}, MonthlyCapacity: 4, Availability: week, MinNotice: 48 * time.Hour, Buffer: 15 * time.Minute, Active: true},
		{User: "expert2", Domains: []string{"Fiscalité"}, Bio: "Avocate fiscaliste : crédit d'impôt recherche, TVA, transmission.",
			Formats: []commands.MeetingFormat{commands.FormatVideo, commands.FormatPhone}, MonthlyCapacity: 4, Availability: week, MinNotice: 48 * time.Hour, Active: true},
	} {
		if err := n.db.SaveExpert(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func (n *expertNet) act(user commands.UserID, id, value string) string {
	return console.Render(n.s.Act(context.Background(), &commands.Action{ID: id, Value: value, User: commands.User{ID: user}}))
}

func (n *expertNet) submit(user commands.UserID, form, state string, values map[string]string) *commands.Response {
	return n.s.Submit(context.Background(), &commands.Submission{FormID: form, State: state, Values: values, User: commands.User{ID: user}})
}

// ask submits a request as author and returns its id.
func (n *expertNet) ask(t *testing.T, problem string) int64 {
	t.Helper()
	r := n.submit("author", commands.FormExpertRequest, "", map[string]string{"request_problem": problem, "request_domain": "?",
		"request_urgency": "normale", "request_format": "any"})
	if len(r.FieldErrors) > 0 {
		t.Fatalf("request refused: %v", r.FieldErrors)
	}
	reqs, err := n.db.FindRequests(context.Background(), commands.RequestFilter{Requester: "author"})
	if err != nil || len(reqs) == 0 {
		t.Fatalf("no request stored: %v", err)
	}
	return reqs[0].ID
}

func (n *expertNet) request(t *testing.T, id int64) *commands.ExpertRequest {
	t.Helper()
	r, err := n.db.FindRequest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pending returns the pending messages to user whose key contains part.
func (n *expertNet) pending(t *testing.T, user commands.UserID, part string) []*commands.OutboxMessage {
	t.Helper()
	msgs, err := n.db.DueMessages(context.Background(), n.clock.Now().Add(400*24*time.Hour), 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*commands.OutboxMessage
	for _, m := range msgs {
		if m.To.User == user && strings.Contains(m.DedupeKey, part) {
			out = append(out, m)
		}
	}
	return out
}

// outbox returns the pending messages to user whose key contains part,
// rendered.
func (n *expertNet) outbox(t *testing.T, user commands.UserID, part string) []string {
	t.Helper()
	var out []string
	for _, m := range n.pending(t, user, part) {
		if m.Notice != nil {
			out = append(out, "notice:"+string(m.Notice.Kind))
			continue
		}
		out = append(out, console.Render(&m.Message))
	}
	return out
}

// proposeSlots has the routed expert accept with the first two free
// slots the form offers, and returns them.
func (n *expertNet) proposeSlots(t *testing.T, id int64) []string {
	t.Helper()
	r := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionAcceptRequest, Value: fmt.Sprint(id), User: commands.User{ID: "expert"}})
	if r.Form == nil {
		t.Fatalf("no slot form: %s", console.Render(r))
	}
	opts := r.Form.Fields[0].Options
	if len(opts) < 2 {
		t.Fatalf("%d slots offered", len(opts))
	}
	chosen := []string{opts[0].Value, opts[1].Value}
	resp := n.submit("expert", commands.FormRequestSlots, r.Form.State, map[string]string{"request_slots": strings.Join(chosen, "\n"), "request_place": "Visio : lien envoyé la veille"})
	if len(resp.FieldErrors) > 0 {
		t.Fatalf("slots refused: %v", resp.FieldErrors)
	}
	return chosen
}

func TestExpertRequestFromAskToFeedback(t *testing.T) {
	n := newExpertNet(t)
	ctx := context.Background()
	id := n.ask(t, "Nous devons recruter un commercial export et nos annonces ne donnent rien.")
	if got := n.outbox(t, "staff", "staff"); len(got) != 1 || !strings.Contains(got[0], "à confier") {
		t.Fatalf("the facilitator was not told: %v", got)
	}
	queue := slash(n.s, "staff", "demandes")
	if !strings.Contains(queue, fmt.Sprintf("request.route %d:expert", id)) || strings.Index(queue, ":expert") > strings.Index(queue+":expert2", ":expert2") {
		t.Fatalf("the recruiting expert must come first in the queue:\n%s", queue)
	}
	if out := n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id)); !strings.Contains(out, "confiée") {
		t.Fatalf("route: %s", out)
	}
	brief := n.outbox(t, "expert", "brief")
	if len(brief) != 1 || !strings.Contains(brief[0], "Métallurgie") || strings.Contains(brief[0], "Secrète") {
		t.Fatalf("the brief must give the sector, never the company's name:\n%v", brief)
	}
	slots := n.proposeSlots(t, id)
	if n.request(t, id).Status != commands.RequestAccepted || len(n.outbox(t, "author", "slots")) != 1 {
		t.Fatal("accepting did not reach the member")
	}
	if out := n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slots[1])); !strings.Contains(out, "réservé") {
		t.Fatalf("pick: %s", out)
	}
	r := n.request(t, id)
	if r.Status != commands.RequestScheduled || fmt.Sprint(r.Slot.Unix()) != slots[1] {
		t.Fatalf("after the pick: %+v", r)
	}
	for _, u := range []commands.UserID{"author", "expert"} {
		if got := n.outbox(t, u, ":meeting:"); len(got) != 1 || !strings.Contains(got[0], "Entretien confirmé") {
			t.Errorf("%s's confirmation: %v", u, got)
		}
		if got := n.outbox(t, u, ":remind:"); len(got) != 2 {
			t.Errorf("%s has %d reminders, want J-1 and H-1", u, len(got))
		}
	}
	n.clock.Set(r.Slot.Add(2 * time.Hour))
	if err := n.s.ExpireRequestAnswers(ctx); err != nil {
		t.Fatal(err)
	}
	if n.request(t, id).Status != commands.RequestDone {
		t.Fatal("the meeting was not marked held")
	}
	form := n.s.Act(ctx, &commands.Action{ID: commands.ActionFeedbackRequest, Value: fmt.Sprint(id), User: commands.User{ID: "author"}})
	if form.Form == nil {
		t.Fatalf("no feedback form: %s", console.Render(form))
	}
	n.submit("author", commands.FormRequestFeedback, form.Form.State, map[string]string{"request_rating": "5", "request_comment": "Très utile"})
	n.act("expert", commands.ActionFollowUpRequest, fmt.Sprintf("%d:oui", id))
	if r := n.request(t, id); r.Rating != 5 || r.FollowUp != "oui" {
		t.Errorf("feedback not stored: rating %d, follow-up %q", r.Rating, r.FollowUp)
	}
}

func TestExpertRequestDeclineTimeoutRescheduleCancel(t *testing.T) {
	n := newExpertNet(t, func(c *commands.Config) { c.AutoRouteExperts = true })
	ctx := context.Background()
	id := n.ask(t, "Recruter un responsable de production dans le Douaisis, sans cabinet.")
	if r := n.request(t, id); r.Status != commands.RequestProposed || r.Expert != "expert" {
		t.Fatalf("automatic routing: %+v", r)
	}
	form := n.s.Act(ctx, &commands.Action{ID: commands.ActionDeclineRequest, Value: fmt.Sprint(id), User: commands.User{ID: "expert"}})
	n.submit("expert", commands.FormRequestDecline, form.Form.State, map[string]string{"request_reason": "Je suis complet ce mois-ci."})
	r := n.request(t, id)
	if r.Expert == "expert" || len(r.Tried) != 1 || len(n.outbox(t, "author", "passed")) != 1 {
		t.Fatalf("after a decline: %+v", r)
	}
	// A second request lapses: 72 hours without an answer.
	n.act("author", commands.ActionCancelRequest, fmt.Sprint(id))
	id2 := n.ask(t, "Recruter un commercial pour la région lilloise rapidement.")
	n.clock.Set(n.clock.Now().Add(73 * time.Hour))
	if err := n.s.ExpireRequestAnswers(ctx); err != nil {
		t.Fatal(err)
	}
	if r := n.request(t, id2); r.Status == commands.RequestProposed && r.Expert == "expert" {
		t.Fatalf("a lapsed request stayed with its expert: %+v", r)
	}
	// A third one is scheduled, rescheduled by the expert, then cancelled
	// by the member: the expert gets the calendar cancellation.
	n.act("author", commands.ActionCancelRequest, fmt.Sprint(id2))
	id3 := n.ask(t, "Recrutement d'un technicien de maintenance : quels canaux ?")
	if r := n.request(t, id3); r.Expert != "expert" {
		t.Fatalf("third request routed to %q", r.Expert)
	}
	slots := n.proposeSlots(t, id3)
	n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id3, slots[0]))
	if out := n.act("expert", commands.ActionRescheduleRequest, fmt.Sprint(id3)); !strings.Contains(out, "nouveaux créneaux") {
		t.Fatalf("reschedule: %s", out)
	}
	slots = n.proposeSlots(t, id3)
	n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id3, slots[0]))
	if out := n.act("author", commands.ActionCancelRequest, fmt.Sprint(id3)); !strings.Contains(out, "annulée") {
		t.Fatalf("cancel: %s", out)
	}
	if got := n.outbox(t, "expert", ":cancel:"); len(got) != 1 || !strings.Contains(got[0], "est annulé") || !strings.Contains(got[0], ".ics") {
		t.Errorf("the expert's cancellation: %v", got)
	}
}

// Nobody but the author, the routed expert and facilitators sees or acts
// on a request: a forged button from anyone else changes nothing.
func TestExpertRequestAuthorizationMatrix(t *testing.T) {
	type step struct {
		name    string
		setup   func(t *testing.T, n *expertNet, id int64) string // returns the action value
		action  string
		allowed map[commands.UserID]bool
	}
	routed := func(t *testing.T, n *expertNet, id int64) {
		n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id))
	}
	scheduled := func(t *testing.T, n *expertNet, id int64) string {
		routed(t, n, id)
		slots := n.proposeSlots(t, id)
		n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slots[0]))
		return fmt.Sprint(id)
	}
	steps := []step{
		{"route", func(t *testing.T, n *expertNet, id int64) string { return fmt.Sprintf("%d:expert", id) }, commands.ActionRouteRequest,
			map[commands.UserID]bool{"staff": true}},
		{"accept", func(t *testing.T, n *expertNet, id int64) string { routed(t, n, id); return fmt.Sprint(id) }, commands.ActionAcceptRequest,
			map[commands.UserID]bool{"expert": true}},
		{"decline", func(t *testing.T, n *expertNet, id int64) string { routed(t, n, id); return fmt.Sprint(id) }, commands.ActionDeclineRequest,
			map[commands.UserID]bool{"expert": true}},
		{"pick", func(t *testing.T, n *expertNet, id int64) string {
			routed(t, n, id)
			return fmt.Sprintf("%d:%s", id, n.proposeSlots(t, id)[0])
		}, commands.ActionPickSlot, map[commands.UserID]bool{"author": true}},
		{"reschedule", scheduled, commands.ActionRescheduleRequest, map[commands.UserID]bool{"author": true, "expert": true}},
		{"cancel", scheduled, commands.ActionCancelRequest, map[commands.UserID]bool{"author": true, "expert": true, "staff": true}},
	}
	for _, st := range steps {
		for _, actor := range []commands.UserID{"author", "expert", "expert2", "other", "staff"} {
			t.Run(st.name+"/"+string(actor), func(t *testing.T) {
				n := newExpertNet(t)
				id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
				value := st.setup(t, n, id)
				before := *n.request(t, id)
				resp := n.s.Act(context.Background(), &commands.Action{ID: st.action, Value: value, User: commands.User{ID: actor}})
				out := console.Render(resp)
				after := n.request(t, id)
				changed := after.Version != before.Version || resp.Form != nil
				if st.allowed[actor] && !changed {
					t.Errorf("%s may %s, got: %s", actor, st.name, out)
				}
				if !st.allowed[actor] && (changed || strings.Contains(out, "Recruter") || strings.Contains(out, "Métallerie")) {
					t.Errorf("%s may not %s, got (changed %v): %s", actor, st.name, changed, out)
				}
			})
		}
	}
	// /cercle demandes: each sees only what is theirs.
	n := newExpertNet(t)
	id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
	routed(t, n, id)
	for actor, sees := range map[commands.UserID]bool{"author": true, "expert": true, "staff": true, "expert2": false, "other": false} {
		if got := strings.Contains(slash(n.s, actor, "demandes"), "commercial export"); got != sees {
			t.Errorf("%s sees the request in /cercle demandes: %v, want %v", actor, got, sees)
		}
	}
}
