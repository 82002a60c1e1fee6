package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
)

// groupChannel is a working group whose channel the bot created in the
// fake Slack, led by UFAC.
func (h *harness) groupChannel(t *testing.T, slug string) *commands.Group {
	t.Helper()
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	api := bot.NewClient(bot.Config{BotToken: "xoxb-test", APIURL: h.slack.APIURL()}, nil, nil)
	ch, err := bot.NewChannels(api).CreateChannel(ctx, slug, false)
	if err != nil {
		t.Fatal(err)
	}
	g := &commands.Group{Slug: slug, Name: "Groupe " + slug, Channel: ch, ChannelCreated: true, CreatedBy: "UFAC", CreatedAt: time.Now()}
	if err := h.db.CreateGroup(ctx, g, []commands.UserID{"UFAC"}); err != nil {
		t.Fatal(err)
	}
	return g
}

// settle waits until the events sent so far are handled: an event's ack
// comes before its work.
func (h *harness) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.bot.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// messages returns what is kept of a group's channel, by TS.
func (h *harness) messages(t *testing.T, g *commands.Group) map[string]*commands.GroupMessage {
	t.Helper()
	h.settle(t)
	now := time.Now()
	msgs, err := h.db.GroupMessages(context.Background(), g.ID, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*commands.GroupMessage{}
	for _, m := range msgs {
		out[m.TS] = m
	}
	return out
}

// members returns the ids of a group's members.
func (h *harness) members(t *testing.T, g *commands.Group) []string {
	t.Helper()
	h.settle(t)
	ms, err := h.db.GroupMembers(context.Background(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, string(m.User))
	}
	slices.Sort(out)
	return out
}

// tsClock hands out Slack timestamps ("seconds.micros"), unique and
// increasing, from now.
type tsClock struct {
	mu   sync.Mutex
	base int64
	n    int
}

func (c *tsClock) next() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base == 0 {
		c.base = time.Now().Unix()
	}
	c.n++
	return fmt.Sprintf("%d.%06d", c.base, c.n)
}

// message is a message event of a public channel, as Slack sends it.
func message(ch commands.ChannelID, user, text, ts, thread string) map[string]any {
	m := map[string]any{"type": "message", "channel": string(ch), "channel_type": "channel",
		"user": user, "text": text, "ts": ts, "event_ts": ts}
	if thread != "" {
		m["thread_ts"] = thread
	}
	return m
}

// errorLog is a logger whose errors a test can read.
type errorLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *errorLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *errorLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestGroupChannelMessagesKept(t *testing.T) {
	logs := &errorLog{}
	h := newHarness(t, withLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	g := h.groupChannel(t, "achats-groupes")
	var ts tsClock

	t.Run("MessageKeptWithPermalink", func(t *testing.T) {
		first := ts.next()
		h.event(t, "EvM1", message(g.Channel, "U1", "Devis &lt;fournisseur&gt; &amp; livraison", first, ""))
		m := h.messages(t, g)[first]
		if m == nil {
			t.Fatal("message not kept")
		}
		wantLink := slackfake.WorkspaceURL + "archives/" + string(g.Channel) + "/p" + strings.Replace(first, ".", "", 1)
		if m.Author != "U1" || m.Text != "Devis <fournisseur> & livraison" || m.Permalink != wantLink || m.ThreadTS != "" ||
			time.Since(m.PostedAt) > time.Minute {
			t.Errorf("kept %+v, want link %s", m, wantLink)
		}
		if n := len(h.slack.Calls("auth.test")); n != 1 {
			t.Errorf("auth.test called %d times, want once", n)
		}

		reply := ts.next()
		h.event(t, "EvM2", message(g.Channel, "U2", "Je prends", reply, first))
		m = h.messages(t, g)[reply]
		if m == nil || m.ThreadTS != first || !strings.HasSuffix(m.Permalink, "?thread_ts="+first+"&cid="+string(g.Channel)) {
			t.Errorf("reply kept as %+v", m)
		}
		if n := len(h.slack.Calls("auth.test")); n != 1 {
			t.Errorf("auth.test called %d times, want once", n)
		}
	})
	t.Run("BotMessagesNotKept", func(t *testing.T) {
		byBot, byApp := ts.next(), ts.next()
		h.event(t, "EvB1", map[string]any{"type": "message", "subtype": "bot_message", "channel": string(g.Channel), "channel_type": "channel",
			"bot_id": "B9", "text": "Rappel automatique", "ts": byBot})
		bm := message(g.Channel, "UAPP", "Posté par une appli", byApp, "")
		bm["bot_id"] = "B8"
		h.event(t, "EvB2", bm)
		msgs := h.messages(t, g)
		if msgs[byBot] != nil || msgs[byApp] != nil {
			t.Errorf("bots' messages kept: %+v %+v", msgs[byBot], msgs[byApp])
		}
	})
	t.Run("EditReplacesText", func(t *testing.T) {
		orig := ts.next()
		h.event(t, "EvE1", message(g.Channel, "U1", "Réunion mardi", orig, ""))
		h.settle(t)
		edit := ts.next()
		h.event(t, "EvE2", map[string]any{"type": "message", "subtype": "message_changed", "channel": string(g.Channel),
			"channel_type": "channel", "ts": edit, "event_ts": edit, "hidden": true,
			"message":          map[string]any{"type": "message", "user": "U1", "text": "Réunion jeudi", "ts": orig, "edited": map[string]any{"user": "U1", "ts": edit}},
			"previous_message": map[string]any{"type": "message", "user": "U1", "text": "Réunion mardi", "ts": orig}})
		if m := h.messages(t, g)[orig]; m == nil || m.Text != "Réunion jeudi" || m.EditedAt.IsZero() {
			t.Errorf("after the edit: %+v", m)
		}
	})
	t.Run("DeleteRemoves", func(t *testing.T) {
		orig := ts.next()
		h.event(t, "EvD1", message(g.Channel, "U1", "Erreur de canal", orig, ""))
		if h.messages(t, g)[orig] == nil {
			t.Fatal("message not kept")
		}
		del := ts.next()
		h.event(t, "EvD2", map[string]any{"type": "message", "subtype": "message_deleted", "channel": string(g.Channel),
			"channel_type": "channel", "ts": del, "event_ts": del, "hidden": true, "deleted_ts": orig,
			"previous_message": map[string]any{"type": "message", "user": "U1", "text": "Erreur de canal", "ts": orig}})
		if m := h.messages(t, g)[orig]; m != nil {
			t.Errorf("deleted message still kept: %+v", m)
		}
	})
	t.Run("OffTheRecordThreadNotKept", func(t *testing.T) {
		parent, reply := ts.next(), ts.next()
		h.event(t, "EvO1", message(g.Channel, "U1", "[off] entre nous", parent, ""))
		// Events are handled concurrently; a reply comes after its parent.
		h.settle(t)
		h.event(t, "EvO2", message(g.Channel, "U2", "D'accord", reply, parent))
		msgs := h.messages(t, g)
		if msgs[parent] != nil || msgs[reply] != nil {
			t.Errorf("off the record kept: %+v %+v", msgs[parent], msgs[reply])
		}
	})
	t.Run("LongMessageCut", func(t *testing.T) {
		long := ts.next()
		h.event(t, "EvL1", message(g.Channel, "U1", strings.Repeat("é", 40000), long, ""))
		m := h.messages(t, g)[long]
		if m == nil {
			t.Fatal("long message not kept")
		}
		if n := utf8.RuneCountInString(m.Text); n > 4001 || n < 4000 {
			t.Errorf("kept %d characters, want 4,000 and a mark", n)
		}
	})
	t.Run("RetriedEventActsOnce", func(t *testing.T) {
		orig := ts.next()
		h.event(t, "EvR1", message(g.Channel, "U1", "Qui vient ?", orig, ""))
		h.settle(t)
		reaction := map[string]any{"type": "reaction_added", "user": "U2", "reaction": "+1", "item_user": "U1",
			"item": map[string]any{"type": "message", "channel": string(g.Channel), "ts": orig}, "event_ts": ts.next()}
		h.event(t, "EvR2", reaction)
		h.settle(t)
		h.event(t, "EvR2", reaction) // Slack's retry
		if m := h.messages(t, g)[orig]; m == nil || m.Reactions != 1 {
			t.Errorf("after one reaction sent twice: %+v", m)
		}
		h.event(t, "EvR3", map[string]any{"type": "reaction_removed", "user": "U2", "reaction": "+1",
			"item": map[string]any{"type": "message", "channel": string(g.Channel), "ts": orig}, "event_ts": ts.next()})
		if m := h.messages(t, g)[orig]; m == nil || m.Reactions != 0 {
			t.Errorf("after the reaction's removal: %+v", m)
		}
	})
	t.Run("UnknownChannelIgnored", func(t *testing.T) {
		before := len(h.messages(t, g))
		code, _ := h.event(t, "EvU1", message("CELSEWHERE", "U1", "Bonjour", ts.next(), ""))
		if after := len(h.messages(t, g)); code != 200 || after != before {
			t.Errorf("status %d, kept %d → %d", code, before, after)
		}
	})
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs)
	}
}

func TestGroupFollowsItsChannel(t *testing.T) {
	h := newHarness(t)
	g := h.groupChannel(t, "recrutement")
	joined := func(id, user string) {
		h.event(t, id, map[string]any{"type": "member_joined_channel", "user": user, "channel": string(g.Channel),
			"channel_type": "C", "team": "T1", "event_ts": "1.1"})
	}
	// Creating the channel makes the bot its first member: not the group's.
	joined("EvJ0", slackfake.BotUser)
	joined("EvJ1", "U4")
	if got, want := h.members(t, g), []string{"U4", "UFAC"}; !slices.Equal(got, want) {
		t.Errorf("members after the join = %v, want %v", got, want)
	}
	h.event(t, "EvJ2", map[string]any{"type": "member_left_channel", "user": "U4", "channel": string(g.Channel),
		"channel_type": "C", "team": "T1", "event_ts": "1.2"})
	if got, want := h.members(t, g), []string{"UFAC"}; !slices.Equal(got, want) {
		t.Errorf("members after the departure = %v, want %v", got, want)
	}
	// The bot's own user id from the event's authorizations, when Slack
	// sends them, needs no auth.test.
	h2 := newHarness(t)
	g2 := h2.groupChannel(t, "export")
	raw, _ := json.Marshal(map[string]any{
		"token": "ignored", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": "EvA1", "event_time": time.Now().Unix(),
		"authorizations": []map[string]any{{"team_id": "T1", "user_id": "UBOT2", "is_bot": true}},
		"event":          map[string]any{"type": "member_joined_channel", "user": "UBOT2", "channel": string(g2.Channel), "channel_type": "C"},
	})
	h2.post(t, "application/json", raw, time.Now())
	if got := h2.members(t, g2); !slices.Equal(got, []string{"UFAC"}) || len(h2.slack.Calls("auth.test")) != 0 {
		t.Errorf("members = %v, auth.test calls = %d", got, len(h2.slack.Calls("auth.test")))
	}
}

func TestGroupChannelMessageOverSocketMode(t *testing.T) {
	h := newHarness(t)
	g := h.groupChannel(t, "numerique")
	conn := h.connectSocket(t)
	if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
		t.Fatal(err)
	}
	ts := fmt.Sprintf("%d.000001", time.Now().Unix())
	if err := conn.WriteJSON(map[string]any{
		"envelope_id": "env-msg", "type": "events_api", "accepts_response_payload": false,
		"payload": map[string]any{"type": "event_callback", "event_id": "EvS1", "team_id": "T1",
			"event": message(g.Channel, "U1", "Atelier IA jeudi", ts, "")},
	}); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ack socketAck
	if err := conn.ReadJSON(&ack); err != nil || ack.EnvelopeID != "env-msg" {
		t.Fatalf("ack %+v, %v", ack, err)
	}
	if m := h.messages(t, g)[ts]; m == nil || m.Text != "Atelier IA jeudi" || !strings.HasPrefix(m.Permalink, slackfake.WorkspaceURL) {
		t.Errorf("kept %+v", m)
	}
}
