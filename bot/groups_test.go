package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/bot/slackfake"
	"cercle/commands"
)

// This file and group_*_test.go drive working groups end to end: signed
// slash commands, button presses and modal submissions go through the
// bot's dispatch into the core and a SQLite file, and the tests read what
// the fake Slack was asked (conversations.*, views.open, DMs) and what
// the database holds. helpers first, then the creation modal.

// said is what a person reads of a payload: JSON's and mrkdwn's escapes
// undone, French non-breaking spaces read as spaces, so tests look for
// phrases as they are written.
func said(raw string) string {
	s := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(unescapeJSON(raw))
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}

// wantSaid fails the test unless text holds every phrase, and no
// formatting mistake (fmt's "%!") shows in it.
func wantSaid(t *testing.T, what, text string, phrases ...string) {
	t.Helper()
	if strings.Contains(text, "%!") {
		t.Errorf("%s shows a formatting mistake:\n%s", what, text)
	}
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, text)
		}
	}
}

// View state values as Slack sends them, per kind of element.
func textInput(v string) map[string]any {
	return map[string]any{"value": map[string]any{"type": "plain_text_input", "value": v}}
}

func choice(v string) map[string]any {
	return map[string]any{"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}}
}

func conversation(id string) map[string]any {
	return map[string]any{"value": map[string]any{"type": "conversations_select", "selected_conversation": id}}
}

func moment(at time.Time) map[string]any {
	return map[string]any{"value": map[string]any{"type": "datetimepicker", "selected_date_time": at.Unix()}}
}

// groupForm is the state of the new-group modal; channel is an existing
// channel's id, or empty for Cercle to create one.
func groupForm(name, slug string, private bool, channel string) map[string]any {
	privacy := "public"
	if private {
		privacy = "private"
	}
	v := map[string]any{"group_name": textInput(name), "group_slug": textInput(slug),
		"group_description": textInput("Mutualiser nos achats d'énergie"), "group_privacy": choice(privacy)}
	if channel != "" {
		v["group_channel"] = conversation(channel)
	}
	return v
}

// submitForm posts a view_submission for the modal callbackID, signed, and
// returns the status and what the ack says.
func (h *harness) submitForm(t *testing.T, user, callbackID, metadata string, values map[string]any) (int, string) {
	t.Helper()
	code, out := h.interact(t, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"},
		"user": map[string]any{"id": user, "name": strings.ToLower(user)}, "trigger_id": "trig-submit-" + user,
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": callbackID, "private_metadata": metadata,
			"state": map[string]any{"values": values}},
	})
	return code, said(string(out))
}

// fieldErrors reads the ack of a refused submission: field id → message;
// nil when the ack is not response_action errors.
func fieldErrors(t *testing.T, ack string) map[string]string {
	t.Helper()
	var r struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(ack), &r); err != nil {
		t.Fatalf("ack %s: %v", ack, err)
	}
	if r.Action != "errors" {
		return nil
	}
	return r.Errors
}

// role makes user a member with role, as an admin would.
func (h *harness) role(t *testing.T, user string, role commands.Role) {
	t.Helper()
	if _, err := h.service.EnsureMember(context.Background(), commands.User{ID: commands.UserID(user), Name: "Membre " + user}, role); err != nil {
		t.Fatal(err)
	}
}

// newGroup has the facilitator UFAC create a group through the modal, its
// channel made by Cercle, and returns it as stored.
func (h *harness) newGroup(t *testing.T, name, slug string) *commands.Group {
	t.Helper()
	h.role(t, "UFAC", commands.RoleFacilitator)
	if code, ack := h.submitForm(t, "UFAC", commands.FormGroup, "", groupForm(name, slug, false, "")); code != 200 || !strings.Contains(ack, "est créé") {
		t.Fatalf("creating %s: %d %s", slug, code, ack)
	}
	return h.group(t, slug)
}

// group reads a group from the database.
func (h *harness) group(t *testing.T, slug string) *commands.Group {
	t.Helper()
	g, err := h.db.FindGroupBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("group %s: %v", slug, err)
	}
	return g
}

// groupCount is how many groups exist, archived ones included.
func (h *harness) groupCount(t *testing.T) int {
	t.Helper()
	gs, err := h.db.FindGroups(context.Background(), commands.GroupFilter{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	return len(gs)
}

// slackMembers returns the members of a channel of the fake Slack.
func (h *harness) slackMembers(t *testing.T, ch commands.ChannelID) []string {
	t.Helper()
	c, ok := h.slack.Channel(string(ch))
	if !ok {
		t.Fatalf("no channel %s in Slack", ch)
	}
	return c.Members
}

// calledWith returns the calls to method whose argument key is value.
func (h *harness) calledWith(method, key, value string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range h.slack.Calls(method) {
		if c.Form.Get(key) == value {
			out = append(out, c)
		}
	}
	return out
}

func TestGroupModalOpensForFacilitators(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.role(t, "UFAC", commands.RoleFacilitator)
	if ack := h.slash(t, "UFAC", "groupe nouveau"); ack.raw != "" {
		t.Errorf("opening the form should ack empty, got %s", ack.raw)
	}
	opens := h.slack.WaitCalls("views.open", 1, 2*time.Second)
	if len(opens) != 1 || opens[0].Form.Get("trigger_id") != "trigger-UFAC" {
		t.Fatalf("views.open calls = %+v", opens)
	}
	var view struct {
		CallbackID string `json:"callback_id"`
		Title      struct{ Text string }
		Blocks     []struct {
			BlockID  string `json:"block_id"`
			Optional bool   `json:"optional"`
			Element  struct {
				Type   string `json:"type"`
				Filter struct {
					Include []string `json:"include"`
				} `json:"filter"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(opens[0].Form.Get("view")), &view); err != nil {
		t.Fatal(err)
	}
	if view.CallbackID != commands.FormGroup || view.Title.Text != "Nouveau groupe" {
		t.Errorf("modal %q titled %q", view.CallbackID, view.Title.Text)
	}
	var ids []string
	for _, b := range view.Blocks {
		ids = append(ids, b.BlockID)
		if b.BlockID == "group_channel" && (b.Element.Type != "conversations_select" || !b.Optional ||
			!slices.Equal(b.Element.Filter.Include, []string{"public", "private"})) {
			t.Errorf("existing channel field = %+v, want an optional conversations_select of public and private channels", b)
		}
	}
	if want := []string{"group_name", "group_slug", "group_description", "group_privacy", "group_channel"}; !slices.Equal(ids, want) {
		t.Errorf("fields %v, want %v", ids, want)
	}

	// A plain member is refused, in French, and no modal opens.
	ack := h.slash(t, "U1", "groupe nouveau")
	wantSaid(t, "member's ack", said(ack.raw), "réservée aux animateurs du réseau")
	if n := len(h.slack.Calls("views.open")); n != 1 {
		t.Errorf("views.open called %d times, want once", n)
	}
}

func TestGroupCreatedWithItsChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.role(t, "UFAC", commands.RoleFacilitator)
	code, ack := h.submitForm(t, "UFAC", commands.FormGroup, "", groupForm("Achats groupés", "achats", true, ""))
	if code != 200 || !strings.Contains(ack, `"response_action":"update"`) {
		t.Fatalf("submission: %d %s", code, ack)
	}
	wantSaid(t, "confirmation", ack, "Le groupe Achats groupés est créé.", "/cercle rejoindre achats")
	creates := h.slack.Calls("conversations.create")
	if len(creates) != 1 || creates[0].Form.Get("name") != "achats" || creates[0].Form.Get("is_private") != "true" {
		t.Fatalf("conversations.create calls = %+v", creates)
	}
	g := h.group(t, "achats")
	if g.Name != "Achats groupés" || !g.Private || g.Channel == "" || !g.ChannelCreated || g.Archived() ||
		!slices.Equal(g.Leads, []commands.UserID{"UFAC"}) {
		t.Errorf("stored %+v", g)
	}
	wantSaid(t, "confirmation", ack, "<#"+string(g.Channel)+">")
	// The facilitator is invited to the channel Cercle made.
	if invites := h.calledWith("conversations.invite", "users", "UFAC"); len(invites) != 1 || invites[0].Form.Get("channel") != string(g.Channel) {
		t.Errorf("conversations.invite calls = %+v", h.slack.Calls("conversations.invite"))
	}
	if got, want := h.slackMembers(t, g.Channel), []string{"UBOT", "UFAC"}; !slices.Equal(got, want) {
		t.Errorf("channel members %v, want %v", got, want)
	}
	if got := h.members(t, g); !slices.Equal(got, []string{"UFAC"}) {
		t.Errorf("group members %v, want the facilitator", got)
	}
}

func TestGroupModalRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.newGroup(t, "Achats groupés", "achats")
	creates := len(h.slack.Calls("conversations.create"))
	refused := func(t *testing.T, values map[string]any, field string, phrases ...string) {
		t.Helper()
		code, ack := h.submitForm(t, "UFAC", commands.FormGroup, "", values)
		errs := fieldErrors(t, ack)
		if code != 200 || errs[field] == "" {
			t.Fatalf("got %d %s, want an error on %s", code, ack, field)
		}
		wantSaid(t, "error on "+field, errs[field], phrases...)
		if n := h.groupCount(t); n != 1 {
			t.Errorf("%d groups after a refused form, want 1", n)
		}
	}
	for _, slug := range []string{"recrutement rh", "énergie", "Recrutement", "rh_", "r"} {
		t.Run("ShortName/"+slug, func(t *testing.T) {
			refused(t, groupForm("Recrutement & RH", slug, false, ""), "group_slug",
				"minuscules sans accents ni espaces", "« recrutement-rh »")
		})
	}
	t.Run("SlugTaken", func(t *testing.T) {
		refused(t, groupForm("Achats bis", "achats", false, ""), "group_slug", "« achats » est déjà pris")
	})
	t.Run("NameTaken", func(t *testing.T) {
		refused(t, groupForm("ACHATS GROUPÉS", "achats-bis", false, ""), "group_name", "Un groupe s'appelle déjà « ACHATS GROUPÉS »")
	})
	// Nothing refused made a channel in Slack: a channel made for a group
	// that is not created stays behind, its name taken.
	if n := len(h.slack.Calls("conversations.create")); n != creates {
		t.Errorf("refused forms called conversations.create %d times", n-creates)
	}
	t.Run("ChannelNameTaken", func(t *testing.T) {
		h.slack.AddChannel("recrutement", false, "U9")
		refused(t, groupForm("Recrutement", "recrutement", false, ""), "group_slug",
			"Un canal #recrutement existe déjà", "choisissez-le dans « Canal existant »")
	})
	t.Run("RateLimited", func(t *testing.T) {
		h.slack.Script("conversations.create", slackfake.Reply{Status: http.StatusTooManyRequests, RetryAfter: "30"})
		refused(t, groupForm("Export", "export", false, ""), "group_slug", "Réessayez dans 30 secondes.")
	})
	t.Run("PrivateChannelWithoutTheBot", func(t *testing.T) {
		ch := h.slack.AddChannel("direction", true, "U9")
		refused(t, groupForm("Direction", "direction", true, ch), "group_channel", "invitez d'abord Cercle", "/invite @Cercle")
	})
	t.Run("ChannelOfAnotherGroup", func(t *testing.T) {
		achats := h.group(t, "achats")
		refused(t, groupForm("Veille", "veille", false, string(achats.Channel)), "group_channel",
			"Ce canal est déjà celui du groupe Achats groupés")
	})
	t.Run("Forged", func(t *testing.T) {
		// A member posting the form Slack would only show facilitators.
		code, ack := h.submitForm(t, "U1", commands.FormGroup, "", groupForm("Pirates", "pirates", false, ""))
		wantSaid(t, "forged form's ack", ack, "réservée aux animateurs du réseau")
		if code != 200 || h.groupCount(t) != 1 || len(h.calledWith("conversations.create", "name", "pirates")) != 0 {
			t.Errorf("forged form: %d, %d groups, create calls %+v", code, h.groupCount(t), h.slack.Calls("conversations.create"))
		}
	})
}

func TestGroupLinksAnExistingChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.role(t, "UFAC", commands.RoleFacilitator)
	ch := h.slack.AddChannel("recrutement", false, "U9")
	code, ack := h.submitForm(t, "UFAC", commands.FormGroup, "", groupForm("Recrutement", "recrutement", false, ch))
	if code != 200 || !strings.Contains(ack, "Le groupe Recrutement est créé.") {
		t.Fatalf("submission: %d %s", code, ack)
	}
	if joins := h.slack.Calls("conversations.join"); len(joins) != 1 || joins[0].Form.Get("channel") != ch {
		t.Errorf("conversations.join calls = %+v", joins)
	}
	if n := len(h.slack.Calls("conversations.create")); n != 0 {
		t.Errorf("conversations.create called %d times for a linked channel", n)
	}
	g := h.group(t, "recrutement")
	if g.Channel != commands.ChannelID(ch) || g.ChannelCreated {
		t.Errorf("stored %+v, want channel %s, not made by Cercle", g, ch)
	}
	if !slices.Contains(h.slackMembers(t, g.Channel), slackfake.BotUser) {
		t.Errorf("the bot is not in the linked channel")
	}
}
