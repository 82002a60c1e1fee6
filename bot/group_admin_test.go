package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// This file drives what facilitators and a group's leads do to a group:
// archive it, name its leads, schedule its meetings.

func TestArchiveGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := h.newGroup(t, "Achats groupés", "achats")
	h.slash(t, "U1", "rejoindre achats")

	t.Run("ByAMember", func(t *testing.T) {
		wantSaid(t, "member archiving", said(h.slash(t, "U1", "groupe archiver achats").raw), "réservée aux animateurs du réseau")
		if h.group(t, "achats").Archived() || len(h.slack.Calls("conversations.archive")) != 0 {
			t.Error("a member archived the group")
		}
	})
	t.Run("ChannelMadeByCercle", func(t *testing.T) {
		wantSaid(t, "archive", said(h.slash(t, "UFAC", "groupe archiver achats").raw),
			"Le groupe Achats groupés est archivé : il n'apparaît plus dans la liste")
		if !h.group(t, "achats").Archived() {
			t.Error("group not archived")
		}
		if calls := h.slack.Calls("conversations.archive"); len(calls) != 1 || calls[0].Form.Get("channel") != string(g.Channel) {
			t.Errorf("conversations.archive calls = %+v", calls)
		}
		if ch, _ := h.slack.Channel(string(g.Channel)); !ch.Archived {
			t.Error("channel not archived in Slack")
		}
		wantSaid(t, "archive again", said(h.slash(t, "UFAC", "groupe archiver achats").raw), "Le groupe Achats groupés est archivé.")
		if list := said(h.slash(t, "U1", "groupes").raw); strings.Contains(list, "Achats groupés") {
			t.Errorf("an archived group is listed:\n%s", list)
		}
		// U1, still in it, is told why nothing is done, not that they are out.
		wantSaid(t, "leaving an archived group", said(h.slash(t, "U1", "quitter achats").raw), "Le groupe Achats groupés est archivé.")
		if n := len(h.slack.Calls("conversations.kick")); n != 0 {
			t.Errorf("conversations.kick called %d times on an archived group", n)
		}
	})
	t.Run("LinkedChannelKept", func(t *testing.T) {
		ch := h.slack.AddChannel("entraide", false, "U9")
		if _, ack := h.submitForm(t, "UFAC", commands.FormGroup, "", groupForm("Entraide", "entraide", false, ch)); !strings.Contains(ack, "est créé") {
			t.Fatalf("linking: %s", ack)
		}
		before := len(h.slack.Calls("conversations.archive"))
		wantSaid(t, "archive", said(h.slash(t, "UFAC", "groupe archiver entraide").raw), "Le groupe Entraide est archivé")
		if n := len(h.slack.Calls("conversations.archive")) - before; n != 0 {
			t.Errorf("conversations.archive called %d times for a channel Cercle did not make", n)
		}
		if c, _ := h.slack.Channel(ch); c.Archived {
			t.Error("a linked channel was archived")
		}
	})
}

func TestGroupLeads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := h.newGroup(t, "Achats groupés", "achats")
	h.slash(t, "U2", "aide")

	wantSaid(t, "member naming leads", said(h.slash(t, "U2", "groupe animateurs achats <@U2>").raw), "réservée aux animateurs du réseau")
	if got := h.group(t, "achats").Leads; !slices.Equal(got, []commands.UserID{"UFAC"}) {
		t.Errorf("leads %v after a refusal", got)
	}

	ack := said(h.slash(t, "UFAC", "groupe animateurs achats <@U2|bob> <@U3>").raw)
	wantSaid(t, "leads", ack, "Animateurs du groupe Achats groupés : <@U2>, <@U3>")
	got := h.group(t, "achats").Leads
	slices.Sort(got)
	if !slices.Equal(got, []commands.UserID{"U2", "U3"}) {
		t.Errorf("leads %v, want U2 and U3", got)
	}
	if m := h.members(t, g); !slices.Equal(m, []string{"U2", "U3", "UFAC"}) {
		t.Errorf("members %v: leads join the group, the facilitator stays", m)
	}
	for _, u := range []string{"U2", "U3"} {
		if len(h.calledWith("conversations.invite", "users", u)) != 1 || !slices.Contains(h.slackMembers(t, g.Channel), u) {
			t.Errorf("%s not invited to the channel", u)
		}
	}
	wantSaid(t, "details", said(h.slash(t, "U2", "groupe achats").raw), "Animé par <@U2>, <@U3>", "3 membres")
	wantSaid(t, "unknown group", said(h.slash(t, "UFAC", "groupe animateurs achat <@U2>").raw), "Vouliez-vous dire « achats » ?")
}

// meetingForm is the state of a group meeting's modal, starting at start.
func meetingForm(title string, start time.Time) map[string]any {
	return map[string]any{"event_title": textInput(title), "event_place": textInput("Salle du conseil"),
		"event_start": moment(start), "event_end": moment(start.Add(2 * time.Hour)), "event_capacity": textInput("12")}
}

// events returns the events stored.
func (h *harness) events(t *testing.T) []*commands.Event {
	t.Helper()
	evs, err := h.db.FindEvents(context.Background(), commands.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestGroupMeetingRefusedToOthers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.newGroup(t, "Achats groupés", "achats")
	h.slash(t, "UFAC", "groupe animateurs achats <@ULEAD>")
	h.slash(t, "U1", "rejoindre achats")
	h.slash(t, "U3", "aide")
	start := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Minute)
	for _, u := range []string{"U1", "U3"} {
		wantSaid(t, u+" opening the form", said(h.slash(t, u, "groupe reunion achats").raw),
			"Seuls les animateurs du groupe Achats groupés et ceux du réseau planifient ses réunions.")
		// The same form, forged: its state names the group.
		_, ack := h.submitForm(t, u, commands.FormGroupMeeting, "achats", meetingForm("Réunion pirate", start))
		wantSaid(t, u+" forging the form", ack, "Seuls les animateurs du groupe Achats groupés")
	}
	if n := len(h.slack.Calls("views.open")); n != 0 {
		t.Errorf("views.open called %d times", n)
	}
	if evs := h.events(t); len(evs) != 0 {
		t.Errorf("forged forms created %d events", len(evs))
	}
	// The lead's form for a group that is not theirs is refused too.
	h.newGroup(t, "Recrutement", "recrutement")
	_, ack := h.submitForm(t, "ULEAD", commands.FormGroupMeeting, "recrutement", meetingForm("Ailleurs", start))
	wantSaid(t, "lead of another group", ack, "Seuls les animateurs du groupe Recrutement")
	if evs := h.events(t); len(evs) != 0 {
		t.Errorf("%d events", len(evs))
	}
}

func TestGroupMeetingForItsMembersOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := h.newGroup(t, "Achats groupés", "achats")
	h.slash(t, "UFAC", "groupe animateurs achats <@ULEAD>")
	h.slash(t, "U1", "rejoindre achats")
	h.slash(t, "U3", "aide") // a member of the network, not of the group

	// The lead, not a facilitator, opens the meeting form.
	if ack := h.slash(t, "ULEAD", "groupe reunion achats"); ack.raw != "" {
		t.Fatalf("opening the form: %s", ack.raw)
	}
	opens := h.slack.WaitCalls("views.open", 1, 2*time.Second)
	if len(opens) != 1 {
		t.Fatal("no form opened")
	}
	var view struct {
		CallbackID string `json:"callback_id"`
		Metadata   string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(opens[0].Form.Get("view")), &view)
	if raw := opens[0].Form.Get("view"); view.CallbackID != commands.FormGroupMeeting || view.Metadata != "achats" || strings.Contains(raw, `"event_kind"`) {
		t.Errorf("meeting form = %+v: %s", view, raw)
	}
	_, ack := h.submitForm(t, "ULEAD", view.CallbackID, view.Metadata, meetingForm("Hier", time.Now().Add(-24*time.Hour)))
	if errs := fieldErrors(t, ack); errs["event_start"] == "" || len(h.events(t)) != 0 {
		t.Errorf("a meeting in the past: %s", ack)
	}
	start := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Minute)
	_, ack = h.submitForm(t, "ULEAD", view.CallbackID, view.Metadata, meetingForm("Point fournisseurs d'énergie", start))
	// The modal's title holds 24 characters: "Réunion du groupe Achat…".
	wantSaid(t, "creation", ack, "Réunion du groupe", "Point fournisseurs d'énergie", "Réunion de groupe", "Elle est annoncée à 2 membres du groupe.")
	evs := h.events(t)
	if len(evs) != 1 || evs[0].Group != g.ID || evs[0].Kind != commands.KindMeeting || evs[0].Status != commands.EventPublished || evs[0].CreatedBy != "ULEAD" {
		t.Fatalf("events = %+v", evs)
	}
	ev := evs[0]

	// Announced by DM to the group's members, its lead aside; no one else.
	for _, u := range []string{"U1", "UFAC"} {
		if dms := h.alertsTo(t, u); len(dms) != 1 || !strings.Contains(dms[0], "Point fournisseurs d'énergie") {
			t.Errorf("%s got %q, want the announcement", u, dms)
		}
	}
	for _, u := range []string{"U3", "ULEAD"} {
		if dms := h.alertsTo(t, u); len(dms) != 0 {
			t.Errorf("%s got %q, want nothing", u, dms)
		}
	}
	h.meetingSeenByMembersOnly(t, ev)
}

// meetingSeenByMembersOnly checks that a group's meeting ev (of achats,
// whose member is U1) is hidden from U3, outside the group, and open to U1.
func (h *harness) meetingSeenByMembersOnly(t *testing.T, ev *commands.Event) {
	t.Helper()
	if list := said(h.slash(t, "U3", "plenieres").raw); strings.Contains(list, ev.Title) {
		t.Errorf("a non-member sees the meeting:\n%s", list)
	}
	notFound := fmt.Sprintf("Je ne trouve pas d'événement numéro %d.", ev.ID)
	h.interact(t, h.buttonPress("U3", commands.ActionRegister, fmt.Sprint(ev.ID)))
	wantSaid(t, "non-member's forged button", h.answered(t, "U3", commands.ActionRegister, 1), notFound)
	wantSaid(t, "non-member's command", said(h.slash(t, "U3", fmt.Sprintf("inscrire %d", ev.ID)).raw), notFound)
	if regs, _ := h.db.FindRegistrations(context.Background(), commands.RegistrationFilter{EventID: ev.ID}); len(regs) != 0 {
		t.Fatalf("registrations %+v, want none", regs)
	}
	if list := said(h.slash(t, "U3", "groupes").raw); !strings.Contains(list, "Prochaine réunion") || strings.Contains(list, "aucune de prévue") {
		t.Errorf("the groups list does not show the group's next meeting:\n%s", list)
	}

	if list := said(h.slash(t, "U1", "evenements").raw); !strings.Contains(list, ev.Title) {
		t.Errorf("the group's member does not see the meeting:\n%s", list)
	}
	h.interact(t, h.buttonPress("U1", commands.ActionRegister, fmt.Sprint(ev.ID)))
	wantSaid(t, "member's registration", h.answered(t, "U1", commands.ActionRegister, 1), "votre place est réservée")
	regs, _ := h.db.FindRegistrations(context.Background(), commands.RegistrationFilter{EventID: ev.ID})
	if len(regs) != 1 || regs[0].UserID != "U1" || regs[0].Status != commands.RegRegistered {
		t.Errorf("registrations %+v, want U1's", regs)
	}
	if dms := h.alertsTo(t, "U1"); len(dms) != 2 || !strings.Contains(dms[1], "Votre place est réservée pour « "+ev.Title+" »") {
		t.Errorf("U1's DMs %q, want the announcement then the confirmation", dms)
	}
}
