package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
)

func TestSlashHelpOverSignedHTTP(t *testing.T) {
	h := newHarness(t)
	ack := h.slash(t, "U1", "aide")
	if ack.ResponseType != "ephemeral" {
		t.Errorf("response_type = %q, want ephemeral", ack.ResponseType)
	}
	for _, want := range []string{"Commandes Cercle", "/cercle profil", "Présenter mon entreprise"} {
		if !strings.Contains(ack.raw, want) {
			t.Errorf("ack lacks %q: %s", want, ack.raw)
		}
	}
	if strings.Contains(ack.raw, "/cercle role") {
		t.Errorf("a member is shown the admin command: %s", ack.raw)
	}
	if len(ack.Blocks) == 0 {
		t.Error("ack has no blocks")
	}
	// First contact created the member; users.info completes it in the
	// background.
	h.service.SyncProfiles(context.Background())
	m, err := h.db.FindMemberByUserID(context.Background(), "U1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "Membre U1" || m.TimeZone != "Europe/Paris" || m.SyncedAt.IsZero() {
		t.Errorf("member = %+v, want name, zone and sync time from users.info", m)
	}
}

func TestHelpInEnglish(t *testing.T) {
	h := newHarness(t)
	h.slack.SetUserInfo(func(id string) (map[string]any, time.Duration) {
		return map[string]any{"id": id, "name": "ann", "real_name": "Ann", "tz": "Europe/London", "locale": "en-GB"}, 0
	})
	h.slash(t, "U1", "help") // first contact: the profile follows
	h.service.SyncProfiles(context.Background())
	ack := h.slash(t, "U1", "help")
	if !strings.Contains(ack.raw, "Cercle commands") {
		t.Errorf("English member got: %s", ack.raw)
	}
	ack = h.slash(t, "U1", "langue fr")
	if !strings.Contains(ack.raw, "français") {
		t.Errorf("switch to French: %s", ack.raw)
	}
	if ack := h.slash(t, "U1", "aide"); !strings.Contains(ack.raw, "Commandes Cercle") {
		t.Errorf("after switching, help: %s", ack.raw)
	}
}

func TestSlackExampleSignature(t *testing.T) {
	// Slack's documented example (docs "Verifying requests from Slack").
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := bot.Sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, []byte(body))
	want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestBadSignaturesAreRefused(t *testing.T) {
	h := newHarness(t)
	body := h.slashBody("UNEW", "aide")
	now := time.Now()
	tests := []struct {
		name   string
		header func(http.Header)
		body   []byte
	}{
		{"Missing", func(h http.Header) {}, body},
		{"MissingTimestamp", func(h http.Header) { h.Set("X-Slack-Signature", bot.Sign(testSecret, now.Unix(), body)) }, body},
		{"WrongSecret", func(h http.Header) { bot.SignRequest(h, "not-the-secret", now, body) }, body},
		{"Tampered", func(h http.Header) { bot.SignRequest(h, testSecret, now, body) }, []byte(strings.Replace(string(body), "UNEW", "UADMIN", 1))},
		{"TooOld", func(h http.Header) { bot.SignRequest(h, testSecret, now.Add(-6*time.Minute), body) }, body},
		{"InTheFuture", func(h http.Header) { bot.SignRequest(h, testSecret, now.Add(6*time.Minute), body) }, body},
		{"Malformed", func(h http.Header) {
			bot.SignRequest(h, testSecret, now, body)
			h.Set("X-Slack-Signature", "v1=deadbeef")
		}, body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL, strings.NewReader(string(tt.body)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			tt.header(req.Header)
			resp, out := do(t, req)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401 (%s)", resp.StatusCode, out)
			}
		})
	}
	t.Run("OtherKinds", func(t *testing.T) {
		// Interactivity and events are checked the same way.
		bodies := map[string][]byte{
			"application/x-www-form-urlencoded": []byte(`payload={"type":"block_actions","user":{"id":"UNEW"},"actions":[{"action_id":"profile.edit"}]}`),
			"application/json":                  []byte(`{"type":"event_callback","event_id":"EvBad","event":{"type":"app_home_opened","user":"UNEW","tab":"home"}}`),
		}
		for ct, b := range bodies {
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL, strings.NewReader(string(b)))
			req.Header.Set("Content-Type", ct)
			bot.SignRequest(req.Header, "not-the-secret", now, b)
			if resp, out := do(t, req); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: status = %d, want 401 (%s)", ct, resp.StatusCode, out)
			}
		}
	})
	if n := h.memberCount(t); n != 0 {
		t.Errorf("refused requests created %d members", n)
	}
	if calls := h.slack.Calls(""); len(calls) != 0 {
		t.Errorf("refused requests reached Slack: %v", calls)
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	resp, out := h.post(t, "application/json", body, time.Now())
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") {
		t.Errorf("got %d %s, want the challenge back", resp.StatusCode, out)
	}
}

func TestUnknownCommandSuggestsClosest(t *testing.T) {
	h := newHarness(t)
	ack := h.slash(t, "U1", "profli")
	for _, want := range []string{"Je ne connais pas la commande «\u00a0profli\u00a0»", "Vouliez-vous dire", "/cercle profil", "Commandes Cercle"} {
		if !strings.Contains(ack.raw, want) {
			t.Errorf("ack lacks %q: %s", want, ack.raw)
		}
	}
}

func TestRoles(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.db.EnsureAdmins(ctx, []commands.UserID{"UADMIN"}); err != nil {
		t.Fatal(err)
	}
	t.Run("MemberRefused", func(t *testing.T) {
		h.slash(t, "U2", "aide") // U2 exists, as a member
		ack := h.slash(t, "U1", "role <@U2|bob> animateur")
		if !strings.Contains(ack.raw, "réservée aux administrateurs") {
			t.Errorf("member running role: %s", ack.raw)
		}
		m, err := h.db.FindMemberByUserID(ctx, "U2")
		if err != nil || m.Role != commands.RoleMember {
			t.Errorf("U2 = %+v, %v after a refused command; want a member", m, err)
		}
	})
	t.Run("AdminGivesRole", func(t *testing.T) {
		ack := h.slash(t, "UADMIN", "role <@U2|bob> animateur")
		if !strings.Contains(ack.raw, "<@U2> a maintenant le rôle «\u00a0animation\u00a0»") {
			t.Errorf("ack: %s", ack.raw)
		}
		m, err := h.db.FindMemberByUserID(ctx, "U2")
		if err != nil || m.Role != commands.RoleFacilitator {
			t.Fatalf("U2 = %+v, %v; want a facilitator", m, err)
		}
	})
	t.Run("BadRole", func(t *testing.T) {
		ack := h.slash(t, "UADMIN", "role <@U2> pape")
		if !strings.Contains(ack.raw, "Rôle inconnu «\u00a0pape\u00a0»") || !strings.Contains(ack.raw, "Utilisation") {
			t.Errorf("ack: %s", ack.raw)
		}
	})
	t.Run("MissingArgs", func(t *testing.T) {
		ack := h.slash(t, "UADMIN", "role")
		if !strings.Contains(ack.raw, "Indiquez le membre puis le rôle") {
			t.Errorf("ack: %s", ack.raw)
		}
	})
}

func TestBadInput(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, text, want string
	}{
		{"Empty", "", "Commandes Cercle"},
		{"Spaces", "   \t ", "Commandes Cercle"},
		{"TenKilobytes", strings.Repeat("é", 5000), "Commande trop longue"},
		{"InvalidUTF8", "aide \xff\xfe", "caractères illisibles"},
		{"UnclosedQuote", `role "Claire`, "guillemet"},
		{"ChannelPing", "<!channel> hello", "Je ne connais pas la commande «\u00a0&lt;!channel&gt;\u00a0»"},
		{"MentionAsCommand", "<@U123>", "Je ne connais pas la commande «\u00a0&lt;@u123&gt;\u00a0»"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := h.slash(t, "U1", tt.text)
			if !strings.Contains(ack.raw, tt.want) {
				t.Errorf("ack lacks %q: %.500s", tt.want, ack.raw)
			}
			if strings.Contains(ack.raw, "<!channel>") || strings.Contains(ack.raw, "<@U123>") || strings.Contains(ack.raw, "<@u123>") {
				t.Errorf("ack carries a live mention: %.500s", ack.raw)
			}
		})
	}
}

func TestProfileModal(t *testing.T) {
	h := newHarness(t)
	ack := h.slash(t, "U1", "profil")
	if ack.raw != "" {
		t.Errorf("opening a form should ack empty, got %s", ack.raw)
	}
	opens := h.slack.WaitCalls("views.open", 1, time.Second)
	if len(opens) != 1 || opens[0].Form.Get("trigger_id") != "trigger-U1" {
		t.Fatalf("views.open calls = %+v", opens)
	}
	var view struct {
		CallbackID string `json:"callback_id"`
		Blocks     []struct {
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(opens[0].Form.Get("view")), &view); err != nil {
		t.Fatal(err)
	}
	if view.CallbackID != "profile" || len(view.Blocks) != 5 || view.Blocks[0].BlockID != "company_name" {
		t.Errorf("modal = %+v", view)
	}

	submit := func(values map[string]string) (int, string) {
		state := map[string]map[string]map[string]string{}
		for id, v := range values {
			state[id] = map[string]map[string]string{"value": {"type": "plain_text_input", "value": v}}
		}
		code, out := h.interact(t, map[string]any{
			"type": "view_submission", "team": map[string]any{"id": "T1"},
			"user": map[string]any{"id": "U1", "name": "u1"}, "trigger_id": "t2",
			"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "profile", "private_metadata": "",
				"state": map[string]any{"values": state}},
		})
		return code, unescapeJSON(string(out))
	}

	t.Run("FieldErrors", func(t *testing.T) {
		code, out := submit(map[string]string{"company_name": "", "company_headcount": "beaucoup", "company_founded": "3000"})
		if code != http.StatusOK || !strings.Contains(out, `"response_action":"errors"`) {
			t.Fatalf("got %d %s", code, out)
		}
		for _, want := range []string{`"company_name":"Indiquez le nom de votre entreprise."`, `"company_headcount"`, `"company_founded"`} {
			if !strings.Contains(out, want) {
				t.Errorf("errors lack %s: %s", want, out)
			}
		}
		if m, _ := h.db.FindMemberByUserID(context.Background(), "U1"); m.Company != nil {
			t.Errorf("an invalid form saved a company: %+v", m.Company)
		}
	})
	t.Run("SavedAndEscaped", func(t *testing.T) {
		code, out := submit(map[string]string{"company_name": "Acme <!channel> & <@U999>", "company_sector": "Métallurgie",
			"company_headcount": "45", "company_city": "Douai", "company_founded": "1995"})
		if code != http.StatusOK || !strings.Contains(out, `"response_action":"update"`) {
			t.Fatalf("got %d %s", code, out)
		}
		if strings.Contains(out, "<!channel>") || strings.Contains(out, "<@U999>") {
			t.Errorf("confirmation carries a live mention: %s", out)
		}
		if !strings.Contains(out, "Acme &lt;!channel&gt; &amp; &lt;@U999&gt;") || !strings.Contains(out, "45 salariés") {
			t.Errorf("confirmation: %s", out)
		}
		m, err := h.db.FindMemberByUserID(context.Background(), "U1")
		if err != nil || m.Company == nil || m.Company.Name != "Acme <!channel> & <@U999>" || m.Company.FoundedYear != 1995 {
			t.Fatalf("stored = %+v, %v", m, err)
		}
	})
	t.Run("HomeShowsItEscaped", func(t *testing.T) {
		h.service.SyncProfiles(context.Background()) // the name users.info gives
		code, _ := h.event(t, "Ev1", map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		pubs := h.slack.WaitCalls("views.publish", 1, 2*time.Second)
		if len(pubs) != 1 {
			t.Fatalf("views.publish calls = %d", len(pubs))
		}
		view := unescapeJSON(pubs[0].Form.Get("view"))
		if pubs[0].Form.Get("user_id") != "U1" || !strings.Contains(view, "Acme &lt;!channel&gt;") || strings.Contains(view, "<!channel>") {
			t.Errorf("home view: %s", view)
		}
		for _, want := range []string{"Bonjour Membre U1", "membre", "Modifier mon profil", "/cercle aide"} {
			if !strings.Contains(view, want) {
				t.Errorf("home lacks %q", want)
			}
		}
	})
}

func TestHomeButtonOpensForm(t *testing.T) {
	h := newHarness(t)
	code, out := h.interact(t, map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "U1"},
		"trigger_id": "trig-home", "container": map[string]any{"type": "view", "view_id": "V1"},
		"actions": []map[string]any{{"type": "button", "action_id": "profile.edit", "block_id": "b", "action_ts": "1"}},
	})
	if code != http.StatusOK || len(out) != 0 {
		t.Fatalf("ack = %d %s, want an empty 200", code, out)
	}
	opens := h.slack.WaitCalls("views.open", 1, 2*time.Second)
	if len(opens) != 1 || opens[0].Form.Get("trigger_id") != "trig-home" {
		t.Fatalf("views.open calls = %+v", opens)
	}
}

func TestForgedActionIsRefused(t *testing.T) {
	h := newHarness(t)
	code, _ := h.interact(t, map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "U1"},
		"trigger_id": "t", "response_url": h.slack.ResponseURL("forged"),
		"actions": []map[string]any{{"type": "button", "action_id": "drop.tables", "value": "<!channel>", "block_id": "b", "action_ts": "1"}},
	})
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	calls := h.slack.WaitCalls("response_url", 1, 2*time.Second)
	if len(calls) != 1 || !strings.Contains(calls[0].Body, "Ce bouton n'est plus valable") {
		t.Fatalf("response_url calls = %+v", calls)
	}
}

func TestRetriedEventHandledOnce(t *testing.T) {
	h := newHarness(t)
	inner := map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
	for i := 0; i < 3; i++ {
		if code, _ := h.event(t, "EvSame", inner); code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, code)
		}
	}
	h.slack.WaitCalls("views.publish", 1, 2*time.Second)
	time.Sleep(100 * time.Millisecond) // let a wrongly started second publish land
	if n := len(h.slack.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times for one event_id, want 1", n)
	}
}

func TestChatMessages(t *testing.T) {
	h := newHarness(t)
	t.Run("MentionAnsweredEphemerally", func(t *testing.T) {
		h.event(t, "EvM1", map[string]any{"type": "app_mention", "user": "U1", "channel": "C9", "text": "<@UBOT> aide", "ts": "1.1"})
		calls := h.slack.WaitCalls("chat.postEphemeral", 1, 2*time.Second)
		if len(calls) != 1 || calls[0].Form.Get("user") != "U1" || calls[0].Form.Get("channel") != "C9" ||
			!strings.Contains(calls[0].Form.Get("blocks"), "Commandes Cercle") {
			t.Fatalf("ephemeral calls = %+v", calls)
		}
	})
	t.Run("DMQuestionAnsweredWithoutAModel", func(t *testing.T) {
		h.event(t, "EvD1", map[string]any{"type": "message", "channel_type": "im", "user": "U2", "channel": "D2", "text": "quand est la prochaine plénière ?", "ts": "1.2"})
		calls := h.slack.WaitCalls("chat.postMessage", 1, 2*time.Second)
		if len(calls) != 1 || calls[0].Form.Get("channel") != "D2" || !strings.Contains(calls[0].Form.Get("blocks"), "événement") {
			t.Fatalf("postMessage calls = %+v", calls)
		}
	})
	t.Run("BotsAndEditsIgnored", func(t *testing.T) {
		// Replies only: a channel's message makes the bot learn its
		// workspace's address (auth.test), once, and answer nothing.
		replies := func() int { return len(h.slack.Calls("")) - len(h.slack.Calls("auth.test")) }
		before := replies()
		h.event(t, "EvB1", map[string]any{"type": "message", "channel_type": "im", "bot_id": "B1", "channel": "D2", "text": "aide", "ts": "1.3"})
		h.event(t, "EvB2", map[string]any{"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D2", "ts": "1.4"})
		h.event(t, "EvB3", map[string]any{"type": "message", "channel_type": "channel", "user": "U5", "channel": "C5", "text": "aide", "ts": "1.5"})
		h.event(t, "EvB4", map[string]any{"type": "reaction_added", "user": "U5", "reaction": "tada"})
		time.Sleep(100 * time.Millisecond)
		if after := replies(); after != before {
			t.Errorf("ignored events made %d Slack calls", after-before)
		}
	})
}

func TestSlowAnswerGoesThroughResponseURL(t *testing.T) {
	h := newHarness(t, withBot(func(c *bot.Config) { c.AckBudget = 20 * time.Millisecond }))
	ev := h.publishedEvent(t, 10)
	h.slash(t, "U1", "aide") // the member exists: only the registration waits
	// The disk is slow: the writer is held longer than the ack budget.
	release := h.holdWriter(t, ev.ID)
	time.AfterFunc(200*time.Millisecond, release)
	ack := h.slash(t, "U1", fmt.Sprintf("inscrire %d", ev.ID))
	if !strings.Contains(ack.raw, "Je m'en occupe") {
		t.Fatalf("ack = %s, want the working-on-it message", ack.raw)
	}
	calls := h.slack.WaitCalls("response_url", 1, 3*time.Second)
	if len(calls) != 1 || !strings.Contains(calls[0].Body, "votre place est réservée") {
		t.Fatalf("response_url calls = %+v", calls)
	}
}

func TestSlackDownStillAnswers(t *testing.T) {
	h := newHarness(t)
	h.slack.SetUserInfo(func(id string) (map[string]any, time.Duration) { return nil, 0 })
	h.slack.Script("users.info", slackfakeReply(http.StatusInternalServerError))
	ack := h.slash(t, "U1", "aide")
	if !strings.Contains(ack.raw, "Commandes Cercle") {
		t.Fatalf("ack = %s", ack.raw)
	}
	m, err := h.db.FindMemberByUserID(context.Background(), "U1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "u1" || !m.SyncedAt.IsZero() {
		t.Errorf("member created while Slack is down = %+v, want the request's name and no sync", m)
	}
}

func TestFormThatCannotOpenIsSaid(t *testing.T) {
	h := newHarness(t)
	h.slack.Script("views.open", slackfake.Reply{Body: `{"ok":false,"error":"expired_trigger_id"}`})
	ack := h.slash(t, "U1", "profil")
	if strings.Contains(ack.raw, "Je m'en occupe") {
		t.Fatalf("ack = %s, want empty (the form is the answer)", ack.raw)
	}
	calls := h.slack.WaitCalls("response_url", 1, 3*time.Second)
	if len(calls) != 1 || !strings.Contains(unescapeJSON(calls[0].Body), "formulaire n'a pas pu s'ouvrir") {
		t.Fatalf("response_url calls = %+v, want the member told to ask again", calls)
	}
}
