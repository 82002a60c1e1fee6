package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cercle/calendar"
	"cercle/commands"
)

// flush delivers what the outbox holds through the bot's Slack notifier.
func (h *harness) flush(t *testing.T) {
	t.Helper()
	o := h.service.Outbox()
	o.PerRecipientInterval, o.Rate = 0, 0
	if _, err := o.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// buttonPress is a block_actions payload as Slack sends it.
func (h *harness) buttonPress(user, actionID, value string) map[string]any {
	return map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": user},
		"trigger_id": "trig-" + user, "response_url": h.slack.ResponseURL(user + "-" + actionID),
		"container": map[string]any{"type": "message", "channel_id": "D" + user},
		"actions":   []map[string]any{{"type": "button", "action_id": actionID, "value": value, "block_id": "b", "action_ts": "1"}},
	}
}

// postedTo returns the chat.postMessage calls to a DM channel, as text.
func (h *harness) postedTo(channel string) []string {
	var out []string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Form.Get("channel") == channel {
			out = append(out, unescapeJSON(c.Form.Get("blocks")))
		}
	}
	return out
}

// clock is a time tests can move.
type clock struct{ at atomic.Pointer[time.Time] }

func (c *clock) Now() time.Time {
	if t := c.at.Load(); t != nil {
		return *t
	}
	return time.Now()
}

func (c *clock) Set(t time.Time) { c.at.Store(&t) }

func TestEventLifeOverSlack(t *testing.T) {
	clk := &clock{}
	h := newHarness(t, withService(func(c *commands.Config) { c.Calendar, c.Now = calendar.New(nil), clk.Now }))
	ctx := context.Background()
	now := time.Now()
	// users.info as with the optional users:read.email scope, for U2.
	h.slack.SetUserInfo(func(id string) (map[string]any, time.Duration) {
		profile := map[string]any{"real_name": "Membre " + id}
		if id == "U2" {
			profile["email"] = "u2@example.org"
		}
		return map[string]any{"id": id, "name": strings.ToLower(id), "real_name": "Membre " + id,
			"tz": "Europe/Paris", "locale": "fr-FR", "profile": profile}, 0
	})
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}

	// The facilitator opens the form and submits it with Slack's pickers.
	h.slash(t, "UFAC", "evenement nouveau")
	opens := h.slack.WaitCalls("views.open", 1, time.Second)
	if len(opens) != 1 || !strings.Contains(opens[0].Form.Get("view"), `"datetimepicker"`) {
		t.Fatalf("event form: %+v", opens)
	}
	start := now.Add(30 * 24 * time.Hour).Truncate(time.Minute)
	input := func(v string) map[string]any {
		return map[string]any{"value": map[string]any{"type": "plain_text_input", "value": v}}
	}
	code, out := h.interact(t, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "UFAC"},
		"view": map[string]any{"id": "V1", "callback_id": "event", "private_metadata": "", "state": map[string]any{"values": map[string]any{
			"event_title":    input("Plénière <!channel> de printemps"),
			"event_kind":     map[string]any{"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "plenary"}}},
			"event_place":    input("CCI Grand Lille"),
			"event_start":    map[string]any{"value": map[string]any{"type": "datetimepicker", "selected_date_time": start.Unix()}},
			"event_end":      map[string]any{"value": map[string]any{"type": "datetimepicker", "selected_date_time": start.Add(3 * time.Hour).Unix()}},
			"event_capacity": input("1"),
		}}},
	})
	// Escaped wherever Slack reads mrkdwn; plain_text (the confirm dialog)
	// shows text as typed.
	mrkdwnMention := regexp.MustCompile(`"type":"mrkdwn","text":"[^"]*<!channel>`)
	if code != 200 || !strings.Contains(unescapeJSON(string(out)), "Événement créé") || mrkdwnMention.MatchString(unescapeJSON(string(out))) ||
		!strings.Contains(string(out), `"action_id":"event.publish"`) {
		t.Fatalf("create: %d %s", code, unescapeJSON(string(out)))
	}
	// Published with the button the creation answer carries.
	h.interact(t, h.buttonPress("UFAC", "event.publish", "1"))
	if calls := h.slack.WaitCalls("response_url", 1, 2*time.Second); len(calls) != 1 || !strings.Contains(unescapeJSON(calls[0].Body), "est publié") {
		t.Fatalf("publish button: %+v", calls)
	}

	// A member sees it and registers with the button.
	if ack := h.slash(t, "U1", "evenements"); !strings.Contains(ack.raw, `"action_id":"event.register"`) || !strings.Contains(ack.raw, "1 place libre sur 1") {
		t.Fatalf("list: %s", ack.raw)
	}
	h.interact(t, h.buttonPress("U1", "event.register", "1"))
	if calls := h.slack.WaitCalls("response_url", 2, 2*time.Second); len(calls) != 2 || !strings.Contains(calls[1].Body, "votre place est réservée") {
		t.Fatalf("register button: %+v", calls)
	}
	if ack := h.slash(t, "U2", "inscrire 1"); !strings.Contains(ack.raw, "liste d'attente, en position 1") {
		t.Fatalf("second member: %s", ack.raw)
	}
	h.flush(t)
	if dms := h.postedTo("D1"); len(dms) != 1 || !strings.Contains(dms[0], "Inscription confirmée") || !strings.Contains(dms[0], "calendar.google.com") {
		t.Fatalf("confirmation DM: %v", dms)
	}
	ics := h.slack.Uploads()["cercle-1.ics"]
	if !strings.Contains(ics, "BEGIN:VCALENDAR") || !regexp.MustCompile(`UID:[a-z2-7]{26}@t1\.cercle\r\n`).MatchString(ics) {
		t.Fatalf("ics upload: %q", ics)
	}

	// U1 cancels with the button: the seat is offered to U2 by DM.
	h.interact(t, h.buttonPress("U1", "event.cancel", "1"))
	h.slack.WaitCalls("response_url", 3, 2*time.Second)
	h.flush(t)
	offers := h.postedTo("D2")
	if len(offers) != 1 || !strings.Contains(offers[0], "Une place pour vous") {
		t.Fatalf("offer DM: %v", offers)
	}
	regID := regexp.MustCompile(`"action_id":"offer.accept","value":"(\d+)"`).FindStringSubmatch(offers[0])
	if regID == nil {
		t.Fatalf("no accept button in %s", offers[0])
	}
	h.interact(t, h.buttonPress("U2", "offer.accept", regID[1]))
	calls := h.slack.WaitCalls("response_url", 4, 2*time.Second)
	last := calls[len(calls)-1].Body
	if !strings.Contains(last, "Place acceptée") || !strings.Contains(last, `"replace_original":true`) {
		t.Fatalf("accept: %s", last)
	}

	// The facilitator's list and CSV export, with the names users.info gave.
	h.service.SyncProfiles(ctx)
	if ack := h.slash(t, "UFAC", "inscrits 1"); !strings.Contains(ack.raw, "Inscrits (1)") || !strings.Contains(ack.raw, "Membre U2") {
		t.Fatalf("attendees: %s", ack.raw)
	}
	if ack := h.slash(t, "U1", "inscrits 1"); !strings.Contains(ack.raw, "réservée aux animateurs") {
		t.Fatalf("member asking attendees: %s", ack.raw)
	}
	h.slash(t, "UFAC", "inscrits 1 csv")
	h.flush(t)
	csv := h.slack.Uploads()["inscrits-1.csv"]
	if !strings.Contains(csv, "\uFEFFMembre;Entreprise;E-mail;Rôle;Statut") || !strings.Contains(csv, "Membre U2;;u2@example.org;membre;place réservée") {
		t.Fatalf("csv: %q", csv)
	}

	// Home tab: the member's next event with its buttons.
	h.event(t, "EvHomeU2", map[string]any{"type": "app_home_opened", "user": "U2", "channel": "DU2", "tab": "home"})
	pubs := h.slack.WaitCalls("views.publish", 1, 2*time.Second)
	if len(pubs) != 1 || !strings.Contains(pubs[0].Form.Get("view"), "Mes prochains événements") || !strings.Contains(pubs[0].Form.Get("view"), `"action_id":"event.cancel"`) {
		t.Fatalf("home: %+v", pubs)
	}

	// After the start, the roll call.
	clk.Set(start.Add(time.Hour))
	h.slash(t, "UFAC", "appel 1")
	opens = h.slack.WaitCalls("views.open", 2, time.Second)
	if !strings.Contains(opens[1].Form.Get("view"), `"checkboxes"`) {
		t.Fatalf("roll call form: %s", opens[1].Form.Get("view"))
	}
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(opens[1].Form.Get("view")), &view)
	code, out = h.interact(t, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "UFAC"},
		"view": map[string]any{"id": "V2", "callback_id": "rollcall", "private_metadata": view.PrivateMetadata, "state": map[string]any{"values": map[string]any{
			"attended_1": map[string]any{"value": map[string]any{"type": "checkboxes", "selected_options": []map[string]any{}}},
		}}},
	})
	if code != 200 || !strings.Contains(string(out), "Appel enregistr") {
		t.Fatalf("roll call: %d %s", code, out)
	}
	if ack := h.slash(t, "UFAC", "inscrits 1"); !strings.Contains(ack.raw, "Absents (1)") || !strings.Contains(ack.raw, "1 absence") {
		t.Fatalf("after roll call: %s", ack.raw)
	}
}

// announcing is a network of a facilitator, two members and a training
// day of one seat, announced through channel (empty: by DM).
func announcing(t *testing.T, channel commands.ChannelID) (*harness, *commands.Event) {
	h := newHarness(t, withService(func(c *commands.Config) { c.AnnounceChannel = channel }))
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	h.slash(t, "U1", "aide") // two more members to broadcast to
	h.slash(t, "U2", "aide")
	start := time.Now().Add(20 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindTraining, Title: "Formation achats groupés", Start: start, End: start.Add(time.Hour),
		CancelCutoff: start.Add(-48 * time.Hour), Capacity: 1, Status: commands.EventPublished, CreatedBy: "UFAC"}
	if err := h.db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	return h, ev
}

func TestAnnouncementsStayCurrent(t *testing.T) {
	ctx := context.Background()
	t.Run("DirectMessagesWithProgress", func(t *testing.T) {
		h, ev := announcing(t, "")
		if ack := h.slash(t, "UFAC", fmt.Sprintf("annoncer %d", ev.ID)); !strings.Contains(ack.raw, "envoyée à 0 / 3 membres") {
			t.Fatalf("announce: %s", ack.raw)
		}
		h.slash(t, "UFAC", fmt.Sprintf("annoncer %d", ev.ID)) // twice: nobody gets it twice
		h.flush(t)
		if dms := h.postedTo("D1"); len(dms) != 1 || !strings.Contains(dms[0], "Nouvelle journée de formation") {
			t.Fatalf("member DM: %v", dms)
		}
		if err := h.service.RefreshPostedMessages(ctx); err != nil {
			t.Fatal(err)
		}
		updates := h.slack.Calls("chat.update")
		if len(updates) != 1 || !strings.Contains(updates[0].Form.Get("blocks"), "envoyée à 3 / 3 membres") {
			t.Fatalf("progress update: %+v", updates)
		}
	})
	t.Run("ChannelPostWithSeatCount", func(t *testing.T) {
		h, ev := announcing(t, "CANN")
		h.slash(t, "UFAC", fmt.Sprintf("annoncer %d", ev.ID))
		h.flush(t)
		posts := h.postedTo("CANN")
		if len(posts) != 1 || !strings.Contains(posts[0], "1 place libre sur 1") {
			t.Fatalf("channel post: %v", posts)
		}
		before := len(h.slack.Calls("chat.update"))
		h.slash(t, "U1", fmt.Sprintf("inscrire %d", ev.ID))
		for range 2 { // the second refresh has nothing new to show
			if err := h.service.RefreshPostedMessages(ctx); err != nil {
				t.Fatal(err)
			}
		}
		updates := h.slack.Calls("chat.update")[before:]
		if len(updates) != 1 || updates[0].Form.Get("channel") != "CANN" || !strings.Contains(unescapeJSON(updates[0].Form.Get("blocks")), "complet") {
			t.Fatalf("seat count update: %+v", updates)
		}
	})
}

func TestSyncMembersFromSlack(t *testing.T) {
	h := newHarness(t)
	h.slack.SetUsers(
		map[string]any{"id": "U7", "name": "lea", "real_name": "Léa Fontaine", "tz": "Europe/Paris", "locale": "fr-FR",
			"profile": map[string]any{"real_name": "Léa Fontaine"}},
		map[string]any{"id": "B1", "name": "otherbot", "is_bot": true},
		map[string]any{"id": "USLACKBOT", "name": "slackbot"},
		map[string]any{"id": "U8", "name": "gone", "deleted": true},
	)
	if err := h.service.SyncMembers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := h.memberCount(t); n != 1 {
		t.Fatalf("members = %d, want only Léa", n)
	}
	m, err := h.db.FindMemberByUserID(context.Background(), "U7")
	if err != nil || m.Name != "Léa Fontaine" || m.SyncedAt.IsZero() {
		t.Errorf("member = %+v, %v", m, err)
	}
}
