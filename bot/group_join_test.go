package bot_test

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/bot/slackfake"
	"cercle/commands"
)

// This file drives joining and leaving a working group, by command and by
// button, and Slack's refusals along the way.

// alertsTo delivers the outbox and returns the DMs user received, as read.
func (h *harness) alertsTo(t *testing.T, user string) []string {
	t.Helper()
	h.flush(t)
	var out []string
	for _, m := range h.postedTo("D" + strings.TrimPrefix(user, "U")) {
		out = append(out, said(m))
	}
	return out
}

// answered returns what the n-th post to a button's response_url says.
func (h *harness) answered(t *testing.T, user, action string, n int) string {
	t.Helper()
	url := h.slack.ResponseURL(user + "-" + action)
	deadline := time.Now().Add(3 * time.Second)
	for {
		var bodies []string
		for _, c := range h.slack.Calls("response_url") {
			if strings.HasSuffix(url, c.Path) {
				bodies = append(bodies, c.Body)
			}
		}
		if len(bodies) >= n {
			return said(bodies[n-1])
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s pressing %s: %d answers, want %d", user, action, len(bodies), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// channelEcho sends the member_joined_channel or member_left_channel
// event Slack sends after an invite or a kick.
func (h *harness) channelEcho(t *testing.T, id, kind, user string, ch commands.ChannelID) {
	t.Helper()
	h.event(t, id, map[string]any{"type": kind, "user": user, "channel": string(ch), "channel_type": "C", "team": "T1", "event_ts": "1.1"})
	h.settle(t)
}

func TestJoinGroupByCommand(t *testing.T) {
	t.Parallel()
	logs := &errorLog{}
	h := newHarness(t, withLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))))
	g := h.newGroup(t, "Achats groupés", "achats")

	ack := said(h.slash(t, "U1", "rejoindre achats").raw)
	wantSaid(t, "join", ack, "Bienvenue dans le groupe Achats groupés !", "Vous êtes dans son canal, <#"+string(g.Channel)+">", "Quitter")
	if invites := h.calledWith("conversations.invite", "users", "U1"); len(invites) != 1 || invites[0].Form.Get("channel") != string(g.Channel) {
		t.Errorf("conversations.invite calls = %+v", h.slack.Calls("conversations.invite"))
	}
	if got := h.members(t, g); !slices.Equal(got, []string{"U1", "UFAC"}) {
		t.Errorf("members %v, want U1 joined", got)
	}
	// Slack then says U1 joined the channel: the group agrees already.
	h.channelEcho(t, "EvJoin1", "member_joined_channel", "U1", g.Channel)
	if got := h.members(t, g); !slices.Equal(got, []string{"U1", "UFAC"}) {
		t.Errorf("members after Slack's event %v", got)
	}
	wantSaid(t, "second join", said(h.slash(t, "U1", "rejoindre #achats").raw), "Vous faites déjà partie du groupe Achats groupés.")
	if n := len(h.slack.Calls("conversations.invite")); n != 2 { // UFAC at creation, U1
		t.Errorf("conversations.invite called %d times, want 2", n)
	}

	t.Run("Misspelled", func(t *testing.T) {
		wantSaid(t, "misspelled", said(h.slash(t, "U2", "rejoindre achat").raw), "Aucun groupe ne s'appelle « achat ». Vouliez-vous dire « achats » ?")
		if len(h.calledWith("conversations.invite", "users", "U2")) != 0 || slices.Contains(h.members(t, g), "U2") {
			t.Error("a misspelled group was joined")
		}
	})
	t.Run("ByItsName", func(t *testing.T) {
		wantSaid(t, "by name", said(h.slash(t, "U3", `rejoindre "achats groupes"`).raw), "Bienvenue dans le groupe Achats groupés !")
	})
	t.Run("Archived", func(t *testing.T) {
		old := h.newGroup(t, "Veille", "veille")
		if err := h.db.ArchiveGroup(context.Background(), old.ID, "UFAC", time.Now()); err != nil {
			t.Fatal(err)
		}
		wantSaid(t, "archived", said(h.slash(t, "U2", "rejoindre veille").raw), "Le groupe Veille est archivé.")
		if len(h.calledWith("conversations.invite", "users", "U2")) != 0 || len(h.members(t, old)) != 1 {
			t.Error("an archived group was joined")
		}
	})
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs)
	}
}

func TestJoinRefusedBySlack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code       string
		said, told string
	}{
		{"is_archived", "Le canal du groupe Achats groupés est archivé : impossible de vous y ajouter. Les animateurs sont prévenus",
			"Le canal est archivé. Désarchivez-le dans Slack"},
		{"missing_scope", "Cercle n'a pas la permission de gérer le canal du groupe Achats groupés. Les animateurs sont prévenus",
			"L'application n'a pas la permission de gérer ce canal"},
		{"channel_not_found", "Slack ne trouve pas le canal du groupe Achats groupés",
			"Slack ne trouve plus ce canal"},
		{"not_in_channel", "Cercle n'est pas membre du canal du groupe Achats groupés",
			"Invitez-le dans le canal avec /invite @Cercle"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			g := h.newGroup(t, "Achats groupés", "achats")
			h.role(t, "U5", commands.RoleMember) // neither lead nor facilitator: told nothing
			h.slash(t, "UFAC", "groupe animateurs achats <@ULEAD> <@UFAC>")
			h.slack.Script("conversations.invite", slackfake.Reply{Body: `{"ok":false,"error":"` + tt.code + `"}`})
			wantSaid(t, "member's answer", said(h.slash(t, "U1", "rejoindre achats").raw), tt.said)
			if got := h.members(t, g); !slices.Equal(got, []string{"UFAC", "ULEAD"}) {
				t.Errorf("members %v: joined though Slack refused", got)
			}
			alerts := h.alertsTo(t, "UFAC")
			if len(alerts) != 1 {
				t.Fatalf("facilitator got %d DMs, want 1: %q", len(alerts), alerts)
			}
			wantSaid(t, "facilitator's DM", alerts[0], "Cercle n'a pas pu changer la place de <@U1> au canal du groupe Achats groupés", tt.told)
			if lead := h.alertsTo(t, "ULEAD"); len(lead) != 1 || !strings.Contains(lead[0], tt.told) {
				t.Errorf("the group's lead got %q", lead)
			}
			if dms := len(h.alertsTo(t, "U5")) + len(h.alertsTo(t, "U1")); dms != 0 {
				t.Errorf("%d DMs to the member or to others", dms)
			}
		})
	}
}

func TestJoinRateLimited(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := h.newGroup(t, "Achats groupés", "achats")
	h.slack.Script("conversations.invite", slackfake.Reply{Status: http.StatusTooManyRequests, RetryAfter: "7"})
	wantSaid(t, "answer", said(h.slash(t, "U1", "rejoindre achats").raw), "Slack limite les changements de canal", "Réessayez dans 7 secondes.")
	if got := h.members(t, g); !slices.Equal(got, []string{"UFAC"}) {
		t.Errorf("members %v: joined though Slack refused", got)
	}
	if alerts := h.alertsTo(t, "UFAC"); len(alerts) != 0 {
		t.Errorf("a rate limit alerted the facilitator: %q", alerts)
	}
	// Once Slack takes calls again, the same command works.
	wantSaid(t, "retry", said(h.slash(t, "U1", "rejoindre achats").raw), "Bienvenue dans le groupe Achats groupés !")
}

func TestGroupButtons(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := h.newGroup(t, "Achats groupés", "achats")
	list := readPage(t, h.slash(t, "U1", "groupes").Blocks, 50)
	wantSaid(t, "list", list.text, "Groupes de travail", "Achats groupés (achats)", "Mutualiser nos achats d'énergie", "1 membre")
	join, ok := list.button(commands.ActionJoinGroup, "Rejoindre")
	if !ok || join.value != "achats" {
		t.Fatalf("no Rejoindre button for achats: %+v", list.buttons)
	}
	h.interact(t, h.buttonPress("U1", join.action, join.value))
	wantSaid(t, "join button", h.answered(t, "U1", join.action, 1), "Bienvenue dans le groupe Achats groupés !")
	if got := h.members(t, g); !slices.Equal(got, []string{"U1", "UFAC"}) || !slices.Contains(h.slackMembers(t, g.Channel), "U1") {
		t.Errorf("members %v, channel %v: want U1 in both", got, h.slackMembers(t, g.Channel))
	}

	list = readPage(t, h.slash(t, "U1", "groupes").Blocks, 50)
	leave, ok := list.button(commands.ActionLeaveGroup, "Quitter")
	if !ok || leave.value != "achats" {
		t.Fatalf("no Quitter button once in: %+v", list.buttons)
	}
	h.interact(t, h.buttonPress("U1", leave.action, leave.value))
	wantSaid(t, "leave button", h.answered(t, "U1", leave.action, 1), "Vous avez quitté le groupe Achats groupés.")
	if got := h.members(t, g); !slices.Equal(got, []string{"UFAC"}) || slices.Contains(h.slackMembers(t, g.Channel), "U1") {
		t.Errorf("members %v, channel %v: want U1 out of both", got, h.slackMembers(t, g.Channel))
	}

	t.Run("Refused", func(t *testing.T) {
		h.slack.Script("conversations.invite", slackfake.Reply{Body: `{"ok":false,"error":"is_archived"}`})
		h.interact(t, h.buttonPress("U2", commands.ActionJoinGroup, "achats"))
		wantSaid(t, "refused join button", h.answered(t, "U2", commands.ActionJoinGroup, 1), "est archivé : impossible de vous y ajouter")
		if slices.Contains(h.members(t, g), "U2") {
			t.Error("joined though Slack refused")
		}
		if alerts := h.alertsTo(t, "UFAC"); len(alerts) != 1 || !strings.Contains(alerts[0], "<@U2>") {
			t.Errorf("facilitator's DMs: %q", alerts)
		}
	})
	t.Run("Forged", func(t *testing.T) {
		h.interact(t, h.buttonPress("U3", commands.ActionJoinGroup, "<!channel>"))
		answer := h.answered(t, "U3", commands.ActionJoinGroup, 1)
		wantSaid(t, "forged button", answer, "Aucun groupe ne s'appelle « <!channel> »")
		if raw := h.slack.Calls("response_url"); strings.Contains(unescapeJSON(raw[len(raw)-1].Body), "<!channel>") {
			t.Errorf("answer carries a live mention: %s", raw[len(raw)-1].Body)
		}
	})
}

func TestLeaveGroup(t *testing.T) {
	t.Parallel()
	logs := &errorLog{}
	h := newHarness(t, withLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))))
	g := h.newGroup(t, "Achats groupés", "achats")
	h.slash(t, "U1", "rejoindre achats")
	h.slash(t, "U2", "rejoindre achats")

	wantSaid(t, "leave", said(h.slash(t, "U1", "quitter achats").raw), "Vous avez quitté le groupe Achats groupés.", "Rejoindre")
	if kicks := h.calledWith("conversations.kick", "user", "U1"); len(kicks) != 1 || kicks[0].Form.Get("channel") != string(g.Channel) {
		t.Errorf("conversations.kick calls = %+v", h.slack.Calls("conversations.kick"))
	}
	if got := h.members(t, g); !slices.Equal(got, []string{"U2", "UFAC"}) {
		t.Errorf("members %v, want U1 gone", got)
	}
	h.channelEcho(t, "EvLeft1", "member_left_channel", "U1", g.Channel)

	t.Run("NotAMember", func(t *testing.T) {
		wantSaid(t, "leave again", said(h.slash(t, "U1", "quitter achats").raw), "Vous ne faites pas partie du groupe Achats groupés.")
		if n := len(h.slack.Calls("conversations.kick")); n != 1 {
			t.Errorf("conversations.kick called %d times, want once", n)
		}
		if got := h.members(t, g); !slices.Equal(got, []string{"U2", "UFAC"}) {
			t.Errorf("members %v changed", got)
		}
	})
	t.Run("KickRefused", func(t *testing.T) {
		h.slack.Script("conversations.kick", slackfake.Reply{Body: `{"ok":false,"error":"restricted_action"}`})
		ack := said(h.slash(t, "U2", "quitter achats").raw)
		wantSaid(t, "refused kick", ack, "Vous avez quitté le groupe Achats groupés.",
			"Slack n'a pas pu vous retirer du canal : quittez <#"+string(g.Channel)+"> vous-même avec /leave.")
		if got := h.members(t, g); !slices.Equal(got, []string{"UFAC"}) {
			t.Errorf("members %v: the group is left even when Slack refuses", got)
		}
		if !slices.Contains(h.slackMembers(t, g.Channel), "U2") {
			t.Error("the fake removed U2 though it refused")
		}
		// When U2 then leaves the channel, Slack's event finds them out already.
		h.channelEcho(t, "EvLeft2", "member_left_channel", "U2", g.Channel)
	})
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs)
	}
}

// TestGroupFollowsChannelMoves extends TestGroupFollowsItsChannel to what
// members read: someone Cercle never met who joins a group's channel in
// Slack is in the group, with Quitter in /cercle groupes; leaving the
// channel gives Rejoindre back. An archived group's channel is not
// followed.
func TestGroupFollowsChannelMoves(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := h.newGroup(t, "Achats groupés", "achats")
	button := func(user string) string {
		t.Helper()
		pg := readPage(t, h.slash(t, user, "groupes").Blocks, 50)
		if len(pg.buttons) != 1 {
			t.Fatalf("buttons %+v, want one", pg.buttons)
		}
		return pg.buttons[0].label
	}
	h.channelEcho(t, "EvIn1", "member_joined_channel", "U7", g.Channel)
	if got := h.members(t, g); !slices.Equal(got, []string{"U7", "UFAC"}) {
		t.Errorf("members %v, want U7 in", got)
	}
	if b := button("U7"); b != "Quitter" {
		t.Errorf("U7 is offered %q, want Quitter", b)
	}
	h.channelEcho(t, "EvOut1", "member_left_channel", "U7", g.Channel)
	if b := button("U7"); b != "Rejoindre" {
		t.Errorf("U7 is offered %q, want Rejoindre", b)
	}
	h.slash(t, "UFAC", "groupe archiver achats")
	h.channelEcho(t, "EvIn2", "member_joined_channel", "U8", g.Channel)
	if got := h.members(t, g); !slices.Equal(got, []string{"UFAC"}) {
		t.Errorf("members %v: an archived group followed its channel", got)
	}
}
